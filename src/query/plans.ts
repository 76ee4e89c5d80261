/** plandb plans / plandb show PLAN */
import type { DB } from '../store/read.js';
import type { Column } from './format.js';
import { resolvePlan, type PlanRef } from './common.js';
import { limitSql, type Page, type Paged } from './paging.js';

export interface PlanRow {
  id: number;
  title: string;
  region: string | null;
  province: string | null;
  division_code: string | null;
  subject: string | null;
  period: string;
  period_start: number | null;
  period_end: number | null;
  source: string;
  sections: number;
  items: number;
  targets: number;
  responsibilities: number;
}

export const PLAN_COLUMNS: Column[] = [
  { key: 'id', align: 'right' },
  { key: 'title', max: 40 },
  { key: 'region' },
  { key: 'province' },
  { key: 'division_code', only: 'data' },
  { key: 'subject' },
  { key: 'period' },
  { key: 'period_start', only: 'data' },
  { key: 'period_end', only: 'data' },
  { key: 'source', only: 'data' },
  { key: 'sections', align: 'right' },
  { key: 'items', align: 'right' },
  { key: 'targets', align: 'right' },
  { key: 'responsibilities', header: 'resp.', align: 'right' },
];

/** A page of the plans (by id) with their counts; total = every plan. */
export function pagePlans(db: DB, page?: Page): Paged<PlanRow> {
  const total = db.prepare('SELECT count(*) FROM plans').pluck().get() as number;
  return { rows: listPlans(db, undefined, page), offset: page?.offset ?? 0, total };
}

/** Every plan with its counts of sections, items, targets and responsibilities (`id`: just that plan). */
export function listPlans(db: DB, id?: number, page?: Page): PlanRow[] {
  // the counts are kept by triggers (migration 009-query-speed): rejected targets and responsibilities left out
  return db
    .prepare(
      `SELECT p.id, p.title, p.region, p.province, p.division_code, p.subject,
         CASE WHEN p.period_start IS NULL THEN '' ELSE p.period_start || '–' || p.period_end END AS period,
         p.period_start, p.period_end, src.name AS source,
         p.n_sections AS sections, p.n_items AS items, p.n_targets AS targets, p.n_responsibilities AS responsibilities
       FROM plans p JOIN sources src INDEXED BY sources_name ON src.id = p.source_id${id === undefined ? '' : ' WHERE p.id = ?'} ORDER BY p.id${limitSql(page)}`,
    )
    .all(...(id === undefined ? [] : [id])) as PlanRow[];
}

export interface OutlineRow {
  section_id: number | null;
  level: number;
  marker: string;
  title: string;
  path: string;
  page: number | null;
  /** counts include the headings below this one */
  items: number;
  targets: number;
  responsibilities: number;
}

export const OUTLINE_COLUMNS: Column[] = [
  { key: 'outline', header: 'heading', max: 50, only: 'table', render: (r) => `${'  '.repeat(Math.max(0, Number(r.level) - 1))}${r.marker}${r.title}` },
  { key: 'section_id', only: 'data' },
  { key: 'level', only: 'data' },
  { key: 'marker', only: 'data' },
  { key: 'title', only: 'data' },
  { key: 'path', only: 'data' },
  { key: 'page', only: 'data' },
  { key: 'items', align: 'right' },
  { key: 'targets', align: 'right' },
  { key: 'responsibilities', header: 'resp.', align: 'right' },
];

export interface PlanOutline {
  plan: PlanRow;
  outline: OutlineRow[];
}

/** A plan's heading tree in document order; each heading counts what lies under it (sub-headings included). */
export function showPlan(db: DB, args: { plan: string }): PlanOutline {
  const ref: PlanRef = resolvePlan(db, args.plan);
  const plan = listPlans(db, ref.id)[0]!;
  const secs = db
    .prepare('SELECT id, parent_id, level, marker, title, path, page FROM sections WHERE plan_id = ? ORDER BY start, id')
    .all(ref.id) as Array<{ id: number; parent_id: number | null; level: number; marker: string; title: string; path: string; page: number | null }>;
  const count = (sql: string) => new Map((db.prepare(sql).all(ref.id) as Array<{ s: number | null; n: number }>).map((r) => [r.s, r.n]));
  const own = {
    items: count('SELECT section_id AS s, count(*) AS n FROM items WHERE plan_id = ? GROUP BY section_id'),
    targets: count("SELECT section_id AS s, count(*) AS n FROM targets WHERE plan_id = ? AND status <> 'rejected' GROUP BY section_id"),
    responsibilities: count("SELECT section_id AS s, count(*) AS n FROM responsibilities WHERE plan_id = ? AND status <> 'rejected' GROUP BY section_id"),
  };
  const rows = new Map<number, OutlineRow>();
  const outline: OutlineRow[] = [];
  const loose = { items: own.items.get(null) ?? 0, targets: own.targets.get(null) ?? 0, responsibilities: own.responsibilities.get(null) ?? 0 };
  if (loose.items || loose.targets || loose.responsibilities)
    outline.push({ section_id: null, level: 1, marker: '', title: '(before the first heading)', path: '', page: null, ...loose });
  for (const s of secs) {
    const row: OutlineRow = {
      section_id: s.id, level: s.level, marker: s.marker, title: s.title, path: s.path, page: s.page,
      items: own.items.get(s.id) ?? 0, targets: own.targets.get(s.id) ?? 0, responsibilities: own.responsibilities.get(s.id) ?? 0,
    };
    rows.set(s.id, row);
    outline.push(row);
  }
  // add each heading's own counts to all its ancestors
  const parentOf = new Map(secs.map((s) => [s.id, s.parent_id]));
  for (const s of secs) {
    for (let p = s.parent_id; p !== null && rows.has(p); p = parentOf.get(p) ?? null) {
      const pr = rows.get(p)!;
      pr.items += own.items.get(s.id) ?? 0;
      pr.targets += own.targets.get(s.id) ?? 0;
      pr.responsibilities += own.responsibilities.get(s.id) ?? 0;
    }
  }
  return { plan, outline };
}
