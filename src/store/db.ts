import { closeSync, mkdirSync, openSync, readSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PlandbError, isEnvironmental } from '../errors.js';
import { planPlace, unitGovernment, type PlanPlace } from '../divisions/government.js';
import { shortName } from '../divisions/index.js';
import { catalogue } from '../extract/catalogue.js';
import { unitModel } from '../extract/units.js';
import { pageOf, respQuote, sha256, sourceSlice, targetHeading, type DocResult } from '../pipeline.js';
import type { Rules } from '../rules/index.js';
import type { Warning } from '../ingest/types.js';
import { effectiveYear } from '../years.js';
import { MIGRATIONS } from './schema.js';

export type DB = Database.Database;

/** This plandb's version, recorded in the database's meta table by every writer. */
export const PLANDB_VERSION = '0.1.0';

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

/** Key that identifies a plan whatever file format it came from. */
export function planKey(title: string, region: string | null, period: [number, number] | null): string {
  const t = title.normalize('NFKC').replace(/[\s“”"「」]/g, '').replace(/[（(].*?[）)]$/u, '');
  return sha256(`${t}|${region ?? ''}|${period?.join('-') ?? ''}`).slice(0, 24);
}

/** Tokens for the full-text index: jieba words joined by spaces, so FTS5's unicode61 tokenizer can index Chinese. */
export function ftsTokens(text: string, rules: Rules): string {
  return unitModel(rules)
    .cut(text)
    .map((w) => w.trim())
    .filter((w) => w && !/^[\p{P}\s]+$/u.test(w))
    .join(' ');
}

export interface WriteStats {
  plans: number;
  sections: number;
  items: number;
  targets: number;
  responsibilities: number;
  replacedPlans: number;
  /** titles of the plans this document replaced (an earlier copy of the file, or the same plan from another file) */
  replaced: string[];
  /** titles of plans that appear more than once in the document: only the first copy is stored */
  duplicates: string[];
}

/**
 * Writes one document in one transaction: replaces any earlier copy of the same file (by path)
 * and of the same plans (by plan key, even from another format). All or nothing.
 */
export function writeDocument(db: DB, doc: DocResult, rules: Rules): WriteStats {
  const units = unitModel(rules);
  const stats: WriteStats = { plans: 0, sections: 0, items: 0, targets: 0, responsibilities: 0, replacedPlans: 0, replaced: [], duplicates: [] };
  const fullPath = path.resolve(doc.file);
  const q = {
    delSource: db.prepare('DELETE FROM sources WHERE path = ?'),
    delPlan: db.prepare('DELETE FROM plans WHERE plan_key = ?'),
    titleOfKey: db.prepare('SELECT title FROM plans WHERE plan_key = ?').pluck(),
    titlesOfPath: db.prepare('SELECT title FROM plans WHERE source_id IN (SELECT id FROM sources WHERE path = ?) ORDER BY id').pluck(),
    delPlansOfPath: db.prepare('DELETE FROM plans WHERE source_id IN (SELECT id FROM sources WHERE path = ?)'),
    orphanSources: db.prepare('DELETE FROM sources WHERE id NOT IN (SELECT source_id FROM plans)'),
    insSource: db.prepare(
      'INSERT INTO sources (path, name, format, encoding, file_sha256, content_sha256, pages, normalized_text, ingested_at) VALUES (?,?,?,?,?,?,?,?,?)',
    ),
    insPlan: db.prepare(
      'INSERT INTO plans (id, source_id, plan_key, title, region, subject, period_start, period_end, start, end, division_code, division_chain, province) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)',
    ),
    insDivision: db.prepare('INSERT OR IGNORE INTO divisions (code, name, level, parent_code) VALUES (?,?,?,?)'),
    planIdOf: db.prepare('SELECT id FROM plans WHERE plan_key = ?').pluck(),
    insSection: db.prepare('INSERT INTO sections (plan_id, parent_id, level, kind, marker, title, path, start, end, page, rule_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)'),
    insItem: db.prepare('INSERT INTO items (plan_id, section_id, marker, kind, review, text, start, end, page) VALUES (?,?,?,?,?,?,?,?,?)'),
    insFts: db.prepare('INSERT INTO items_fts (rowid, tokens) VALUES (?, ?)'),
    // the full-text rows of the items a replaced plan takes with it (by rowid: no scan of the index)
    delFtsOfKey: db.prepare('DELETE FROM items_fts WHERE rowid IN (SELECT i.id FROM items i JOIN plans p ON p.id = i.plan_id WHERE p.plan_key = ?)'),
    delFtsOfPath: db.prepare('DELETE FROM items_fts WHERE rowid IN (SELECT id FROM items WHERE plan_id IN (SELECT id FROM plans WHERE source_id IN (SELECT id FROM sources WHERE path = ?)))'),
    insTarget: db.prepare(
      'INSERT INTO targets (plan_id, item_id, section_id, kind, indicator, indicator_key, op, value, value2, unit, year, effective_year, baseline, baseline_year, quote, start, end, page, rule_id, indicator_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)',
    ),
    insResp: db.prepare('INSERT INTO responsibilities (plan_id, item_id, section_id, role, quote, start, end, page, rule_id) VALUES (?,?,?,?,?,?,?,?,?)'),
    unitId: db.prepare('SELECT id FROM units WHERE canonical = ?').pluck(),
    insUnit: db.prepare('INSERT INTO units (canonical, government, body) VALUES (?,?,?)'),
    insAlias: db.prepare('INSERT OR IGNORE INTO unit_aliases (alias, unit_id) VALUES (?, ?)'),
    insWarning: db.prepare('INSERT INTO warnings (source_id, plan_id, code, severity, message, start, end, page, rule) VALUES (?,?,?,?,?,?,?,?,?)'),
    insRU: db.prepare('INSERT INTO responsibility_units (responsibility_id, position, unit_id, name) VALUES (?,?,?,?)'),
    reviewTarget: db.prepare('UPDATE targets SET status = ?, correction_id = ?, anchor_quote = ?, anchor_occurrence = ? WHERE id = ?'),
    reviewResp: db.prepare('UPDATE responsibilities SET status = ?, correction_id = ?, anchor_quote = ?, anchor_occurrence = ?, quote_start = ? WHERE id = ?'),
    insNote: db.prepare('INSERT INTO review_notes (plan_id, correction_id, action, fact, quote, occurrence, kind, reason) VALUES (?,?,?,?,?,?,?,?)'),
  };
  // a unit is its government's body: 市卫健委 in 昆山市's plan is 昆山市卫健委
  const unitIdOf = (name: string, place: PlanPlace): number => {
    const { government, body } = unitGovernment(units.canonical(name), place);
    // 苏州大学教育学院 in 苏州's plan already says where it is
    const canon = government && body.startsWith(shortName(government)) ? body : government + body;
    let id = q.unitId.get(canon) as number | undefined;
    if (id === undefined) id = Number(q.insUnit.run(canon, government, body).lastInsertRowid);
    q.insAlias.run(canon, id);
    q.insAlias.run(name, id);
    return id;
  };
  // the same plan twice in one file (pasted twice, or a copy in an appendix): store the first copy
  const seen = new Set<string>();
  const plans = doc.plans.filter(({ plan }) => {
    const key = planKey(plan.title, plan.region, plan.period);
    if (seen.has(key)) {
      stats.duplicates.push(plan.title);
      return false;
    }
    seen.add(key);
    return true;
  });
  syncCatalogue(db, rules);
  db.transaction(() => {
    // a re-ingested plan keeps its id, so `plandb review 3` still means the same plan after a correction
    const keptIds = new Map(plans.map(({ plan }) => [plan, (q.planIdOf.get(planKey(plan.title, plan.region, plan.period)) as number | undefined) ?? null]));
    const replaced = new Set<string>();
    for (const { plan } of plans) {
      const key = planKey(plan.title, plan.region, plan.period);
      const title = q.titleOfKey.get(key) as string | undefined;
      if (title !== undefined) replaced.add(title);
      q.delFtsOfKey.run(key);
      stats.replacedPlans += q.delPlan.run(key).changes;
    }
    for (const t of q.titlesOfPath.all(fullPath) as string[]) replaced.add(t);
    stats.replaced = [...replaced];
    q.delFtsOfPath.run(fullPath);
    stats.replacedPlans += q.delPlansOfPath.run(fullPath).changes;
    q.delSource.run(fullPath);
    q.orphanSources.run();
    const sourceId = Number(
      q.insSource.run(fullPath, path.basename(doc.file), doc.format, doc.encoding ?? null, sha256(doc.source), doc.contentHash, doc.pageStarts?.length ?? null, doc.norm.text, new Date().toISOString())
        .lastInsertRowid,
    );
    const planIds = new Map<unknown, number>();
    for (const { plan, targets, responsibilities } of plans) {
      const place = planPlace(plan.region, plan.title);
      for (const d of [...place.chain].reverse()) q.insDivision.run(d.code, d.name, d.level, d.parent ?? (d.code === '000000' ? null : '000000'));
      const planId = Number(
        q.insPlan.run(
          keptIds.get(plan) ?? null, sourceId, planKey(plan.title, plan.region, plan.period), plan.title, plan.region, plan.subject, plan.period?.[0] ?? null, plan.period?.[1] ?? null, plan.start, plan.end,
          place.division?.code ?? null, place.chain.map((d) => d.code).join('/') || null, place.chain.find((d) => d.level === 'province')?.name ?? null,
        ).lastInsertRowid,
      );
      stats.plans++;
      planIds.set(plan, planId);
      const sectionIds: number[] = [];
      for (const h of plan.headings) {
        const parent = h.parent === null ? null : sectionIds[h.parent]!;
        sectionIds.push(Number(q.insSection.run(planId, parent, h.level, h.kind, h.marker, h.title, h.path, h.start, h.end, pageOf(doc, h.start), h.ruleId).lastInsertRowid));
        stats.sections++;
      }
      const secOf = (idx: number | null) => (idx === null ? null : sectionIds[idx]!);
      const itemIds: number[] = [];
      for (const it of plan.items) {
        const id = Number(q.insItem.run(planId, secOf(it.heading), it.marker, it.kind, it.review ? 1 : 0, it.text, it.start, it.end, pageOf(doc, it.start)).lastInsertRowid);
        itemIds.push(id);
        q.insFts.run(id, ftsTokens(it.text, rules));
        stats.items++;
      }
      const key = planKey(plan.title, plan.region, plan.period);
      for (const n of doc.reviewNotes ?? []) if (n.planKey === key) q.insNote.run(planId, n.correction, n.action, n.fact, n.quote, n.occurrence, n.kind, n.reason);
      for (const t of targets) {
        const section = targetHeading(plan, t);
        const tid = q.insTarget.run(
          planId, t.item === null ? null : itemIds[t.item]!, secOf(section), t.kind === 'text' ? 'measure' : t.kind, t.indicator, indicatorKey(t.indicator),
          t.op, t.value, t.value2, t.unit, t.year, effectiveYear(t.year, plan.period), t.baseline, t.baselineYear,
          sourceSlice(doc, t.start, t.end), t.start, t.end, pageOf(doc, t.start), t.ruleId, t.indicatorId ?? null,
        ).lastInsertRowid;
        q.reviewTarget.run(t.status ?? 'extracted', t.correction ?? null, t.anchor?.quote ?? null, t.anchor?.occurrence ?? null, tid);
        stats.targets++;
      }
      for (const r of responsibilities) {
        const rid = Number(q.insResp.run(planId, itemIds[r.item]!, secOf(plan.items[r.item]!.heading), r.role, respQuote(doc, plan, r), r.start, r.end, pageOf(doc, r.start), r.ruleId).lastInsertRowid);
        q.reviewResp.run(r.status ?? 'extracted', r.correction ?? null, r.anchor?.quote ?? null, r.anchor?.occurrence ?? null, r.quoteStart, rid);
        r.units.forEach((u, pos) => q.insRU.run(rid, pos, unitIdOf(u, place), u));
        stats.responsibilities++;
      }
    }
    for (const w of doc.warnings) {
      const pi = warningPlan(doc, w);
      q.insWarning.run(sourceId, pi === null ? null : (planIds.get(doc.plans[pi]!.plan) ?? null), w.code, w.severity, w.message, w.start, w.end, pageOf(doc, w.start), w.rule);
    }
  })();
  return stats;
}

const synced = new WeakMap<DB, Rules>();

/** Writes the indicator catalogue into `indicators` (once per connection and rule set). */
export function syncCatalogue(db: DB, rules: Rules): void {
  if (synced.get(db) === rules) return;
  const ins = db.prepare('INSERT OR REPLACE INTO indicators (id, name, unit, better, domain, seeded_from, aliases) VALUES (?,?,?,?,?,?,?)');
  db.transaction(() => {
    for (const e of catalogue(rules).entries) ins.run(e.id, e.name, e.unit, e.better, e.domain, e.from, e.aliases.join('、'));
  })();
  synced.set(db, rules);
}

/** Index of the plan a warning sits in (by its span), or null for a whole-file warning. */
export function warningPlan(doc: DocResult, w: Warning): number | null {
  if (w.start === 0 && w.end === 0) return null;
  const i = doc.plans.findIndex(({ plan }) => w.start >= plan.start && w.start <= plan.end);
  return i < 0 ? null : i;
}

/** Indicator names that differ only in spacing, width or brackets group together. */
export function indicatorKey(s: string): string {
  return s.normalize('NFKC').replace(/[\s　]/g, '').replace(/（/g, '(').replace(/）/g, ')').toLowerCase();
}

const TMP_INFIX = '.tmp-';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes what interrupted rebuilds of `file` left behind: `FILE.tmp-PID` and its journal
 * (`-journal`, `-wal`, `-shm`) when process PID is no longer running. Returns the removed paths.
 */
export function removeStaleTemps(file: string): string[] {
  const dir = path.dirname(path.resolve(file));
  const base = path.basename(file) + TMP_INFIX;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const n of names) {
    if (!n.startsWith(base)) continue;
    const m = /^(\d+)(?:-journal|-wal|-shm)?$/.exec(n.slice(base.length));
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
    const full = path.join(dir, n);
    try {
      rmSync(full, { force: true });
      removed.push(full);
    } catch {
      /* someone else's file we cannot remove: leave it */
    }
  }
  return removed;
}

/**
 * Lets SQLite recover the database at `file` (roll back a hot journal an interrupted ingest left)
 * before it is replaced, so that no stale journal is ever played back into the new database.
 */
function settle(file: string): void {
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
export async function withNewDatabase<T>(file: string, build: (db: DB) => Promise<T>): Promise<T> {
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
    // the temporary database needs no crash journal on disk (a crash discards it), only rollback of a failed file
    db.pragma('journal_mode = MEMORY');
    const out = await build(db);
    db.close();
    try {
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
