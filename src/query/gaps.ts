/** plandb gaps: goals and items that name no responsible unit (view v_gaps) */
import type { DB } from '../store/read.js';
import type { Column } from './format.js';
import { checkKind, resolvePlans } from './common.js';
import { limitSql, type Page, type Paged } from './paging.js';

export const ITEM_KINDS = ['goal', 'measure', 'task', 'table'] as const;

export interface GapRow {
  plan_id: number;
  plan: string;
  section_id: number | null;
  heading: string;
  heading_path: string;
  item_id: number;
  kind: string;
  marker: string | null;
  targets: number;
  item: string;
}

export const GAP_COLUMNS: Column[] = [
  { key: 'plan_id', only: 'data' },
  { key: 'plan', max: 30 },
  { key: 'heading', max: 24 },
  { key: 'heading_path', only: 'data' },
  { key: 'kind' },
  { key: 'marker' },
  { key: 'targets', align: 'right' },
  { key: 'item', max: 50 },
  { key: 'item_id', only: 'data' },
];

export interface GapSummaryRow {
  plan_id: number;
  plan: string;
  gaps: number;
  goals: number;
  with_targets: number;
  items: number;
}

export const GAP_SUMMARY_COLUMNS: Column[] = [
  { key: 'plan_id', header: 'id', align: 'right' },
  { key: 'plan', max: 40 },
  { key: 'gaps', align: 'right' },
  { key: 'goals', align: 'right' },
  { key: 'with_targets', header: 'with targets', align: 'right' },
  { key: 'items', header: 'of items', align: 'right' },
];

/** What v_gaps keeps: an item without a responsible unit that is a numbered goal or task, or has targets (the counts are kept by triggers). */
const IS_GAP = "i.review = 0 AND i.n_responsibilities = 0 AND ((i.marker IS NOT NULL AND i.kind IN ('goal','task')) OR i.n_targets > 0)";

function gapFilter(db: DB, args: { plan?: string; kind?: string }): { where: string; params: unknown[] } {
  const ids = args.plan !== undefined ? resolvePlans(db, args.plan).map((p) => p.id) : null;
  const kind = checkKind(args.kind, ITEM_KINDS);
  const where = [IS_GAP, ...(ids ? [`i.plan_id IN (${ids.map(() => '?').join(',')})`] : []), ...(kind ? ['i.kind = ?'] : [])];
  return { where: where.join(' AND '), params: [...(ids ?? []), ...(kind ? [kind] : [])] };
}

/**
 * A page of v_gaps's rows (optionally for the plans matching `plan`, and items of one `kind`: goal/目标,
 * measure/措施, task/任务), with the item's full text and its number of targets, in plan and document
 * order; the items_gaps index holds just the gaps, so a page and the count read only it.
 */
export function pageGaps(db: DB, args: { plan?: string; kind?: string } = {}, page?: Page): Paged<GapRow> {
  const f = gapFilter(db, args);
  const total = db.prepare(`SELECT count(*) FROM items i INDEXED BY items_gaps WHERE ${f.where}`).pluck().get(...f.params) as number;
  const rows = db
    .prepare(
      `SELECT i.plan_id, p.title AS plan, i.section_id, i.id AS item_id, i.kind, i.marker, i.n_targets AS targets, i.text AS item,
         coalesce(hs.heading, '') AS heading, coalesce(hs.heading_path, '') AS heading_path
       FROM items i JOIN plans p ON p.id = i.plan_id LEFT JOIN sections hs ON hs.id = i.section_id
       WHERE i.id IN (SELECT i.id FROM items i INDEXED BY items_gaps WHERE ${f.where} ORDER BY i.plan_id, i.start, i.id${limitSql(page)})
       ORDER BY i.plan_id, i.start, i.id`,
    )
    .all(...f.params) as GapRow[];
  return { rows, offset: page?.offset ?? 0, total };
}

/** Every row of v_gaps (see pageGaps). */
export function findGaps(db: DB, args: { plan?: string; kind?: string } = {}): GapRow[] {
  return pageGaps(db, args).rows;
}

/** Per plan: how many items have no responsible unit, of which goals and with targets (a page of plans). */
export function pageGapSummary(db: DB, args: { plan?: string; kind?: string } = {}, page?: Page): Paged<GapSummaryRow> {
  const f = gapFilter(db, args);
  const total = db.prepare(`SELECT count(DISTINCT i.plan_id) FROM items i INDEXED BY items_gaps WHERE ${f.where}`).pluck().get(...f.params) as number;
  const rows = db
    .prepare(
      `SELECT g.plan_id, p.title AS plan, g.gaps, g.goals, g.with_targets, p.n_items AS items FROM (
         SELECT i.plan_id, count(*) AS gaps, sum(i.kind = 'goal') AS goals, sum(i.n_targets > 0) AS with_targets
         FROM items i INDEXED BY items_gaps WHERE ${f.where} GROUP BY i.plan_id ORDER BY i.plan_id${limitSql(page)}) g
       JOIN plans p ON p.id = g.plan_id ORDER BY g.plan_id`,
    )
    .all(...f.params) as GapSummaryRow[];
  return { rows, offset: page?.offset ?? 0, total };
}

/** Per plan: how many items have no responsible unit, of which goals and with targets. */
export function gapSummary(db: DB, args: { plan?: string; kind?: string } = {}): GapSummaryRow[] {
  return pageGapSummary(db, args).rows;
}
