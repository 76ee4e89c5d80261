import { closeSync, copyFileSync, fsyncSync, mkdirSync, openSync, readSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PlandbError, isEnvironmental } from '../errors.js';
import { catalogue } from '../extract/catalogue.js';
import { sha256, type DocResult } from '../pipeline.js';
import type { Rules } from '../rules/index.js';
import { docRows, type DocRows } from './rows.js';
import { removeDeadFiles } from './stale.js';
import { ftsStage, ftsWritten } from './fts.js';
import { MIGRATIONS } from './schema.js';

export type DB = Database.Database;

import { PLANDB_VERSION } from '../version.js';
export { PLANDB_VERSION };

/** How long a connection waits for another process's lock (a reader during an ingest's commit, a writer behind a long read). */
const BUSY_TIMEOUT_MS = 30_000;

const SQLITE_MAGIC = 'SQLite format 3\0';

export type DbKind = 'missing' | 'empty' | 'plandb' | 'other';

/**
 * What sits at `file`: nothing, an empty file or empty SQLite database, a plandb database, or
 * something else (a README, a device, another program's database), with the reason.
 */
export function inspectDbFile(file: string): { kind: DbKind; why?: string } {
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
  let db: DB | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    if (!tables.size) return { kind: 'empty' };
    if (!tables.has('migrations') || !tables.has('plans')) return { kind: 'other', why: 'is an SQLite database of another program' };
    return { kind: 'plandb' };
  } catch (e) {
    return { kind: 'other', why: `is not a readable SQLite database (${(e as Error).message})` };
  } finally {
    db?.close();
  }
}

/** Throws unless `file` is missing, empty or a plandb database: plandb never writes over anything else. */
export function requirePlandbTarget(file: string): DbKind {
  const r = inspectDbFile(file);
  if (r.kind === 'other') throw new PlandbError('DB', `not a plandb database (${r.why}); refusing to write to it`, file);
  return r.kind;
}

/** Migration names this plandb does not know: the database was written by a newer plandb. */
export function unknownMigrations(db: DB): string[] {
  const known = new Set(MIGRATIONS.map((m) => m.name));
  const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'").get();
  if (!has) return [];
  return (db.prepare('SELECT name FROM migrations ORDER BY name').pluck().all() as string[]).filter((n) => !known.has(n));
}

/** "written by plandb 0.3.0 (migration 004-x is unknown to plandb 0.1.0)" */
export function newerNote(db: DB, unknown: string[]): string {
  let version = 'a newer plandb';
  try {
    const v = db.prepare("SELECT value FROM meta WHERE key = 'plandb_version'").pluck().get() as string | undefined;
    if (v) version = `plandb ${v}`;
  } catch {
    /* no meta table */
  }
  return `written by ${version} (migration${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} unknown to plandb ${PLANDB_VERSION})`;
}

/** A database error as one line naming the database file; environmental ones (disk full…) are marked so. */
export function dbError(e: unknown, file: string, what = 'database error'): PlandbError {
  if (e instanceof PlandbError) return e;
  const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  return new PlandbError('DB', `${what}: ${msg}`, file, isEnvironmental(e));
}

const dbFiles = new WeakMap<DB, string>();
/** The file a connection was opened on (for messages). */
export const dbFileOf = (db: DB): string => dbFiles.get(db) ?? db.name;

export function openDb(file: string, opts: { readonly?: boolean } = {}): DB {
  const kind = inspectDbFile(file);
  if (opts.readonly && kind.kind === 'missing') throw new PlandbError('DB', `database not found (build it with 'plandb rebuild')`, file);
  if (kind.kind === 'other') throw new PlandbError('DB', `not a plandb database (${kind.why})${opts.readonly ? '' : '; refusing to write to it'}`, file);
  if (opts.readonly && kind.kind === 'empty') throw new PlandbError('DB', `empty database (build it with 'plandb rebuild')`, file);
  if (!opts.readonly) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: DB;
  try {
    db = new Database(file, { readonly: !!opts.readonly, fileMustExist: !!opts.readonly, timeout: BUSY_TIMEOUT_MS });
  } catch (e) {
    throw dbError(e, file, 'cannot open database');
  }
  dbFiles.set(db, file);
  try {
    db.pragma('foreign_keys = ON');
    if (!opts.readonly) {
      const unknown = unknownMigrations(db);
      if (unknown.length) throw new PlandbError('DB', `database ${newerNote(db, unknown)}; refusing to write to it (upgrade plandb)`, file);
      db.pragma('journal_mode = DELETE');
      // keep a document's changes in memory until its commit, so readers are locked out only while it commits
      db.pragma('cache_spill = OFF');
      // test hook: a database that cannot grow past N pages fails with SQLITE_FULL, like a full disk
      const maxPages = Number(process.env.PLANDB_TEST_MAX_PAGES);
      if (maxPages > 0) db.pragma(`max_page_count = ${Math.floor(maxPages)}`);
      migrate(db);
      db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('plandb_version', ?)").run(PLANDB_VERSION);
    } else {
      const pending = pendingMigrations(db);
      if (pending.length) throw new PlandbError('DB', `database was built by an older plandb (missing ${pending.join(', ')}); run plandb rebuild`, file);
    }
  } catch (e) {
    db.close();
    throw dbError(e, file, 'cannot prepare database');
  }
  return db;
}

