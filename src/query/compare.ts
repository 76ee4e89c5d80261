/** plandb compare INDICATOR / plandb align PLAN / plandb indicators: one indicator across plans and levels of government. */
import { catalogue, catalogueKey, type CatalogueEntry } from '../extract/catalogue.js';
import { PlandbError } from '../errors.js';
import type { Rules } from '../rules/index.js';
import type { DB } from '../store/read.js';
import { indicatorKey } from '../store/keys.js';
import type { Column } from './format.js';
import { formatTarget, resolvePlan } from './common.js';
import { rulesOrDefault } from './rules.js';
import { KEY_CONTAINS, NOT_REJECTED, SELECT_TARGETS, TARGET_VALUE_COLUMNS, targetCell, type TargetRow } from './targets.js';

export type Verdict = 'stricter' | 'equal' | 'looser' | 'missing' | 'not comparable';

interface PlanInfo { id: number; title: string; region: string | null; subject: string | null; period_start: number | null; period_end: number | null; division_code: string | null; division_chain: string | null }

// a plan's region as written, else its division's name (江苏省儿童发展规划 names no 市/县/区)
const PLAN_COLS = `p.id, p.title, coalesce(p.region, (SELECT d.name FROM divisions d WHERE d.code = p.division_code)) AS region,
  p.subject, p.period_start, p.period_end, p.division_code, p.division_chain`;
const planInfo = (db: DB, id: number) => db.prepare(`SELECT ${PLAN_COLS} FROM plans p WHERE p.id = ?`).get(id) as PlanInfo;

/** Plans of the governments above `p` (its city, province, the country), same subject, overlapping period; nearest first. */
export function parentPlans(db: DB, p: PlanInfo): PlanInfo[] {
  const chain = (p.division_chain ?? '').split('/').filter(Boolean).slice(1);
  if (!chain.length) return [];
  const all = db.prepare(`SELECT ${PLAN_COLS} FROM plans p WHERE p.division_code IN (${chain.map(() => '?').join(',')})`).all(...chain) as PlanInfo[];
  const overlaps = (a: PlanInfo, b: PlanInfo) => a.period_start == null || b.period_start == null || (a.period_start <= (b.period_end ?? b.period_start) && b.period_start <= (a.period_end ?? a.period_start));
  return all
    .filter((q) => q.id !== p.id && (q.subject ?? '') === (p.subject ?? '') && overlaps(p, q))
    .sort((a, b) => chain.indexOf(a.division_code!) - chain.indexOf(b.division_code!) || a.id - b.id);
}

const UNIT_SAME: Record<string, string> = { '％': '%', '个百分点': '百分点' };
const sameUnit = (a: string | null, b: string | null) => (UNIT_SAME[a ?? ''] ?? a ?? '') === (UNIT_SAME[b ?? ''] ?? b ?? '');
const BOUND_OPS = new Set(['=', '>=', '>', '<=', '<', '~', 'keep', 'range']);

/**
 * Whether `own` is stricter than, equal to or looser than `parent` for an indicator where `better`
 * (lower or higher) is better. Values must share a unit and both be bounds (not changes like ↓20%).
 */
export function verdict(own: Pick<TargetRow, 'op' | 'value' | 'value2' | 'unit'> | null, parent: Pick<TargetRow, 'op' | 'value' | 'value2' | 'unit'>, better: 'lower' | 'higher' | null): Verdict {
  if (!own) return 'missing';
  if (!better || own.value == null || parent.value == null || !sameUnit(own.unit, parent.unit) || !BOUND_OPS.has(own.op) || !BOUND_OPS.has(parent.op)) return 'not comparable';
  // the bound that counts: the better end of a range
  const pick = (t: typeof own) => (t.op === 'range' && t.value2 != null ? (better === 'higher' ? Math.min(t.value!, t.value2) : Math.max(t.value!, t.value2)) : t.value!);
  const a = pick(own), b = pick(parent);
  if (Math.abs(a - b) < 1e-9) return 'equal';
  return (better === 'higher' ? a > b : a < b) ? 'stricter' : 'looser';
}

export interface CompareRow extends TargetRow {
  indicator_name: string | null;
  parent_plan: string | null;
  parent_region: string | null;
  parent_target: string | null;
  parent_target_id: number | null;
  verdict: Verdict | null;
}

export const COMPARE_COLUMNS: Column[] = [
  { key: 'indicator', max: 24 },
  { key: 'region' },
  { key: 'plan', max: 24 },
  { key: 'kind' },
  { key: 'target', only: 'table', render: targetCell },
  { key: 'effective_year', header: 'year', align: 'right' },
  { key: 'parent_region', header: 'parent' },
  { key: 'parent_target', header: 'parent target' },
  { key: 'verdict' },
  { key: 'indicator_id', only: 'data' },
  { key: 'indicator_name', only: 'data' },
  ...TARGET_VALUE_COLUMNS,
  { key: 'indicator_key', only: 'data' },
  { key: 'plan_id', only: 'data' },
  { key: 'parent_plan', only: 'data' },
  { key: 'parent_target_id', only: 'data' },
  { key: 'heading', only: 'data' },
  { key: 'quote', only: 'data' },
  { key: 'page', only: 'data' },
  { key: 'target_id', only: 'data' },
];

