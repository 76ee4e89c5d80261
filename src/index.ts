/** plandb library API: the CLI is a thin layer over these functions. */
import { existsSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { openPreparer, type PrepareOutcome, type Preparer, type PreparerOptions } from './batch/preparer.js';
import { pruneOrphans, rebuildDelta, recordSuperseded, removeSources, type RebuildMode } from './batch/incremental.js';
import { PlandbError, errorLine, isEnvironmental, type ErrorCode } from './errors.js';
import { DEFAULT_LIMITS, FileBudget, checkRegular, fsError, ingestFile, type Limits } from './ingest/index.js';
import {
  applyCorrections,
  decisionFor,
  emptyCorrections,
  factsByRef,
  findOccurrences,
  loadCorrections,
  markReviewed,
  recordDecisions,
  removeDecisions,
  reviewPlan,
  squash,
  type CorrectionSet,
  type Decision,
  type FactKind,
  type FieldValues,
  type NewDecision,
  type ReviewPlanInfo,
} from './corrections/index.js';
import { formatWarning, processText, requirePlans, sha256, type DocResult, type ReviewNote } from './pipeline.js';
import { DEFAULT_RULES_DIR, loadRules, type Rules } from './rules/index.js';
import { deferIndexes } from './store/bulk.js';
import { flushFts, stageFts } from './store/fts.js';
import { counts, dbError, dbFileOf, openDb, removeStaleTemps, settle, syncCatalogue, withNewDatabase, writeRows, type DB, type DbCounts } from './store/db.js';

export { PlandbError, errorLine, escapeControls, isEnvironmental } from './errors.js';
export { DEFAULT_LIMITS, type Limits } from './ingest/index.js';
export { formatWarning, processText, type DocResult, type ReviewNote } from './pipeline.js';
export * from './corrections/index.js';
export { loadRules, type Rules } from './rules/index.js';
export { toGoldJson } from './output.js';
export { openDb, counts, type DB } from './store/db.js';
export { normCacheDir, textCacheDir, tokenCacheDir } from './batch/textcache.js';
export { defaultJobs } from './batch/pool.js';
export type { RebuildMode } from './batch/incremental.js';

/**
 * Reads, normalizes, segments and extracts one file. Throws a PlandbError naming the file.
 * `limits` bound what the file may cost (size, decompressed size, pages, text length, seconds).
 */
export async function extractFile(file: string, rules: Rules = loadRules(), limits: Partial<Limits> = {}): Promise<DocResult> {
  const budget = new FileBudget(file, limits);
  const src = await ingestFile(file, budget);
  const doc = requirePlans(processText(src, file, rules, budget));
  doc.fileSha256 = src.sha256;
  doc.fileStat = src.stat;
  return doc;
}

/** An input to a batch: a file to ingest, or an entry of a folder that is skipped with its reason. */
export interface InputEntry {
  file: string;
  skip?: PlandbError;
}

/**
 * Expands folders into the entries they contain (sorted, hidden ones left out). Regular files are
 * kept; anything else in a folder (a sub-folder, a FIFO, a device, a dangling link or a link loop)
 * comes back with the reason it is skipped, so that a batch reports it in one line and goes on.
 * Files given by name are kept as given and checked when read.
 */
export async function expandEntries(inputs: string[], limits: Partial<Limits> = {}): Promise<InputEntry[]> {
  const lim = { ...DEFAULT_LIMITS, ...limits };
  const out: InputEntry[] = [];
  for (const p of inputs) {
    let st;
    try {
      st = await stat(p);
    } catch {
      out.push({ file: p }); // reported with its reason when ingested
      continue;
    }
    if (!st.isDirectory()) {
      out.push({ file: p });
      continue;
    }
    let names: string[];
    try {
      names = (await readdir(p)).filter((n) => !n.startsWith('.')).sort();
    } catch (e) {
      out.push({ file: p, skip: fsError(e, p) });
      continue;
    }
    for (const n of names) {
      const full = path.join(p, n);
      try {
        const s = statSync(full);
        if (s.isDirectory() && !path.extname(n)) continue; // a sub-folder: not descended into
        checkRegular(s, full, lim);
        out.push({ file: full });
      } catch (e) {
        const err = e instanceof PlandbError ? e : fsError(e, full);
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
          // stat follows links: a name that lists but does not stat is a dangling link
          out.push({ file: full, skip: new PlandbError('ENOENT', 'dangling symbolic link (its target does not exist); skipped', full) });
        } else out.push({ file: full, skip: err });
      }
    }
  }
  return out;
}

