/**
 * A document as the rows the database stores: everything computed from the extraction (plan keys,
 * places, pages, quotes, full-text tokens, unit names by government), as plain data. A worker thread
 * computes it; the thread that owns the database only inserts it (`writeRows` in db.ts), so a
 * parallel build writes exactly what a serial one does.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { planPlace, unitGovernment } from '../divisions/government.js';
import { shortName } from '../divisions/index.js';
import { unitModel } from '../extract/units.js';
import { pageOf, respQuote, sha256, sourceSlice, targetHeading, type DocResult } from '../pipeline.js';
import type { Rules } from '../rules/index.js';
import type { Warning } from '../ingest/types.js';
import { effectiveYear } from '../years.js';
import { indicatorKey, planKey } from './keys.js';

export interface SectionRow {
  parent: number | null;
  level: number;
  kind: string;
  marker: string;
  title: string;
  path: string;
  start: number;
  end: number;
  page: number | null;
  ruleId: string;
}

export interface ItemRow {
  section: number | null;
  marker: string | null;
  kind: string;
  review: 0 | 1;
  text: string;
  start: number;
  end: number;
  page: number | null;
  /** jieba words joined by spaces, for the full-text index */
  tokens: string;
}

export interface ReviewCols {
  status: string;
  correction: number | null;
  anchorQuote: string | null;
  anchorOccurrence: number | null;
}

export interface TargetRow extends ReviewCols {
  item: number | null;
  section: number | null;
  kind: string;
  indicator: string;
  indicatorKey: string;
  op: string;
  value: number | null;
  value2: number | null;
  unit: string | null;
  year: number | null;
  effectiveYear: number | null;
  baseline: number | null;
  baselineYear: number | null;
  quote: string;
  start: number;
  end: number;
  page: number | null;
  ruleId: string;
  indicatorId: string | null;
}

/** A unit as written in a responsibility, and the government + body it is (昆山市 + 卫健委). */
export interface UnitRef {
  name: string;
  canonical: string;
  government: string;
  body: string;
}

export interface RespRow extends ReviewCols {
  item: number;
  section: number | null;
  role: string;
  quote: string;
  start: number;
  end: number;
  page: number | null;
  ruleId: string;
  quoteStart: number | null;
  units: UnitRef[];
}

export interface NoteRow {
  correction: number;
  action: string;
  fact: string;
  quote: string;
  occurrence: number;
  kind: string;
  reason: string;
}

export interface PlanRows {
  key: string;
  title: string;
  region: string | null;
  subject: string | null;
  periodStart: number | null;
  periodEnd: number | null;
  start: number;
  end: number;
  divisionCode: string | null;
  divisionChain: string | null;
  province: string | null;
  /** the plan's divisions, top first: [code, name, level, parent] */
  divisions: Array<[string, string, string, string | null]>;
  sections: SectionRow[];
  items: ItemRow[];
  notes: NoteRow[];
  targets: TargetRow[];
  responsibilities: RespRow[];
}

export interface WarningRow {
  /** index into `plans`, or null for a whole-file warning */
  plan: number | null;
  code: string;
  severity: string;
  message: string;
  start: number;
  end: number;
  page: number | null;
  rule: string;
}

export interface DocRows {
  /** the file as given, and its resolved path (the source's identity) */
  file: string;
  path: string;
  name: string;
  format: string;
  encoding: string | null;
  fileSha256: string;
  /** size and modification time (ms) of the file when it was read; null for text not read from a file */
  fileSize: number | null;
  fileMtime: number | null;
  contentSha256: string;
  pages: number | null;
  normalizedText: string;
  /** what the rows were extracted with (see sources.extract_key / corrections_key); null when unknown */
  extractKey: string | null;
  correctionsKey: string | null;
  /** hash of the rows (see rowsKey): equal keys, equal rows */
  rowsKey?: string | null;
  plans: PlanRows[];
  warnings: WarningRow[];
  /** titles of plans that appear more than once in the document: only the first copy is stored */
  duplicates: string[];
}

/** Tokens for the full-text index: jieba words joined by spaces, so FTS5's unicode61 tokenizer can index Chinese. */
export function ftsTokens(text: string, rules: Rules): string {
  return tokensOfPieces(unitModel(rules).cut(text));
}

/** The index's tokens from jieba's pieces of a text: punctuation and spaces dropped. */
export function tokensOfPieces(pieces: readonly string[]): string {
  return pieces
    .map((w) => w.trim())
    .filter((w) => w && !/^[\p{P}\s]+$/u.test(w))
    .join(' ');
}

/** Makes an item's full-text tokens from its text and its span in the normalized text (a cache may answer by span). */
export type Tokenizer = (text: string, start: number, end: number) => string;

/** Index of the plan a warning sits in (by its span), or null for a whole-file warning. */
export function warningPlan(doc: DocResult, w: Warning): number | null {
  if (w.start === 0 && w.end === 0) return null;
  const i = doc.plans.findIndex(({ plan }) => w.start >= plan.start && w.start <= plan.end);
  return i < 0 ? null : i;
}

