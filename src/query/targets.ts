/** plandb targets [filters] / plandb compare INDICATOR */
import { PlandbError } from '../errors.js';
import type { Rules } from '../rules/index.js';
import type { DB } from '../store/read.js';
import { indicatorKey } from '../store/keys.js';
import type { Column } from './format.js';
import { limitSql, type Page, type Paged } from './paging.js';
import { TARGET_KINDS, checkKind, formatTarget, resolvePlans, resolveUnits, type PlacedRow, type UnitGroup } from './common.js';

export interface TargetRow extends PlacedRow {
  target_id: number;
  kind: string;
  indicator: string;
  indicator_key: string;
  indicator_id: string | null;
  op: string;
  value: number | null;
  value2: number | null;
  unit: string | null;
  year: number | null;
  effective_year: number | null;
  baseline: number | null;
  baseline_year: number | null;
  quote: string;
  page: number | null;
  item_id: number | null;
  /** review status: extracted, confirmed, edited, added or rejected */
  status: string;
}

export const targetCell = (r: Record<string, unknown>) => formatTarget(r);

/** A target's value fields as data columns (JSON, CSV, XLSX), shared by every target listing. */
export const TARGET_VALUE_COLUMNS: Column[] = [
  { key: 'op', only: 'data' },
  { key: 'value', only: 'data' },
  { key: 'value2', only: 'data' },
  { key: 'unit', only: 'data' },
  { key: 'year', only: 'data' },
  { key: 'baseline', only: 'data' },
  { key: 'baseline_year', only: 'data' },
];

export const TARGET_COLUMNS: Column[] = [
  { key: 'plan', max: 24 },
  { key: 'plan_id', only: 'data' },
  { key: 'region', only: 'data' },
  { key: 'heading', max: 22 },
  { key: 'heading_path', only: 'data' },
  { key: 'kind' },
  { key: 'indicator', max: 36 },
  { key: 'target', only: 'table', render: targetCell },
  { key: 'effective_year', header: 'year', align: 'right' },
  { key: 'quote', max: 36 },
  { key: 'indicator_key', only: 'data' },
  { key: 'indicator_id', only: 'data' },
  ...TARGET_VALUE_COLUMNS,
  { key: 'page', only: 'data' },
  { key: 'target_id', only: 'data' },
  { key: 'item_id', only: 'data' },
  { key: 'status', only: 'data' },
];

export interface TargetFilter {
  /** part of the indicator name; spacing and width are ignored */
  indicator?: string;
  /** plan id or part of the title (every matching plan) */
  plan?: string;
  /** unit that is responsible for the target's item (any role): qualified (昆山市卫健委) or a body (卫健委) */
  unit?: string;
  /** with `unit`: only governments whose name contains this (衢州) */
  region?: string;
  /** effective year */
  year?: number | string;
  kind?: string;
  /** also list targets a reviewer rejected (hidden by default) */
  includeRejected?: boolean;
  rules?: Rules;
  /** one page of the listing (default: every row) */
  page?: Page;
}

/** Rejected facts stay in the tables (with their status) but query commands leave them out unless asked. */
export const NOT_REJECTED = "t.status <> 'rejected'";

export const SELECT_TARGETS = `SELECT t.id AS target_id, p.id AS plan_id, p.title AS plan,
  coalesce(p.region, (SELECT d.name FROM divisions d WHERE d.code = p.division_code)) AS region, t.section_id, t.kind, t.indicator, t.indicator_key, t.indicator_id,
  t.op, t.value, t.value2, t.unit, t.year, t.effective_year, t.baseline, t.baseline_year, t.quote, t.page, t.item_id, t.status,
  coalesce(hs.heading, '') AS heading, coalesce(hs.heading_path, '') AS heading_path
  FROM targets t JOIN plans p ON p.id = t.plan_id LEFT JOIN sections hs ON hs.id = t.section_id`;

/**
 * The distinct indicator keys that contain `?`. A database holds a few hundred distinct keys for a
 * hundred thousand targets: the keys are walked in the indicator-key index (one seek per key, WITH
 * RECURSIVE) rather than testing every target's key.
 */
export const KEYS_CONTAINING = `WITH RECURSIVE k(key) AS (
    SELECT min(indicator_key) FROM targets
    UNION ALL SELECT (SELECT min(indicator_key) FROM targets WHERE indicator_key > k.key) FROM k WHERE k.key IS NOT NULL
  ) SELECT key FROM k WHERE instr(key, ?) > 0`;

/** Ids of the targets whose indicator key contains `?`: only the matching keys' targets are looked up. */
export const KEY_CONTAINS = `SELECT id FROM targets INDEXED BY targets_indicator WHERE indicator_key IN (${KEYS_CONTAINING})`;

/** Conditions on `targets t` alone (no joins), so that a listing can be counted and paged without reading its rows. */
export interface TargetWhere {
  where: string[];
  params: unknown[];
  /** the conditions pick out a few thousand targets at most (see pageTargets) */
  selective?: boolean;
}

