import { createHash } from 'node:crypto';
import { PlandbError } from './errors.js';
import { extractResponsibilities, type RespFact } from './extract/responsibilities.js';
import { extractItemTargets, extractTableTargets, type TargetFact } from './extract/targets.js';
import { unitModel } from './extract/units.js';
import type { IngestedText } from './ingest/types.js';
import { normalize, toSource, type NormText } from './normalize/index.js';
import { compile } from './rules/compiled.js';
import { loadRules, type Rules } from './rules/index.js';
import { segment, type Plan, type Warning } from './segment/index.js';

export interface PlanResult {
  plan: Plan;
  targets: TargetFact[];
  responsibilities: RespFact[];
}

/** Everything plandb knows about one source file; the document object that flows through the stages. */
export interface DocResult {
  file: string;
  format: IngestedText['format'];
  encoding?: string;
  /** sha256 of the normalized text: the same plan from .txt, .pdf or .docx differs here, so identity uses `planKey` */
  contentHash: string;
  source: string;
  norm: NormText;
  pageStarts?: number[];
  plans: PlanResult[];
  warnings: Warning[];
}

export const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

/** Runs normalize → segment → extract on ingested text. Pure: same input and rules, same output. */
export function processText(input: IngestedText, file: string, rules: Rules = loadRules()): DocResult {
  const c = compile(rules);
  const norm = normalize(input.text, rules, c.join);
  const seg = segment(norm.text, c);
  const units = unitModel(rules);
  const extractWarnings: Warning[] = [];
  const plans: PlanResult[] = seg.plans.map((plan) => {
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
  if (!doc.plans.length) throw new PlandbError('NO_PLAN', 'no plan found (no title line such as 某市儿童发展规划 followed by 一、 headings)', doc.file);
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
  return t.item !== null ? plan.items[t.item]!.heading : plan.tables[t.table!]!.heading;
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
