import { buildSeedDb } from '../helpers/seeddb.js';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { PlandbError } from '../../src/errors.js';
import type { DB } from '../../src/store/db.js';
import {
  compareIndicator,
  findGaps,
  findTargets,
  gapSummary,
  listPlans,
  listUnits,
  openQueryDb,
  searchItems,
  showPlan,
  unitItems,
  resolvePlan,
  NotFoundError,
} from '../../src/query/index.js';


let db: DB;
beforeAll(async () => {
  db = openQueryDb((await buildSeedDb()).db);
});
afterAll(() => db?.close());

const KUNSHAN = '昆山市儿童发展规划（2021—2025年）';

describe('plans and outlines', () => {
  it('lists the 7 seed plans with counts', () => {
    const plans = listPlans(db);
    expect(plans).toHaveLength(7);
    const ks = plans.find((p) => p.title === KUNSHAN)!;
    expect(ks).toMatchObject({ region: '昆山市', subject: '儿童', period: '2021–2025' });
    expect(ks.targets).toBeGreaterThan(50);
    expect(ks.responsibilities).toBeGreaterThan(50);
  });

  it('show 昆山: heading tree whose top-level counts add up to the plan', () => {
    const { plan, outline } = showPlan(db, { plan: '昆山' });
    expect(plan.title).toBe(KUNSHAN);
    const health = outline.find((r) => r.title === '儿童健康')!;
    expect(health.level).toBe(2);
    expect(health.targets).toBeGreaterThan(0);
    const top = outline.filter((r) => r.level === 1);
    expect(top.reduce((n, r) => n + r.items, 0)).toBe(plan.items);
    expect(top.reduce((n, r) => n + r.targets, 0)).toBe(plan.targets);
  });

  it('a plan by id, by several words, and an ambiguous part listing the candidates', () => {
    const id = listPlans(db).find((p) => p.title === KUNSHAN)!.id;
    expect(resolvePlan(db, String(id)).title).toBe(KUNSHAN);
    expect(resolvePlan(db, '衢州 儿童').title).toBe('衢州市儿童发展“十四五”规划');
    expect(() => resolvePlan(db, '衢州')).toThrow(PlandbError);
    expect(() => resolvePlan(db, '衢州')).toThrow(/衢州市妇女发展.*衢州市儿童发展/);
    expect(() => resolvePlan(db, '北京')).toThrow(NotFoundError);
  });
});

