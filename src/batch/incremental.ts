/**
 * What a rebuild has to do: which corpus files changed since the database was built (bytes, rules,
 * plandb version or the decisions about their plans), which are new, and which stored sources left
 * the corpus. The database is the extraction cache: an unchanged file keeps its rows.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { CorrectionSet } from '../corrections/index.js';
import { errorLine } from '../errors.js';
import type { ReviewNote } from '../pipeline.js';
import { sha256 } from '../pipeline.js';
import type { Rules } from '../rules/index.js';
import { counts, inspectDbFile, settleUnitCounts, unknownMigrations, type DB, type DbCounts } from '../store/db.js';
import { MIGRATIONS } from '../store/schema.js';
import { correctionsKey, extractKey } from './keys.js';

export type RebuildMode = 'full' | 'incremental' | 'none';

/** A corpus entry (see expandEntries) and what a rebuild reports for a file that keeps its rows. */
interface Entry {
  file: string;
  skip?: unknown;
}
interface Outcome {
  file: string;
  ok: boolean;
  error?: string;
  plans?: number;
  targets?: number;
  responsibilities?: number;
  reviewNotes?: ReviewNote[];
  unchanged?: boolean;
}

export interface RebuildDelta<E extends Entry = Entry> {
  /** files whose rows are kept, as outcomes (unchanged: true) */
  unchanged: Outcome[];
  /** files to read and extract (new, changed, or left out before), and entries skipped with their reason */
  changed: E[];
  /** stored source paths whose file is gone from the corpus */
  removed: string[];
  counts: DbCounts;
  /** the hash of every stored source's rows (sources.rows_key), by path: what a file extracted again is compared with */
  rowsKeys: Map<string, string | null>;
}

interface SourceRow {
  id: number;
  path: string;
  file_sha256: string;
  file_size: number | null;
  file_mtime: number | null;
  extract_key: string | null;
  corrections_key: string | null;
  rows_key: string | null;
}

/**
 * Compares a corpus with the database built from it. Null when the database must be built in full:
 * missing, not plandb's, or written by another plandb (a migration missing or unknown).
 */
export function rebuildDelta<E extends Entry>(dbFile: string, entries: E[], rules: Rules | string, corrections: CorrectionSet): RebuildDelta<E> | null {
  let db: DB;
  try {
    if (inspectDbFile(dbFile).kind !== 'plandb') return null;
    db = new Database(dbFile, { readonly: true, fileMustExist: true, timeout: 30_000 });
  } catch {
    return null;
  }
  try {
    const done = new Set(db.prepare('SELECT name FROM migrations').pluck().all() as string[]);
    if (MIGRATIONS.some((m) => !done.has(m.name)) || unknownMigrations(db).length) return null;
    const key = extractKey(rules);
    const byPath = new Map((db.prepare('SELECT id, path, file_sha256, file_size, file_mtime, extract_key, corrections_key, rows_key FROM sources').all() as SourceRow[]).map((s) => [s.path, s]));
    const plansOf = new Map<number, Array<{ id: number; key: string; title: string }>>();
    for (const p of db.prepare('SELECT id, source_id, plan_key, title FROM plans ORDER BY id').all() as Array<{ id: number; source_id: number; plan_key: string; title: string }>) {
      const list = plansOf.get(p.source_id) ?? [];
      list.push({ id: p.id, key: p.plan_key, title: p.title });
      plansOf.set(p.source_id, list);
    }
    const countBy = (sql: string) => new Map((db.prepare(sql).raw().all() as Array<[number, number]>).map(([k, n]) => [k, n]));
    const targetsOf = countBy('SELECT p.source_id, count(*) FROM targets t JOIN plans p ON p.id = t.plan_id GROUP BY p.source_id');
    const respsOf = countBy('SELECT p.source_id, count(*) FROM responsibilities r JOIN plans p ON p.id = r.plan_id GROUP BY p.source_id');
    const notesOf = db.prepare(
      'SELECT n.correction_id AS correction, n.action, n.fact, n.quote, n.occurrence, n.kind, n.reason, p.plan_key AS planKey, p.title AS plan FROM review_notes n JOIN plans p ON p.id = n.plan_id WHERE p.source_id = ? ORDER BY n.id',
    );
    const out: RebuildDelta<E> = { unchanged: [], changed: [], removed: [], counts: counts(db), rowsKeys: new Map([...byPath].map(([p, src]) => [p, src.rows_key])) };
    const superseded = readSuperseded(db, key);
    const kinds: Array<'same' | 'changed' | 'superseded'> = [];
    const seen = new Set<string>();
    for (const e of entries) {
      if (e.skip) {
        kinds.push('changed');
        continue;
      }
      const full = path.resolve(e.file);
      seen.add(full);
      const src = byPath.get(full);
      if (!src) {
        const sup = superseded.get(full);
        kinds.push(sup && sameFile(full, sup) ? 'superseded' : 'changed');
        continue;
      }
      const plans = plansOf.get(src.id) ?? [];
      const same = src.extract_key === key && src.corrections_key === correctionsKey(corrections, plans.map((p) => p.key)) && sameFile(full, src);
      kinds.push(same ? 'same' : 'changed');
    }
    for (const p of byPath.keys()) if (!seen.has(p)) out.removed.push(p);
    const changes = kinds.some((k) => k === 'changed') || out.removed.length > 0;
    entries.forEach((e, i) => {
      const kind = kinds[i]!;
      // a file whose plans a later file replaced stays so while nothing changes; otherwise it is read
      // again, and the build finds out which copy each plan keeps now
      if (kind === 'changed' || (kind === 'superseded' && changes)) return void out.changed.push(e);
      if (kind === 'superseded') return void out.unchanged.push({ file: e.file, ok: true, plans: 0, targets: 0, responsibilities: 0, unchanged: true });
      const src = byPath.get(path.resolve(e.file))!;
      const reviewNotes = notesOf.all(src.id) as ReviewNote[];
      out.unchanged.push({
        file: e.file,
        ok: true,
        plans: (plansOf.get(src.id) ?? []).length,
        targets: targetsOf.get(src.id) ?? 0,
        responsibilities: respsOf.get(src.id) ?? 0,
        ...(reviewNotes.length ? { reviewNotes } : {}),
        unchanged: true,
      });
    });
    return out;
  } catch (e) {
    if (process.env.PLANDB_DEBUG) console.error(errorLine(e, dbFile));
    return null;
  } finally {
    db.close();
  }
}

