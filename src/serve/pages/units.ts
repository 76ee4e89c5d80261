/**
 * /units, /units/:id and /bodies/:body — responsible units as a government's body (昆山市 + 卫健委): the list
 * grouped by government with the bodies across governments (as `plandb units`), what one unit owns (as
 * `plandb unit 昆山市卫健委`), and what one body owns in every government (as `plandb unit 卫健委`).
 */
import { UNIT_COLUMNS, UNIT_ITEM_COLUMNS, pageOf, pageUnits, unitConditions, unitIdsNamed, unitItems, unitRowsByRole, type Column, type UnitItemRow, type UnitItems, type UnitRow } from '../../query/index.js';
import type { Router } from '../app.js';
import { notFound } from '../errors.js';
import { stmt } from '../facts.js';
import { idParam, pageParam, text } from '../params.js';
import type { DB } from '../../store/read.js';
import type { Page, Table } from '../render.js';

const BODY_COLUMNS: Column[] = [
  { key: 'body', max: 20 },
  { key: 'governments', max: 40 },
  { key: 'units', align: 'right' },
  { key: 'items', align: 'right' },
  { key: 'targets', align: 'right' },
];

export const bodyHref = (body: unknown) => `/bodies/${encodeURIComponent(String(body))}`;
const unitHref = (id: unknown) => `/units/${id}`;
const governmentHref = (g: unknown) => `/units?government=${encodeURIComponent(String(g))}`;

/** A page of one unit or body's items, with links to the plan, the target in its source and the unit. */
function itemsTable(r: UnitItems, sheet: string): Table {
  return {
    rs: { columns: UNIT_ITEM_COLUMNS, rows: r.rows, total: r.total, offset: r.offset, sheet },
    links: {
      plan: (x) => `/plans/${x.plan_id}`,
      indicator: (x) => (x.target_id ? `/plans/${x.plan_id}/source#t${x.target_id}` : null),
      item_text: (x) => `/plans/${x.plan_id}/source#i${x.item_id}`,
    },
  };
}

/** Counts over every row of the unit (not only the page's): items, targets and rows by role. */
const counts = (db: DB, r: UnitItems) => ({ items: r.items, targets: r.targets, rows_by_role: unitRowsByRole(db, r.unit) });

/** Facet values shown (the most frequent first); the others are reached by the name filter. */
const FACET_MAX = 40;

type BodyRow = { body: string; governments: string; units: number; items: number; targets: number };

/** Bodies across governments (卫健委 of 昆山市, 苏州市, 衢州市) from units already in memory (one plan's). */
function bodiesOf(rows: UnitRow[]): BodyRow[] {
  const bodies = new Map<string, { body: string; governments: string[]; units: number; items: number; targets: number }>();
  for (const u of rows) {
    const key = u.body ?? u.unit;
    const b = bodies.get(key) ?? { body: key, governments: [], units: 0, items: 0, targets: 0 };
    if (u.government) b.governments.push(u.government);
    b.units++;
    b.items += u.items;
    b.targets += u.targets;
    bodies.set(key, b);
  }
  return [...bodies.values()]
    .map((b) => ({ ...b, governments: b.governments.join('、') }))
    .sort((a, b) => b.units - a.units || b.items - a.items || a.body.localeCompare(b.body, 'zh'));
}

/**
 * Bodies across governments (every plan's units, filtered): counts from the units_body index (a unit
 * without a body is a body of its own), governments for the page's bodies only.
 */
function pageBodies(db: DB, f: { ids?: string; government?: string }, page: { limit?: number; offset: number }): { rows: BodyRow[]; total: number; offset: number } {
  const c = unitConditions({ named: f.ids, government: f.government });
  const w = { sql: c.terms.map((t) => ` AND ${t}`).join(''), params: c.params };
  const counts = `SELECT body, count(*) AS units, sum(n_items) AS items, sum(n_targets) AS targets FROM units WHERE body IS NOT NULL${w.sql} GROUP BY body
    UNION ALL SELECT canonical, 1, n_items, n_targets FROM units WHERE body IS NULL${w.sql}`;
  const params = [...w.params, ...w.params];
  const total = stmt(db, `SELECT count(*) FROM (${counts})`).pluck().get(...params) as number;
  const rows = stmt(db, `${counts} ORDER BY units DESC, items DESC, body LIMIT ${page.limit ?? -1} OFFSET ${page.offset}`).all(...params) as BodyRow[];
  const SHOWN = 30;
  const govs = stmt(
    db,
    `SELECT group_concat(government, '、'), (SELECT count(government) FROM units WHERE body = ?${w.sql}) FROM (SELECT government FROM units WHERE body = ? AND government IS NOT NULL${w.sql} ORDER BY canonical LIMIT ${SHOWN})`,
  ).raw();
  const own = stmt(db, 'SELECT government FROM units WHERE body IS NULL AND canonical = ?').pluck();
  for (const b of rows) {
    const [list, n] = govs.get(b.body, ...w.params, b.body, ...w.params) as [string | null, number];
    b.governments = n ? `${list ?? ''}${n > SHOWN ? ` … (${n})` : ''}` : ((own.get(b.body) as string | null | undefined) ?? '');
  }
  return { rows, total, offset: page.offset };
}

