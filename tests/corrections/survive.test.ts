/**
 * Decisions made with `plandb correct` on the 昆山 seed survive a rebuild, a rule change that moves
 * every offset, and re-ingest of the same plan from its PDF and DOCX renderings; a decision whose
 * quote was removed from the source is reported stale.
 */
import { appendFileSync, copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { openDb, squash, type PlanReview, type ReviewFact } from '../../src/index.js';
import { captureIo } from '../helpers/io.js';
import { CORPUS, FIXTURES, ROOT, SEEDS, tmpDir } from '../helpers/paths.js';

const run = async (...args: string[]) => {
  const io = captureIo();
  const code = await main(['node', 'plandb', ...args], io);
  return { code, out: io.text(), err: io.errText() };
};

const dir = tmpDir('survive');
const corpus = path.join(dir, 'corpus');
const corrections = path.join(dir, 'corrections');
const db = path.join(dir, 'plans.db');
const where = ['--db', db, '--corrections', corrections];
const sq = (s: string) => squash(s).text;

async function review(): Promise<PlanReview> {
  const r = await run('review', '1', '--db', db, '--json');
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as PlanReview;
}

interface Tracked {
  what: string;
  id: number;
  fact: 'target' | 'responsibility';
  quote: string;
  status: string;
  fields: Record<string, unknown>;
}
const tracked: Tracked[] = [];

/** Records a decision through the CLI on the fact chosen by `pick`, and remembers what must hold afterwards. */
async function decide(what: string, pick: (f: ReviewFact) => boolean, action: 'confirm' | 'reject' | 'set', assign: string[], expected: Record<string, unknown>) {
  const before = await review();
  const f = before.facts.find((x) => x.status === 'extracted' && pick(x));
  expect(f, `a fact for: ${what}`).toBeDefined();
  const r = await run('correct', '1', action, f!.ref, ...assign, ...where);
  expect(r.code, r.err).toBe(0);
  const after = await review();
  const same = after.facts.find((x) => x.anchor?.quote === f!.anchor!.quote && x.anchor?.occurrence === f!.anchor!.occurrence && x.fact === f!.fact && x.correction !== null && !tracked.some((t) => t.id === x.correction));
  expect(same, what).toBeDefined();
  const status = action === 'confirm' ? 'confirmed' : action === 'reject' ? 'rejected' : 'edited';
  tracked.push({ what, id: same!.correction!, fact: f!.fact, quote: f!.anchor!.quote, status, fields: { ...f!.fields, ...expected } });
}

async function add(what: string, fact: 'target' | 'responsibility', quote: string, assign: string[], fields: Record<string, unknown>) {
  const r = await run('correct', '1', 'add', fact, '--quote', quote, ...assign, ...where);
  expect(r.code, r.err).toBe(0);
  const f = (await review()).facts.find((x) => x.status === 'added' && sq(x.anchor!.quote) === sq(quote));
  expect(f, what).toBeDefined();
  tracked.push({ what, id: f!.correction!, fact, quote, status: 'added', fields });
}

/** Every tracked decision holds: same status and fields, at a place whose text is the decision's quote. */
async function expectAllKept(except: number[] = []) {
  const r = await review();
  for (const t of tracked) {
    if (except.includes(t.id)) continue;
    const f = r.facts.find((x) => x.correction === t.id);
    expect(f, t.what).toBeDefined();
    expect(f!.status, t.what).toBe(t.status);
    if (t.status !== 'rejected') expect(f!.fields, t.what).toMatchObject(t.fields); // a rejected fact's fields are whatever is extracted
    expect(sq(f!.anchor!.quote), t.what).toBe(sq(t.quote));
    if (t.fact === 'target' && t.status !== 'rejected') expect(sq(f!.context.span), t.what).toBe(sq(t.quote));
  }
  return r;
}

const factStart = (r: PlanReview, id: number) => r.facts.find((f) => f.correction === id)!.start;

beforeAll(async () => {
  mkdirSync(corpus, { recursive: true });
  copyFileSync(path.join(CORPUS, `${SEEDS.kunshan}.txt`), path.join(corpus, `${SEEDS.kunshan}.txt`));
  const r = await run('rebuild', '--corpus', corpus, ...where, '-q');
  expect(r.code, r.err).toBe(0);

  const t = (ind: string, kind?: string) => (f: ReviewFact) => f.fact === 'target' && (f.fields as { indicator: string }).indicator === ind && (!kind || (f.fields as { kind: string }).kind === kind);
  const units = (...us: string[]) => (f: ReviewFact) => f.fact === 'responsibility' && JSON.stringify((f.fields as { units: string[] }).units) === JSON.stringify(us);
  await decide('confirm a table row', t('新生儿死亡率', 'table'), 'confirm', [], {});
  await decide('reject a goal', t('5岁以下儿童死亡率', 'goal'), 'reject', [], {});
  await decide('edit indicator', t('婴儿死亡率', 'goal'), 'set', ['indicator=婴儿死亡率（千分比）'], { indicator: '婴儿死亡率（千分比）' });
  await decide('edit op', t('新生儿死亡率', 'goal'), 'set', ['op=<'], { op: '<' });
  await decide('edit value', t('0-6岁儿童健康管理率'), 'set', ['value=96'], { value: 96 });
  await decide('edit value2', t('0-6岁儿童眼保健和视力检查覆盖率'), 'set', ['op=range', 'value2=100'], { op: 'range', value: 98, value2: 100 });
  await decide('edit unit', t('中小学校心理健康辅导室配备率'), 'set', ['unit=‰'], { unit: '‰' });
  await decide('edit year', t('心理健康教育专兼职教师配备率'), 'set', ['year=2023'], { year: 2023 });
  await decide('edit kind', t('新生儿访视率'), 'set', ['kind=goal'], { kind: 'goal' });
  await decide('edit role', units('市卫健委'), 'set', ['role=lead'], { role: 'lead', units: ['市卫健委'] });
  await decide('edit units', units('市卫健委', '市教育局'), 'set', ['units=市卫健委、市教育局、市体育局'], { units: ['市卫健委', '市教育局', '市体育局'] });
  await add('add a target', 'target', '控制儿童青少年新发近视率', ['indicator=儿童青少年新发近视率', 'op=down'], { indicator: '儿童青少年新发近视率', op: 'down', value: null, kind: 'goal' });
  await add('add a responsibility', 'responsibility', '加强儿童早期发展基地建设', ['role=support', 'units=市妇联'], { role: 'support', units: ['市妇联'] });
});

describe('review decisions survive', () => {
  it('apply at once: the database shows every decision, and query commands hide the rejected target unless asked', async () => {
    expect(tracked).toHaveLength(13);
    await expectAllKept();
    const rejected = (await review()).facts.find((f) => f.status === 'rejected')!;
    const shown = JSON.parse((await run('targets', '--plan', '1', '--db', db, '--json')).out) as Array<{ target_id: number }>;
    expect(shown.some((t) => t.target_id === rejected.id)).toBe(false);
    const all = JSON.parse((await run('targets', '--plan', '1', '--db', db, '--json', '--include-rejected')).out) as Array<{ target_id: number; status: string }>;
    expect(all.find((t) => t.target_id === rejected.id)?.status).toBe('rejected');
    const conn = openDb(db, { readonly: true });
    expect(conn.prepare("SELECT count(*) FROM v_targets WHERE status = 'rejected'").pluck().get()).toBe(0);
    expect(conn.prepare("SELECT count(*) FROM targets WHERE status = 'rejected'").pluck().get()).toBe(1);
    conn.close();
  });

  it('a rebuild', async () => {
    const before = await review();
    const r = await run('rebuild', '--corpus', corpus, ...where, '-q');
    expect(r.code, r.err).toBe(0);
    expect(r.err).not.toContain('stale');
    const after = await expectAllKept();
    expect(after.facts.map((f) => [f.ref, f.status, f.start])).toEqual(before.facts.map((f) => [f.ref, f.status, f.start]));
  });

  it('a rule change that moves every offset', async () => {
    const before = await review();
    const rules = path.join(dir, 'rules');
    cpSync(path.join(ROOT, 'extract-rules'), rules, { recursive: true });
    const phrase = '在习近平新时代中国特色社会主义思想指导下，';
    appendFileSync(
      path.join(rules, 'junk.yaml'),
      `- id: junk.test-boilerplate\n  pattern: '${phrase}'\n  examples:\n    - in: '${phrase}在市委领导下'\n      out: '在市委领导下'\n`,
    );
    const r = await run('rebuild', '--corpus', corpus, ...where, '--rules', rules, '-q');
    expect(r.code, r.err).toBe(0);
    const after = await expectAllKept();
    for (const t of tracked) expect(factStart(after, t.id), t.what).toBe(factStart(before, t.id) - phrase.length);
    await run('rebuild', '--corpus', corpus, ...where, '-q');
  });

  it.each(['pdf', 'docx'])('re-ingest of the same plan from its %s rendering', async (fmt) => {
    const file = path.join(FIXTURES, fmt, `${SEEDS.kunshan}.${fmt}`);
    const r = await run('ingest', file, ...where, '-q');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('1 plan(s) replaced');
    expect(r.err).not.toContain('warning');
    const after = await expectAllKept();
    expect(path.basename(after.plan.source)).toBe(path.basename(file));
    if (fmt === 'pdf') expect(after.facts.filter((f) => f.correction !== null).every((f) => f.page !== null && f.page > 1)).toBe(true);
  });

  it('a decision whose quote was removed from the source is reported stale, at build and by corrections --stale; the others still apply', async () => {
    const src = path.join(corpus, `${SEEDS.kunshan}.txt`);
    writeFileSync(src, readFileSync(src, 'utf8').replace('，控制儿童青少年新发近视率', ''), 'utf8');
    const added = tracked.find((t) => t.what === 'add a target')!;
    const r = await run('rebuild', '--corpus', corpus, ...where, '-q');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(`stale correction #${added.id} (add target «控制儿童青少年新发近视率»): quote not found in the plan text`);
    expect(r.out).toContain('1 stale correction(s)');
    await expectAllKept([added.id]);
    const s = await run('corrections', '--stale', ...where);
    expect(s.code).toBe(1);
    expect(s.out).toContain(`#${added.id}: 昆山市儿童发展规划（2021—2025年）: add target «控制儿童青少年新发近视率» (occurrence 0): quote not found in the plan text`);
    const list = await run('corrections', ...where);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/13 decisions: 1 confirm, 1 reject, 9 edit, 2 add; 1 STALE/);
  });
});
