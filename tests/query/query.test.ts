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
import { queryTerms, termExpression } from '../../src/query/search.js';
import { loadRules } from '../../src/rules/index.js';

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
  it('units: one per government and body, with aliases and counts by role', () => {
    const units = listUnits(db);
    const wj = units.find((u) => u.unit === '昆山市卫健委')!;
    expect([wj.government, wj.body]).toEqual(['昆山市', '卫健委']);
    expect(wj.responsible).toBeGreaterThan(0);
    expect(wj.items).toBeGreaterThan(10);
    expect(units.find((u) => u.unit === '衢州市人社局')!.aliases).toContain('市人力社保局');
  });

  it('昆山市卫健委, 苏州市卫健委 and 衢州市卫健委 are three units that share the body 卫健委', () => {
    const units = listUnits(db).filter((u) => u.body === '卫健委');
    expect(units.map((u) => u.unit).sort()).toEqual(['昆山市卫健委', '苏州市卫健委', '衢州市卫健委']);
    expect(units.map((u) => u.government).sort()).toEqual(['昆山市', '苏州市', '衢州市']);
  });

  it('aliases of one body merge within a government: 民政 = 民政局, 妇儿工委 = 妇儿工委办, 统计部门 = 统计局', () => {
    const govOf = (alias: string) =>
      (db.prepare('SELECT u.canonical FROM unit_aliases a JOIN units u ON u.id = a.unit_id WHERE a.alias = ? ORDER BY u.canonical').pluck().all(alias) as string[]);
    expect(govOf('市民政')).toEqual(['衢州市民政局']);
    expect(govOf('市民政局')).toContain('衢州市民政局');
    expect(govOf('妇儿工委')).toContain('衢州市妇儿工委办');
    expect(govOf('市妇儿工委')).toEqual(['昆山市妇儿工委办']);
    expect(govOf('统计部门')).toContain('昆山市统计局');
    const names = listUnits(db).map((u) => u.unit);
    for (const gone of ['衢州市民政', '衢州市妇儿工委', '昆山市统计部门']) expect(names).not.toContain(gone);
  });

  it('units --plan lists the units of one plan only', () => {
    const ks = listUnits(db, { plan: '昆山' });
    expect(ks.length).toBeGreaterThan(10);
    expect(ks.every((u) => u.government === '昆山市')).toBe(true);
    expect(ks.map((u) => u.unit)).toContain('昆山市卫健委');
  });

  it('unit 卫健委 groups the three governments; 衢州市卫健委 and 市卫健委 --region 衢州 take one', () => {
    const all = unitItems(db, { name: '卫健委' });
    expect(all.unit.label).toBe('卫健委');
    expect(all.unit.units.map((u) => u.canonical).sort()).toEqual(['昆山市卫健委', '苏州市卫健委', '衢州市卫健委']);
    expect(new Set(all.rows.map((r) => r.government))).toEqual(new Set(['昆山市', '苏州市', '衢州市']));
    const qz = unitItems(db, { name: '衢州市卫健委' });
    expect(qz.unit.units.map((u) => u.canonical)).toEqual(['衢州市卫健委']);
    expect(qz.rows.length).toBeGreaterThan(0);
    expect(qz.rows.every((r) => r.plan.startsWith('衢州'))).toBe(true);
    expect(unitItems(db, { name: '市卫健委', region: '衢州' }).rows).toEqual(qz.rows);
    expect(all.rows.length).toBe(new Set(all.rows.map((r) => `${r.government}|${r.item_id}|${r.target_id}|${r.role}`)).size);
  });

  it('unit 市卫健委 owns the 昆山 plan\'s 新生儿死亡率 goal as responsible unit', () => {
    const { unit, rows } = unitItems(db, { name: '市卫健委' });
    expect(unit.label).toBe('市卫健委');
    const hit = rows.find((r) => r.plan === KUNSHAN && r.indicator === '新生儿死亡率' && r.target_kind === 'goal');
    expect(hit).toBeDefined();
    expect(hit!.unit).toBe('昆山市卫健委');
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
    const rs = unitItems(db, { name: '市人力社保局' }).unit;
    expect(rs.label).toBe('市人社局');
    expect(rs.units.map((u) => u.canonical)).toContain('衢州市人社局');
    expect(unitItems(db, { name: '卫健' }).unit.label).toBe('卫健委');
  });

  it('--role filters (English or Chinese); an ambiguous part lists the candidates; a bad role is a usage error', () => {
    const lead = unitItems(db, { name: '市卫健委', role: 'lead' }).rows;
    expect(lead.length).toBeGreaterThan(0);
    expect(lead.every((r) => r.role === 'lead')).toBe(true);
    expect(unitItems(db, { name: '市卫健委', role: '牵头' }).rows).toEqual(lead);
    expect(unitItems(db, { name: '市卫健委', role: '责任' }).rows.every((r) => r.role === 'responsible')).toBe(true);
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
    expect(findTargets(db, { kind: '指标', plan: '昆山' }).rows).toEqual(findTargets(db, { kind: 'table', plan: '昆山' }).rows);
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
    // 托育 is cut 托 + 育: 托 is matched as itself (not 托管, 托底…), 育 and 服务 as prefixes; that
    // finds the same items as every word as a prefix
    const terms = queryTerms('托育 服务', loadRules());
    expect(terms).toEqual([
      { token: '托', prefix: false },
      { token: '育', prefix: true },
      { token: '服务', prefix: true },
    ]);
    const ids = (expr: string) => db.prepare('SELECT rowid FROM items_fts WHERE items_fts MATCH ? ORDER BY rowid').pluck().all(expr);
    expect(ids(termExpression(terms))).toEqual(ids(termExpression(terms.map((t) => ({ ...t, prefix: true })))));
    expect(ids(termExpression(terms))).toHaveLength(searchItems(db, { query: '托育 服务', page: {} }).total);
    expect(queryTerms('近视', loadRules())).toEqual([{ token: '近视', prefix: true }]);
    expect(() => searchItems(db, { query: '"近视" OR NEAR(' })).not.toThrow();
    expect(() => searchItems(db, { query: '，。' })).toThrow(PlandbError);
  });
});
