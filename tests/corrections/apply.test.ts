/** applyCorrections on the 昆山 seed: decisions whose fact is no longer extracted are restored or reported, never dropped. */
import { beforeAll, describe, expect, it } from 'vitest';
import { applyCorrections, emptyCorrections, extractFile, type Decision, type DocResult } from '../../src/index.js';
import { planKey } from '../../src/store/db.js';
import { SEEDS, seed } from '../helpers/paths.js';

let doc: DocResult;
let key: string;
beforeAll(async () => {
  doc = await extractFile(seed(SEEDS.kunshan));
  const p = doc.plans[0]!.plan;
  key = planKey(p.title, p.region, p.period);
});

const withDecisions = (decisions: Decision[]) => {
  const set = emptyCorrections();
  set.plans.set(key, { file: 'memory.yaml', data: { plan: key, reviewed: false, decisions } });
  return set;
};

/** The document as a rule change that no longer finds the targets whose indicator is `gone` would extract it. */
const without = (gone: string): DocResult => ({
  ...doc,
  plans: doc.plans.map((pr) => ({ ...pr, targets: pr.targets.filter((t) => t.indicator !== gone) })),
});

describe('applyCorrections', () => {
  it('without decisions every fact is extracted and carries its anchor (its span text and occurrence)', () => {
    const out = applyCorrections(doc, emptyCorrections());
    expect(out.reviewNotes).toEqual([]);
    const ts = out.plans[0]!.targets;
    expect(ts.length).toBe(doc.plans[0]!.targets.length);
    for (const t of ts) {
      expect(t.status).toBe('extracted');
      expect(t.anchor!.quote).toBe(doc.norm.text.slice(t.start, t.end).trim());
      expect(t.anchor!.occurrence).toBeGreaterThanOrEqual(0);
    }
  });

  it('tells apart facts that share one quote (A、B和C分别…) by the fields they had', () => {
    const applied = applyCorrections(doc, emptyCorrections());
    const shared = applied.plans[0]!.targets.filter((t) => t.kind === 'goal' && t.anchor!.quote.startsWith('5岁以下儿童死亡率、婴儿死亡率'));
    expect(shared.map((t) => t.indicator)).toEqual(['5岁以下儿童死亡率', '婴儿死亡率', '新生儿死亡率']);
    const q = shared[1]!.anchor!.quote;
    const out = applyCorrections(doc, withDecisions([{ id: 1, action: 'reject', fact: 'target', quote: q, occurrence: 0, was: { indicator: '婴儿死亡率', value: 4 } }]));
    const after = out.plans[0]!.targets.filter((t) => t.anchor!.quote === q);
    expect(after.map((t) => [t.indicator, t.status])).toEqual([
      ['5岁以下儿童死亡率', 'extracted'],
      ['婴儿死亡率', 'rejected'],
      ['新生儿死亡率', 'extracted'],
    ]);
  });

  it('a confirmed fact the rules no longer extract is restored from its decision; a reject with nothing to reject is stale', () => {
    const t = applyCorrections(doc, emptyCorrections()).plans[0]!.targets.find((x) => x.indicator === '新生儿访视率')!;
    const was = { indicator: t.indicator, op: t.op, value: t.value, value2: t.value2, unit: t.unit, year: t.year, kind: 'measure' as const };
    const out = applyCorrections(
      without('新生儿访视率'),
      withDecisions([
        { id: 1, action: 'confirm', fact: 'target', quote: t.anchor!.quote, occurrence: t.anchor!.occurrence, was },
        { id: 2, action: 'reject', fact: 'target', quote: t.anchor!.quote, occurrence: t.anchor!.occurrence, was },
      ]),
    );
    const restored = out.plans[0]!.targets.filter((x) => x.correction === 1);
    expect(restored).toHaveLength(1);
    expect(restored[0]).toMatchObject({ ...was, status: 'confirmed', ruleId: 'review.kept', start: t.start, end: t.end });
    expect(doc.norm.text.slice(restored[0]!.start, restored[0]!.end)).toBe(t.anchor!.quote);
    expect(out.reviewNotes!.map((n) => [n.correction, n.kind, n.reason])).toEqual([
      [1, 'restored', 'the target is no longer extracted; kept as reviewed'],
      [2, 'stale', 'no target is extracted here any more; the decision can be removed'],
    ]);
  });

  it('an added fact the rules now find too is not duplicated', () => {
    const t = doc.plans[0]!.targets.find((x) => x.indicator === '新生儿访视率')!;
    const quote = doc.norm.text.slice(t.start, t.end);
    const set = withDecisions([{ id: 1, action: 'add', fact: 'target', quote, occurrence: 0, set: { indicator: '新生儿访视率', op: '>=', value: 90, unit: '%' } }]);
    const out = applyCorrections(doc, set);
    const hits = out.plans[0]!.targets.filter((x) => x.indicator === '新生儿访视率');
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ status: 'added', correction: 1, op: '>=', value: 90 });
    // and when the rules miss it, the add supplies it
    const missed = applyCorrections(without('新生儿访视率'), set).plans[0]!.targets.filter((x) => x.indicator === '新生儿访视率');
    expect(missed).toHaveLength(1);
    expect(missed[0]).toMatchObject({ status: 'added', ruleId: 'review.add', kind: t.kind });
  });
});
