/**
 * A fresh build's database (a full rebuild's temporary file, which no one reads until it is complete)
 * is loaded like any bulk load: the secondary indexes that serve only reading are created once at the
 * end, from sorted data, instead of being updated row by row in every file's transaction. The
 * indexes that writes use stay: unique keys, and the plan_id/item_id/section_id indexes that cascades
 * and writeRows's lookups go through.
 */
import type { DB } from './db.js';

/** Read-side indexes (see schema.ts): each has a sibling, or is not used, while files are written. */
export const DEFERRED_INDEXES = [
  'targets_indicator',
  'targets_plan_status', // targets_plan_start serves deletes by plan
  'targets_indicator_id_plan',
  'targets_kind_indicator_id',
  'targets_year',
  'items_gaps', // items_plan_start serves deletes by plan
  'units_by_items',
  'units_government',
  'units_body',
];

/** Drops the deferred indexes of `db`; the function returned creates them again (same SQL). */
export function deferIndexes(db: DB): () => void {
  const get = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?").pluck();
  const dropped: string[] = [];
  for (const name of DEFERRED_INDEXES) {
    const sql = get.get(name) as string | undefined;
    if (!sql) continue;
    db.exec(`DROP INDEX ${name}`);
    dropped.push(sql);
  }
  return () => {
    db.transaction(() => {
      for (const sql of dropped.splice(0)) db.exec(sql);
    })();
  };
}
