/** plandb units / plandb unit NAME */
import type { Rules } from '../rules/index.js';
import type { DB } from '../store/read.js';
import { PlandbError } from '../errors.js';
import type { Column } from './format.js';
import { ROLES, ROLE_WORDS, formatTarget, resolvePlans, resolveUnits, type PlacedRow, type Role, type UnitGroup } from './common.js';

export interface UnitRow {
  id: number;
  unit: string;
  government: string | null;
  body: string | null;
  aliases: string;
  lead: number;
  support: number;
  responsible: number;
  items: number;
  targets: number;
}

export const UNIT_COLUMNS: Column[] = [
  { key: 'id', only: 'data' },
  { key: 'unit', max: 30 },
  { key: 'government', max: 12 },
  { key: 'body', max: 20 },
  { key: 'aliases', max: 40 },
  { key: 'lead', align: 'right' },
  { key: 'support', align: 'right' },
  { key: 'responsible', align: 'right' },
  { key: 'items', align: 'right' },
  { key: 'targets', align: 'right' },
];

/** Units (a government's body), the other names they were written as, and how often each role names them; `plan` keeps one plan's units. */
export function listUnits(db: DB, args: { plan?: string } = {}): UnitRow[] {
  const plans = args.plan !== undefined ? resolvePlans(db, args.plan).map((p) => p.id) : null;
  return db
    .prepare(
      `SELECT u.id, u.canonical AS unit, u.government, u.body,
         coalesce((SELECT group_concat(a.alias, '、') FROM (SELECT alias FROM unit_aliases WHERE unit_id = u.id AND alias <> u.canonical ORDER BY alias) a), '') AS aliases,
         count(DISTINCT CASE WHEN r.role = 'lead' THEN r.id END) AS lead,
         count(DISTINCT CASE WHEN r.role = 'support' THEN r.id END) AS support,
         count(DISTINCT CASE WHEN r.role = 'responsible' THEN r.id END) AS responsible,
         count(DISTINCT r.item_id) AS items,
         (SELECT count(DISTINCT t.id) FROM responsibility_units ru2 JOIN responsibilities r2 ON r2.id = ru2.responsibility_id
            JOIN targets t ON t.item_id = r2.item_id WHERE ru2.unit_id = u.id AND r2.status <> 'rejected' AND t.status <> 'rejected') AS targets
       ${
         plans
           ? // one plan's units: from its responsibilities (the filter leaves no unmatched row)
             `FROM responsibilities r JOIN responsibility_units ru ON ru.responsibility_id = r.id JOIN units u ON u.id = ru.unit_id
              WHERE r.status <> 'rejected' AND r.plan_id IN (${plans.join(',')})`
           : `FROM units u LEFT JOIN responsibility_units ru ON ru.unit_id = u.id LEFT JOIN responsibilities r ON r.id = ru.responsibility_id AND r.status <> 'rejected'`
       }
       GROUP BY u.id ORDER BY items DESC, u.canonical`,
    )
    .all() as UnitRow[];
}

export interface UnitItemRow extends PlacedRow {
  unit: string;
  government: string | null;
  body: string | null;
  unit_as_written: string;
  role: Role;
  item_id: number;
  item_kind: string;
  marker: string | null;
  target_id: number | null;
  target_kind: string | null;
  indicator: string | null;
  op: string | null;
  value: number | null;
  value2: number | null;
  value_unit: string | null;
  year: number | null;
  effective_year: number | null;
  item_text: string;
  page: number | null;
}

export const UNIT_ITEM_COLUMNS: Column[] = [
  { key: 'unit', max: 16 },
  { key: 'government', only: 'data' },
  { key: 'body', only: 'data' },
  { key: 'unit_as_written', only: 'data' },
  { key: 'plan', max: 24 },
  { key: 'plan_id', only: 'data' },
  { key: 'region', only: 'data' },
  { key: 'heading', max: 22 },
  { key: 'heading_path', only: 'data' },
  { key: 'role' },
  { key: 'item_kind', header: 'kind' },
  { key: 'indicator', max: 28 },
  { key: 'target', only: 'table', render: (r) => formatTarget({ op: r.op, value: r.value, value2: r.value2, unit: r.value_unit }) },
  { key: 'effective_year', header: 'year', align: 'right', render: (r) => (r.target_id == null ? '' : r.effective_year) },
  { key: 'item_text', header: 'item', max: 34 },
  { key: 'item_id', only: 'data' },
  { key: 'marker', only: 'data' },
  { key: 'target_id', only: 'data' },
  { key: 'target_kind', only: 'data' },
  { key: 'op', only: 'data' },
  { key: 'value', only: 'data' },
  { key: 'value2', only: 'data' },
  { key: 'value_unit', only: 'data' },
  { key: 'year', only: 'data' },
  { key: 'page', only: 'data' },
];

export function checkRole(role: string | undefined): Role | undefined {
  if (role === undefined) return undefined;
  const r = ROLE_WORDS[role.trim()] ?? role.trim();
  if (!(ROLES as readonly string[]).includes(r)) throw new PlandbError('USAGE', `--role must be one of ${ROLES.join(', ')} (or 牵头, 配合, 责任) (got '${role}')`);
  return r as Role;
}

/**
 * What a unit owns: one row per target of each item it is named for (one row for an item without
 * targets), with plan, heading and role. NAME may be any alias, a canonicalisable name or part of a name.
 */
export function unitItems(db: DB, args: { name: string; role?: string; region?: string; rules?: Rules }): { unit: UnitGroup; rows: UnitItemRow[] } {
  const role = checkRole(args.role);
  const unit = resolveUnits(db, args.name, { region: args.region, rules: args.rules });
  const rows = db
    .prepare(
      `SELECT DISTINCT u.canonical AS unit, u.government, u.body, ru.name AS unit_as_written, r.role, p.id AS plan_id, p.title AS plan, p.region,
         i.section_id, i.id AS item_id, i.kind AS item_kind, i.marker,
         t.id AS target_id, t.kind AS target_kind, t.indicator, t.op, t.value, t.value2, t.unit AS value_unit, t.year, t.effective_year,
         i.text AS item_text, coalesce(t.page, i.page) AS page, i.start AS _istart, t.start AS _tstart,
         coalesce(hs.heading, '') AS heading, coalesce(hs.heading_path, '') AS heading_path
       FROM responsibility_units ru JOIN units u ON u.id = ru.unit_id
       JOIN responsibilities r ON r.id = ru.responsibility_id
       JOIN items i ON i.id = r.item_id JOIN plans p ON p.id = r.plan_id
       LEFT JOIN targets t ON t.item_id = i.id AND t.status <> 'rejected'
       LEFT JOIN sections hs ON hs.id = i.section_id
       WHERE ru.unit_id IN (${unit.units.map((u) => u.id).join(',')}) AND (? IS NULL OR r.role = ?) AND r.status <> 'rejected'
       ORDER BY p.id, i.start, t.start`,
    )
    .all(role ?? null, role ?? null) as Array<UnitItemRow & { _istart?: number; _tstart?: number }>;
  for (const r of rows) {
    delete r._istart;
    delete r._tstart;
  }
  return { unit, rows };
}