/** The files of `expandEntries` (skipped entries left out). */
export async function expandInputs(inputs: string[]): Promise<string[]> {
  return (await expandEntries(inputs)).filter((e) => !e.skip).map((e) => e.file);
}

export interface FileOutcome {
  file: string;
  ok: boolean;
  error?: string;
  plans?: number;
  targets?: number;
  responsibilities?: number;
  replacedPlans?: number;
  /** corrections that did not apply as written (stale) or kept a fact no longer extracted (restored) */
  reviewNotes?: ReviewNote[];
  /** titles of the plans this file replaced */
  replaced?: string[];
  /** other files whose plans this file replaced (the same plan from another file) */
  replacedFrom?: string[];
  /** warnings on a file that was ingested, one line each (`file:line:col severity code: message`, or a plan that appears twice in it) */
  warnings?: string[];
  /** rebuild: the file, the rules and its plans' decisions are as when it was stored; its rows were kept */
  unchanged?: boolean;
  /** rebuild: the file was extracted again (new rules, decisions or bytes) and gave the rows stored: they were kept */
  sameRows?: boolean;
}

export interface BatchReport {
  files: FileOutcome[];
  failed: number;
  counts: DbCounts;
  /** set when the batch stopped on a failure of the machine (disk full, I/O error…): its one-line reason */
  aborted?: string;
  /** rebuild: 'full' (every file extracted into a new database), 'incremental' (changed files only, on a copy) or 'none' (up to date: nothing written) */
  mode?: RebuildMode;
  /** rebuild: stored sources whose file is no longer in the corpus (their plans were removed) */
  removed?: string[];
}

export interface BatchOptions {
  rules?: Rules;
  /** rules folder, loaded only when a file must be extracted (default: the bundled extract-rules/); `rules` wins */
  rulesDir?: string;
  /** corrections folder (or a loaded set) applied after extraction; default: none */
  corrections?: string | CorrectionSet;
  /** worker threads that read and extract files (default: one per core; 1: all in this thread) */
  jobs?: number;
  /** @deprecated the same as `jobs` */
  concurrency?: number;
  /** folder where the text of PDF, Word and HTML files is kept by content hash (default: no cache) */
  textCache?: string;
  /** folder where items' full-text tokens are kept by document and jieba dictionary (default: no cache) */
  tokenCache?: string;
  /** folder where documents' normalized text is kept by text and the rules normalize reads (default: no cache) */
  normCache?: string;
  /** rebuild: extract every file into a new database, reading no cache (entries are still written) */
  force?: boolean;
  /** what one file may cost (defaults: DEFAULT_LIMITS) */
  limits?: Partial<Limits>;
  onFile?: (o: FileOutcome, done: number, total: number) => void;
  /** a file that gives the rows stored for it keeps them in place (rebuild sets it over a copy of the database; an ingest writes what it reads) */
  keepSameRows?: boolean;
  /** units' counts (migration 010) are recounted by the caller once the batch is written (rebuild: pruneOrphans), not after each document */
  deferUnitCounts?: boolean;
  /** rebuild: when a rebuild of every file gives up keeping rows and writes a new database (default PROBE) */
  rewriteProbe?: Partial<RewriteProbe>;
}