export interface Comparison {
  key: string;
  /** the catalogue entry the query names, if any */
  entry: CatalogueEntry | null;
  /** distinct indicator names matched (names differing only in spacing or width share one) */
  groups: string[];
  plans: number;
  rows: CompareRow[];
}

/** The catalogue entry a query names: its id (H003), its name or an alias (五岁以下儿童死亡率). */
export function entryFor(query: string, rules?: Rules): CatalogueEntry | null {
  const cat = catalogue(rulesOrDefault(rules));
  return cat.byId.get(query.trim().toUpperCase()) ?? cat.match(query);
}

/**
 * The same indicator across plans. A query naming a catalogue indicator takes every target mapped to it
 * (访视率 written in 衢州's plan included) and the unmapped targets whose name contains the query;
 * any other query takes the targets whose normalised name contains it. Each target is set beside the
 * targets of the same indicator in its parent governments' plans, with a verdict.
 */
export function compareIndicator(db: DB, args: { indicator: string; rules?: Rules; includeRejected?: boolean }): Comparison {
  const key = indicatorKey(args.indicator);
  if (!key) throw new PlandbError('USAGE', 'indicator is empty');
  const entry = entryFor(args.indicator, args.rules);
  const order = `${args.includeRejected ? '' : `AND ${NOT_REJECTED} `}ORDER BY t.indicator_key, p.region, p.id, t.start, t.id`;
  const base = entry
    ? (db
        .prepare(
          `${SELECT_TARGETS} WHERE t.id IN (SELECT id FROM targets WHERE indicator_id = ? UNION ALL SELECT id FROM targets WHERE indicator_id IS NULL AND instr(indicator_key, ?) > 0) ${order}`,
        )
        .all(entry.id, indicatorKey(catalogueKey(entry.name))) as TargetRow[])
    : (db.prepare(`${SELECT_TARGETS} WHERE t.id IN (${KEY_CONTAINS}) ${order}`).all(key) as TargetRow[]);
  const cache: ParentCache = { parents: new Map(), targets: new Map() };
  const rows = (base as Array<TargetRow & { heading: string; heading_path: string }>).flatMap((t) => withParents(db, t, args.rules, cache));
  return { key, entry, groups: [...new Set(base.map((r) => r.indicator_key))], plans: new Set(base.map((r) => r.plan_id)).size, rows };
}

/** Per comparison: each plan's parent plans and each parent plan's first target of an indicator, looked up once. */
interface ParentCache {
  parents: Map<number, PlanInfo[]>;
  targets: Map<string, TargetRow | null>;
}

function withParents(db: DB, t: TargetRow & { heading: string; heading_path: string }, rules: Rules | undefined, cache: ParentCache): CompareRow[] {
  const cat = catalogue(rulesOrDefault(rules));
  const e = t.indicator_id ? cat.byId.get(t.indicator_id) ?? null : null;
  const none = { indicator_name: e?.name ?? null, parent_plan: null, parent_region: null, parent_target: null, parent_target_id: null, verdict: null };
  if (!e) return [{ ...t, ...none }];
  let parents = cache.parents.get(t.plan_id);
  if (!parents) cache.parents.set(t.plan_id, (parents = parentPlans(db, planInfo(db, t.plan_id))));
  if (!parents.length) return [{ ...t, ...none }];
  const sameInd = db.prepare(`${SELECT_TARGETS} WHERE t.plan_id = ? AND t.indicator_id = ? AND ${NOT_REJECTED} ORDER BY (t.kind = 'table') DESC, t.start LIMIT 1`);
  return parents.map((pp) => {
    const k = `${pp.id}\t${e.id}`;
    let pt = cache.targets.get(k);
    if (pt === undefined) cache.targets.set(k, (pt = (sameInd.get(pp.id, e.id) as TargetRow | undefined) ?? null));
    return {
      ...t,
      indicator_name: e.name,
      parent_plan: pp.title,
      parent_region: pp.region,
      parent_target: pt ? formatTarget(pt) : null,
      parent_target_id: pt?.target_id ?? null,
      // missing: the parent plan sets no target for the indicator
      verdict: pt ? verdict(t, pt, e.better) : 'missing',
    };
  });
}

export interface AlignRow {
  parent_plan_id: number;
  parent_plan: string;
  parent_region: string | null;
  indicator: string;
  indicator_id: string | null;
  parent_target: string;
  parent_year: number | null;
  own_indicator: string | null;
  own_target: string | null;
  own_year: number | null;
  verdict: Verdict;
  parent_target_id: number;
  own_target_id: number | null;
}

