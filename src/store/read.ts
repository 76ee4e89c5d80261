/**
 * Opening a database read-only for the query commands, without the build side (store/db.ts pulls in
 * the whole pipeline: rules, yaml, zod, jieba). Same checks and the same one-line errors as
 * `openDb(file, { readonly: true })`; db.ts keeps the writer's copy of these helpers.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { PlandbError, isEnvironmental } from '../errors.js';
import { MIGRATIONS } from './schema.js';

export type DB = Database.Database;

/** This plandb's version (= PLANDB_VERSION in db.ts). */
const PLANDB_VERSION = '0.1.0';
const BUSY_TIMEOUT_MS = 30_000;
const SQLITE_MAGIC = 'SQLite format 3\0';

type DbKind = 'missing' | 'empty' | 'plandb' | 'other';

/** What sits at `file` (see inspectDbFile in db.ts). */
function inspect(file: string): { kind: DbKind; why?: string } {
  let st;
  try {
    st = statSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw new PlandbError('DB', `cannot inspect database: ${(e as Error).message}`, file, isEnvironmental(e));
  }
  if (st.isDirectory()) return { kind: 'other', why: 'is a folder' };
  if (!st.isFile()) return { kind: 'other', why: 'is not a regular file (a device, FIFO or socket)' };
  if (st.size === 0) return { kind: 'empty' };
  const head = Buffer.alloc(16);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    readSync(fd, head, 0, 16, 0);
  } catch (e) {
    throw new PlandbError('DB', `cannot read database: ${(e as Error).message}`, file, isEnvironmental(e));
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (head.toString('latin1') !== SQLITE_MAGIC) return { kind: 'other', why: 'is not an SQLite database' };
  return { kind: 'plandb' };
}

/** A database error as one line naming the database file (= dbError in db.ts). */
export function readDbError(e: unknown, file: string, what = 'database error'): PlandbError {
  if (e instanceof PlandbError) return e;
  const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  return new PlandbError('DB', `${what}: ${msg}`, file, isEnvironmental(e));
}

const hasMigrations = (db: DB) => !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'").get();

/** Migration names this plandb does not know: the database was written by a newer plandb. */
export function unknownMigrationsOf(db: DB): string[] {
  if (!hasMigrations(db)) return [];
  const known = new Set(MIGRATIONS.map((m) => m.name));
  return (db.prepare('SELECT name FROM migrations ORDER BY name').pluck().all() as string[]).filter((n) => !known.has(n));
}

/** "written by plandb 0.3.0 (migration 004-x is unknown to plandb 0.1.0)" */
export function newerNoteOf(db: DB, unknown: string[]): string {
  let version = 'a newer plandb';
  try {
    const v = db.prepare("SELECT value FROM meta WHERE key = 'plandb_version'").pluck().get() as string | undefined;
    if (v) version = `plandb ${v}`;
  } catch {
    /* no meta table */
  }
  return `written by ${version} (migration${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} unknown to plandb ${PLANDB_VERSION})`;
}

/**
 * Opens a plandb database read-only: a missing, empty or foreign file, or a database built before
 * one of this plandb's migrations, is refused in one line (as openDb does).
 */
export function openReadDb(file: string): DB {
  const kind = inspect(file);
  if (kind.kind === 'missing') throw new PlandbError('DB', `database not found (build it with 'plandb rebuild')`, file);
  if (kind.kind === 'other') throw new PlandbError('DB', `not a plandb database (${kind.why})`, file);
  if (kind.kind === 'empty') throw new PlandbError('DB', `empty database (build it with 'plandb rebuild')`, file);
  let db: DB;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  } catch (e) {
    throw new PlandbError('DB', `not a plandb database (is not a readable SQLite database (${(e as Error).message}))`, file);
  }
  try {
    // the checks inspectDbFile makes with a connection of its own
    let tables: Set<string>;
    try {
      tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    } catch (e) {
      throw new PlandbError('DB', `not a plandb database (is not a readable SQLite database (${(e as Error).message}))`, file);
    }
    if (!tables.size) throw new PlandbError('DB', `empty database (build it with 'plandb rebuild')`, file);
    if (!tables.has('migrations') || !tables.has('plans')) throw new PlandbError('DB', 'not a plandb database (is an SQLite database of another program)', file);
    db.pragma('foreign_keys = ON');
    const done = new Set(db.prepare('SELECT name FROM migrations').pluck().all() as string[]);
    const pending = MIGRATIONS.map((m) => m.name).filter((n) => !done.has(n));
    if (pending.length) throw new PlandbError('DB', `database was built by an older plandb (missing ${pending.join(', ')}); run plandb rebuild`, file);
  } catch (e) {
    db.close();
    throw readDbError(e, file, 'cannot prepare database');
  }
  return db;
}