/** Raised by `rebuild` when the old database is kept; carries the report so every file's reason can be shown. */
export class BatchError extends PlandbError {
  constructor(
    message: string,
    file: string | undefined,
    readonly report: BatchReport,
    environmental = false,
  ) {
    super('DB', message, file, environmental);
  }
}

/** Files prepared ahead of the writer, per worker: bounds the memory held by results waiting to be written. */
const AHEAD_PER_JOB = 4;

/**
 * Ingests files into an open database, one transaction per document. Files are read and extracted
 * in a pool of worker threads (one per core) and written here, in input order, so ids are the same
 * as in a serial build. Bad files are reported, never fatal. A failure of the machine (disk full,
 * I/O error, out of memory) stops the batch: the report's `aborted` says why, and the files after it
 * are not attempted.
 */
export async function ingestInto(db: DB, inputs: Array<string | InputEntry>, opts: BatchOptions = {}): Promise<BatchReport> {
  const rules = opts.rules ?? loadRules();
  const corrections = typeof opts.corrections === 'string' ? loadCorrections(opts.corrections) : (opts.corrections ?? emptyCorrections());
  const entries = inputs.map((e) => (typeof e === 'string' ? { file: e } : e));
  const preparer = await openPreparer(preparerOptions(opts, rules, corrections, entries.filter((e) => !e.skip).length));
  try {
    return await writeBatch(db, entries, opts, rules, preparer);
  } finally {
    await preparer.close();
  }
}

function preparerOptions(opts: BatchOptions, rules: Rules, corrections: CorrectionSet, files: number): PreparerOptions {
  return { rules, corrections, files, jobs: opts.jobs ?? opts.concurrency, textCache: opts.textCache, tokenCache: opts.tokenCache, normCache: opts.normCache, force: opts.force, limits: opts.limits };
}

/** ingestInto with files prepared by `preparer` (which the caller closes). */
async function writeBatch(db: DB, entries: InputEntry[], opts: BatchOptions, rules: Rules, preparer: Preparer): Promise<BatchReport> {
  const dbFile = dbFileOf(db);
  const outcomes: FileOutcome[] = [];
  let aborted: string | undefined;
  const started: Array<Promise<PrepareOutcome>> = [];
  try {
    syncCatalogue(db, rules);
    const ahead = preparer.jobs > 1 ? preparer.jobs * AHEAD_PER_JOB : 2;
    const start = (i: number) => {
      const e = entries[i];
      if (e) started[i] = e.skip ? Promise.resolve({ error: e.skip }) : preparer.prepare(e.file);
    };
    for (let i = 0; i < ahead; i++) start(i);
    for (let i = 0; i < entries.length && !aborted; i++) {
      const { file } = entries[i]!;
      const { prepared, error } = await started[i]!;
      delete started[i];
      start(i + ahead);
      let o: FileOutcome;
      try {
        if (!prepared) throw error;
        let s;
        try {
          s = writeRows(db, prepared.rows, { keepSameRows: opts.keepSameRows, deferUnitCounts: opts.deferUnitCounts });
        } catch (e) {
          const d = dbError(e, dbFile);
          throw new PlandbError('DB', `cannot write to database ${dbFile}: ${d.message.replace(/^database error: /, '')}`, file, d.environmental);
        }
        o = { file, ok: true, plans: s.plans, targets: s.targets, responsibilities: s.responsibilities, replacedPlans: s.replacedPlans, replaced: s.replaced, reviewNotes: prepared.reviewNotes };
        if (s.replacedFrom.length) o.replacedFrom = s.replacedFrom;
        if (s.sameRows) o.sameRows = true;
        if (prepared.warnings.length) o.warnings = prepared.warnings;
      } catch (e) {
        if (!(e instanceof PlandbError) && process.env.PLANDB_DEBUG) console.error(e);
        o = { file, ok: false, error: errorLine(e, file) };
        if (isEnvironmental(e)) aborted = e instanceof PlandbError ? e.message : errorLine(e);
      }
      outcomes.push(o);
      opts.onFile?.(o, outcomes.length, entries.length);
    }
  } finally {
    // the files still being prepared finish first (also when a caller's onFile stops the batch early)
    await Promise.allSettled(started.filter(Boolean));
  }
  const report: BatchReport = { files: outcomes, failed: outcomes.filter((o) => !o.ok).length, counts: counts(db) };
  if (aborted) report.aborted = aborted;
  return report;
}

