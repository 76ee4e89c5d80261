/**
 * One file from disk to the rows the database stores: read (through the text cache), normalize,
 * segment, extract, apply the reviewer's decisions, compute rows. Runs in a worker thread of the pool
 * (worker.ts) or in the main thread; either way the result is plain data.
 */
import { applyCorrections, type CorrectionSet } from '../corrections/index.js';
import { FileBudget, ingestFile, type Limits, type TextStore } from '../ingest/index.js';
import { formatWarning, processText, requirePlans, sha256, type ReviewNote } from '../pipeline.js';
import type { NormCache } from './normcache.js';
import type { Rules } from '../rules/index.js';
import { docRows, rowsKey, type DocRows } from '../store/rows.js';
import { jiebaDictKey, unitModel } from '../extract/units.js';
import { correctionsKey, extractKey } from './keys.js';
import type { TokenCache } from './tokencache.js';

export interface PrepareContext {
  rules: Rules;
  corrections: CorrectionSet;
  store?: TextStore;
  /** normalized texts (by the text and the rules normalize reads) */
  norms?: NormCache;
  /** full-text tokens of items already cut (by normalized text and jieba dictionary) */
  tokens?: TokenCache;
  limits?: Partial<Limits>;
}

export interface Prepared {
  rows: DocRows;
  /** one line per warning (`file:line:col severity code: message`, or a plan that appears twice in the file) */
  warnings: string[];
  reviewNotes?: ReviewNote[];
}

export async function prepareFile(file: string, ctx: PrepareContext): Promise<Prepared> {
  const budget = new FileBudget(file, ctx.limits);
  const src = await ingestFile(file, budget, ctx.store);
  const textSha = ctx.norms ? sha256(src.text) : '';
  const norm = ctx.norms?.get(textSha, ctx.rules) ?? undefined;
  const doc = requirePlans(processText(src, file, ctx.rules, budget, norm));
  if (ctx.norms && !norm) ctx.norms.put(textSha, ctx.rules, doc.norm);
  doc.fileSha256 = src.sha256;
  doc.fileStat = src.stat;
  const reviewed = applyCorrections(doc, ctx.corrections);
  const units = unitModel(ctx.rules);
  const cached = ctx.tokens?.forDocument(doc.contentHash, jiebaDictKey(ctx.rules), (t) => units.cut(t));
  const rows = docRows(reviewed, ctx.rules, cached?.tokenize);
  cached?.save();
  rows.extractKey = extractKey(ctx.rules);
  rows.correctionsKey = correctionsKey(ctx.corrections, rows.plans.map((p) => p.key));
  rows.rowsKey = rowsKey(rows);
  const warnings = [...rows.duplicates.map((t) => `plan '${t}' appears more than once in the file; the first copy was stored`), ...doc.warnings.map((w) => formatWarning(doc, w))];
  return { rows, warnings, reviewNotes: reviewed.reviewNotes };
}

/** An error as plain data, to cross from a worker thread (a class does not survive the copy). */
export interface ErrorData {
  name: string;
  message: string;
  code?: string;
  file?: string;
  environmental?: boolean;
  stack?: string;
}

export type PrepareResult = { ok: true; prepared: Prepared } | { ok: false; error: ErrorData };

export function errorData(e: unknown): ErrorData {
  const x = e as { name?: string; message?: string; code?: unknown; file?: string; environmental?: boolean; stack?: string };
  return {
    name: x?.name ?? 'Error',
    message: x?.message ?? String(e),
    ...(typeof x?.code === 'string' ? { code: x.code } : {}),
    ...(x?.file !== undefined ? { file: x.file } : {}),
    ...(x?.environmental !== undefined ? { environmental: x.environmental } : {}),
    ...(x?.stack ? { stack: x.stack } : {}),
  };
}
