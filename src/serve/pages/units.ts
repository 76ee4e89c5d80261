/**
 * /units, /units/:id and /bodies/:body — responsible units as a government's body (昆山市 + 卫健委): the list
 * grouped by government with the bodies across governments (as `plandb units`), what one unit owns (as
 * `plandb unit 昆山市卫健委`), and what one body owns in every government (as `plandb unit 卫健委`).
 */
import { UNIT_COLUMNS, UNIT_ITEM_COLUMNS, listUnits, unitItems, type Column, type UnitItemRow, type UnitRow } from '../../query/index.js';
import type { Router } from '../app.js';
import { notFound } from '../errors.js';
import { stmt } from '../facts.js';
import { idParam, text } from '../params.js';
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

/** Rows of one unit or body's items, with links to the plan, the target in its source and the unit. */
function itemsTable(rows: UnitItemRow[], sheet: string): Table {
  return {
    rs: { columns: UNIT_ITEM_COLUMNS, rows, sheet },
    links: {
      plan: (x) => `/plans/${x.plan_id}`,
      indicator: (x) => (x.target_id ? `/plans/${x.plan_id}/source#t${x.target_id}` : null),
      item_text: (x) => `/plans/${x.plan_id}/source#i${x.item_id}`,
    },
  };
}

function counts(rows: UnitItemRow[]) {
  const byRole: Record<string, number> = {};
  for (const x of rows) byRole[x.role] = (byRole[x.role] ?? 0) + 1;
  return { items: new Set(rows.map((x) => x.item_id)).size, targets: rows.filter((x) => x.target_id !== null).length, rows_by_role: byRole };
}

export function registerUnits(r: Router): void {
  r.page('/units', (ctx, req) => {
    const db = ctx.dbs.get();
    const q = text(req.query.q);
    const government = text(req.query.government);
    const plan = text(req.query.plan);
    const all = listUnits(db, { plan });
    let rows: UnitRow[] = all;
    if (q) rows = rows.filter((u) => u.unit.includes(q) || u.aliases.includes(q));
    // governments: each with its units (counted over the other filters)
    const govCount = new Map<string, number>();
    for (const u of rows) govCount.set(u.government ?? '', (govCount.get(u.government ?? '') ?? 0) + 1);
    if (government) rows = rows.filter((u) => (u.government ?? '') === government);
    const groups = [...new Set(rows.map((u) => u.government ?? ''))]
      .map((g) => ({ government: g, units: rows.filter((u) => (u.government ?? '') === g) }))
      .sort((a, b) => b.units.length - a.units.length || a.government.localeCompare(b.government, 'zh'));
    // bodies: the same body in each government (卫健委 of 昆山市, 苏州市, 衢州市)
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
    const bodyRows = [...bodies.values()]
      .map((b) => ({ ...b, governments: b.governments.join('、') }))
      .sort((a, b) => b.units - a.units || b.items - a.items || a.body.localeCompare(b.body, 'zh'));
    return {
      view: 'units',
      title: 'Units',
      data: {
        q: q ?? '',
        government: government ?? '',
        plan: plan ?? '',
        total: rows.length,
        governments: [...govCount].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value, 'zh')),
        _groups: groups,
      },
      tables: {
        units: {
          rs: { columns: UNIT_COLUMNS, rows, sheet: 'units' },
          links: { unit: (u) => unitHref(u.id), body: (u) => bodyHref(u.body ?? u.unit), government: (u) => (u.government ? governmentHref(u.government) : null) },
        },
        bodies: { rs: { columns: BODY_COLUMNS, rows: bodyRows, sheet: 'bodies' }, links: { body: (b) => bodyHref(b.body) } },
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
    const { rows } = unitItems(db, { name: unit.canonical, role });
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
        counts: counts(rows),
        _base: unitHref(id),
        _bodyHref: unit.body ? bodyHref(unit.body) : null,
      },
      tables: { items: itemsTable(rows, unit.canonical) },
    } satisfies Page;
  });

  r.page('/bodies/:body', (ctx, req) => {
    const body = (req.params.body ?? '').replace(/\s+/g, '');
    const db = ctx.dbs.get();
    const units = (body ? stmt(db, 'SELECT id, canonical, government FROM units WHERE body = ? ORDER BY canonical').all(body) : []) as Array<{ id: number; canonical: string; government: string | null }>;
    if (!units.length) throw notFound(`no unit has the body '${body}' (see /units)`);
    const role = text(req.query.role);
    // a plain body is that body of every government: the same rows as plandb unit 卫健委
    const r = unitItems(db, { name: body, role });
    return {
      view: 'unit',
      title: body,
      crumbs: [['Units', '/units']],
      data: {
        body,
        label: r.unit.label,
        units: r.unit.units.map((u) => ({ id: u.id, canonical: u.canonical, government: u.government ?? null })),
        role: role ?? null,
        counts: counts(r.rows),
        _base: bodyHref(body),
      },
      tables: { items: itemsTable(r.rows, body) },
    } satisfies Page;
  });
}
