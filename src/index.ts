/** plandb library API: the CLI is a thin layer over these functions. */
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import PQueue from 'p-queue';
import { PlandbError, errorLine } from './errors.js';
import { ingestFile } from './ingest/index.js';
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
import { processText, requirePlans, type DocResult, type ReviewNote } from './pipeline.js';
import { loadRules, type Rules } from './rules/index.js';
import { counts, openDb, withNewDatabase, writeDocument, type DB, type DbCounts } from './store/db.js';

export { PlandbError, errorLine } from './errors.js';
export { processText, type DocResult, type ReviewNote } from './pipeline.js';
export * from './corrections/index.js';
export { loadRules, type Rules } from './rules/index.js';
export { toGoldJson } from './output.js';
export { openDb, counts, type DB } from './store/db.js';

/** Reads, normalizes, segments and extracts one file. Throws a PlandbError naming the file. */
export async function extractFile(file: string, rules: Rules = loadRules()): Promise<DocResult> {
  const src = await ingestFile(file);
  return requirePlans(processText(src, file, rules));
}

/** Expands folders into the supported files they contain (sorted), keeps files as given. */
export async function expandInputs(inputs: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of inputs) {
    let st;
    try {
      st = await stat(p);
    } catch {
      out.push(p); // reported as "no such file" when ingested
      continue;
    }
    if (st.isDirectory()) {
      const names = (await readdir(p)).filter((n) => !n.startsWith('.')).sort();
      for (const n of names) {
        const full = path.join(p, n);
        const s = await stat(full);
        if (s.isFile()) out.push(full);
      }
    } else out.push(p);
  }
  return out;
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
}

export interface BatchReport {
  files: FileOutcome[];
  failed: number;
  counts: DbCounts;
}

export interface BatchOptions {
  rules?: Rules;
  /** corrections folder (or a loaded set) applied after extraction; default: none */
  corrections?: string | CorrectionSet;
  /** parallel file reads/parses (PDF parsing is async) */
  concurrency?: number;
  onFile?: (o: FileOutcome, done: number, total: number) => void;
}

/** Ingests files into an open database, one transaction per document. Bad files are reported, never fatal. */
export async function ingestInto(db: DB, files: string[], opts: BatchOptions = {}): Promise<BatchReport> {
  const rules = opts.rules ?? loadRules();
  const corrections = typeof opts.corrections === 'string' ? loadCorrections(opts.corrections) : (opts.corrections ?? emptyCorrections());
  const queue = new PQueue({ concurrency: opts.concurrency ?? 2 });
  const outcomes: FileOutcome[] = [];
  let done = 0;
  // files are read and extracted concurrently but written in input order, so ids are stable
  let writes: Promise<void> = Promise.resolve();
  for (const file of files) {
    const extracted = queue.add(() => extractFile(file, rules)).then(
      (doc) => ({ doc, error: null as unknown }),
      (error: unknown) => ({ doc: null, error }),
    );
    writes = writes.then(async () => {
      const { doc, error } = await extracted;
      let o: FileOutcome;
      try {
        if (!doc) throw error;
        const reviewed = applyCorrections(doc, corrections);
        const s = writeDocument(db, reviewed, rules);
        o = { file, ok: true, plans: s.plans, targets: s.targets, responsibilities: s.responsibilities, replacedPlans: s.replacedPlans, reviewNotes: reviewed.reviewNotes };
      } catch (e) {
        if (!(e instanceof PlandbError) && process.env.PLANDB_DEBUG) console.error(e);
        o = { file, ok: false, error: errorLine(e, file) };
      }
      outcomes.push(o);
      opts.onFile?.(o, ++done, files.length);
    });
  }
  await writes;
  return { files: outcomes, failed: outcomes.filter((o) => !o.ok).length, counts: counts(db) };
}

/** Adds or replaces documents in an existing (or new) database. */
export async function ingest(dbFile: string, inputs: string[], opts: BatchOptions = {}): Promise<BatchReport> {
  const files = await expandInputs(inputs);
  const db = openDb(dbFile);
  try {
    return await ingestInto(db, files, opts);
  } finally {
    db.close();
  }
}

/**
 * Builds a fresh database from a corpus folder into a temporary file and swaps it in only when
 * complete. If no file could be ingested, the old database is kept untouched.
 */
export async function rebuild(corpus: string, dbFile: string, opts: BatchOptions = {}): Promise<BatchReport> {
  let st;
  try {
    st = await stat(corpus);
  } catch {
    throw new PlandbError('ENOENT', 'corpus folder not found', corpus);
  }
  if (!st.isDirectory()) throw new PlandbError('USAGE', 'corpus is not a folder', corpus);
  const files = await expandInputs([corpus]);
  if (!files.length) throw new PlandbError('NO_PLAN', 'corpus folder has no files', corpus);
  return withNewDatabase(dbFile, async (db) => {
    const report = await ingestInto(db, files, opts);
    if (report.failed === files.length) throw new PlandbError('NO_PLAN', `no file could be ingested; ${dbFile} left unchanged`, corpus);
    return report;
  });
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