interface FileState {
  file_sha256: string;
  file_size: number | null;
  file_mtime: number | null;
}

const SUPERSEDED = 'rebuild_superseded';

/** Files of the last rebuild that were read but keep no plan (see recordSuperseded), by path. */
function readSuperseded(db: DB, key: string): Map<string, FileState> {
  try {
    const v = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(SUPERSEDED) as string | undefined;
    const data = v ? (JSON.parse(v) as { extractKey: string; files: Array<FileState & { path: string }> }) : null;
    if (!data || data.extractKey !== key) return new Map();
    return new Map(data.files.map((f) => [f.path, f]));
  } catch {
    return new Map();
  }
}

/**
 * Remembers the corpus files that were read but keep no plan (a later file holds the same plans),
 * so that the next rebuild does not take them for new files.
 */
export function recordSuperseded(db: DB, outcomes: ReadonlyArray<{ file: string; ok: boolean }>, rules: Rules): void {
  const stored = new Set(db.prepare('SELECT path FROM sources').pluck().all() as string[]);
  const files: Array<FileState & { path: string }> = [];
  for (const o of outcomes) {
    const full = path.resolve(o.file);
    if (!o.ok || stored.has(full)) continue;
    try {
      const st = statSync(full);
      files.push({ path: full, file_sha256: sha256(readFileSync(full)), file_size: st.size, file_mtime: st.mtimeMs });
    } catch {
      /* gone meanwhile: it will count as changed */
    }
  }
  db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(SUPERSEDED, JSON.stringify({ extractKey: extractKey(rules), files }));
}

/** The file is the one stored: same size and modification time (no read), or else same bytes (git's rule). */
function sameFile(file: string, src: FileState): boolean {
  try {
    const st = statSync(file);
    if (st.size === src.file_size && st.mtimeMs === src.file_mtime) return true;
    return st.size === src.file_size && sha256(readFileSync(file)) === src.file_sha256;
  } catch {
    return false; // reported with its reason when ingested
  }
}

/** Deletes stored sources (by path) with their plans and full-text rows. */
export function removeSources(db: DB, paths: readonly string[]): void {
  const delFts = db.prepare('DELETE FROM items_fts WHERE rowid IN (SELECT id FROM items WHERE plan_id IN (SELECT id FROM plans WHERE source_id IN (SELECT id FROM sources WHERE path = ?)))');
  const delPlans = db.prepare('DELETE FROM plans WHERE source_id IN (SELECT id FROM sources WHERE path = ?)');
  const delSource = db.prepare('DELETE FROM sources WHERE path = ?');
  db.transaction(() => {
    for (const p of paths) {
      delFts.run(p);
      delPlans.run(p);
      delSource.run(p);
    }
    settleUnitCounts(db);
  })();
}

/** Units no responsibility names any more (their plans were replaced or removed) go, with their aliases. */
export function pruneOrphans(db: DB): void {
  db.transaction(() => {
    db.prepare('DELETE FROM units WHERE id NOT IN (SELECT unit_id FROM responsibility_units)').run();
    settleUnitCounts(db);
  })();
}
