import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findOccurrences, loadCorrections, readCorrectionsFile, recordDecision, removeDecisions, squash } from '../../src/index.js';
import { tmpDir } from '../helpers/paths.js';

const KEY = '3da1c79f7696a42a2a31ef53';

function write(dir: string, name: string, text: string): string {
  const f = path.join(dir, name);
  writeFileSync(f, text, 'utf8');
  return f;
}

const loadError = (dir: string): string => {
  try {
    loadCorrections(dir);
  } catch (e) {
    return (e as Error & { toLine: () => string }).toLine();
  }
  return 'no error';
};

describe('corrections files', () => {
  it('round-trips every action through the YAML file, with ops that YAML would misread unquoted', () => {
    const dir = tmpDir('corr-file');
    recordDecision(dir, KEY, { action: 'confirm', fact: 'target', quote: '新生儿死亡率（‰）', was: { indicator: '新生儿死亡率', op: '<=', value: 3 } });
    recordDecision(dir, KEY, { action: 'edit', fact: 'target', quote: '健康管理率保持在95%以上', was: { indicator: '健康管理率', value: 95 }, set: { op: '>=', year: 2025 } });
    recordDecision(dir, KEY, { action: 'reject', fact: 'target', quote: '12355', occurrence: 1 });
    recordDecision(dir, KEY, { action: 'add', fact: 'responsibility', quote: '加强儿童早期发展', set: { role: 'lead', units: ['市卫健委', '市教育局'] } }, { title: '昆山市儿童发展规划' });
    const set = loadCorrections(dir);
    const p = set.plans.get(KEY)!;
    expect(path.basename(p.file)).toBe(`${KEY}.yaml`);
    expect(p.data.title).toBe('昆山市儿童发展规划');
    expect(p.data.decisions.map((d) => [d.id, d.action, d.fact, d.occurrence])).toEqual([
      [1, 'confirm', 'target', 0],
      [2, 'edit', 'target', 0],
      [3, 'reject', 'target', 1],
      [4, 'add', 'responsibility', 0],
    ]);
    expect(p.data.decisions[1]).toMatchObject({ set: { op: '>=', year: 2025 } });
    expect(p.data.decisions[3]).toMatchObject({ set: { role: 'lead', units: ['市卫健委', '市教育局'] } });
  });

  it('a second decision on the same fact replaces the first; an edit merges into an earlier edit; rejecting an add takes it back', () => {
    const dir = tmpDir('corr-merge');
    const anchor = { fact: 'target' as const, quote: '婴儿死亡率控制在4‰以下', was: { indicator: '婴儿死亡率', value: 4 } };
    recordDecision(dir, KEY, { ...anchor, action: 'edit', set: { value: 4.5 } });
    recordDecision(dir, KEY, { ...anchor, action: 'edit', set: { op: '<' } });
    let d = readCorrectionsFile(path.join(dir, `${KEY}.yaml`)).decisions;
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ id: 1, action: 'edit', set: { value: 4.5, op: '<' } });
    recordDecision(dir, KEY, { ...anchor, action: 'reject' });
    d = readCorrectionsFile(path.join(dir, `${KEY}.yaml`)).decisions;
    expect(d).toEqual([expect.objectContaining({ id: 1, action: 'reject', was: { indicator: '婴儿死亡率', value: 4 } })]);
    const added = recordDecision(dir, KEY, { action: 'add', fact: 'target', quote: '新发近视率', set: { indicator: '新发近视率', op: 'down' } })!;
    expect(recordDecision(dir, KEY, { action: 'reject', fact: 'target', quote: '新发近视率', id: added.id })).toBeNull();
    expect(readCorrectionsFile(path.join(dir, `${KEY}.yaml`)).decisions.map((x) => x.id)).toEqual([1]);
    expect(removeDecisions(dir, KEY, [1, 9])).toEqual([1]);
  });

  it('a bad file is refused with one line naming the file and the field path', () => {
    const dir = tmpDir('corr-bad');
    const f = write(
      dir,
      'a.yaml',
      `plan: ${KEY}\ndecisions:\n  - { id: 1, action: confirm, fact: target, quote: x }\n  - { id: 2, action: edit, fact: target, quote: y, set: { op: 'about' } }\n`,
    );
    expect(loadError(dir)).toBe(`${f}: invalid corrections at decisions.1.set.op: Invalid option: expected one of "<="|"<"|">="|">"|"="|"~"|"range"|"up"|"down"|"keep"|"text"`);
    write(dir, 'a.yaml', `plan: ${KEY}\ndecisions:\n  - { id: 1, action: add, fact: responsibility, quote: x, set: { role: lead } }\n`);
    expect(loadError(dir)).toMatch(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: invalid corrections at decisions\\.0\\.set\\.units: `));
    write(dir, 'a.yaml', `plan: ${KEY}\ndecisions:\n  - { id: 1, action: confirm, fact: target, quote: x }\n  - { id: 1, action: reject, fact: target, quote: y }\n`);
    expect(loadError(dir)).toBe(`${f}: invalid corrections at decisions.1.id: id 1 is used twice`);
    write(dir, 'a.yaml', `plan: not-a-key\n`);
    expect(loadError(dir)).toBe(`${f}: invalid corrections at plan: must be a plan key (hex, as shown by plandb corrections)`);
    write(dir, 'a.yaml', `plan: ${KEY}\ndecisions:\n  - { id: 1, action: confirm, fact: target, quote: x, extra: 1 }\n`);
    expect(loadError(dir)).toMatch(/a\.yaml: invalid corrections at decisions\.0: .*extra/);
    write(dir, 'a.yaml', `plan: [unclosed\n`);
    expect(loadError(dir)).toMatch(/a\.yaml: cannot read corrections file: /);
    write(dir, 'a.yaml', `plan: ${KEY}\n`);
    write(dir, 'b.yaml', `plan: ${KEY}\n`);
    expect(loadError(dir)).toBe(`${path.join(dir, 'b.yaml')}: plan ${KEY} also has corrections in ${f}; merge the two files`);
  });

  it('a missing folder is an empty set', () => {
    expect(loadCorrections(path.join(tmpDir('corr-none'), 'nope')).plans.size).toBe(0);
  });

  it('anchors ignore white space and full-width forms, and count occurrences inside the range', () => {
    const text = '前言 孕产妇死亡率\n控制在 １０/10万以下。另：孕产妇死亡率控制在10/10万以下。';
    const sq = squash(text, 3, text.length);
    const occ = findOccurrences(sq, '孕产妇死亡率控制在10/10万以下');
    expect(occ).toHaveLength(2);
    expect(text.slice(occ[0]!.start, occ[0]!.end)).toBe('孕产妇死亡率\n控制在 １０/10万以下');
    expect(text.slice(occ[1]!.start, occ[1]!.end)).toBe('孕产妇死亡率控制在10/10万以下');
    expect(findOccurrences(squash(text, 0, 5), '孕产妇')).toEqual([]);
  });
});
