/** plandb compare INDICATOR / plandb align PLAN / plandb indicators: one indicator across plans and levels of government. */
import { catalogue, catalogueKey, type CatalogueEntry } from '../extract/catalogue.js';
import { PlandbError } from '../errors.js';
import type { Rules } from '../rules/index.js';
import type { DB } from '../store/read.js';
import { indicatorKey } from '../store/keys.js';
import type { Column } from './format.js';
import { formatTarget, resolvePlan } from './common.js';
import { rulesOrDefault } from './rules.js';
import { KEY_CONTAINS, KEYS_CONTAINING, NOT_REJECTED, SELECT_TARGETS, TARGET_VALUE_COLUMNS, pageTargets, targetCell, type TargetRow } from './targets.js';
import { pageOf, type Page, type Paged } from './paging.js';

export type Verdict = 'stricter' | 'equal' | 'looser' | 'missing' | 'not comparable';

interface PlanInfo { id: number; title: string; region: string | null; subject: string | null; period_start: number | null; period_end: number | null; division_code: string | null; division_chain: string | null }

// a plan's region as written, else its division's name (江苏省儿童发展规划 names no 市/县/区)
const PLAN_COLS = `p.id, p.title, coalesce(p.region, (SELECT d.name FROM divisions d WHERE d.code = p.division_code)) AS region,
  p.subject, p.period_start, p.period_end, p.division_code, p.division_chain`;
const planInfo = (db: DB, id: number) => db.prepare(`SELECT ${PLAN_COLS} FROM plans p WHERE p.id = ?`).get(id) as PlanInfo;

/** Plans of the governments above `p` (its city, province, the country), same subject, overlapping period; nearest first. */
export function parentPlans(db: DB, p: PlanInfo): PlanInfo[] {
  const chain = chainAbove(p);
  if (!chain.length) return [];
  return parentsAmong(p, db.prepare(`SELECT ${PLAN_COLS} FROM plans p WHERE p.division_code IN (${chain.map(() => '?').join(',')})`).all(...chain) as PlanInfo[]);
}

type PlanPlace = Pick<PlanInfo, 'id' | 'subject' | 'period_start' | 'period_end' | 'division_code' | 'division_chain'>;

/** The division codes above a plan's own, nearest first. */
const chainAbove = (p: PlanPlace): string[] => (p.division_chain ?? '').split('/').filter(Boolean).slice(1);

/** Of the plans of the governments above `p`, those of the same subject and an overlapping period, nearest government first. */
function parentsAmong<T extends PlanPlace>(p: PlanPlace, candidates: T[], chain = chainAbove(p)): T[] {
  const overlaps = (a: PlanPlace, b: PlanPlace) => a.period_start == null || b.period_start == null || (a.period_start <= (b.period_end ?? b.period_start) && b.period_start <= (a.period_end ?? a.period_start));
  return candidates
    .filter((q) => q.id !== p.id && (q.subject ?? '') === (p.subject ?? '') && overlaps(p, q))
    .sort((a, b) => chain.indexOf(a.division_code!) - chain.indexOf(b.division_code!) || a.id - b.id);
}

const PLACE_COLS = 'id, subject, period_start, period_end, division_code, division_chain';

/**
 * Rows as arrays made into objects here: better-sqlite3 builds an object per row two to three times
 * slower than a literal of a fixed shape (a comparison reads thousands of rows it only looks at).
 */
type Raw = unknown[];

/** A JSON array of the distinct values, for `IN (SELECT value FROM json_each(?))`. */
const json = (xs: unknown[]): string => JSON.stringify([...new Set(xs)]);
const placeOf = (r: Raw): PlanPlace => ({
  id: r[0] as number,
  subject: r[1] as string | null,
  period_start: r[2] as number | null,
  period_end: r[3] as number | null,
  division_code: r[4] as string | null,
  division_chain: r[5] as string | null,
});

/**
 * The parent plans (ids, nearest first) of each of `planIds`, in two queries: the plans' places, then
 * every plan of the governments above them (a comparison of 2,000 plans asked 4,000 queries before).
 */
