/**
 * Governments in a hierarchy (issue 9): a small province plan of our own making
 * (tests/fixtures/parent/jiangsu-children.txt) ingested next to the corpus plans; compare and align
 * verdicts checked row by row against the 昆山 plan, whose parent it is (昆山市 → 苏州市 → 江苏省).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import type { Io } from '../../src/cli/output.js';
import { chainOf, resolveDivision } from '../../src/divisions/index.js';
import { ingest } from '../../src/index.js';
import { alignPlan, catalogueCoverage, compareIndicator, listPlans, listUnits, openQueryDb, unitItems, verdict } from '../../src/query/index.js';
import type { DB } from '../../src/store/db.js';
import { buildSeedDb } from '../helpers/seeddb.js';
import { FIXTURES } from '../helpers/paths.js';

const PARENT = path.join(FIXTURES, 'parent', 'jiangsu-children.txt');
const KUNSHAN = '昆山市儿童发展规划（2021—2025年）';
const JIANGSU = '江苏省儿童发展规划（2021—2025年）';
let dbFile: string;
let db: DB;

beforeAll(async () => {
  dbFile = (await buildSeedDb()).db;
  const r = await ingest(dbFile, [PARENT]);
  expect(r.failed).toBe(0);
  db = openQueryDb(dbFile);
});
afterAll(() => db?.close());

describe('divisions from the GB/T 2260 dataset', () => {
  it.each([
    ['昆山市', ['320583 昆山市', '320500 苏州市', '320000 江苏省']],
    ['兰溪市', ['330781 兰溪市', '330700 金华市', '330000 浙江省']],
    ['九台区', ['220113 九台区', '220100 长春市', '220000 吉林省']],
    ['衢州市', ['330800 衢州市', '330000 浙江省']],
  ])('%s', (region, chain) => {
    const d = resolveDivision(region)!;
    expect(chainOf(d.code).map((x) => `${x.code} ${x.name}`)).toEqual(chain);
  });

  it('a shared name needs its context; an unknown one resolves to nothing', () => {
    expect(resolveDivision('朝阳区')).toBeNull();
    expect(resolveDivision('朝阳区', '长春市朝阳区儿童发展规划')!.code).toBe('220104');
    expect(resolveDivision('某某县')).toBeNull();
  });

  it('plans store their code, chain and province; plans shows the province', () => {
    const plans = listPlans(db);
    const ks = plans.find((p) => p.title === KUNSHAN)!;
    expect([ks.province, ks.division_code]).toEqual(['江苏省', '320583']);
    expect(db.prepare('SELECT division_chain FROM plans WHERE title = ?').pluck().get(KUNSHAN)).toBe('320583/320500/320000/000000');
    const js = plans.find((p) => p.title === JIANGSU)!;
    expect([js.province, js.division_code]).toEqual(['江苏省', '320000']);
    expect(plans.find((p) => p.title.startsWith('兰溪'))!.province).toBe('浙江省');
  });
});

describe('compare: each target beside its parent governments\' target', () => {
  const rowsOf = (indicator: string) => compareIndicator(db, { indicator }).rows.filter((r) => r.plan === KUNSHAN);

  it.each([
    ['新生儿死亡率', 'equal', '≤3‰'],
    ['婴儿死亡率', 'stricter', '≤5‰'],
    ['5岁以下儿童死亡率', 'looser', '≤4‰'],
    ['新生儿访视率', 'looser', '≥95%'],
    ['0-6岁儿童眼保健和视力检查覆盖率', 'missing', null],
  ])('昆山 %s: %s (江苏: %s)', (indicator, v, parentTarget) => {
    const rows = rowsOf(indicator);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect([r.parent_plan, r.parent_region, r.parent_target, r.verdict]).toEqual([JIANGSU, '江苏省', parentTarget, v]);
      // the row is the 昆山 target itself: its quote is in the 昆山 plan's text
      expect(r.quote.replace(/\s+/g, '')).toContain(r.indicator.slice(-3));
    }
  });

  it('compare 新生儿访视率 lists 衢州\'s target (written 访视率) with the others; a plan with no parent plan has no verdict', () => {
    const c = compareIndicator(db, { indicator: '新生儿访视率' });
    expect(c.entry?.id).toBe('H016');
    const byRegion = new Map(c.rows.map((r) => [r.region, r]));
    expect([...byRegion.keys()].sort()).toEqual(['兰溪市', '昆山市', '江苏省', '衢州市'].sort());
    expect(byRegion.get('衢州市')!.quote).toBe('访视率保持在90%以上');
    expect(byRegion.get('衢州市')!.verdict).toBeNull();
    expect(compareIndicator(db, { indicator: 'H016' }).rows).toEqual(c.rows);
  });

  it('verdicts follow the indicator\'s direction and refuse values in other units or changes', () => {
    const t = (op: string, value: number, unit = '%') => ({ op, value, value2: null, unit });
    expect(verdict(t('>=', 95), t('>=', 90), 'higher')).toBe('stricter');
    expect(verdict(t('<=', 3, '‰'), t('<=', 5, '‰'), 'lower')).toBe('stricter');
    expect(verdict(t('<=', 6, '‰'), t('<=', 5, '‰'), 'lower')).toBe('looser');
    expect(verdict(t('>=', 90), t('>=', 90, '‰'), 'higher')).toBe('not comparable');
    expect(verdict(t('down', 20), t('<=', 5), 'lower')).toBe('not comparable');
    expect(verdict(null, t('<=', 5), 'lower')).toBe('missing');
  });
});

describe('align: a plan against its parents\' targets', () => {
  it('昆山 against 江苏, row by row', () => {
    const a = alignPlan(db, { plan: '昆山' });
    expect(a.parents.map((p) => p.title)).toEqual([JIANGSU]);
    expect(a.rows.map((r) => [r.indicator, r.parent_target, r.own_target, r.verdict])).toEqual([
      ['新生儿死亡率', '≤3‰', '≤3‰', 'equal'],
      ['婴儿死亡率', '≤5‰', '≤4‰', 'stricter'],
      ['5岁以下儿童死亡率', '≤4‰', '≤5‰', 'looser'],
      ['孕产妇死亡率', '≤10/10万', null, 'missing'],
      ['新生儿访视率', '≥95%', '≥90%', 'looser'],
      ['学前教育毛入园率', '≥98%', '100%', 'stricter'],
      ['九年义务教育巩固率', '99%', '100%', 'stricter'],
    ]);
  });

  it('a plan of another province or subject has no parent here', () => {
    expect(alignPlan(db, { plan: '衢州市儿童' }).parents).toEqual([]);
    expect(alignPlan(db, { plan: '苏州' }).parents).toEqual([]); // 儿童友好城市 action plan: another subject
  });
});

describe('units of a province plan', () => {
  it('省卫生健康委员会 is 江苏省卫健委: one more government of the body 卫健委, not a 市 unit', () => {
    const u = listUnits(db).find((x) => x.unit === '江苏省卫健委')!;
    expect([u.government, u.body]).toEqual(['江苏省', '卫健委']);
    expect(unitItems(db, { name: '卫健委' }).unit.units.map((x) => x.canonical)).toContain('江苏省卫健委');
    expect(unitItems(db, { name: '市卫健委' }).unit.units.map((x) => x.canonical)).not.toContain('江苏省卫健委');
  });
});

describe('catalogue coverage of the corpus', () => {
  it('≥95% of indicator-table rows and ≥70% of all targets map to a catalogue entry', () => {
    const c = catalogueCoverage(db);
    expect(c.tableMapped / c.tableRows).toBeGreaterThanOrEqual(0.95);
    expect(c.mapped / c.targets).toBeGreaterThanOrEqual(0.7);
  });
});

describe('command line', () => {
  async function run(...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const io: Io = { out: (s) => out.push(s + '\n'), err: (s) => err.push(s + '\n'), isTTY: false };
    const code = await main(['node', 'plandb', ...args], io);
    return { code, out: out.join(''), err: err.join('') };
  }

  it('align --tsv: tab-separated rows with a header, no BOM', async () => {
    const r = await run('align', '昆山', '--tsv', '--db', dbFile);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n').map((l) => l.split('\t'));
    expect(lines[0]!.slice(0, 3)).toEqual(['parent_region', 'parent_plan', 'indicator']);
    expect(lines).toHaveLength(8);
    expect(lines.every((l) => l.length === lines[0]!.length)).toBe(true);
    expect(lines[2]).toContain('stricter');
    expect(r.out.startsWith('\uFEFF')).toBe(false);
  });

  it('compare shows the parent target and verdict; indicators --unmapped lists unmapped targets', async () => {
    const c = await run('compare', '婴儿死亡率', '--db', dbFile);
    expect(c.out).toMatch(/婴儿死亡率\s+昆山市.*≤4‰.*江苏省\s+≤5‰\s+stricter/);
    const ind = await run('indicators', '--json', '--db', dbFile);
    expect((JSON.parse(ind.out) as Array<{ id: string; targets: number }>).find((x) => x.id === 'H016')!.targets).toBe(4);
    const un = await run('indicators', '--unmapped', '--json', '--db', dbFile);
    const rows = JSON.parse(un.out) as Array<{ indicator_id: string | null }>;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((x) => x.indicator_id === null)).toBe(true);
  });

  it('Chinese words for --kind and --role; gaps --kind', async () => {
    const zh = await run('gaps', '--kind', '目标', '--json', '--db', dbFile);
    const en = await run('gaps', '--kind', 'goal', '--json', '--db', dbFile);
    expect(zh.code).toBe(0);
    const rows = JSON.parse(zh.out) as Array<{ kind: string }>;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((x) => x.kind === 'goal')).toBe(true);
    expect(zh.out).toBe(en.out);
    const all = JSON.parse((await run('gaps', '--json', '--db', dbFile)).out) as unknown[];
    expect(all.length).toBeGreaterThan(rows.length);
    const bad = await run('gaps', '--kind', '愿景', '--db', dbFile);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--kind must be one of goal, measure, task, table/);
    const lead = await run('unit', '市卫健委', '--role', '牵头', '--json', '--db', dbFile);
    expect(lead.out).toBe((await run('unit', '市卫健委', '--role', 'lead', '--json', '--db', dbFile)).out);
    const t = await run('targets', '--kind', '指标', '--plan', '昆山', '--json', '--db', dbFile);
    expect((JSON.parse(t.out) as Array<{ kind: string }>).every((x) => x.kind === 'table')).toBe(true);
  });
});
