/** plandb units / plandb unit NAME */
import type { Rules } from '../rules/index.js';
import type { DB } from '../store/read.js';
import { PlandbError } from '../errors.js';
import type { Column } from './format.js';
import { ROLES, ROLE_WORDS, formatTarget, resolvePlans, resolveUnits, type PlacedRow, type Role, type UnitGroup } from './common.js';
import { limitSql, pageOf, type Page, type Paged } from './paging.js';

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

/** Filters of the unit list: one plan's units, a part of a name or alias, one government. */
export interface UnitFilter {
  plan?: string;
  /** part of the unit's name or of a name it is written as */
  q?: string;
  /** exactly this government ('' for units without one) */
  government?: string;
  /** the ids of the units named q (unitIdsNamed), when the caller has them already */
  named?: string;
}

/** Ids (a JSON array) of the units one of whose names contains q (a unit's canonical name is one of its aliases): one pass over the alias index. */
export function unitIdsNamed(db: DB, q: string): string {
  return JSON.stringify(db.prepare('SELECT DISTINCT unit_id FROM unit_aliases WHERE instr(alias, ?)').pluck().all(q));
}

/** Conditions on `units` (columns prefixed with `alias`): among the `named` ids (a JSON array, see unitIdsNamed), of the `government` ('' for none). */
export function unitConditions(f: { named?: string; government?: string }, alias = ''): { terms: string[]; params: unknown[] } {
  const terms: string[] = [];
  const params: unknown[] = [];
  if (f.named !== undefined) {
    terms.push(`${alias}id IN (SELECT value FROM json_each(?))`);
    params.push(f.named);
  }
  if (f.government !== undefined) {
    terms.push(`coalesce(${alias}government, '') = ?`);
    params.push(f.government);
  }
  return { terms, params };
}

const ALIASES = `coalesce((SELECT group_concat(a.alias, '、') FROM (SELECT alias FROM unit_aliases WHERE unit_id = u.id AND alias <> u.canonical ORDER BY alias) a), '')`;