/** Plan and document order; t.id: targets of one sentence share its start, keep them in the order they were written. */
const TARGET_ORDER = 't.plan_id, t.start, t.id';

/**
 * One page of the targets meeting `w`, in plan and document order, and how many there are. The page's
 * ids are found on `targets` alone (the order from the index targets_plan_start) and only they are
 * joined to their plan and heading; no page reads every row as before.
 *
 * `w.selective`: the conditions name a few thousand targets at most (an indicator, a unit): their ids
 * are read once, in order, and counted, rather than looked up once to count and again for the page.
 */
export function pageTargets(db: DB, w: TargetWhere, page?: Page): Paged<TargetRow> {
  const cond = w.where.length ? ` WHERE ${w.where.join(' AND ')}` : '';
  const lim = limitSql(page);
  if (lim && w.selective) {
    const ids = db.prepare(`SELECT t.id FROM targets t${cond} ORDER BY ${TARGET_ORDER}`).pluck().all(...w.params) as number[];
    const offset = page?.offset ?? 0;
    const some = ids.slice(offset, page?.limit === undefined ? undefined : offset + page.limit);
    const rows = some.length ? (db.prepare(`${SELECT_TARGETS} WHERE t.id IN (SELECT value FROM json_each(?)) ORDER BY ${TARGET_ORDER}`).all(JSON.stringify(some)) as TargetRow[]) : [];
    return { rows, offset, total: ids.length };
  }
  const rows = (
    lim
      ? db.prepare(`${SELECT_TARGETS} WHERE t.id IN (SELECT t.id FROM targets t${cond} ORDER BY ${TARGET_ORDER}${lim}) ORDER BY ${TARGET_ORDER}`).all(...w.params)
      : db.prepare(`${SELECT_TARGETS}${cond} ORDER BY ${TARGET_ORDER}`).all(...w.params)
  ) as TargetRow[];
  const offset = page?.offset ?? 0;
  // every row from the first: they are the total
  if (!lim || (offset === 0 && page?.limit !== undefined && rows.length < page.limit)) return { rows, offset, total: rows.length };
  return { rows, offset, total: countTargets(db, w) };
}

/** How many targets meet `w`; targets not rejected in all are the sum of the per-plan counts the triggers keep. */
function countTargets(db: DB, w: TargetWhere): number {
  if (w.where.length === 1 && w.where[0] === NOT_REJECTED) return db.prepare('SELECT coalesce(sum(n_targets), 0) FROM plans').pluck().get() as number;
  return db.prepare(`SELECT count(*) FROM targets t${w.where.length ? ` WHERE ${w.where.join(' AND ')}` : ''}`).pluck().get(...w.params) as number;
}

/** Targets matching every given filter, in plan and document order (one page of them with `f.page`). */
export function findTargets(db: DB, f: TargetFilter = {}): { unit?: UnitGroup } & Paged<TargetRow> {
  const { unit, ...w } = targetWhere(db, f);
  return { unit, ...pageTargets(db, w, f.page) };
}

/** The filters as conditions on `targets t`, and the unit group a unit filter names. */
function targetWhere(db: DB, f: TargetFilter): TargetWhere & { unit?: UnitGroup } {
  const where: string[] = [];
  const params: unknown[] = [];
  let unit: UnitGroup | undefined;
  if (!f.includeRejected) where.push(NOT_REJECTED);
  if (f.indicator !== undefined) {
    const key = indicatorKey(f.indicator);
    if (!key) throw new PlandbError('USAGE', '--indicator is empty');
    where.push(`t.id IN (${KEY_CONTAINS})`);
    params.push(key);
  }
  if (f.plan !== undefined) {
    const ids = resolvePlans(db, f.plan).map((p) => p.id);
    where.push(`t.plan_id IN (${ids.map(() => '?').join(',')})`);
    params.push(...ids);
  }
  if (f.unit !== undefined) {
    unit = resolveUnits(db, f.unit, { region: f.region, rules: f.rules });
    where.push(`t.item_id IN (SELECT r.item_id FROM responsibilities r JOIN responsibility_units ru ON ru.responsibility_id = r.id WHERE ru.unit_id IN (${unit.units.map(() => '?').join(',')}) AND r.status <> 'rejected')`);
    params.push(...unit.units.map((u) => u.id));
  }
  if (f.year !== undefined) {
    const y = Number(f.year);
    if (!Number.isInteger(y) || y < 1900 || y > 2200) throw new PlandbError('USAGE', `--year must be a year like 2025 (got '${f.year}')`);
    // unary +: a year or a kind matches most targets, so neither index should drive the query (the ids, plans or units given do)
    where.push('+t.effective_year = ?');
    params.push(y);
  }
  if (f.kind !== undefined) {
    where.push('+t.kind = ?');
    params.push(checkKind(f.kind, TARGET_KINDS));
  }
  return { unit, where, params, selective: f.indicator !== undefined || f.unit !== undefined };
}
