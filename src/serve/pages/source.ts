/** /plans/:id/source — the whole normalized text with every fact highlighted, and the review panel. */
import type { Router } from '../app.js';
import { FACT_RESP_COLUMNS, FACT_TARGET_COLUMNS, planResponsibilities, planTargets, stmt } from '../facts.js';
import { idParam } from '../params.js';
import type { Page } from '../render.js';
import { planDecisions } from '../review.js';
import { sourceHtml, type HeadingSpan } from '../source-html.js';
import { requirePlan } from './plans.js';

export function registerSource(r: Router): void {
  r.page('/plans/:id/source', (ctx, req) => {
    const id = idParam(req.params.id, 'plan');
    const db = ctx.dbs.get();
    const plan = requirePlan(db, id);
    const src = stmt(db, 'SELECT name, format, pages, normalized_text FROM sources WHERE id = ?').get(plan.source_id) as {
      name: string;
      format: string;
      pages: number | null;
      normalized_text: string;
    };
    const text = src.normalized_text.slice(plan.start, plan.end);
    const targets = planTargets(db, id);
    const resps = planResponsibilities(db, id);
    const headings = stmt(db, 'SELECT id, parent_id, level, marker, title, start, end, page FROM sections WHERE plan_id = ? ORDER BY start, id').all(id) as Array<
      HeadingSpan & { parent_id: number | null; marker: string; title: string; page: number | null }
    >;
    const spans = [
      ...targets.map((t) => ({ id: t.fact, start: t.start, end: t.end, cls: `k-target k-${t.kind} st-${t.status}` })),
      ...resps.map((x) => ({ id: x.fact, start: x.start, end: x.end, cls: `k-resp k-${x.role} st-${x.status}` })),
    ];
    const items = stmt(db, 'SELECT id, start FROM items WHERE plan_id = ?').all(id) as Array<{ id: number; start: number }>;
    const review = planDecisions(ctx, id, [...targets, ...resps]);
    const html = sourceHtml(
      text,
      plan.start,
      spans,
      headings,
      items.map((i) => ({ id: `i${i.id}`, at: i.start })),
    );
    const status = (row: Record<string, unknown>) => `st-${String(row.status)}`;
    const counts: Record<string, number> = {};
    for (const f of [...targets, ...resps]) counts[f.status] = (counts[f.status] ?? 0) + 1;
    return {
      view: 'source',
      title: `${plan.title} — source`,
      crumbs: [
        ['Plans', '/plans'],
        [plan.title, `/plans/${id}`],
      ],
      data: {
        plan: { id: plan.id, title: plan.title, source: src.name, format: src.format, pages: src.pages, start: plan.start, end: plan.end },
        text,
        headings,
        counts,
        review: review.info,
        decisions: review.decisions,
        _html: html,
      },
      tables: {
        targets: { rs: { columns: FACT_TARGET_COLUMNS, rows: targets, sheet: 'targets' }, rowClass: status },
        responsibilities: { rs: { columns: FACT_RESP_COLUMNS, rows: resps, sheet: 'responsibilities' }, rowClass: status },
      },
    } satisfies Page;
  });
}
