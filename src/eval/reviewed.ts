/**
 * `plandb eval --reviewed`: every fully reviewed plan is gold. The current rules' raw extraction of
 * each source is scored against the plan's reviewed facts (confirmed, edited, added), so a rule
 * change that breaks a reviewed plan shows at once.
 */
import path from 'node:path';
import { applyCorrections, loadCorrections } from '../corrections/index.js';
import { errorLine, PlandbError } from '../errors.js';
import { expandInputs, extractFile } from '../index.js';
import { toGoldJson } from '../output.js';
import type { DocResult } from '../pipeline.js';
import type { Rules } from '../rules/index.js';
import { planKey } from '../store/db.js';
import type { EvalFile, EvalReport } from './index.js';
import { countFile, emptyCounts, scoreOf } from './score.js';

const REVIEWED = new Set(['confirmed', 'edited', 'added']);

/** FORMAT.md JSON of one plan of a document, without headings (they are not reviewed). */
function planJson(doc: DocResult, i: number, keep: (f: { status?: string }) => boolean) {
  const pr = doc.plans[i]!;
  const j = toGoldJson({ ...doc, plans: [{ plan: pr.plan, targets: pr.targets.filter(keep), responsibilities: pr.responsibilities.filter(keep) }] });
  for (const p of j.plans) p.headings = [];
  return j;
}

export async function evaluateReviewed(sourcesDir: string, correctionsDir: string, opts: { rules?: Rules } = {}): Promise<EvalReport> {
  const set = loadCorrections(correctionsDir);
  const reviewedKeys = new Set([...set.plans.values()].filter((p) => p.data.reviewed).map((p) => p.data.plan));
  if (!reviewedKeys.size) throw new PlandbError('BAD_GOLD', `no fully reviewed plan (reviewed: true) in ${correctionsDir}; review one with plandb review / plandb correct`, correctionsDir);
  const total = emptyCounts();
  const files: EvalFile[] = [];
  const seen = new Set<string>();
  for (const source of await expandInputs([sourcesDir])) {
    let doc: DocResult;
    try {
      doc = await extractFile(source, opts.rules);
    } catch (e) {
      files.push({ gold: '', source, score: null, error: errorLine(e, source) });
      continue;
    }
    const reviewed = applyCorrections(doc, set);
    doc.plans.forEach((pr, i) => {
      const key = planKey(pr.plan.title, pr.plan.region, pr.plan.period);
      if (!reviewedKeys.has(key) || seen.has(key)) return;
      seen.add(key);
      const gold = planJson(reviewed, i, (f) => REVIEWED.has(f.status ?? ''));
      const pred = planJson(doc, i, () => true);
      const c = countFile(gold, pred);
      countFile(gold, pred, total);
      files.push({ gold: set.plans.get(key)!.file, source, score: scoreOf(c) });
    });
  }
  for (const key of reviewedKeys)
    if (!seen.has(key)) files.push({ gold: set.plans.get(key)!.file, source: null, score: null, error: `${set.plans.get(key)!.file}: reviewed plan not found in ${path.resolve(sourcesDir)}` });
  return { files, overall: scoreOf(total) };
}
