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
    const { rows, unit, total, offset } = findTargets(db, { ...f, page: pageParam(req.query) });
    // the filters' choices: the few distinct years walked in their index (one seek each), every plan's title
    const years = stmt(
      db,
      `WITH RECURSIVE y(v) AS (SELECT min(effective_year) FROM targets
         UNION ALL SELECT (SELECT min(effective_year) FROM targets WHERE effective_year > y.v) FROM y WHERE y.v IS NOT NULL)
       SELECT v FROM y WHERE v IS NOT NULL`,
    )
      .pluck()
      .all() as number[];
    const plans = stmt(db, 'SELECT id, title FROM plans ORDER BY id').all() as Array<{ id: number; title: string }>;
    return {
      view: 'targets',
      title: 'Targets',
      data: { filters: f, unit: unit ?? null, options: { kinds: TARGET_KINDS, years, plans } },
      tables: {
        targets: {
          rs: { columns: TARGET_COLUMNS, rows, total, offset, sheet: 'targets' },
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
    // a page of 50 hits (?limit= as before, or ?size=), ?offset= for the next; ?all=1 every hit
    const asked = pageParam(req.query);
    const limit = req.query.size === undefined && asked.limit !== undefined ? (intParam(req.query.limit, 'limit', 1, 500) ?? 50) : asked.limit;
    if (!q)
      return {
        view: 'search',
        title: 'Search',
        data: { q: '', plan: plan ?? '', mode: null, tokens: [], total: 0, _hits: [] },
        tables: { results: { rs: { columns: SEARCH_COLUMNS, rows: [], sheet: 'search' } } },
      } satisfies Page;
    const db = ctx.dbs.get();
    const res = searchItems(db, { query: q, plan, page: { limit, offset: asked.offset } });
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
      data: { q, plan: plan ?? '', mode: res.mode, tokens: res.tokens, total: res.total, _hits: hits },
      tables: { results: { rs: { columns: SEARCH_COLUMNS, rows: res.rows, total: res.total, offset: res.offset, sheet: 'search' } } },
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