export function registerUnits(r: Router): void {
  r.page('/units', (ctx, req) => {
    const db = ctx.dbs.get();
    const q = text(req.query.q);
    const government = text(req.query.government);
    const plan = text(req.query.plan);
    const page = pageParam(req.query);
    const bodyPage = pageParam(req.query, 'bodies_');
    // governments: each with its units (counted over the other filters), the most frequent first
    let governments: Array<{ value: string; count: number }>;
    let bodies: { rows: BodyRow[]; total: number; offset: number };
    let units: { rows: UnitRow[]; total: number; offset: number };
    if (plan) {
      // one plan's units are few: the page, facets and bodies from the list itself
      const all = pageUnits(db, { plan, q }).rows;
      const ofGovernment = government ? all.filter((u) => (u.government ?? '') === government) : all;
      units = pageOf(ofGovernment, page);
      const govCount = new Map<string, number>();
      for (const u of all) govCount.set(u.government ?? '', (govCount.get(u.government ?? '') ?? 0) + 1);
      governments = [...govCount].map(([value, count]) => ({ value, count }));
      bodies = pageOf(bodiesOf(ofGovernment), bodyPage);
    } else {
      const named = q ? unitIdsNamed(db, q) : undefined;
      units = pageUnits(db, { q, government: government ?? undefined, named }, page);
      const c = unitConditions({ named });
      governments = stmt(db, `SELECT coalesce(government, '') AS value, count(*) AS count FROM units ${c.terms.length ? `WHERE ${c.terms.join(' AND ')}` : ''} GROUP BY government ORDER BY count DESC, value LIMIT ${FACET_MAX + 1}`).all(
        ...c.params,
      ) as Array<{ value: string; count: number }>;
      bodies = pageBodies(db, { ids: named, government }, bodyPage);
    }
    governments.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value, 'zh'));
    const rows = units.rows;
    // the page's units grouped by government
    const groups = [...new Set(rows.map((u) => u.government ?? ''))]
      .map((g) => ({ government: g, units: rows.filter((u) => (u.government ?? '') === g) }))
      .sort((a, b) => b.units.length - a.units.length || a.government.localeCompare(b.government, 'zh'));
    return {
      view: 'units',
      title: 'Units',
      data: {
        q: q ?? '',
        government: government ?? '',
        plan: plan ?? '',
        total: units.total,
        governments: governments.slice(0, FACET_MAX),
        more_governments: governments.length > FACET_MAX,
        _groups: groups,
      },
      tables: {
        units: {
          rs: { columns: UNIT_COLUMNS, rows, total: units.total, offset: units.offset, sheet: 'units' },
          links: { unit: (u) => unitHref(u.id), body: (u) => bodyHref(u.body ?? u.unit), government: (u) => (u.government ? governmentHref(u.government) : null) },
        },
        bodies: { rs: { columns: BODY_COLUMNS, ...bodies, sheet: 'bodies' }, links: { body: (b) => bodyHref(b.body) }, pageParam: 'bodies_offset' },
      },
    } satisfies Page;
  });

  r.page('/units/:id', (ctx, req) => {
    const id = idParam(req.params.id, 'unit');
    const db = ctx.dbs.get();
    const unit = stmt(db, 'SELECT id, canonical, government, body FROM units WHERE id = ?').get(id) as
      { id: number; canonical: string; government: string | null; body: string | null } | undefined;
    if (!unit) throw notFound(`no unit ${id}`);
    const role = text(req.query.role);
    // a qualified name is one unit: the same rows as plandb unit 昆山市卫健委
    const items = unitItems(db, { name: unit.canonical, role, page: pageParam(req.query) });
    const aliases = stmt(db, 'SELECT alias FROM unit_aliases WHERE unit_id = ? AND alias <> ? ORDER BY alias').pluck().all(id, unit.canonical) as string[];
    const others = unit.body
      ? (stmt(db, 'SELECT id, canonical, government FROM units WHERE body = ? AND id <> ? ORDER BY canonical').all(unit.body, id) as Array<{ id: number; canonical: string; government: string | null }>)
      : [];
    return {
      view: 'unit',
      title: unit.canonical,
      crumbs: [['Units', '/units'], ...(unit.government ? [[unit.government, governmentHref(unit.government)] as [string, string]] : [])],
      data: {
        unit: { ...unit, aliases },
        same_body: others,
        role: role ?? null,
        counts: counts(db, items),
        _base: unitHref(id),
        _bodyHref: unit.body ? bodyHref(unit.body) : null,
      },
      tables: { items: itemsTable(items, unit.canonical) },
    } satisfies Page;
  });

  r.page('/bodies/:body', (ctx, req) => {
    const body = (req.params.body ?? '').replace(/\s+/g, '');
    const db = ctx.dbs.get();
    const units = (body ? stmt(db, 'SELECT id, canonical, government FROM units WHERE body = ? ORDER BY canonical').all(body) : []) as Array<{ id: number; canonical: string; government: string | null }>;
    if (!units.length) throw notFound(`no unit has the body '${body}' (see /units)`);
    const role = text(req.query.role);
    // a plain body is that body of every government: the same rows as plandb unit 卫健委
    const r = unitItems(db, { name: body, role, page: pageParam(req.query) });
    return {
      view: 'unit',
      title: body,
      crumbs: [['Units', '/units']],
      data: {
        body,
        label: r.unit.label,
        units: r.unit.units.map((u) => ({ id: u.id, canonical: u.canonical, government: u.government ?? null })),
        role: role ?? null,
        counts: counts(db, r),
        _base: bodyHref(body),
      },
      tables: { items: itemsTable(r, body) },
    } satisfies Page;
  });
}
