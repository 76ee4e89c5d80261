import { catalogue } from './extract/catalogue.js';
import { createHash } from 'node:crypto';
import { PlandbError } from './errors.js';
import { extractResponsibilities, type RespFact } from './extract/responsibilities.js';
import { extractItemTargets, extractTableTargets, type TargetFact } from './extract/targets.js';
import { unitModel } from './extract/units.js';
import type { FileBudget } from './ingest/limits.js';
import type { IngestedText } from './ingest/types.js';
import { normalize, toSource, type NormText } from './normalize/index.js';
import { compile } from './rules/compiled.js';
import { loadRules, type Rules } from './rules/index.js';
import { segment, type Plan, type Warning } from './segment/index.js';

/** Review state of a fact, set by applyCorrections (src/corrections); absent = extracted, no decision. */
export interface FactReview {
  status?: 'extracted' | 'confirmed' | 'edited' | 'added' | 'rejected';
  /** id of the decision (in the plan's corrections file) the fact's status comes from */
  correction?: number | null;
  /** where a decision about this fact is anchored: quote (normalized text) and its occurrence in the plan */
  anchor?: { quote: string; occurrence: number };
}

export interface PlanResult {
  plan: Plan;
  targets: Array<TargetFact & FactReview>;
  responsibilities: Array<RespFact & FactReview>;
}

/** A decision that did not apply as written: stale (its quote is gone) or restored (its fact is no longer extracted, kept from the decision). */
export interface ReviewNote {
  planKey: string;
  plan: string;
  correction: number;
  action: string;
  fact: 'target' | 'responsibility';
  quote: string;
  occurrence: number;
  kind: 'stale' | 'restored';
  reason: string;
}

/** Everything plandb knows about one source file; the document object that flows through the stages. */
export interface DocResult {
  file: string;
  format: IngestedText['format'];
  encoding?: string;
  /** sha256 of the normalized text: the same plan from .txt, .pdf or .docx differs here, so identity uses `planKey` */
  contentHash: string;
  /** sha256 of the file's bytes, when read from a file */
  fileSha256?: string;
  /** size and modification time of the file when it was read */
  fileStat?: { size: number; mtimeMs: number };
  source: string;
  norm: NormText;
  pageStarts?: number[];
  plans: PlanResult[];
  warnings: Warning[];
  /** set when corrections were applied: decisions that are stale or restored */
  reviewNotes?: ReviewNote[];
}

export const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

/**
 * Runs normalize → segment → extract on ingested text. Pure: same input and rules, same output.
 * `normalized`: the text's normalized form when a cache has it (batch/normcache.ts).
 */
export function processText(input: IngestedText, file: string, rules: Rules = loadRules(), budget?: FileBudget, normalized?: NormText): DocResult {
  const c = compile(rules);
  const norm = normalized ?? normalize(input.text, rules, c.join);
  budget?.check('normalizing');
  const seg = segment(norm.text, c);
  budget?.check('segmenting');
  const units = unitModel(rules);
  const extractWarnings: Warning[] = [];
  const plans: PlanResult[] = seg.plans.map((plan) => {
    budget?.check('extracting');
    const ctx = { rules, plan, cut: units.cut };
    const targets: TargetFact[] = [];
    for (const t of plan.tables) {
      if (t.roles) continue;
      const found = extractTableTargets(t, ctx);
      targets.push(...found);
      for (const row of t.rows) {
        if (row.cells.filter((x) => x.text).length >= 2 && !found.some((f) => f.start >= row.start && f.end <= row.end))
          extractWarnings.push({ code: 'table-row-no-value', severity: 'info', message: `table row without a target value: ${row.cells.map((x) => x.text).join(' | ').slice(0, 60)}`, start: row.start, end: row.end, rule: 'target.table' });
      }
    }
    for (const it of plan.items) targets.push(...extractItemTargets(it, ctx));
    const cat = catalogue(rules);
    for (const t of targets) t.indicatorId = cat.match(t.indicator, t.item !== null ? plan.items[t.item]!.text : undefined)?.id ?? null;
    const responsibilities = plan.items.flatMap((it) => extractResponsibilities(it, c, units));
    for (const r of responsibilities) {
      const text = norm.text.slice(r.start, r.end).trimEnd();
      const last = r.units[r.units.length - 1] ?? '';
      if (/[、，,和及]$/u.test(text) || (last && !units.isUnit(last)))
        extractWarnings.push({ code: 'unit-list-truncated', severity: 'warning', message: `unit list looks truncated or holds a non-unit: ${r.units.join('、')}`, start: r.start, end: r.end, rule: r.ruleId });
    }
    return { plan, targets, responsibilities };
  });
  const doc: DocResult = {
    file,
    format: input.format,
    encoding: input.encoding,
    contentHash: sha256(norm.text),
    source: input.text,
    norm,
    pageStarts: input.pageStarts,
    plans,
    warnings: [...(input.warnings ?? []), ...seg.warnings, ...extractWarnings].sort((a, b) => a.start - b.start),
  };
  return doc;
}

export function requirePlans(doc: DocResult): DocResult {
  if (!doc.plans.length) {
    const why = doc.encoding === 'big5' ? '; the text is Big5 (traditional Chinese) and the rules expect simplified Chinese' : '';
    throw new PlandbError('NO_PLAN', `no plan found (no title line such as 某市儿童发展规划 followed by 一、 headings${why})`, doc.file);
  }
  return doc;
}

/** Page (1-based) of a normalized offset, for PDFs. */
export function pageOf(doc: DocResult, normOffset: number): number | null {
  if (!doc.pageStarts?.length) return null;
  const src = doc.norm.map[Math.min(normOffset, doc.norm.map.length - 1)]!;
  let p = 0;
  while (p + 1 < doc.pageStarts.length && doc.pageStarts[p + 1]! <= src) p++;
  return p + 1;
}

/** The source text of a normalized span (exact substring of the ingested source). */
export function sourceSlice(doc: DocResult, start: number, end: number): string {
  const [s, e] = toSource(doc.norm, start, end);
  return doc.source.slice(s, e);
}

/** The heading a target sits under: its item's, or its table's. */
export function targetHeading(plan: Plan, t: TargetFact): number | null {
  if (t.item !== null) return plan.items[t.item]!.heading;
  if (t.table !== null) return plan.tables[t.table]!.heading;
  return headingAt(plan, t.start); // a target added in review outside any item or table
}

/** The innermost heading whose line starts at or before `offset` (null before the first heading). */
export function headingAt(plan: Plan, offset: number): number | null {
  let best: number | null = null;
  for (const h of plan.headings) if (h.start <= offset) best = h.idx;
  return best;
}

/** A responsibility's quote: the first 30 characters of its item (or 由-sentence), from the source. */
export function respQuote(doc: DocResult, plan: Plan, r: RespFact): string {
  const it = plan.items[r.item]!;
  return sourceSlice(doc, r.quoteStart, Math.min(r.quoteStart + 30, it.bodyStart + it.text.length));
}

/** Line and column (1-based) of a normalized offset. */
export function lineCol(doc: DocResult, offset: number): { line: number; col: number } {
  const before = doc.norm.text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}

/** One line per warning, vfile style: `file:line:col severity code message`. */
export function formatWarning(doc: DocResult, w: Warning): string {
  const at = w.start === 0 && w.end === 0 ? '' : `:${lineCol(doc, w.start).line}:${lineCol(doc, w.start).col}`;
  return `${doc.file}${at} ${w.severity} ${w.code}: ${w.message}`;
}