/** Adds or replaces documents in an existing (or new) database. */
export async function ingest(dbFile: string, inputs: string[], opts: BatchOptions = {}): Promise<BatchReport> {
  const files = await expandEntries(inputs, opts.limits);
  const db = openDb(dbFile);
  try {
    return await ingestInto(db, files, opts);
  } finally {
    db.close();
  }
}

/**
 * Builds the database of a corpus folder. Without `force`, a database already built from it is
 * brought up to date: nothing is written when no file, rule or decision changed; otherwise a copy
 * gets the changed and new files and loses the removed ones. A full build (first build, rule or
 * plandb change, `force`) extracts every file into a new database. Either way the result is written
 * to a temporary file and swapped in only when complete; if no file could be ingested, or the
 * machine failed, the old database is kept untouched.
 */
export async function rebuild(corpus: string, dbFile: string, opts: BatchOptions = {}): Promise<BatchReport> {
  let st;
  try {
    st = await stat(corpus);
  } catch {
    throw new PlandbError('ENOENT', 'corpus folder not found', corpus);
  }
  if (!st.isDirectory()) throw new PlandbError('USAGE', 'corpus is not a folder', corpus);
  const files = await expandEntries([corpus], opts.limits);
  if (!files.length) throw new PlandbError('NO_PLAN', 'corpus folder has no files', corpus);
  const rulesDir = opts.rules?.dir ?? opts.rulesDir ?? DEFAULT_RULES_DIR;
  const corrections = typeof opts.corrections === 'string' ? loadCorrections(opts.corrections) : (opts.corrections ?? emptyCorrections());
  const delta = opts.force ? null : rebuildDelta(dbFile, files, opts.rules ?? rulesDir, corrections);
  if (delta && !delta.changed.length && !delta.removed.length) {
    removeStaleTemps(dbFile);
    try {
      settle(dbFile); // roll back what an interrupted ingest left, as a rebuild that writes does
    } catch (e) {
      throw dbError(e, dbFile);
    }
    const report: BatchReport = { files: delta.unchanged, failed: 0, counts: delta.counts, mode: 'none', removed: [] };
    delta.unchanged.forEach((f, i) => opts.onFile?.(f, i + 1, files.length));
    return report;
  }
  // the rules are loaded (parsed and checked) only when a file is to be extracted
  const rules = opts.rules ?? loadRules(rulesDir);
  // one preparer (one pool of workers) for whatever this rebuild turns out to be
  const overCopy = !!delta && (delta.unchanged.length > 0 || delta.counts.sources > 0);
  const preparer = await openPreparer(preparerOptions(opts, rules, corrections, (overCopy ? delta!.changed : files).filter((f) => !f.skip).length));
  const build = (incremental: boolean) =>
    withNewDatabase(
      dbFile,
      async (db) => {
        if (incremental) removeSources(db, delta!.removed);
        // no one reads this database until it is complete: its full-text index, and a new one's
        // read-side indexes, are built at the end
        stageFts(db);
        const restoreIndexes = incremental ? null : deferIndexes(db);
        const ahead = incremental ? delta!.unchanged : [];
        ahead.forEach((f, i) => opts.onFile?.(f, i + 1, files.length));
        const onFile = (f: FileOutcome, done: number) => opts.onFile?.(f, ahead.length + done, files.length);
        // the units' counts are recounted once, by pruneOrphans below (no one reads this copy meanwhile)
        const r = await writeBatch(db, incremental ? delta!.changed : files, { ...opts, onFile, keepSameRows: incremental, deferUnitCounts: true }, rules, preparer);
        // the same plan in two files: which copy is kept depends on the order of every file, so build in full
        if (incremental && r.files.some((f) => f.replacedFrom?.length) && !r.aborted) throw new PlanMoved();
        const report: BatchReport = { ...r, files: [...ahead, ...r.files], mode: incremental ? 'incremental' : 'full', removed: incremental ? delta!.removed : [] };
        if (report.aborted) throw new BatchError(`rebuild stopped: ${report.aborted}; ${dbFile} left unchanged`, undefined, report, true);
        if (report.failed === files.length) throw new BatchError(`no file could be ingested; ${dbFile} left unchanged`, corpus, report);
        flushFts(db);
        pruneOrphans(db);
        restoreIndexes?.();
        recordSuperseded(db, report.files, rules);
        return { ...report, counts: counts(db) };
      },
      { copy: incremental },
    );
  try {
    // over a copy of the database when it holds any of the corpus: files that keep their rows are not
    // written again (unchanged files are not even read; after a rule change, a file that gives the
    // rows stored is left as it is) -- unless every file changed and the first ones show that most
    // rows change: deleting and rewriting them costs more than a new database
    const limits = { ...PROBE, ...opts.rewriteProbe };
    const probe = overCopy && !delta!.unchanged.length && delta!.changed.length >= limits.minFiles;
    if (overCopy && (!probe || (await keepsMostRows(delta!.changed, delta!.rowsKeys, preparer, limits)))) {
      try {
        return await build(true);
      } catch (e) {
        if (!(e instanceof PlanMoved)) throw e;
      }
    }
    return await build(false);
  } finally {
    await preparer.close();
  }
}

