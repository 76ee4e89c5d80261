/** A worker thread of the build pool (pool.ts): prepares one file per task with the pool's rules and decisions. */
import { workerData } from 'node:worker_threads';
import type { CorrectionSet } from '../corrections/index.js';
import { loadRules } from '../rules/index.js';
import { errorData, prepareFile, type PrepareContext, type PrepareResult } from './prepare.js';
import { TextCache } from './textcache.js';
import { TokenCache } from './tokencache.js';
import { NormCache } from './normcache.js';

/** What every task of a pool shares (sent once, as the pool's workerData). */
export interface PoolData {
  rulesDir: string;
  corrections: CorrectionSet;
  cacheDir: string | null;
  tokenDir: string | null;
  normDir: string | null;
  readCache: boolean;
  limits?: PrepareContext['limits'];
}

let ctx: PrepareContext | null = null;

function context(): PrepareContext {
  if (ctx) return ctx;
  const d = workerData as PoolData;
  ctx = { rules: loadRules(d.rulesDir), corrections: d.corrections, limits: d.limits };
  if (d.cacheDir) ctx.store = new TextCache(d.cacheDir, d.readCache);
  if (d.tokenDir) ctx.tokens = new TokenCache(d.tokenDir, d.readCache);
  if (d.normDir) ctx.norms = new NormCache(d.normDir, d.readCache);
  return ctx;
}

export default async function prepareTask(file: string): Promise<PrepareResult> {
  try {
    return { ok: true, prepared: await prepareFile(file, context()) };
  } catch (e) {
    return { ok: false, error: errorData(e) };
  }
}