/** The rows of one extracted (and reviewed) document. Pure: same document and rules, same rows. */
export function docRows(doc: DocResult, rules: Rules, tokenize: Tokenizer = (text) => ftsTokens(text, rules)): DocRows {
  const units = unitModel(rules);
  const duplicates: string[] = [];
  const seen = new Set<string>();
  const rowIndex = new Map<number, number>(); // doc.plans index → plans index
  const plans: PlanRows[] = [];
  doc.plans.forEach((pr, di) => {
    const { plan, targets, responsibilities } = pr;
    const key = planKey(plan.title, plan.region, plan.period);
    // the same plan twice in one file (pasted twice, or a copy in an appendix): store the first copy
    if (seen.has(key)) {
      duplicates.push(plan.title);
      return;
    }
    seen.add(key);
    rowIndex.set(di, plans.length);
    const place = planPlace(plan.region, plan.title);
    // a unit is its government's body: 市卫健委 in 昆山市's plan is 昆山市卫健委
    const unitRef = (name: string): UnitRef => {
      const { government, body } = unitGovernment(units.canonical(name), place);
      // 苏州大学教育学院 in 苏州's plan already says where it is
      const canonical = government && body.startsWith(shortName(government)) ? body : government + body;
      return { name, canonical, government, body };
    };
    const sectionOf = (idx: number | null) => idx;
    plans.push({
      key,
      title: plan.title,
      region: plan.region,
      subject: plan.subject,
      periodStart: plan.period?.[0] ?? null,
      periodEnd: plan.period?.[1] ?? null,
      start: plan.start,
      end: plan.end,
      divisionCode: place.division?.code ?? null,
      divisionChain: place.chain.map((d) => d.code).join('/') || null,
      province: place.chain.find((d) => d.level === 'province')?.name ?? null,
      divisions: [...place.chain].reverse().map((d) => [d.code, d.name, d.level, d.parent ?? (d.code === '000000' ? null : '000000')]),
      sections: plan.headings.map((h) => ({
        parent: h.parent,
        level: h.level,
        kind: h.kind,
        marker: h.marker,
        title: h.title,
        path: h.path,
        start: h.start,
        end: h.end,
        page: pageOf(doc, h.start),
        ruleId: h.ruleId,
      })),
      items: plan.items.map((it) => ({
        section: sectionOf(it.heading),
        marker: it.marker,
        kind: it.kind,
        review: it.review ? 1 : 0,
        text: it.text,
        start: it.start,
        end: it.end,
        page: pageOf(doc, it.start),
        tokens: tokenize(it.text, it.start, it.end),
      })),
      notes: (doc.reviewNotes ?? [])
        .filter((n) => n.planKey === key)
        .map((n) => ({ correction: n.correction, action: n.action, fact: n.fact, quote: n.quote, occurrence: n.occurrence, kind: n.kind, reason: n.reason })),
      targets: targets.map((t) => ({
        item: t.item,
        section: targetHeading(plan, t),
        kind: t.kind === 'text' ? 'measure' : t.kind,
        indicator: t.indicator,
        indicatorKey: indicatorKey(t.indicator),
        op: t.op,
        value: t.value,
        value2: t.value2,
        unit: t.unit,
        year: t.year,
        effectiveYear: effectiveYear(t.year, plan.period),
        baseline: t.baseline,
        baselineYear: t.baselineYear,
        quote: sourceSlice(doc, t.start, t.end),
        start: t.start,
        end: t.end,
        page: pageOf(doc, t.start),
        ruleId: t.ruleId,
        indicatorId: t.indicatorId ?? null,
        status: t.status ?? 'extracted',
        correction: t.correction ?? null,
        anchorQuote: t.anchor?.quote ?? null,
        anchorOccurrence: t.anchor?.occurrence ?? null,
      })),
      responsibilities: responsibilities.map((r) => ({
        item: r.item,
        section: plan.items[r.item]!.heading,
        role: r.role,
        quote: respQuote(doc, plan, r),
        start: r.start,
        end: r.end,
        page: pageOf(doc, r.start),
        ruleId: r.ruleId,
        status: r.status ?? 'extracted',
        correction: r.correction ?? null,
        anchorQuote: r.anchor?.quote ?? null,
        anchorOccurrence: r.anchor?.occurrence ?? null,
        quoteStart: r.quoteStart ?? null,
        units: r.units.map(unitRef),
      })),
    });
  });
  const warnings: WarningRow[] = doc.warnings.map((w) => {
    const pi = warningPlan(doc, w);
    return { plan: pi === null ? null : (rowIndex.get(pi) ?? null), code: w.code, severity: w.severity, message: w.message, start: w.start, end: w.end, page: pageOf(doc, w.start), rule: w.rule };
  });
  return {
    file: doc.file,
    path: path.resolve(doc.file),
    name: path.basename(doc.file),
    format: doc.format,
    encoding: doc.encoding ?? null,
    fileSha256: doc.fileSha256 ?? sha256(doc.source),
    fileSize: doc.fileStat?.size ?? null,
    fileMtime: doc.fileStat?.mtimeMs ?? null,
    contentSha256: doc.contentHash,
    pages: doc.pageStarts?.length ?? null,
    normalizedText: doc.norm.text,
    extractKey: null,
    correctionsKey: null,
    plans,
    warnings,
    duplicates,
  };
}

/** A hash of everything a document writes but its keys and the file's state (size, time, bytes): two extractions with the same key wrote the same rows. */
export function rowsKey(rows: DocRows): string {
  return createHash('sha256')
    .update(JSON.stringify([rows.path, rows.name, rows.format, rows.encoding, rows.contentSha256, rows.pages, rows.plans, rows.warnings, rows.duplicates]))
    .digest('hex');
}
