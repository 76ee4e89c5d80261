import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PlandbError, errorLine } from '../errors.js';
import { extractFile } from '../index.js';
import { toGoldJson } from '../output.js';
import type { Rules } from '../rules/index.js';
import { countFile, emptyCounts, scoreOf, type Counts, type Score } from './score.js';

export { formatScore, scoreFile, type Score } from './score.js';

export interface EvalFile {
  gold: string;
  source: string | null;
  score: Score | null;
  error?: string;
}

export interface EvalReport {
  files: EvalFile[];
  overall: Score;
}

const EXT_ORDER: Record<string, string[]> = {
  txt: ['.txt'],
  pdf: ['.pdf'],
  docx: ['.docx'],
  html: ['.html', '.htm'],
  doc: ['.doc'],
  any: ['.txt', '.html', '.htm', '.pdf', '.doc', '.docx'],
};

export type EvalFormat = 'txt' | 'pdf' | 'docx' | 'html' | 'doc' | 'any';

/** Finds the source of a gold file: same stem in `sourcesDir`, with the preferred extension. */
export function sourceFor(goldFile: string, sourcesDir: string, format: keyof typeof EXT_ORDER = 'txt'): string | null {
  const stem = path.basename(goldFile, '.json');
  for (const ext of EXT_ORDER[format] ?? ['.txt']) {
    const p = path.join(sourcesDir, stem + ext);
    if (existsSync(p)) return p;
  }
  return null;
}

/** Scores plandb's extraction of each gold file's source; numbers are summed over files for the overall score. */
export async function evaluate(goldDir: string, sourcesDir: string, opts: { format?: EvalFormat; rules?: Rules } = {}): Promise<EvalReport> {
  if (!existsSync(goldDir)) throw new PlandbError('ENOENT', 'gold folder not found', goldDir);
  const golds = readdirSync(goldDir).filter((f) => f.endsWith('.json')).sort();
  if (!golds.length) throw new PlandbError('BAD_GOLD', 'no gold .json files', goldDir);
  const total: Counts = emptyCounts();
  const files: EvalFile[] = [];
  for (const g of golds) {
    const goldPath = path.join(goldDir, g);
    let gold: unknown;
    try {
      gold = JSON.parse(readFileSync(goldPath, 'utf8'));
    } catch (e) {
      files.push({ gold: goldPath, source: null, score: null, error: errorLine(new PlandbError('BAD_GOLD', `not valid JSON: ${(e as Error).message}`, goldPath)) });
      continue;
    }
    const source = sourceFor(goldPath, sourcesDir, opts.format ?? 'txt');
    if (!source) {
      files.push({ gold: goldPath, source: null, score: null, error: `${goldPath}: no source file ${path.basename(g, '.json')}.* in ${sourcesDir}` });
      continue;
    }
    try {
      const doc = await extractFile(source, opts.rules);
      const pred = toGoldJson(doc);
      const c = countFile(gold, pred);
      countFile(gold, pred, total);
      files.push({ gold: goldPath, source, score: scoreOf(c) });
    } catch (e) {
      files.push({ gold: goldPath, source, score: null, error: errorLine(e, source) });
    }
  }
  return { files, overall: scoreOf(total) };
}