/** Names of the migrations a database has not had yet (a read-only one cannot be migrated). */
function pendingMigrations(db: DB): string[] {
  const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'").get();
  const done = new Set(has ? (db.prepare('SELECT name FROM migrations').pluck().all() as string[]) : []);
  return MIGRATIONS.map((m) => m.name).filter((n) => !done.has(n));
}

export function migrate(db: DB): void {
  db.exec('CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const done = new Set(db.prepare('SELECT name FROM migrations').pluck().all() as string[]);
  for (const m of MIGRATIONS) {
    if (done.has(m.name)) continue;
    // a table rebuild must not cascade deletes through the tables that reference it
    // (PRAGMA foreign_keys cannot change inside a transaction); legacy_alter_table keeps the
    // views that name the rebuilt table valid across its rename
    if (m.rebuildsTables) db.pragma('foreign_keys = OFF');
    if (m.rebuildsTables) db.pragma('legacy_alter_table = ON');
    try {
      db.transaction(() => {
        db.exec(m.sql);
        // counts a migration marked to recount (010-unit-speed marks every unit)
        if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'unit_dirty'").get()) settleUnitCounts(db);
        if (m.rebuildsTables) {
          const bad = db.pragma('foreign_key_check') as unknown[];
          if (bad.length) throw new PlandbError('DB', `migration ${m.name} would break ${bad.length} foreign key(s)`);
        }
        db.prepare('INSERT INTO migrations (name, applied_at) VALUES (?, ?)').run(m.name, new Date().toISOString());
      })();
    } finally {
      if (m.rebuildsTables) {
        db.pragma('legacy_alter_table = OFF');
        db.pragma('foreign_keys = ON');
      }
    }
  }
}

export { planKey, indicatorKey } from './keys.js';
export { ftsTokens, warningPlan, type DocRows } from './rows.js';

export interface WriteStats {
  plans: number;
  sections: number;
  items: number;
  targets: number;
  responsibilities: number;
  replacedPlans: number;
  /** titles of the plans this document replaced (an earlier copy of the file, or the same plan from another file) */
  replaced: string[];
  /** paths of the other files whose plans this document replaced (the same plan from another file) */
  replacedFrom: string[];
  /** titles of plans that appear more than once in the document: only the first copy is stored */
  duplicates: string[];
  /** the document gave the rows already stored for its file: they were left in place */
  sameRows?: boolean;
}

/**
 * Writes one document in one transaction: replaces any earlier copy of the same file (by path)
 * and of the same plans (by plan key, even from another format). All or nothing.
 */
export function writeDocument(db: DB, doc: DocResult, rules: Rules): WriteStats {
  syncCatalogue(db, rules);
  return writeRows(db, docRows(doc, rules));
}

const statements = new WeakMap<DB, ReturnType<typeof prepareWrites>>();

function prepareWrites(db: DB) {
  return {
    delSource: db.prepare('DELETE FROM sources WHERE path = ?'),
    delPlan: db.prepare('DELETE FROM plans WHERE plan_key = ?'),
    titleOfKey: db.prepare('SELECT title FROM plans WHERE plan_key = ?').pluck(),
    titlesOfPath: db.prepare('SELECT title FROM plans WHERE source_id IN (SELECT id FROM sources WHERE path = ?) ORDER BY id').pluck(),
    delPlansOfPath: db.prepare('DELETE FROM plans WHERE source_id IN (SELECT id FROM sources WHERE path = ?)'),
    // a source left without plans (its plans came again from another file) goes with them
    orphanSources: db.prepare('DELETE FROM sources WHERE id = ? AND NOT EXISTS (SELECT 1 FROM plans WHERE source_id = ?)'),
    sourceOfKey: db.prepare('SELECT source_id FROM plans WHERE plan_key = ?').pluck(),
    pathOfSource: db.prepare('SELECT path FROM sources WHERE id = ?').pluck(),
    // the full-text rows of the items a replaced plan takes with it (by rowid: no scan of the index)
    delFtsOfKey: db.prepare('DELETE FROM items_fts WHERE rowid IN (SELECT i.id FROM items i JOIN plans p ON p.id = i.plan_id WHERE p.plan_key = ?)'),
    delFtsOfPath: db.prepare('DELETE FROM items_fts WHERE rowid IN (SELECT id FROM items WHERE plan_id IN (SELECT id FROM plans WHERE source_id IN (SELECT id FROM sources WHERE path = ?)))'),
    insSource: db.prepare(
      'INSERT INTO sources (path, name, format, encoding, file_sha256, file_size, file_mtime, content_sha256, extract_key, corrections_key, pages, ingested_at, normalized_text, rows_key) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)',
    ),
    // a file extracted again that gives the rows it gave before (a rule change that does not touch it)
    sameRows: db.prepare('SELECT id FROM sources WHERE path = ? AND rows_key = ?').pluck(),
    keepRows: db.prepare('UPDATE sources SET file_sha256 = ?, file_size = ?, file_mtime = ?, extract_key = ?, corrections_key = ? WHERE id = ?'),
    insPlan: db.prepare(
      'INSERT INTO plans (id, source_id, plan_key, title, region, subject, period_start, period_end, start, end, division_code, division_chain, province) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)',
    ),
    insDivision: db.prepare('INSERT OR IGNORE INTO divisions (code, name, level, parent_code) VALUES (?,?,?,?)'),
    planIdOf: db.prepare('SELECT id FROM plans WHERE plan_key = ?').pluck(),
    insSection: db.prepare('INSERT INTO sections (plan_id, parent_id, level, kind, marker, title, path, start, end, page, rule_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)'),
    insItem: db.prepare('INSERT INTO items (plan_id, section_id, marker, kind, review, text, start, end, page) VALUES (?,?,?,?,?,?,?,?,?)'),
    insFts: db.prepare('INSERT INTO items_fts (rowid, tokens) VALUES (?, ?)'),
    insTarget: db.prepare(
      `INSERT INTO targets (plan_id, item_id, section_id, kind, indicator, indicator_key, op, value, value2, unit, year, effective_year, baseline, baseline_year, quote, start, end, page, rule_id, indicator_id,
         status, correction_id, anchor_quote, anchor_occurrence) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    ),
    insResp: db.prepare(
      `INSERT INTO responsibilities (plan_id, item_id, section_id, role, quote, start, end, page, rule_id, status, correction_id, anchor_quote, anchor_occurrence, quote_start)
       VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    ),
    unitId: db.prepare('SELECT id FROM units WHERE canonical = ?').pluck(),
    insUnit: db.prepare('INSERT INTO units (canonical, government, body) VALUES (?,?,?)'),
    insAlias: db.prepare('INSERT OR IGNORE INTO unit_aliases (alias, unit_id) VALUES (?, ?)'),
    insWarning: db.prepare('INSERT INTO warnings (source_id, plan_id, code, severity, message, start, end, page, rule) VALUES (?,?,?,?,?,?,?,?,?)'),
    // with the copies of migration 010 (what plandb unit sorts and counts by), read from the rows just written
    insRU: db.prepare(
      `INSERT INTO responsibility_units (responsibility_id, position, unit_id, name, plan_id, item_id, role, live, item_start, item_targets, key_first)
       SELECT r.id, @pos, @unit, @name, r.plan_id, r.item_id, r.role, r.status <> 'rejected', i.start, i.n_targets,
         r.status <> 'rejected' AND NOT EXISTS (SELECT 1 FROM responsibility_units x WHERE x.unit_id = @unit AND x.key_first AND x.plan_id = r.plan_id
           AND x.item_start = i.start AND x.item_id = r.item_id AND x.role = r.role AND x.name = @name)
       FROM responsibilities r JOIN items i ON i.id = r.item_id WHERE r.id = @rid`,
    ),
    insNote: db.prepare('INSERT INTO review_notes (plan_id, correction_id, action, fact, quote, occurrence, kind, reason) VALUES (?,?,?,?,?,?,?,?)'),
  };
}

/** Inserts a document's rows in one transaction (see writeDocument). Only SQL: the rows are computed by docRows. */
export function writeRows(db: DB, doc: DocRows, opts: { keepSameRows?: boolean; deferUnitCounts?: boolean } = {}): WriteStats {
  let q = statements.get(db);
  if (!q) statements.set(db, (q = prepareWrites(db)));
  const stats: WriteStats = { plans: 0, sections: 0, items: 0, targets: 0, responsibilities: 0, replacedPlans: 0, replaced: [], replacedFrom: [], duplicates: [...doc.duplicates] };
  const kept = opts.keepSameRows && doc.rowsKey ? (q.sameRows.get(doc.path, doc.rowsKey) as number | undefined) : undefined;
  if (kept !== undefined) {
    // the same rows as stored: only what they were extracted with and the file's state change
    q.keepRows.run(doc.fileSha256, doc.fileSize, doc.fileMtime, doc.extractKey, doc.correctionsKey, kept);
    for (const p of doc.plans) {
      stats.plans++;
      stats.sections += p.sections.length;
      stats.items += p.items.length;
      stats.targets += p.targets.length;
      stats.responsibilities += p.responsibilities.length;
    }
    return { ...stats, sameRows: true };
  }
  // a build's database indexes its items' text in large chunks (store/fts.ts)
  const stage = ftsStage(db);
  // a plan names the same units over and over: each is looked up (and its aliases written) once per document
  const unitIds = new Map<string, number>();
  const aliases = new Set<string>();
  const unitIdOf = (u: DocRows['plans'][number]['responsibilities'][number]['units'][number]): number => {
    let id = unitIds.get(u.canonical);
    if (id === undefined) {
      id = (q.unitId.get(u.canonical) as number | undefined) ?? Number(q.insUnit.run(u.canonical, u.government, u.body).lastInsertRowid);
      unitIds.set(u.canonical, id);
      q.insAlias.run(u.canonical, id);
    }
    const alias = `${id}\t${u.name}`;
    if (!aliases.has(alias)) {
      aliases.add(alias);
      q.insAlias.run(u.name, id);
    }
    return id;
  };
  db.transaction(() => {
    // a re-ingested plan keeps its id, so `plandb review 3` still means the same plan after a correction
    const keptIds = doc.plans.map((p) => (q.planIdOf.get(p.key) as number | undefined) ?? null);
    const replaced = new Set<string>();
    const touched = new Set<number>();
    for (const p of doc.plans) {
      const title = q.titleOfKey.get(p.key) as string | undefined;
      if (title !== undefined) {
        replaced.add(title);
        touched.add(q.sourceOfKey.get(p.key) as number);
      }
      q.delFtsOfKey.run(p.key);
      stage?.delOfKey.run(p.key);
      stats.replacedPlans += q.delPlan.run(p.key).changes;
    }
    for (const t of q.titlesOfPath.all(doc.path) as string[]) replaced.add(t);
    stats.replaced = [...replaced];
    stats.replacedFrom = [...touched].map((id) => q.pathOfSource.get(id) as string).filter((p) => p !== doc.path);
    q.delFtsOfPath.run(doc.path);
    stage?.delOfPath.run(doc.path);
    stats.replacedPlans += q.delPlansOfPath.run(doc.path).changes;
    q.delSource.run(doc.path);
    for (const id of touched) q.orphanSources.run(id, id);
    const sourceId = Number(
      q.insSource.run(doc.path, doc.name, doc.format, doc.encoding, doc.fileSha256, doc.fileSize, doc.fileMtime, doc.contentSha256, doc.extractKey, doc.correctionsKey, doc.pages, new Date().toISOString(), doc.normalizedText, doc.rowsKey ?? null)
        .lastInsertRowid,
    );
    const planIds: number[] = [];
    doc.plans.forEach((p, pi) => {
      for (const d of p.divisions) q.insDivision.run(...d);
      const planId = Number(
        q.insPlan.run(keptIds[pi], sourceId, p.key, p.title, p.region, p.subject, p.periodStart, p.periodEnd, p.start, p.end, p.divisionCode, p.divisionChain, p.province).lastInsertRowid,
      );
      stats.plans++;
      planIds.push(planId);
      const sectionIds: number[] = [];
      for (const h of p.sections) {
        const parent = h.parent === null ? null : sectionIds[h.parent]!;
        sectionIds.push(Number(q.insSection.run(planId, parent, h.level, h.kind, h.marker, h.title, h.path, h.start, h.end, h.page, h.ruleId).lastInsertRowid));
        stats.sections++;
      }
      const secOf = (idx: number | null) => (idx === null ? null : sectionIds[idx]!);
      const itemIds: number[] = [];
      for (const it of p.items) {
        const id = Number(q.insItem.run(planId, secOf(it.section), it.marker, it.kind, it.review, it.text, it.start, it.end, it.page).lastInsertRowid);
        itemIds.push(id);
        (stage?.ins ?? q.insFts).run(id, it.tokens);
        stats.items++;
      }
      for (const n of p.notes) q.insNote.run(planId, n.correction, n.action, n.fact, n.quote, n.occurrence, n.kind, n.reason);
      for (const t of p.targets) {
        q.insTarget.run(
          planId, t.item === null ? null : itemIds[t.item]!, secOf(t.section), t.kind, t.indicator, t.indicatorKey, t.op, t.value, t.value2, t.unit, t.year, t.effectiveYear,
          t.baseline, t.baselineYear, t.quote, t.start, t.end, t.page, t.ruleId, t.indicatorId, t.status, t.correction, t.anchorQuote, t.anchorOccurrence,
        );
        stats.targets++;
      }
      for (const r of p.responsibilities) {
        const rid = Number(
          q.insResp.run(planId, itemIds[r.item]!, secOf(r.section), r.role, r.quote, r.start, r.end, r.page, r.ruleId, r.status, r.correction, r.anchorQuote, r.anchorOccurrence, r.quoteStart)
            .lastInsertRowid,
        );
        r.units.forEach((u, pos) => q.insRU.run({ pos, unit: unitIdOf(u), name: u.name, rid }));
        stats.responsibilities++;
      }
    });
    for (const w of doc.warnings) q.insWarning.run(sourceId, w.plan === null ? null : planIds[w.plan]!, w.code, w.severity, w.message, w.start, w.end, w.page, w.rule);
    // a database nobody reads until it is complete (a rebuild's) recounts once, at the end
    if (!opts.deferUnitCounts) settleUnitCounts(db);
  })();
  // a chunk of staged items is indexed between documents (store/fts.ts)
  if (stage) ftsWritten(db, stats.items);
  return stats;
}

const settleStatements = new WeakMap<DB, { recount: Database.Statement; clear: Database.Statement }>();

/**
 * Recounts the units whose rows changed (marked in unit_dirty by migration 010's triggers): call it
 * inside every write transaction that adds or removes responsibilities, so readers never see a mark.
 */
export function settleUnitCounts(db: DB): void {
  let q = settleStatements.get(db);
  if (!q) {
    q = {
      recount: db.prepare(`UPDATE units SET (n_lead, n_support, n_responsible, n_items, n_targets) = (
        SELECT count(DISTINCT CASE WHEN role = 'lead' THEN responsibility_id END), count(DISTINCT CASE WHEN role = 'support' THEN responsibility_id END),
          count(DISTINCT CASE WHEN role = 'responsible' THEN responsibility_id END), count(DISTINCT item_id),
          (SELECT coalesce(sum(item_targets), 0) FROM (SELECT DISTINCT item_id, item_targets FROM responsibility_units WHERE unit_id = units.id AND live))
        FROM responsibility_units WHERE unit_id = units.id AND live)
        WHERE id IN (SELECT unit_id FROM unit_dirty)`),
      clear: db.prepare('DELETE FROM unit_dirty'),
    };
    settleStatements.set(db, q);
  }
  q.recount.run();
  q.clear.run();
}

const synced = new WeakMap<DB, Rules>();

/** Writes the indicator catalogue into `indicators` (once per connection and rule set). */
export function syncCatalogue(db: DB, rules: Rules): void {
  if (synced.get(db) === rules) return;
  // the catalogue as written last time: skipped when the same entries are there already
  const entries = catalogue(rules).entries;
  const key = sha256(JSON.stringify(entries.map((e) => [e.id, e.name, e.unit, e.better, e.domain, e.from, e.aliases])));
  const stored = db.prepare("SELECT value FROM meta WHERE key = 'catalogue_sha256'").pluck().get() as string | undefined;
  if (stored !== key) {
    const ins = db.prepare('INSERT OR REPLACE INTO indicators (id, name, unit, better, domain, seeded_from, aliases) VALUES (?,?,?,?,?,?,?)');
    db.transaction(() => {
      for (const e of entries) ins.run(e.id, e.name, e.unit, e.better, e.domain, e.from, e.aliases.join('、'));
      db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('catalogue_sha256', ?)").run(key);
    })();
  }
  synced.set(db, rules);
}

const TMP_INFIX = '.tmp-';

/**
 * Removes what interrupted rebuilds of `file` left behind: `FILE.tmp-PID` and its journal
 * (`-journal`, `-wal`, `-shm`) when process PID is no longer running. Returns the removed paths.
 */
export function removeStaleTemps(file: string): string[] {
  const base = path.basename(file) + TMP_INFIX;
  return removeDeadFiles(path.dirname(path.resolve(file)), (n) => {
    const m = n.startsWith(base) ? /^(\d+)(?:-journal|-wal|-shm)?$/.exec(n.slice(base.length)) : null;
    return m ? Number(m[1]) : null;
  });
}

/** Writes a file's data to the disk (fsync), so that a rename that follows cannot expose a file the disk does not hold yet. */
function syncFile(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Lets SQLite recover the database at `file` (roll back a hot journal an interrupted ingest left)
 * before it is replaced, so that no stale journal is ever played back into the new database.
 */
export function settle(file: string): void {
  const db = new Database(file, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma('schema_version');
  } finally {
    db.close();
  }
  rmSync(`${file}-journal`, { force: true });
}

/**
 * Builds a database at a temporary path next to `file` and renames it over `file` only when `build`
 * succeeds; on any failure (or SIGINT/SIGTERM) the temporary file goes and `file` stays byte for byte.
 * Refuses a `file` that is not a plandb database or was written by a newer plandb.
 */
export async function withNewDatabase<T>(file: string, build: (db: DB) => Promise<T>, opts: { copy?: boolean } = {}): Promise<T> {
  const kind = requirePlandbTarget(file);
  if (kind === 'plandb') {
    const old = new Database(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    try {
      const unknown = unknownMigrations(old);
      if (unknown.length) throw new PlandbError('DB', `database ${newerNote(old, unknown)}; refusing to replace it (upgrade plandb, or remove the file)`, file);
    } catch (e) {
      throw dbError(e, file);
    } finally {
      old.close();
    }
  }
  removeStaleTemps(file);
  const tmp = `${file}${TMP_INFIX}${process.pid}`;
  const clean = () => {
    for (const f of [tmp, `${tmp}-journal`]) rmSync(f, { force: true });
  };
  clean();
  if (opts.copy && kind === 'plandb') {
    // an incremental rebuild starts from a copy of the current database
    try {
      settle(file);
      copyFileSync(file, tmp);
    } catch (e) {
      clean();
      throw dbError(e, file, 'cannot copy database');
    }
  }
  const onSignal = (sig: NodeJS.Signals) => {
    try {
      if (db.open) db.close();
    } catch {
      /* closing is best effort */
    }
    clean();
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  const db = openDb(tmp);
  dbFiles.set(db, file); // messages name the database being rebuilt, not its temporary copy
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // the temporary database needs no crash journal on disk (a crash discards it), only rollback of a
    // failed file; nor a sync at every document's commit (one fsync before it replaces the old one),
    // nor locks (no one else opens it); a larger page cache for its growing indexes
    db.pragma('journal_mode = MEMORY');
    db.pragma('synchronous = OFF');
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('cache_size = -65536');
    const out = await build(db);
    db.close();
    try {
      syncFile(tmp);
      if (kind === 'plandb') settle(file);
      renameSync(tmp, file);
    } catch (e) {
      throw dbError(e, file, 'cannot replace database');
    }
    return out;
  } catch (e) {
    if (db.open) db.close();
    clean();
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export interface DbCounts {
  sources: number;
  plans: number;
  sections: number;
  items: number;
  targets: number;
  units: number;
  responsibilities: number;
}

export function counts(db: DB): DbCounts {
  const n = (t: string) => db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number;
  return {
    sources: n('sources'),
    plans: n('plans'),
    sections: n('sections'),
    items: n('items'),
    targets: n('targets'),
    units: n('units'),
    responsibilities: n('responsibilities'),
  };
}