export const ALIGN_COLUMNS: Column[] = [
  { key: 'parent_region', header: 'parent' },
  { key: 'parent_plan', max: 24 },
  { key: 'indicator', max: 26 },
  { key: 'parent_target', header: 'parent target' },
  { key: 'parent_year', header: 'year', align: 'right' },
  { key: 'own_target', header: 'own target' },
  { key: 'own_year', header: 'year', align: 'right' },
  { key: 'verdict' },
  { key: 'own_indicator', only: 'data' },
  { key: 'indicator_id', only: 'data' },
  { key: 'parent_plan_id', only: 'data' },
  { key: 'parent_target_id', only: 'data' },
  { key: 'own_target_id', only: 'data' },
];

/**
 * One plan against its parents: every target of the plans of its parent governments (same subject,
 * overlapping period) with the plan's own target of the same indicator beside it, or `missing`.
 */
export function alignPlan(db: DB, args: { plan: string; rules?: Rules }): { plan: PlanInfo; parents: PlanInfo[]; rows: AlignRow[] } {
  const ref = resolvePlan(db, args.plan);
  const p = planInfo(db, ref.id);
  const parents = parentPlans(db, p);
  const cat = catalogue(rulesOrDefault(args.rules));
  const own = db.prepare(`${SELECT_TARGETS} WHERE t.plan_id = ? AND ${NOT_REJECTED} ORDER BY (t.kind = 'table') DESC, t.start`).all(p.id) as TargetRow[];
  const rows: AlignRow[] = [];
  for (const pp of parents) {
    for (const pt of db.prepare(`${SELECT_TARGETS} WHERE t.plan_id = ? AND ${NOT_REJECTED} ORDER BY t.start`).all(pp.id) as TargetRow[]) {
      const mine = own.find((o) => (pt.indicator_id ? o.indicator_id === pt.indicator_id : o.indicator_key === pt.indicator_key)) ?? null;
      const e = pt.indicator_id ? cat.byId.get(pt.indicator_id) : undefined;
      rows.push({
        parent_plan_id: pp.id, parent_plan: pp.title, parent_region: pp.region, indicator: e?.name ?? pt.indicator, indicator_id: pt.indicator_id,
        parent_target: formatTarget(pt), parent_year: pt.effective_year, own_indicator: mine?.indicator ?? null, own_target: mine ? formatTarget(mine) : null,
        own_year: mine?.effective_year ?? null, verdict: verdict(mine, pt, e?.better ?? null), parent_target_id: pt.target_id, own_target_id: mine?.target_id ?? null,
      });
    }
  }
  return { plan: p, parents, rows };
}

export interface IndicatorRow {
  id: string;
  name: string;
  domain: string;
  unit: string | null;
  better: string;
  seeded_from: string;
  targets: number;
  plans: number;
  aliases: string;
}

export const INDICATOR_COLUMNS: Column[] = [
  { key: 'id' },
  { key: 'name', max: 30 },
  { key: 'domain' },
  { key: 'unit' },
  { key: 'better' },
  { key: 'targets', align: 'right' },
  { key: 'plans', align: 'right' },
  { key: 'seeded_from', only: 'data' },
  { key: 'aliases', only: 'data' },
];

/** The catalogue with how many targets and plans use each indicator (most used first); `domain` keeps one domain. */
export function listIndicators(db: DB, args: { domain?: string } = {}): IndicatorRow[] {
  return db
    .prepare(
      `SELECT ind.id, ind.name, ind.domain, ind.unit, ind.better, ind.seeded_from, count(t.id) AS targets, count(DISTINCT t.plan_id) AS plans, ind.aliases
       FROM indicators ind LEFT JOIN targets t ON t.indicator_id = ind.id
       ${args.domain ? 'WHERE ind.domain = ?' : ''}
       GROUP BY ind.id ORDER BY targets DESC, ind.id`,
    )
    .all(...(args.domain ? [args.domain] : [])) as IndicatorRow[];
}

/** Targets that map to no catalogue indicator, in plan and document order. */
export function unmappedTargets(db: DB): Array<TargetRow & { heading: string; heading_path: string }> {
  return db.prepare(`${SELECT_TARGETS} WHERE t.indicator_id IS NULL AND ${NOT_REJECTED} ORDER BY p.id, t.start, t.id`).all() as Array<TargetRow & { heading: string; heading_path: string }>;
}

/** Share of targets (and of indicator-table rows) that map to a catalogue indicator. */
export function catalogueCoverage(db: DB): { targets: number; mapped: number; tableRows: number; tableMapped: number } {
  return db
    .prepare(
      `SELECT count(*) AS targets, count(indicator_id) AS mapped, sum(kind = 'table') AS tableRows, sum(kind = 'table' AND indicator_id IS NOT NULL) AS tableMapped FROM targets`,
    )
    .get() as { targets: number; mapped: number; tableRows: number; tableMapped: number };
}
