/** A plan's facts with everything the source page and the review panel show: span, fields, units, rule, page, status. */
import type { Column } from '../query/format.js';
import { formatTarget, withHeadings } from '../query/common.js';
import { TARGET_VALUE_COLUMNS } from '../query/targets.js';
import type { Statement } from 'better-sqlite3';
import type { DB } from '../store/db.js';

export type ReviewStatus = 'extracted' | 'confirmed' | 'edited' | 'added' | 'rejected';

export interface TargetFact {
  fact: string;
  target_id: number;
  plan_id: number;
  section_id: number | null;
  heading: string;
  heading_path: string;
  kind: string;
  indicator: string;
  indicator_key: string;
  /** catalogue entry (extract-rules/indicator-catalogue.yaml), null when the name maps to none */
  indicator_id: string | null;
  op: string;
  value: number | null;
  value2: number | null;
  unit: string | null;
  year: number | null;
  effective_year: number | null;
  baseline: number | null;
  baseline_year: number | null;
  target: string;
  units: string;
  quote: string;
  start: number;
  end: number;
  page: number | null;
  rule_id: string;
  status: ReviewStatus;
  correction_id?: number | null;
  anchor_quote?: string | null;
  anchor_occurrence?: number | null;
  /** the recorded decision about this fact, if any (applied: the database shows it) */
  decision?: { id: number; action: string; applied: boolean };
}

export interface RespFact {
  fact: string;
  responsibility_id: number;
  plan_id: number;
  section_id: number | null;
  heading: string;
  heading_path: string;
  role: string;
  units: string;
  units_as_written: string;
  quote: string;
  start: number;
  end: number;
  page: number | null;
  rule_id: string;
  item_id: number;
  status: ReviewStatus;
  correction_id?: number | null;
  anchor_quote?: string | null;
  anchor_occurrence?: number | null;
  decision?: { id: number; action: string; applied: boolean };
}

/** A fact's review status and decision columns (correction id and anchor). */
const reviewColumnsSql = (alias: string): string => `${alias}.status, ${alias}.correction_id, ${alias}.anchor_quote, ${alias}.anchor_occurrence`;

/** Hides rejected facts unless asked, like the query commands. */
const visibleSql = (alias: string, withRejected: boolean): string => (withRejected ? '' : ` AND ${alias}.status <> 'rejected'`);

/** Prepared once per connection: the pages run the same statements on every request. */
const statements = new WeakMap<DB, Map<string, Statement>>();
export function stmt(db: DB, sql: string): Statement {
  let m = statements.get(db);
  if (!m) statements.set(db, (m = new Map()));
  let s = m.get(sql);
  if (!s) m.set(sql, (s = db.prepare(sql)));
  return s;
}

/** item id → `lead:市卫健委、support:市教育局` for every item of a plan that names units (not rejected ones). */
function unitsByItem(db: DB, planId: number): Map<number, string> {
  const rows = stmt(
    db,
    `SELECT r.item_id, r.role, u.canonical FROM responsibilities r JOIN responsibility_units ru ON ru.responsibility_id = r.id
     JOIN units u ON u.id = ru.unit_id WHERE r.plan_id = ?${visibleSql('r', false)} ORDER BY r.item_id, r.start, ru.position`,
  ).all(planId) as Array<{ item_id: number; role: string; canonical: string }>;
  const out = new Map<number, string>();
  for (const r of rows) {
    const prev = out.get(r.item_id);
    out.set(r.item_id, `${prev ? `${prev}、` : ''}${r.role}:${r.canonical}`);
  }
  return out;
}

export function planTargets(db: DB, planId: number, withRejected = true): TargetFact[] {
  const rows = stmt(
    db,
    `SELECT 't' || t.id AS fact, t.id AS target_id, t.plan_id, t.section_id, t.item_id, t.kind, t.indicator, t.indicator_key, t.indicator_id, t.op, t.value, t.value2, t.unit,
       t.year, t.effective_year, t.baseline, t.baseline_year, t.quote, t.start, t.end, t.page, t.rule_id,
       ${reviewColumnsSql('t')}
     FROM targets t WHERE t.plan_id = ?${visibleSql('t', withRejected)} ORDER BY t.start, t.id`,
  ).all(planId) as Array<TargetFact & { item_id: number | null }>;
  const units = unitsByItem(db, planId);
  for (const r of rows) {
    r.target = formatTarget(r);
    r.units = (r.item_id !== null && units.get(r.item_id)) || '';
  }
  return withHeadings(db, rows);
}

export function planResponsibilities(db: DB, planId: number, withRejected = true): RespFact[] {
  return withHeadings(
    db,
    stmt(
      db,
      `SELECT 'r' || r.id AS fact, r.id AS responsibility_id, r.plan_id, r.section_id, r.role,
           coalesce((SELECT group_concat(x.canonical, '、') FROM (SELECT u.canonical FROM responsibility_units ru JOIN units u ON u.id = ru.unit_id
             WHERE ru.responsibility_id = r.id ORDER BY ru.position) x), '') AS units,
           coalesce((SELECT group_concat(x.name, '、') FROM (SELECT ru.name FROM responsibility_units ru WHERE ru.responsibility_id = r.id ORDER BY ru.position) x), '') AS units_as_written,
           r.quote, r.start, r.end, r.page, r.rule_id, r.item_id, ${reviewColumnsSql('r')}
         FROM responsibilities r WHERE r.plan_id = ?${visibleSql('r', withRejected)} ORDER BY r.start, r.id`,
    ).all(planId) as RespFact[],
  );
}

export const FACT_TARGET_COLUMNS: Column[] = [
  { key: 'heading', max: 22 },
  { key: 'heading_path', only: 'data' },
  { key: 'kind' },
  { key: 'indicator', max: 36 },
  { key: 'target' },
  { key: 'effective_year', header: 'year', align: 'right' },
  { key: 'units', max: 30 },
  { key: 'status' },
  { key: 'quote', max: 36 },
  { key: 'page', align: 'right' },
  { key: 'indicator_key', only: 'data' },
  { key: 'indicator_id', only: 'data' },
  ...TARGET_VALUE_COLUMNS,
  { key: 'start', only: 'data' },
  { key: 'end', only: 'data' },
  { key: 'rule_id', only: 'data' },
  { key: 'target_id', only: 'data' },
];

export const FACT_RESP_COLUMNS: Column[] = [
  { key: 'heading', max: 22 },
  { key: 'heading_path', only: 'data' },
  { key: 'role' },
  { key: 'units', max: 40 },
  { key: 'units_as_written', only: 'data' },
  { key: 'status' },
  { key: 'quote', max: 36 },
  { key: 'page', align: 'right' },
  { key: 'start', only: 'data' },
  { key: 'end', only: 'data' },
  { key: 'rule_id', only: 'data' },
  { key: 'item_id', only: 'data' },
  { key: 'responsibility_id', only: 'data' },
];