describe('units', () => {
  it('units: canonical names with aliases and counts by role', () => {
    const units = listUnits(db);
    const wj = units.find((u) => u.unit === '市卫健委')!;
    expect(wj.responsible).toBeGreaterThan(0);
    expect(wj.items).toBeGreaterThan(10);
    expect(units.find((u) => u.unit === '市人社局')!.aliases).toContain('市人力社保局');
  });

  it('unit 市卫健委 owns the 昆山 plan\'s 新生儿死亡率 goal as responsible unit', () => {
    const { unit, rows } = unitItems(db, { name: '市卫健委' });
    expect(unit.canonical).toBe('市卫健委');
    const hit = rows.find((r) => r.plan === KUNSHAN && r.indicator === '新生儿死亡率' && r.target_kind === 'goal');
    expect(hit).toBeDefined();
    expect(hit!.role).toBe('responsible');
    expect(hit!.heading).toContain('儿童健康');
    expect(hit!.value).toBe(3);
  });

  it('unit 市卫生健康委员会 (canonicalised) returns the same rows as 市卫健委', () => {
    const a = unitItems(db, { name: '市卫健委' }).rows;
    const b = unitItems(db, { name: '市卫生健康委员会' }).rows;
    expect(b.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
    // an alias from unit_aliases and a part of a name
    expect(unitItems(db, { name: '市人力社保局' }).unit.canonical).toBe('市人社局');
    expect(unitItems(db, { name: '卫健' }).unit.canonical).toBe('市卫健委');
  });

  it('--role filters; an ambiguous part lists the candidates; a bad role is a usage error', () => {
    const lead = unitItems(db, { name: '市卫健委', role: 'lead' }).rows;
    expect(lead.length).toBeGreaterThan(0);
    expect(lead.every((r) => r.role === 'lead')).toBe(true);
    expect(() => unitItems(db, { name: '教育' })).toThrow(/市教育局.*苏州大学教育学院|苏州大学教育学院.*市教育局/);
    expect(() => unitItems(db, { name: '市卫健委', role: 'owner' })).toThrow(PlandbError);
    expect(() => unitItems(db, { name: '不存在的局' })).toThrow(NotFoundError);
  });
});

describe('targets and compare', () => {
  it('targets filters combine: unit, year, kind, plan, indicator', () => {
    const rows = findTargets(db, { unit: '市卫健委', year: 2025, kind: 'goal', plan: '昆山' }).rows;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.plan === KUNSHAN && r.kind === 'goal' && r.effective_year === 2025)).toBe(true);
    expect(rows.map((r) => r.indicator)).toContain('新生儿死亡率');
    const ind = findTargets(db, { indicator: '婴儿 死亡率' }).rows;
    expect(ind.length).toBeGreaterThan(0);
    expect(ind.every((r) => r.indicator_key.includes('婴儿死亡率'))).toBe(true);
    expect(() => findTargets(db, { kind: 'wish' })).toThrow(PlandbError);
    expect(() => findTargets(db, { year: 'soon' })).toThrow(PlandbError);
  });

  it('compare 婴儿死亡率 lists 昆山 and other plans', () => {
    const c = compareIndicator(db, { indicator: '婴儿死亡率' });
    expect(c.plans).toBeGreaterThan(1);
    const regions = new Set(c.rows.map((r) => r.region));
    expect(regions.has('昆山市')).toBe(true);
    expect(regions.size).toBeGreaterThan(1);
    expect(c.rows.every((r) => r.op && r.value !== null)).toBe(true);
  });

  it('compare "5 岁以下儿童死亡率" groups with 5岁以下儿童死亡率 (spacing and width ignored)', () => {
    const spaced = compareIndicator(db, { indicator: '5 岁以下儿童死亡率' });
    const tight = compareIndicator(db, { indicator: '5岁以下儿童死亡率' });
    const wide = compareIndicator(db, { indicator: '５岁以下儿童死亡率' });
    expect(spaced.rows.length).toBeGreaterThan(1);
    expect(spaced.rows).toEqual(tight.rows);
    expect(wide.rows).toEqual(tight.rows);
    expect(spaced.groups).toEqual(['5岁以下儿童死亡率']);
  });
});

describe('gaps and search', () => {
  it('gaps: items without a responsible unit, with plan titles', () => {
    const gaps = findGaps(db);
    expect(gaps.length).toBeGreaterThan(0);
    const titles = new Set(listPlans(db).map((p) => p.title));
    expect(gaps.every((g) => titles.has(g.plan) && g.item.length > 0)).toBe(true);
    const summary = gapSummary(db);
    expect(summary.reduce((n, s) => n + s.gaps, 0)).toBe(gaps.length);
  });

  it('search 近视 finds items mentioning 近视 with a marked snippet', () => {
    const r = searchItems(db, { query: '近视' });
    expect(r.rows.length).toBeGreaterThan(3);
    for (const row of r.rows) {
      expect(row.text).toContain('近视');
      expect(row.snippet).toContain('【近视】');
      expect(row.snippet.length).toBeLessThanOrEqual(2 * 30 + 2 + 2 + 2);
    }
    // word prefixes: 近视率 is one jieba word
    expect(r.rows.some((x) => /新发近视率/.test(x.text))).toBe(true);
    expect(new Set(r.rows.map((x) => x.plan)).size).toBeGreaterThan(2);
  });

  it('search needs every word; FTS5 syntax in the query is literal', () => {
    const both = searchItems(db, { query: '托育 服务' }).rows;
    expect(both.length).toBeGreaterThan(0);
    expect(both.every((x) => x.text.includes('托育') && x.text.includes('服务'))).toBe(true);
    expect(() => searchItems(db, { query: '"近视" OR NEAR(' })).not.toThrow();
    expect(() => searchItems(db, { query: '，。' })).toThrow(PlandbError);
  });
});
