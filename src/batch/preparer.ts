/**
 * Where a batch's files are prepared (read, extracted, turned into rows): a pool of worker threads
 * (pool.ts) when there is more than one job, else this thread. One preparer can serve several
 * passes over the same files: a rebuild looks at its first files to choose between an incremental
 * and a full build, and the build that follows takes those results instead of preparing the files
 * again (and uses the same workers: each loads jieba's dictionary once).
 */
import type { CorrectionSet } from '../corrections/index.js';
import { loadRules, type Rules } from '../rules/index.js';
import { defaultJobs, openPool, type PreparePool } from './pool.js';
import { prepareFile, type ErrorData, type Prepared, type PrepareContext } from './prepare.js';
import { TextCache, sweepCacheTemps } from './textcache.js';
import { TokenCache } from './tokencache.js';
import { NormCache } from './normcache.js';
import { PlandbError, type ErrorCode } from '../errors.js';
import type { Limits } from '../ingest/index.js';

export interface PrepareOutcome {
  prepared?: Prepared;
  error?: unknown;
}

export interface Preparer {
  /** worker threads (1: none, files are prepared in this thread) */
  readonly jobs: number;
  /** the file's outcome: the one prepared early (see early), else prepared now */
  prepare(file: string): Promise<PrepareOutcome>;
  /** prepares a file now and keeps its outcome for the next prepare(file) */
  early(file: string): Promise<PrepareOutcome>;
  close(): Promise<void>;
}

export interface PreparerOptions {
  rules: Rules;
  corrections: CorrectionSet;
  /** worker threads wanted (default: one per core), at most one per file */
  jobs?: number;
  files: number;
  textCache?: string;
  tokenCache?: string;
  normCache?: string;
  /** read no cache (entries are still written) */
  force?: boolean;
  limits?: Partial<Limits>;
}

export async function openPreparer(o: PreparerOptions): Promise<Preparer> {
  const ctx: PrepareContext = { rules: o.rules, corrections: o.corrections, limits: o.limits };
  if (o.textCache) ctx.store = new TextCache(o.textCache, !o.force);
  if (o.tokenCache) ctx.tokens = new TokenCache(o.tokenCache, !o.force);
  if (o.normCache) ctx.norms = new NormCache(o.normCache, !o.force);
  // what killed processes left half-written in the caches
  for (const dir of [o.textCache, o.tokenCache, o.normCache]) if (dir) sweepCacheTemps(dir);
  const jobs = Math.max(1, Math.min(o.jobs ?? defaultJobs(), o.files));
  // workers load rules by folder: a rule set changed in memory is prepared here
  const pool: PreparePool | null =
    jobs > 1 && o.rules === loadRules(o.rules.dir)
      ? await openPool(jobs, { rulesDir: o.rules.dir, corrections: o.corrections, cacheDir: o.textCache ?? null, tokenDir: o.tokenCache ?? null, normDir: o.normCache ?? null, readCache: !o.force, limits: o.limits })
      : null;
  const run = (file: string): Promise<PrepareOutcome> =>
    pool
      ? pool.run(file).then((r) => (r.ok ? { prepared: r.prepared } : { error: reviveError(r.error) }))
      : prepareFile(file, ctx).then(
          (prepared) => ({ prepared }),
          (error: unknown) => ({ error }),
        );
  const kept = new Map<string, Promise<PrepareOutcome>>();
  return {
    jobs: pool ? jobs : 1,
    prepare(file) {
      const p = kept.get(file);
      if (!p) return run(file);
      kept.delete(file);
      return p;
    },
    early(file) {
      let p = kept.get(file);
      if (!p) kept.set(file, (p = run(file)));
      return p;
    },
    async close() {
      // tasks still running finish first: a pool closed under running tasks fails on their results
      await Promise.allSettled(kept.values());
      kept.clear();
      await pool?.close();
    },
  };
}

/** An error that crossed from a worker thread, as a PlandbError again when it was one. */
export function reviveError(d: ErrorData): Error {
  if (d.name === 'PlandbError' && d.code) return new PlandbError(d.code as ErrorCode, d.message, d.file, !!d.environmental);
  const e = new Error(d.message) as Error & { code?: string };
  if (d.code) e.code = d.code;
  if (d.stack) e.stack = d.stack;
  return e;
}
