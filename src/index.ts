/** plandb library API: the CLI is a thin layer over these functions. */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import PQueue from 'p-queue';
import { PlandbError, errorLine } from './errors.js';
import { ingestFile } from './ingest/index.js';
import { formatWarning, processText, requirePlans, type DocResult } from './pipeline.js';
import { loadRules, type Rules } from './rules/index.js';
import { counts, openDb, withNewDatabase, writeDocument, type DB, type DbCounts } from './store/db.js';

export { PlandbError, errorLine } from './errors.js';
export { formatWarning, processText, type DocResult } from './pipeline.js';
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
  /** positioned warnings, one line each (`file:line:col severity code: message`) */
  warnings?: string[];
}

export interface BatchReport {
  files: FileOutcome[];
  failed: number;
  counts: DbCounts;
}

export interface BatchOptions {
  rules?: Rules;
  /** parallel file reads/parses (PDF parsing is async) */
  concurrency?: number;
  onFile?: (o: FileOutcome, done: number, total: number) => void;
}

/** Ingests files into an open database, one transaction per document. Bad files are reported, never fatal. */
export async function ingestInto(db: DB, files: string[], opts: BatchOptions = {}): Promise<BatchReport> {
  const rules = opts.rules ?? loadRules();
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
        const s = writeDocument(db, doc, rules);
        o = { file, ok: true, plans: s.plans, targets: s.targets, responsibilities: s.responsibilities, replacedPlans: s.replacedPlans, warnings: doc.warnings.map((w) => formatWarning(doc, w)) };
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