/** An incremental rebuild met a plan that moved between files: it is redone in full. */
class PlanMoved extends Error {}

/** How many files a rebuild of every file looks at before it decides (at least minFiles files; share of the corpus), and the share of rewritten files that sends it to a full build. */
const PROBE: RewriteProbe = { minFiles: 200, look: 50, share: 0.05, rewritten: 0.5 };

/** When a rebuild of every file goes to a new database: it looks at max(look, share × files) files of a corpus of at least minFiles, and builds anew when more than `rewritten` of them would be written again. */
export interface RewriteProbe {
  minFiles: number;
  look: number;
  share: number;
  rewritten: number;
}

/**
 * A rebuild of every file (rules, plandb or decisions changed) looks at its first files before it
 * chooses: they are prepared (and kept for the build), and their rows compared with the stored ones
 * by rows key (`stored`: the delta's). True when most of them keep their rows (an incremental build then writes little).
 */
async function keepsMostRows(entries: InputEntry[], stored: ReadonlyMap<string, string | null>, preparer: Preparer, limits: RewriteProbe): Promise<boolean> {
  const look = Math.max(limits.look, Math.ceil(entries.length * limits.share));
  const outcomes = await Promise.all(entries.filter((e) => !e.skip).slice(0, look).map((e) => preparer.early(e.file)));
  const seen = outcomes.filter((o) => o.prepared);
  const rewritten = seen.filter((o) => stored.get(o.prepared!.rows.path) !== o.prepared!.rows.rowsKey).length;
  return !seen.length || rewritten <= seen.length * limits.rewritten;
}

/** A reviewer's verdict on one stored fact (by its review ref, `T3` / `R5`) or a missed fact to add by quote. */
export type Verdict =
  | { action: 'confirm' | 'reject'; ref: string; note?: string }
  | { action: 'edit'; ref: string; set: FieldValues; note?: string }
  | { action: 'add'; fact: FactKind; quote: string; occurrence?: number; set: FieldValues; note?: string }
  | { action: 'undo'; ids: number[] };

export interface CorrectOptions {
  /** the plan database (updated in place) */
  db: string;
  /** corrections folder the decisions are written to */
  corrections: string;
  rules?: Rules;
}

