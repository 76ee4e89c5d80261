/** plandb targets [filters] / plandb compare INDICATOR */
import { PlandbError } from '../errors.js';
import type { Rules } from '../rules/index.js';
import { indicatorKey, type DB } from '../store/db.js';
import type { Column } from './format.js';
import { TARGET_KINDS, formatTarget, resolvePlans, resolveUnit, withHeadings, type PlacedRow, type UnitRef } from './common.js';

export interface TargetRow extends PlacedRow {
  target_id: number;
  kind: string;
  indicator: string;
  indicator_key: string;
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

const targetCell = (r: Record<string, unknown>) => formatTarget(r);

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
  { key: 'op', only: 'data' },
  { key: 'value', only: 'data' },
  { key: 'value2', only: 'data' },
  { key: 'unit', only: 'data' },
  { key: 'year', only: 'data' },
  { key: 'baseline', only: 'data' },
  { key: 'baseline_year', only: 'data' },
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
  /** unit that is responsible for the target's item (any role) */
  unit?: string;
  /** effective year */
  year?: number | string;
  kind?: string;
  /** also list targets a reviewer rejected (hidden by default) */
  includeRejected?: boolean;
  rules?: Rules;
}

/** Rejected facts stay in the tables (with their status) but query commands leave them out unless asked. */
const NOT_REJECTED = "t.status <> 'rejected'";

const SELECT_TARGETS = `SELECT t.id AS target_id, p.id AS plan_id, p.title AS plan, p.region, t.section_id, t.kind, t.indicator, t.indicator_key,
  t.op, t.value, t.value2, t.unit, t.year, t.effective_year, t.baseline, t.baseline_year, t.quote, t.page, t.item_id, t.status
  FROM targets t JOIN plans p ON p.id = t.plan_id`;

/** Targets matching every given filter, in plan and document order. */
export function findTargets(db: DB, f: TargetFilter = {}): { unit?: UnitRef; rows: TargetRow[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  let unit: UnitRef | undefined;
  if (!f.includeRejected) where.push(NOT_REJECTED);
  if (f.indicator !== undefined) {
    const key = indicatorKey(f.indicator);
    if (!key) throw new PlandbError('USAGE', '--indicator is empty');
    where.push('instr(t.indicator_key, ?) > 0');
    params.push(key);
  }
  if (f.plan !== undefined) {
    const ids = resolvePlans(db, f.plan).map((p) => p.id);
    where.push(`t.plan_id IN (${ids.map(() => '?').join(',')})`);
    params.push(...ids);
  }
  if (f.unit !== undefined) {
    unit = resolveUnit(db, f.unit, f.rules);
    where.push("t.item_id IN (SELECT r.item_id FROM responsibilities r JOIN responsibility_units ru ON ru.responsibility_id = r.id WHERE ru.unit_id = ? AND r.status <> 'rejected')");
    params.push(unit.id);
  }
  if (f.year !== undefined) {
    const y = Number(f.year);
    if (!Number.isInteger(y) || y < 1900 || y > 2200) throw new PlandbError('USAGE', `--year must be a year like 2025 (got '${f.year}')`);
    where.push('t.effective_year = ?');
    params.push(y);
  }
  if (f.kind !== undefined) {
    if (!(TARGET_KINDS as readonly string[]).includes(f.kind)) throw new PlandbError('USAGE', `--kind must be one of ${TARGET_KINDS.join(', ')} (got '${f.kind}')`);
    where.push('t.kind = ?');
    params.push(f.kind);
  }
  const sql = `${SELECT_TARGETS}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY p.id, t.start`;
  const rows = db.prepare(sql).all(...params) as TargetRow[];
  return { unit, rows: withHeadings(db, rows) };
}

export const COMPARE_COLUMNS: Column[] = [
  { key: 'indicator', max: 30 },
  { key: 'region' },
  { key: 'plan', max: 30 },
  { key: 'kind' },
  { key: 'target', only: 'table', render: targetCell },
  { key: 'op', only: 'data' },
  { key: 'value', align: 'right' },
  { key: 'value2', only: 'data' },
  { key: 'unit' },
  { key: 'effective_year', header: 'year', align: 'right' },
  { key: 'year', only: 'data' },
  { key: 'baseline', only: 'data' },
  { key: 'baseline_year', only: 'data' },
  { key: 'indicator_key', only: 'data' },
  { key: 'plan_id', only: 'data' },
  { key: 'heading', only: 'data' },
  { key: 'quote', only: 'data' },
  { key: 'page', only: 'data' },
  { key: 'target_id', only: 'data' },
];

export interface Comparison {
  key: string;
  /** distinct indicator keys matched (names differing only in spacing or width share one) */
  groups: string[];
  plans: number;
  rows: TargetRow[];
}

/** The same indicator across plans: every target whose normalised name contains the normalised query. */
export function compareIndicator(db: DB, args: { indicator: string; includeRejected?: boolean }): Comparison {
  const key = indicatorKey(args.indicator);
  if (!key) throw new PlandbError('USAGE', 'indicator is empty');
  const rows = withHeadings(
    db,
    db.prepare(`${SELECT_TARGETS} WHERE instr(t.indicator_key, ?) > 0${args.includeRejected ? '' : ` AND ${NOT_REJECTED}`} ORDER BY t.indicator_key, p.region, p.id, t.start`).all(key) as TargetRow[],
  );
  return { key, groups: [...new Set(rows.map((r) => r.indicator_key))], plans: new Set(rows.map((r) => r.plan_id)).size, rows };
}
