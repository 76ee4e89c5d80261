/** plandb gaps: goals and items that name no responsible unit (view v_gaps) */
import type { DB } from '../store/read.js';
import type { Column } from './format.js';
import { checkKind, resolvePlans, withHeadings } from './common.js';

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

/** Rows of v_gaps (optionally for the plans matching `plan`, and items of one `kind`: goal/目标, measure/措施, task/任务), with the item's full text and its number of targets. */
export function findGaps(db: DB, args: { plan?: string; kind?: string } = {}): GapRow[] {
  const ids = args.plan !== undefined ? resolvePlans(db, args.plan).map((p) => p.id) : null;
  const kind = checkKind(args.kind, ITEM_KINDS);
  const where = [...(ids ? [`g.plan_id IN (${ids.map(() => '?').join(',')})`] : []), ...(kind ? ['g.kind = ?'] : [])];
  const rows = db
    .prepare(
      `SELECT g.plan_id, g.plan, i.section_id, g.item_id, g.kind, g.marker,
         (SELECT count(*) FROM targets t WHERE t.item_id = g.item_id AND t.status <> 'rejected') AS targets, i.text AS item
       FROM v_gaps g JOIN items i ON i.id = g.item_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY g.plan_id, i.start`,
    )
    .all(...(ids ?? []), ...(kind ? [kind] : [])) as GapRow[];
  return withHeadings(db, rows);
}

/** Per plan: how many items have no responsible unit, of which goals and with targets. */
export function gapSummary(db: DB, args: { plan?: string; kind?: string } = {}): GapSummaryRow[] {
  const gaps = findGaps(db, args);
  const total = new Map((db.prepare('SELECT plan_id AS id, count(*) AS n FROM items GROUP BY plan_id').all() as Array<{ id: number; n: number }>).map((r) => [r.id, r.n]));
  const out = new Map<number, GapSummaryRow>();
  for (const g of gaps) {
    const s = out.get(g.plan_id) ?? { plan_id: g.plan_id, plan: g.plan, gaps: 0, goals: 0, with_targets: 0, items: total.get(g.plan_id) ?? 0 };
    s.gaps++;
    if (g.kind === 'goal') s.goals++;
    if (g.targets > 0) s.with_targets++;
    out.set(g.plan_id, s);
  }
  return [...out.values()];
}