function parentsOfPlans(db: DB, planIds: number[]): Map<number, number[]> {
  const own = (db.prepare(`SELECT ${PLACE_COLS} FROM plans WHERE id IN (SELECT value FROM json_each(?))`).raw(true).all(json(planIds)) as Raw[]).map(placeOf);
  const codes = [...new Set(own.flatMap(chainAbove))];
  const above = new Map<string, PlanPlace[]>();
  if (codes.length)
    for (const q of (db.prepare(`SELECT ${PLACE_COLS} FROM plans WHERE division_code IN (SELECT value FROM json_each(?))`).raw(true).all(json(codes)) as Raw[]).map(placeOf))
      above.set(q.division_code!, [...(above.get(q.division_code!) ?? []), q]);
  return new Map(
    own.map((p) => {
      const chain = chainAbove(p);
      return [p.id, chain.length ? parentsAmong(p, chain.flatMap((c) => above.get(c) ?? []), chain).map((q) => q.id) : []];
    }),
  );
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

/** What a comparison reads of every target it lists: enough for the verdicts and a chart (no plan, heading or quote). */
export type TargetValue = Pick<
  TargetRow,
  'target_id' | 'plan_id' | 'kind' | 'indicator' | 'indicator_key' | 'indicator_id' | 'op' | 'value' | 'value2' | 'unit' | 'year' | 'effective_year'
>;

const VALUE_COLS = 't.id AS target_id, t.plan_id, t.kind, t.indicator, t.indicator_key, t.indicator_id, t.op, t.value, t.value2, t.unit, t.year, t.effective_year';
/** The rows of a statement selecting VALUE_COLS. */
const valuesOf = (rows: unknown[]): TargetValue[] =>
  (rows as unknown[][]).map((r) => ({
    target_id: r[0] as number,
    plan_id: r[1] as number,
    kind: r[2] as string,
    indicator: r[3] as string,
    indicator_key: r[4] as string,
    indicator_id: r[5] as string | null,
    op: r[6] as string,
    value: r[7] as number | null,
    value2: r[8] as number | null,
    unit: r[9] as string | null,
    year: r[10] as number | null,
    effective_year: r[11] as number | null,
  }));

/** One row of a comparison before the columns only a page shows are read: a target beside one parent plan's target (or no parent plan). */
export interface CompareLine {
  target: TargetValue;
  parent_plan_id: number | null;
  /** the parent plan's first target of the indicator; null: it sets none (or there is no parent plan) */
  parent: TargetValue | null;
  verdict: Verdict | null;
}

export interface Comparison extends Paged<CompareRow> {
  key: string;
  /** the catalogue entry the query names, if any */
  entry: CatalogueEntry | null;
  /** distinct indicator names matched (names differing only in spacing or width share one) */
  groups: string[];
  plans: number;
  /** the targets compared (a target has a row per parent plan) */
  targets: number;
  /** every row of the comparison (rows holds those of the page, with every column) */
  lines: CompareLine[];
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
 *
 * The whole comparison (its rows, their verdicts, the counts) is worked out from the targets' values;
 * plan titles, headings and quotes are read for the page's rows only.
 */
export function compareIndicator(db: DB, args: { indicator: string; rules?: Rules; includeRejected?: boolean; page?: Page }): Comparison {
  const key = indicatorKey(args.indicator);
  if (!key) throw new PlandbError('USAGE', 'indicator is empty');
  const entry = entryFor(args.indicator, args.rules);
  const order = `${args.includeRejected ? '' : `AND ${NOT_REJECTED} `}ORDER BY t.indicator_key, p.region, p.id, t.start, t.id`;
  const from = `SELECT ${VALUE_COLS} FROM targets t JOIN plans p ON p.id = t.plan_id`;
  const base = valuesOf(
    entry
      ? db
          .prepare(
            `${from} WHERE t.id IN (SELECT id FROM targets WHERE indicator_id = ? UNION ALL SELECT id FROM targets INDEXED BY targets_indicator WHERE indicator_key IN (${KEYS_CONTAINING}) AND indicator_id IS NULL) ${order}`,
          )
          .raw(true)
          .all(entry.id, indicatorKey(catalogueKey(entry.name)))
      : db.prepare(`${from} WHERE t.id IN (${KEY_CONTAINS}) ${order}`).raw(true).all(key),
  );
  const lines = compareLines(db, base, args.rules);
  const page = pageOf(lines, args.page);
  return {
    key,
    entry,
    groups: [...new Set(base.map((r) => r.indicator_key))],
    plans: new Set(base.map((r) => r.plan_id)).size,
    targets: base.length,
    lines,
    ...page,
    rows: compareRows(db, page.rows, args.rules),
  };
}

/** Each target beside the first target of its catalogue indicator in each of its parent plans (a line per parent plan; one line without a parent or an indicator). */
function compareLines(db: DB, base: TargetValue[], rules: Rules | undefined): CompareLine[] {
  const cat = catalogue(rulesOrDefault(rules));
  const mapped = base.filter((t) => t.indicator_id && cat.byId.has(t.indicator_id));
  const parents = mapped.length ? parentsOfPlans(db, [...new Set(mapped.map((t) => t.plan_id))]) : new Map<number, number[]>();
  const firstOf = firstTargets(db, mapped.map((t) => ({ indicator: t.indicator_id!, plans: parents.get(t.plan_id) ?? [] })));
  const lines: CompareLine[] = [];
  for (const t of base) {
    const e = t.indicator_id ? cat.byId.get(t.indicator_id) : undefined;
    const pps = e ? parents.get(t.plan_id) ?? [] : [];
    if (!e || !pps.length) {
      lines.push({ target: t, parent_plan_id: null, parent: null, verdict: null });
      continue;
    }
    for (const pp of pps) {
      const pt = firstOf.get(`${pp}\t${e.id}`) ?? null;
      // missing: the parent plan sets no target for the indicator
      lines.push({ target: t, parent_plan_id: pp, parent: pt, verdict: pt ? verdict(t, pt, e.better) : 'missing' });
    }
  }
  return lines;
}

/**
 * The first target (a table row before text, then document order) of each indicator in each of the
 * plans named with it, keyed "plan\tindicator": one query per indicator for all its plans, not one per plan.
 */
function firstTargets(db: DB, wanted: Array<{ indicator: string; plans: number[] }>): Map<string, TargetValue> {
  const plansOf = new Map<string, Set<number>>();
  for (const w of wanted) {
    const set = plansOf.get(w.indicator) ?? new Set<number>();
    for (const p of w.plans) set.add(p);
    plansOf.set(w.indicator, set);
  }
  const stmt = db.prepare(
    `SELECT ${VALUE_COLS} FROM targets t WHERE t.indicator_id = ? AND t.plan_id IN (SELECT value FROM json_each(?)) AND ${NOT_REJECTED}
     ORDER BY t.plan_id, (t.kind = 'table') DESC, t.start, t.id`,
  );
  const first = new Map<string, TargetValue>();
  for (const [indicator, plans] of plansOf) {
    if (!plans.size) continue;
    for (const t of valuesOf(stmt.raw(true).all(indicator, JSON.stringify([...plans])))) {
      const k = `${t.plan_id}\t${indicator}`;
      if (!first.has(k)) first.set(k, t);
    }
  }
  return first;
}

/** The rows of some lines with every column: each target's plan, heading and quote, each parent plan's title and region. */
function compareRows(db: DB, lines: CompareLine[], rules: Rules | undefined): CompareRow[] {
  if (!lines.length) return [];
  const cat = catalogue(rulesOrDefault(rules));
  const full = new Map(
    (db.prepare(`${SELECT_TARGETS} WHERE t.id IN (SELECT value FROM json_each(?))`).all(json(lines.map((l) => l.target.target_id))) as TargetRow[]).map((t) => [t.target_id, t]),
  );
  const planIds = lines.map((l) => l.parent_plan_id).filter((id): id is number => id !== null);
  const plans = new Map(
    planIds.length ? (db.prepare(`SELECT ${PLAN_COLS} FROM plans p WHERE p.id IN (SELECT value FROM json_each(?))`).all(json(planIds)) as PlanInfo[]).map((p) => [p.id, p]) : [],
  );
  return lines.map((l) => {
    const t = full.get(l.target.target_id)!;
    const e = t.indicator_id ? cat.byId.get(t.indicator_id) ?? null : null;
    const pp = l.parent_plan_id !== null ? plans.get(l.parent_plan_id)! : null;
    if (!pp) return { ...t, indicator_name: e?.name ?? null, parent_plan: null, parent_region: null, parent_target: null, parent_target_id: null, verdict: null };
    return {
      ...t,
      indicator_name: e?.name ?? null,
      parent_plan: pp.title,
      parent_region: pp.region,
      parent_target: l.parent ? formatTarget(l.parent) : null,
      parent_target_id: l.parent?.target_id ?? null,
      verdict: l.verdict,
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
export function alignPlan(db: DB, args: { plan: string; rules?: Rules; page?: Page }): { plan: PlanInfo; parents: PlanInfo[]; counts: Record<Verdict, number> } & Paged<AlignRow> {
  const ref = resolvePlan(db, args.plan);
  const p = planInfo(db, ref.id);
  const parents = parentPlans(db, p);
  const cat = catalogue(rulesOrDefault(args.rules));
  const own = db.prepare(`${SELECT_TARGETS} WHERE t.plan_id = ? AND ${NOT_REJECTED} ORDER BY (t.kind = 'table') DESC, t.start`).all(p.id) as TargetRow[];
  const ofPlan = db.prepare(`${SELECT_TARGETS} WHERE t.plan_id = ? AND ${NOT_REJECTED} ORDER BY t.start`);
  const rows: AlignRow[] = [];
  for (const pp of parents) {
    for (const pt of ofPlan.all(pp.id) as TargetRow[]) {
      const mine = own.find((o) => (pt.indicator_id ? o.indicator_id === pt.indicator_id : o.indicator_key === pt.indicator_key)) ?? null;
      const e = pt.indicator_id ? cat.byId.get(pt.indicator_id) : undefined;
      rows.push({
        parent_plan_id: pp.id, parent_plan: pp.title, parent_region: pp.region, indicator: e?.name ?? pt.indicator, indicator_id: pt.indicator_id,
        parent_target: formatTarget(pt), parent_year: pt.effective_year, own_indicator: mine?.indicator ?? null, own_target: mine ? formatTarget(mine) : null,
        own_year: mine?.effective_year ?? null, verdict: verdict(mine, pt, e?.better ?? null), parent_target_id: pt.target_id, own_target_id: mine?.target_id ?? null,
      });
    }
  }
  // a plan's parents set a few hundred targets: the listing is computed whole, its verdicts counted over every row
  const counts: Record<Verdict, number> = { stricter: 0, equal: 0, looser: 0, missing: 0, 'not comparable': 0 };
  for (const r of rows) counts[r.verdict]++;
  return { plan: p, parents, counts, ...pageOf(rows, args.page) };
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

/** One page of the catalogue with its counts (computed whole: a few hundred entries). */
export function pageIndicators(db: DB, args: { domain?: string } = {}, page?: Page): Paged<IndicatorRow> {
  return pageOf(listIndicators(db, args), page);
}

/** Targets that map to no catalogue indicator, in plan and document order. */
export function unmappedTargets(db: DB): Array<TargetRow & { heading: string; heading_path: string }> {
  return pageUnmapped(db).rows;
}

/** One page of the targets that map to no catalogue indicator, and how many there are. */
export function pageUnmapped(db: DB, page?: Page): Paged<TargetRow & { heading: string; heading_path: string }> {
  return pageTargets(db, { where: ['t.indicator_id IS NULL', NOT_REJECTED], params: [] }, page) as Paged<TargetRow & { heading: string; heading_path: string }>;
}

/**
 * Share of targets (and of indicator-table rows) that map to a catalogue indicator. Four counts,
 * each from an index (one pass computing the four read every target's index entry: 20 ms for 126,000).
 */
export function catalogueCoverage(db: DB): { targets: number; mapped: number; tableRows: number; tableMapped: number } {
  const count = (where: string) => db.prepare(`SELECT count(*) FROM targets${where}`).pluck().get() as number;
  return {
    targets: count(''),
    mapped: count(' WHERE indicator_id IS NOT NULL'),
    tableRows: count(" WHERE kind = 'table'"),
    tableMapped: count(" WHERE kind = 'table' AND indicator_id IS NOT NULL"),
  };
}
