/** /targets (filters), /search (full text), /gaps — the CLI's query commands as pages. */
import {
  GAP_COLUMNS,
  GAP_SUMMARY_COLUMNS,
  SEARCH_COLUMNS,
  TARGET_COLUMNS,
  TARGET_KINDS,
  pageGaps,
  findTargets,
  pageGapSummary,
  listPlans,
  searchItems,
  snippetParts,
} from '../../query/index.js';
import type { Router } from '../app.js';
import { intParam, pageParam, text } from '../params.js';
import { stmt } from '../facts.js';
import type { Page } from '../render.js';
import { indicatorHref } from './indicators.js';
import { esc } from '../security.js';

export function registerLists(r: Router): void {
  r.page('/targets', (ctx, req) => {
    const db = ctx.dbs.get();
    const f = {
      indicator: text(req.query.indicator),
      plan: text(req.query.plan),
      unit: text(req.query.unit),
      year: text(req.query.year),
      kind: text(req.query.kind),
    };
    const { rows, unit } = findTargets(db, f);
    const years = stmt(db, 'SELECT DISTINCT effective_year FROM targets WHERE effective_year IS NOT NULL ORDER BY 1').pluck().all() as number[];
    const plans = listPlans(db).map((p) => ({ id: p.id, title: p.title }));
    return {
      view: 'targets',
      title: 'Targets',
      data: { filters: f, unit: unit ?? null, options: { kinds: TARGET_KINDS, years, plans } },
      tables: {
        targets: {
          rs: { columns: TARGET_COLUMNS, rows, sheet: 'targets' },
          links: {
            plan: (x) => `/plans/${x.plan_id}`,
            indicator: indicatorHref,
            quote: (x) => `/plans/${x.plan_id}/source#t${x.target_id}`,
          },
        },
      },
    } satisfies Page;
  });

  r.page('/search', (ctx, req) => {
    const q = text(req.query.q);
    const plan = text(req.query.plan);
    const limit = intParam(req.query.limit, 'limit', 1, 500) ?? 50;
    if (!q)
      return {
        view: 'search',
        title: 'Search',
        data: { q: '', plan: plan ?? '', mode: null, tokens: [], _hits: [] },
        tables: { results: { rs: { columns: SEARCH_COLUMNS, rows: [], sheet: 'search' } } },
      } satisfies Page;
    const db = ctx.dbs.get();
    const res = searchItems(db, { query: q, plan, limit });
    // snippets with the hit marked, escaped piece by piece
    const hits = res.rows.map((x) => ({
      ...x,
      html: snippetParts(x.text, q, res.tokens)
        .map((p) => (p.hit ? `<mark>${esc(p.text)}</mark>` : esc(p.text)))
        .join(''),
    }));
    return {
      view: 'search',
      title: `Search: ${q}`,
      data: { q, plan: plan ?? '', mode: res.mode, tokens: res.tokens, _hits: hits },
      tables: { results: { rs: { columns: SEARCH_COLUMNS, rows: res.rows, sheet: 'search' } } },
    } satisfies Page;
  });

  r.page('/gaps', (ctx, req) => {
    const db = ctx.dbs.get();
    const plan = text(req.query.plan);
    const rows = pageGaps(db, { plan }, pageParam(req.query));
    const summary = pageGapSummary(db, { plan }, pageParam(req.query, 'summary_'));
    return {
      view: 'gaps',
      title: 'Gaps',
      data: { plan: plan ?? '' },
      tables: {
        summary: { rs: { columns: GAP_SUMMARY_COLUMNS, ...summary, sheet: 'summary' }, links: { plan: (x) => `/gaps?plan=${x.plan_id}` }, pageParam: 'summary_offset' },
        gaps: { rs: { columns: GAP_COLUMNS, ...rows, sheet: 'gaps' }, links: { plan: (x) => `/plans/${x.plan_id}`, item: (x) => `/plans/${x.plan_id}/source#i${x.item_id}` } },
      },
    } satisfies Page;
  });
}
