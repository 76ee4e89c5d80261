/**
 * The full-text index of a database being built (a rebuild's temporary file, which no one reads until
 * it is complete). FTS5 flushes its pending terms into a new segment at every commit and merges the
 * segments as they pile up: with one transaction per file, that merging was about half of what writing
 * a file cost. While a build runs, items' tokens go to a staging table instead, and the index is built
 * from it at the end, in large ordered chunks (see `npm run bench`: rebuild rows).
 *
 * The staging table is a TEMP table: it lives in SQLite's own temporary file (deleted by SQLite, even
 * after a crash), so the database does not keep its pages as free space (the tokens take about twice
 * the index's size).
 *
 * A staged database's index lacks the files written since stageFts: only a build that ends with
 * flushFts (or is thrown away) may stage.
 */
import type Database from 'better-sqlite3';
import type { DB } from './db.js';

const STAGE = 'temp.items_fts_stage';
/** items indexed per transaction when the stage is flushed (about 125 plan files) */
const CHUNK = 20_000;

type Statement = Database.Statement<unknown[]>;
interface StageStatements {
  ins: Statement;
  delOfKey: Statement;
  delOfPath: Statement;
}

const staged = new WeakMap<DB, StageStatements>();

function stageStatements(db: DB): StageStatements {
  return {
    ins: db.prepare(`INSERT INTO ${STAGE} (rowid, tokens) VALUES (?, ?)`),
    delOfKey: db.prepare(`DELETE FROM ${STAGE} WHERE rowid IN (SELECT i.id FROM items i JOIN plans p ON p.id = i.plan_id WHERE p.plan_key = ?)`),
    delOfPath: db.prepare(`DELETE FROM ${STAGE} WHERE rowid IN (SELECT id FROM items WHERE plan_id IN (SELECT id FROM plans WHERE source_id IN (SELECT id FROM sources WHERE path = ?)))`),
  };
}

/** From now on the items written to `db` are indexed only at flushFts. */
export function stageFts(db: DB): void {
  if (staged.has(db)) return;
  db.exec(`CREATE TABLE IF NOT EXISTS ${STAGE} (rowid INTEGER PRIMARY KEY, tokens TEXT NOT NULL)`);
  staged.set(db, stageStatements(db));
}

/** The staging statements when `db` stages (for writeRows), else undefined. */
export const ftsStage = (db: DB): StageStatements | undefined => staged.get(db);

/** Indexes every staged item (in rowid order, CHUNK items per transaction) and drops the staging table. */
export function flushFts(db: DB): void {
  if (!staged.has(db)) return;
  const upper = db.prepare(`SELECT rowid FROM ${STAGE} WHERE rowid > ? ORDER BY rowid LIMIT 1 OFFSET ${CHUNK - 1}`).pluck();
  const move = db.prepare(`INSERT INTO main.items_fts (rowid, tokens) SELECT rowid, tokens FROM ${STAGE} WHERE rowid > ? AND rowid <= ? ORDER BY rowid`);
  const chunk = db.transaction((lo: number, hi: number) => void move.run(lo, hi));
  let lo = Number.MIN_SAFE_INTEGER;
  for (;;) {
    const hi = (upper.get(lo) as number | undefined) ?? Number.MAX_SAFE_INTEGER;
    chunk(lo, hi);
    if (hi === Number.MAX_SAFE_INTEGER) break;
    lo = hi;
  }
  staged.delete(db);
  db.exec(`DROP TABLE ${STAGE}`);
}