export interface CorrectReport {
  plan: ReviewPlanInfo;
  /** decisions written (null where a verdict took back an earlier add) */
  recorded: Array<Decision | null>;
  undone: number[];
  /** false when the plan's source file is gone: the decisions apply at the next rebuild */
  reapplied: boolean;
  /** facts still to review after the verdicts */
  unreviewed: number;
  reviewed: boolean;
  reviewNotes: ReviewNote[];
}

/** Where a quote sits in a stored plan: every occurrence (white space ignored), for `add` and for error messages. */
export function quoteOccurrences(db: DB, planId: number, quote: string): Array<{ start: number; end: number }> {
  const p = db.prepare('SELECT p.start, p.end, s.normalized_text AS text FROM plans p JOIN sources s ON s.id = p.source_id WHERE p.id = ?').get(planId) as
    | { start: number; end: number; text: string }
    | undefined;
  if (!p) throw new PlandbError('USAGE', `no plan with id ${planId}`);
  return findOccurrences(squash(p.text, p.start, p.end), quote);
}

/**
 * Records verdicts on one plan of a database in its corrections file, then re-ingests the plan's
 * source so the database shows them at once (same plan id). When the plan has no fact left to
 * review, its file is marked `reviewed: true` (gold for `plandb eval --reviewed`).
 */
export async function correctPlan(planId: number, verdicts: Verdict[], opts: CorrectOptions): Promise<CorrectReport> {
  const db = openDb(opts.db);
  try {
    const before = reviewPlan(db, planId);
    const meta = { title: before.plan.title, source: path.basename(before.plan.source) };
    const recorded: Array<Decision | null> = [];
    const undone: number[] = [];
    const decisions: NewDecision[] = [];
    for (const v of verdicts) {
      if (v.action === 'undo') continue;
      if (v.action === 'add') {
        const occ = quoteOccurrences(db, planId, v.quote);
        const k = v.occurrence ?? 0;
        if (!occ.length) throw new PlandbError('USAGE', `quote not found in plan ${planId}: ${v.quote}`);
        if (k >= occ.length) throw new PlandbError('USAGE', `quote occurs ${occ.length} time(s) in plan ${planId}; occurrence ${k} does not exist (0-based)`);
        if (v.occurrence === undefined && occ.length > 1)
          throw new PlandbError('USAGE', `quote occurs ${occ.length} times in plan ${planId}; give --occurrence 0…${occ.length - 1} or a longer quote`);
        decisions.push({ action: 'add', fact: v.fact, quote: v.quote, occurrence: k, set: v.set, ...(v.note ? { note: v.note } : {}) });
      } else {
        const [f] = factsByRef(before, [v.ref]);
        decisions.push(decisionFor(f!, v.action, v.action === 'edit' ? v.set : undefined, v.note));
      }
    }
    for (const v of verdicts) if (v.action === 'undo') undone.push(...removeDecisions(opts.corrections, before.plan.key, v.ids));
    if (decisions.length) recorded.push(...recordDecisions(opts.corrections, before.plan.key, decisions, meta));
    let reapplied = false;
    let notes: ReviewNote[] = [];
    if (existsSync(before.plan.source)) {
      const r = await ingestInto(db, [before.plan.source], { rules: opts.rules, corrections: opts.corrections });
      if (r.failed) throw new PlandbError('USAGE', `decisions recorded, but re-ingesting failed: ${r.files[0]!.error}`);
      reapplied = true;
      notes = (r.files[0]!.reviewNotes ?? []).filter((n) => n.planKey === before.plan.key);
    }
    const after = reapplied ? reviewPlan(db, planId) : before;
    const unreviewed = after.facts.filter((f) => f.status === 'extracted').length;
    const reviewed = reapplied && unreviewed === 0 && !notes.some((n) => n.kind === 'stale');
    if (reviewed) markReviewed(opts.corrections, before.plan.key, true, meta);
    return { plan: before.plan, recorded, undone, reapplied, unreviewed, reviewed, reviewNotes: notes };
  } finally {
    db.close();
  }
}