/** The counts of every unit, counted from the rows (one plan's, or all when no migration-010 count can be trusted). */
function countedUnits(db: DB, plans: number[] | null): UnitRow[] {
  return db
    .prepare(
      `SELECT u.id, u.canonical AS unit, u.government, u.body, ${ALIASES} AS aliases,
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

const unitMatches = (f: UnitFilter) => (u: UnitRow) =>
  (!f.q || u.unit.includes(f.q) || u.aliases.includes(f.q)) && (f.government === undefined || (u.government ?? '') === f.government);

/** True when every unit's counts (migration 010) are settled: a writer recounts before it commits. */
const countsSettled = (db: DB): boolean => !db.prepare('SELECT 1 FROM unit_dirty LIMIT 1').get();

/**
 * A page of the units (a government's body), the other names they were written as, and how often
 * each role names them, most items first; `plan` keeps one plan's units. The whole list reads the
 * counts kept on each unit (units_by_items index), so a page of 45 000 units costs its own rows.
 */
export function pageUnits(db: DB, f: UnitFilter = {}, page?: Page): Paged<UnitRow> {
  const plans = f.plan !== undefined ? resolvePlans(db, f.plan).map((p) => p.id) : null;
  if (plans || !countsSettled(db)) return pageOf(countedUnits(db, plans).filter(unitMatches(f)), page);
  const c = unitConditions({ named: f.q ? (f.named ?? unitIdsNamed(db, f.q)) : undefined, government: f.government }, 'u.');
  const w = c.terms.length ? `WHERE ${c.terms.join(' AND ')}` : '';
  const params = c.params;
  const total = db.prepare(`SELECT count(*) FROM units u ${w}`).pluck().get(...params) as number;
  const rows = db
    .prepare(
      `SELECT u.id, u.canonical AS unit, u.government, u.body, ${ALIASES} AS aliases,
         u.n_lead AS lead, u.n_support AS support, u.n_responsible AS responsible, u.n_items AS items, u.n_targets AS targets
       FROM units u INDEXED BY units_by_items ${w} ORDER BY u.n_items DESC, u.canonical${limitSql(page)}`,
    )
    .all(...params) as UnitRow[];
  return { rows, offset: page?.offset ?? 0, total };
}

/** Every unit (see pageUnits), or one plan's. */
export function listUnits(db: DB, args: { plan?: string } = {}): UnitRow[] {
  return pageUnits(db, args).rows;
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

/** What unitItems answers: the unit (or group), the rows (a page of them when asked), and counts over every row. */
export interface UnitItems {
  unit: UnitGroup;
  rows: UnitItemRow[];
  /** where the rows start among all the unit's rows, and how many rows, items and targets there are in all */
  offset: number;
  total: number;
  items: number;
  targets: number;
}

const UNIT_ITEM_SELECT = `SELECT DISTINCT u.canonical AS unit, u.government, u.body, ru.name AS unit_as_written, r.role, p.id AS plan_id, p.title AS plan, p.region,
         i.section_id, i.id AS item_id, i.kind AS item_kind, i.marker,
         t.id AS target_id, t.kind AS target_kind, t.indicator, t.op, t.value, t.value2, t.unit AS value_unit, t.year, t.effective_year,
         i.text AS item_text, coalesce(t.page, i.page) AS page, i.start AS _istart, t.start AS _tstart,
         coalesce(hs.heading, '') AS heading, coalesce(hs.heading_path, '') AS heading_path
       FROM responsibility_units ru JOIN units u ON u.id = ru.unit_id
       JOIN responsibilities r ON r.id = ru.responsibility_id
       JOIN items i ON i.id = r.item_id JOIN plans p ON p.id = r.plan_id
       LEFT JOIN targets t ON t.item_id = i.id AND t.status <> 'rejected'
       LEFT JOIN sections hs ON hs.id = i.section_id`;

/** Migration 010's rows of the unit's listing: each unit / name / role once per item (key_first), in the ru_unit_order index. */
const KEYS = "FROM responsibility_units WHERE unit_id IN (SELECT value FROM json_each(?)) AND key_first AND (? IS NULL OR role = ?)";

/** How many rows, items and targets the listing has: one row per target (one for an item without targets) of each key. */
function itemTotals(db: DB, ids: string, role: Role | null): { total: number; items: number; targets: number } {
  const [items, total, targets] = db.prepare(`SELECT count(DISTINCT item_id), coalesce(sum(max(1, item_targets)), 0), coalesce(sum(item_targets), 0) ${KEYS}`).raw().get(ids, role, role) as number[];
  return { total: total!, items: items!, targets: targets! };
}

/** The items whose rows fall in [offset, end) in document order, and the row number of the first one's first row. */
function pageItems(db: DB, ids: string, role: Role | null, offset: number, end: number): { items: number[]; first: number } {
  // each key gives at least one row: offset + limit keys reach the end of the page
  const keys = db
    .prepare(`SELECT item_id, max(1, item_targets) ${KEYS} ORDER BY plan_id, item_start, item_id LIMIT ?`)
    .raw()
    .all(ids, role, role, Number.isFinite(end) ? end : -1) as Array<[number, number]>;
  const items: number[] = [];
  let first = 0;
  let at = 0;
  for (const [item, n] of keys) {
    if (at >= end) break;
    if (at + n > offset && items.at(-1) !== item) {
      if (!items.length) first = at;
      items.push(item);
    }
    at += n;
  }
  return { items, first };
}

/** Rows of the unit's listing by role (every role, whatever the listing's filter). */
export function unitRowsByRole(db: DB, unit: UnitGroup): Record<string, number> {
  const rows = db
    .prepare(`SELECT role, sum(max(1, item_targets)) ${KEYS} GROUP BY role ORDER BY role`)
    .raw()
    .all(JSON.stringify(unit.units.map((u) => u.id)), null, null) as Array<[string, number]>;
  return Object.fromEntries(rows);
}

/**
 * What a unit owns: one row per target of each item it is named for (one row for an item without
 * targets), with plan, heading and role. NAME may be any alias, a canonicalisable name or part of a name.
 * With a `page`, only that page's rows are read (the counts still cover every row).
 */
export function unitItems(db: DB, args: { name: string; role?: string; region?: string; rules?: Rules; page?: Page }): UnitItems {
  const role = checkRole(args.role);
  const unit = resolveUnits(db, args.name, { region: args.region, rules: args.rules });
  const ids = unit.units.map((u) => u.id);
  const order = 'ORDER BY p.id, i.start, i.id, t.start, t.id, u.canonical, r.role, ru.name';
  const strip = (rows: Array<UnitItemRow & { _istart?: number; _tstart?: number }>): UnitItemRow[] => {
    for (const r of rows) {
      delete r._istart;
      delete r._tstart;
    }
    return rows;
  };
  const idList = JSON.stringify(ids);
  const where = `WHERE ru.unit_id IN (${ids.join(',')}) AND (? IS NULL OR r.role = ?) AND r.status <> 'rejected'`;
  if (!args.page || (args.page.limit === undefined && !args.page.offset)) {
    // every row: the counts are the rows'
    const rows = strip(db.prepare(`${UNIT_ITEM_SELECT} ${where} ${order}`).all(role ?? null, role ?? null) as UnitItemRow[]);
    return { unit, rows, offset: 0, total: rows.length, items: new Set(rows.map((r) => r.item_id)).size, targets: rows.filter((r) => r.target_id !== null).length };
  }
  const counts = { unit, ...itemTotals(db, idList, role ?? null) };
  // the items the page's rows come from, then only their rows
  const offset = args.page.offset ?? 0;
  const end = args.page.limit === undefined ? Infinity : offset + args.page.limit;
  const pick = pageItems(db, idList, role ?? null, offset, end);
  const rows = pick.items.length
    ? strip(
        db
          .prepare(`${UNIT_ITEM_SELECT} ${where} AND i.id IN (SELECT value FROM json_each(?)) ${order}`)
          .all(role ?? null, role ?? null, JSON.stringify(pick.items)) as UnitItemRow[],
      ).slice(offset - pick.first, end - pick.first)
    : [];
  return { ...counts, rows, offset };
}
