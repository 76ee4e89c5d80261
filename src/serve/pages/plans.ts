/** /plans (with facets) and /plans/:id (outline and facts). */
import { PLAN_COLUMNS, OUTLINE_COLUMNS, listPlans, pageOf, showPlan, type PlanRow } from '../../query/index.js';
import type { Router } from '../app.js';
import { stmt, FACT_RESP_COLUMNS, FACT_TARGET_COLUMNS, planResponsibilities, planTargets } from '../facts.js';
import { notFound } from '../errors.js';
import { idParam, pageParam, text } from '../params.js';
import type { Page } from '../render.js';
import { indicatorHref } from './indicators.js';
import type { DB } from '../../store/db.js';

export const FACETS = ['province', 'region', 'subject', 'period'] as const;
/** Values shown per facet, the most frequent first. */
const FACET_MAX = 40;
type Facet = (typeof FACETS)[number];

type FacetedPlan = PlanRow & { province: string };

/** Plans with their province (from the division chain; '' when the region resolved to none). */
function plansWithProvince(db: DB): FacetedPlan[] {
  return listPlans(db).map((p) => ({ ...p, province: p.province ?? '' }));
}

/** The plan with this id, or a 404 (never a match on the title: /plans/3 is plan 3 or nothing). */
export function requirePlan(db: DB, id: number): { id: number; title: string; source_id: number; start: number; end: number } {
  const p = stmt(db, 'SELECT id, title, source_id, start, end FROM plans WHERE id = ?').get(id) as
    { id: number; title: string; source_id: number; start: number; end: number } | undefined;
  if (!p) throw notFound(`no plan ${id}`);
  return p;
}

const facetValue = (p: FacetedPlan, f: Facet): string => String(p[f] ?? '');

export function registerPlans(r: Router): void {
  r.page('/plans', (ctx, req) => {
    const db = ctx.dbs.get();
    const all = plansWithProvince(db);
    const chosen: Partial<Record<Facet, string>> = {};
    for (const f of FACETS) {
      const v = text(req.query[f]);
      if (v !== undefined) chosen[f] = v;
    }
    const matches = (p: FacetedPlan, skip?: Facet) => FACETS.every((f) => f === skip || chosen[f] === undefined || facetValue(p, f) === chosen[f]);
    const rows = all.filter((p) => matches(p));
    // each facet counts the plans that match the other facets
    const facets = FACETS.map((f) => {
      const counts = new Map<string, number>();
      for (const p of all) if (matches(p, f)) counts.set(facetValue(p, f), (counts.get(facetValue(p, f)) ?? 0) + 1);
      const values = [...counts].filter(([v]) => v !== '').sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], 'zh'));
      // the most frequent values (a region facet of 3 000 plans would list each plan); the rest by URL
      return { name: f, selected: chosen[f] ?? null, values: values.slice(0, FACET_MAX).map(([value, count]) => ({ value, count })), more: Math.max(0, values.length - FACET_MAX) };
    }).filter((f) => f.values.length || f.selected);
    const totals = { plans: rows.length, targets: rows.reduce((n, p) => n + p.targets, 0), responsibilities: rows.reduce((n, p) => n + p.responsibilities, 0) };
    return {
      view: 'plans',
      title: 'Plans',
      crumbs: [],
      data: { filters: chosen, facets, totals },
      tables: {
        plans: {
          rs: { columns: [...PLAN_COLUMNS.slice(0, 2), { key: 'province' }, ...PLAN_COLUMNS.slice(2)], ...pageOf(rows, pageParam(req.query)), sheet: 'plans' },
          links: { title: (p) => `/plans/${p.id}` },
        },
      },
    } satisfies Page;
  });

  r.page('/plans/:id', (ctx, req) => {
    const id = idParam(req.params.id, 'plan');
    const db = ctx.dbs.get();
    requirePlan(db, id);
    const { plan, outline } = showPlan(db, { plan: String(id) });
    const targets = planTargets(db, id);
    const resps = planResponsibilities(db, id);
    const status = (row: Record<string, unknown>) => `st-${String(row.status)}`;
    return {
      view: 'plan',
      title: plan.title,
      crumbs: [['Plans', '/plans']],
      data: { plan },
      tables: {
        outline: { rs: { columns: OUTLINE_COLUMNS, rows: outline, sheet: 'outline' }, links: { outline: (o) => (o.section_id ? `/plans/${id}/source#s${o.section_id}` : null) } },
        targets: {
          rs: { columns: FACT_TARGET_COLUMNS, rows: targets, sheet: 'targets' },
          links: { quote: (t) => `/plans/${id}/source#${t.fact}`, indicator: indicatorHref },
          rowClass: status,
        },
        responsibilities: {
          rs: { columns: FACT_RESP_COLUMNS, rows: resps, sheet: 'responsibilities' },
          links: { quote: (t) => `/plans/${id}/source#${t.fact}` },
          rowClass: status,
        },
      },
    } satisfies Page;
  });
}
