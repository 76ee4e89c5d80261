/**
 * The full-text index of a database being built (a rebuild's temporary file, which no one reads until
 * it is complete). FTS5 flushes its pending terms into a new segment at every commit and merges the
 * segments as they pile up: with one transaction per file, that merging was about half of what writing
 * a file cost. While a build runs, items' tokens go to a plain staging table instead, and are indexed
 * in large ordered chunks: whenever FTS_CHUNK items wait (about 125 plan files), and at the end (see
 * `npm run bench`: rebuild rows). The staged rows of a chunk are deleted as it is indexed, so the
 * files written next reuse their pages (the tokens take about twice the index's size; staged all at
 * once, they left 15% of the database as free pages).
 *
 * A staged database's index lacks the files written since stageFts: only a build that ends with
 * flushFts (or is thrown away) may stage.
 */
import type Database from 'better-sqlite3';
import type { DB } from './db.js';

const STAGE = 'items_fts_stage';
/** items indexed per transaction, and staged before they are (a setting for tests: `FTS_CHUNK.items`) */
export const FTS_CHUNK = { items: 20_000 };

type Statement = Database.Statement<unknown[]>;
interface Stage {
  ins: Statement;
  delOfKey: Statement;
  delOfPath: Statement;
  /** rows staged since the last flush (deletes not counted: an upper bound) */
  waiting: number;
}

const staged = new WeakMap<DB, Stage>();

/** From now on the items written to `db` are indexed by flushFts (at the latest). */
export function stageFts(db: DB): void {
  if (staged.has(db)) return;
  db.exec(`CREATE TABLE IF NOT EXISTS ${STAGE} (rowid INTEGER PRIMARY KEY, tokens TEXT NOT NULL)`);
  staged.set(db, {
    ins: db.prepare(`INSERT INTO ${STAGE} (rowid, tokens) VALUES (?, ?)`),
    delOfKey: db.prepare(`DELETE FROM ${STAGE} WHERE rowid IN (SELECT i.id FROM items i JOIN plans p ON p.id = i.plan_id WHERE p.plan_key = ?)`),
    delOfPath: db.prepare(`DELETE FROM ${STAGE} WHERE rowid IN (SELECT id FROM items WHERE plan_id IN (SELECT id FROM plans WHERE source_id IN (SELECT id FROM sources WHERE path = ?)))`),
    waiting: 0,
  });
}

/** The stage of `db` when it stages (for writeRows: stage.ins, then ftsWritten), else undefined. */
export const ftsStage = (db: DB): Stage | undefined => staged.get(db);

/** After a document's transaction: `n` items were staged; indexes them once a chunk waits. */
export function ftsWritten(db: DB, n: number): void {
  const s = staged.get(db);
  if (!s) return;
  s.waiting += n;
  if (s.waiting >= FTS_CHUNK.items) indexStaged(db);
}

/** Indexes every staged item (in rowid order, FTS_CHUNK items per transaction), deleting the staged rows. */
function indexStaged(db: DB): void {
  const upper = db.prepare(`SELECT rowid FROM ${STAGE} WHERE rowid > ? ORDER BY rowid LIMIT 1 OFFSET ${FTS_CHUNK.items - 1}`).pluck();
  const move = db.prepare(`INSERT INTO items_fts (rowid, tokens) SELECT rowid, tokens FROM ${STAGE} WHERE rowid > ? AND rowid <= ? ORDER BY rowid`);
  const drop = db.prepare(`DELETE FROM ${STAGE} WHERE rowid > ? AND rowid <= ?`);
  const chunk = db.transaction((lo: number, hi: number) => {
    move.run(lo, hi);
    drop.run(lo, hi);
  });
  let lo = Number.MIN_SAFE_INTEGER;
  for (;;) {
    const hi = (upper.get(lo) as number | undefined) ?? Number.MAX_SAFE_INTEGER;
    chunk(lo, hi);
    if (hi === Number.MAX_SAFE_INTEGER) break;
    lo = hi;
  }
  staged.get(db)!.waiting = 0;
}

/** Indexes what is still staged and drops the staging table: the index is whole again. */
export function flushFts(db: DB): void {
  if (!staged.has(db)) return;
  indexStaged(db);
  staged.delete(db);
  db.exec(`DROP TABLE ${STAGE}`);
}
