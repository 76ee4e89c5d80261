/** /units and /units/:id — responsible units and what one unit owns. */
import { UNIT_COLUMNS, UNIT_ITEM_COLUMNS, listUnits, unitItems } from '../../query/index.js';
import type { Router } from '../app.js';
import { notFound } from '../errors.js';
import { idParam, text } from '../params.js';
import { stmt } from '../facts.js';
import type { Page } from '../render.js';

export function registerUnits(r: Router): void {
  r.page('/units', (ctx, req) => {
    const db = ctx.dbs.get();
    const q = text(req.query.q);
    let rows = listUnits(db);
    if (q) rows = rows.filter((u) => u.unit.includes(q) || u.aliases.includes(q));
    return {
      view: 'units',
      title: 'Units',
      data: { q: q ?? '', total: rows.length },
      tables: { units: { rs: { columns: UNIT_COLUMNS, rows, sheet: 'units' }, links: { unit: (u) => `/units/${u.id}` } } },
    } satisfies Page;
  });

  r.page('/units/:id', (ctx, req) => {
    const id = idParam(req.params.id, 'unit');
    const db = ctx.dbs.get();
    const canonical = stmt(db, 'SELECT canonical FROM units WHERE id = ?').pluck().get(id) as string | undefined;
    if (canonical === undefined) throw notFound(`no unit ${id}`);
    const role = text(req.query.role);
    const { rows } = unitItems(db, { name: canonical, role });
    const aliases = stmt(db, 'SELECT alias FROM unit_aliases WHERE unit_id = ? AND alias <> ? ORDER BY alias').pluck().all(id, canonical) as string[];
    const byRole: Record<string, number> = {};
    for (const x of rows) byRole[x.role] = (byRole[x.role] ?? 0) + 1;
    return {
      view: 'unit',
      title: canonical,
      crumbs: [['Units', '/units']],
      data: {
        unit: { id, canonical, aliases },
        role: role ?? null,
        counts: { items: new Set(rows.map((x) => x.item_id)).size, targets: rows.filter((x) => x.target_id !== null).length, rows_by_role: byRole },
      },
      tables: {
        items: {
          rs: { columns: UNIT_ITEM_COLUMNS, rows, sheet: canonical },
          links: {
            plan: (x) => `/plans/${x.plan_id}`,
            indicator: (x) => (x.target_id ? `/plans/${x.plan_id}/source#t${x.target_id}` : null),
          },
        },
      },
    } satisfies Page;
  });
}
