/** A plan's facts as stored, for review: source order, context sentence, status; and gold output. */
import path from 'node:path';
import { PlandbError } from '../errors.js';
import type { DB } from '../store/db.js';
import type { NewDecision } from './record.js';
import type { FactKind, FieldValues, ReviewStatus } from './schema.js';

export interface ReviewPlanInfo {
  id: number;
  key: string;
  title: string;
  region: string | null;
  subject: string | null;
  period: [number, number] | null;
  /** the source file the plan was built from (absolute path) */
  source: string;
  format: string;
}

/** One fact of a plan as a reviewer sees it. */
export interface ReviewFact {
  /** `T3` / `R5`: position among the plan's targets / responsibilities in source order */
  ref: string;
  fact: FactKind;
  /** row id in `targets` / `responsibilities` */
  id: number;
  status: ReviewStatus;
  /** id of the decision the status comes from */
  correction: number | null;
  rule: string;
  page: number | null;
  heading: string;
  start: number;
  end: number;
  /** the stored quote (source text) */
  quote: string;
  anchor: { quote: string; occurrence: number } | null;
  /** the sentence around the fact's span, split at the span */
  context: { before: string; span: string; after: string };
  fields: FieldValues;
}

export interface PlanReview {
  plan: ReviewPlanInfo;
  facts: ReviewFact[];
  /** decisions that were stale or restored at the last build */
  notes: Array<{ correction: number; action: string; fact: string; quote: string; occurrence: number; kind: 'stale' | 'restored'; reason: string }>;
}

const STOP = /[。；！？\n]/u;
const CONTEXT_MAX = 80;

/** The sentence around [start, end): back to the previous 。；！？ or line start, on to the next one (at most 80 characters each side). */
export function sentenceAround(text: string, start: number, end: number): { before: string; span: string; after: string } {
  let s = start;
  while (s > 0 && start - s < CONTEXT_MAX && !STOP.test(text[s - 1]!)) s--;
  let e = end;
  while (e < text.length && e - end < CONTEXT_MAX && !STOP.test(text[e]!)) e++;
  if (e < text.length && text[e] !== '\n') e++;
  return { before: text.slice(s, start).trimStart(), span: text.slice(start, end), after: text.slice(end, e).trimEnd() };
}

export function planInfo(db: DB, planId: number): ReviewPlanInfo {
  const p = db
    .prepare(
      `SELECT p.id, p.plan_key AS key, p.title, p.region, p.subject, p.period_start, p.period_end, s.path AS source, s.format
       FROM plans p JOIN sources s ON s.id = p.source_id WHERE p.id = ?`,
    )
    .get(planId) as (Omit<ReviewPlanInfo, 'period'> & { period_start: number | null; period_end: number | null }) | undefined;
  if (!p) throw new PlandbError('USAGE', `no plan with id ${planId}`);
  const { period_start, period_end, ...rest } = p;
  return { ...rest, period: period_start !== null && period_end !== null ? [period_start, period_end] : null };
}

/** Every fact of a plan (rejected ones too) in source order, with its context and review state. */
export function reviewPlan(db: DB, planId: number): PlanReview {
  const plan = planInfo(db, planId);
  const text = db.prepare('SELECT s.normalized_text FROM plans p JOIN sources s ON s.id = p.source_id WHERE p.id = ?').pluck().get(planId) as string;
  const paths = new Map((db.prepare('SELECT id, path FROM sections WHERE plan_id = ?').all(planId) as Array<{ id: number; path: string }>).map((r) => [r.id, r.path]));
  type Row = Record<string, unknown> & { id: number; start: number; end: number; section_id: number | null };
  const targets = db
    .prepare(
      `SELECT id, section_id, kind, indicator, op, value, value2, unit, year, quote, start, end, page, rule_id, status, correction_id, anchor_quote, anchor_occurrence
       FROM targets WHERE plan_id = ? ORDER BY start, end, id`,
    )
    .all(planId) as Row[];
  const resps = db
    .prepare(
      `SELECT r.id, r.section_id, r.role, r.quote, r.start, r.end, r.page, r.rule_id, r.status, r.correction_id, r.anchor_quote, r.anchor_occurrence,
              (SELECT json_group_array(name) FROM (SELECT name FROM responsibility_units WHERE responsibility_id = r.id ORDER BY position)) AS units
       FROM responsibilities r WHERE r.plan_id = ? ORDER BY r.start, r.id`,
    )
    .all(planId) as Row[];
  const common = (r: Row, fact: FactKind, ref: string): Omit<ReviewFact, 'fields'> => ({
    ref,
    fact,
    id: r.id,
    status: r.status as ReviewStatus,
    correction: (r.correction_id as number | null) ?? null,
    rule: r.rule_id as string,
    page: (r.page as number | null) ?? null,
    heading: r.section_id !== null ? (paths.get(r.section_id) ?? '') : '',
    start: r.start,
    end: r.end,
    quote: r.quote as string,
    anchor: r.anchor_quote != null ? { quote: r.anchor_quote as string, occurrence: r.anchor_occurrence as number } : null,
    context: sentenceAround(text, r.start, r.end),
  });
  const facts: ReviewFact[] = [
    ...targets.map((r, i) => ({
      ...common(r, 'target', `T${i + 1}`),
      fields: { indicator: r.indicator as string, op: r.op, value: r.value, value2: r.value2, unit: r.unit, year: r.year, kind: r.kind } as FieldValues,
    })),
    ...resps.map((r, i) => ({ ...common(r, 'responsibility', `R${i + 1}`), fields: { role: r.role, units: JSON.parse(r.units as string) as string[] } as FieldValues })),
  ].sort((a, b) => a.start - b.start || a.end - b.end || a.fact.localeCompare(b.fact));
  const notes = db
    .prepare('SELECT correction_id AS correction, action, fact, quote, occurrence, kind, reason FROM review_notes WHERE plan_id = ? ORDER BY correction_id')
    .all(planId) as PlanReview['notes'];
  return { plan, facts, notes };
}

/** Finds facts by ref (`T3`, `r5`); a ref that does not exist is a one-line error. */
export function factsByRef(review: PlanReview, refs: string[]): ReviewFact[] {
  const byRef = new Map(review.facts.map((f) => [f.ref, f]));
  return refs.map((ref) => {
    const f = byRef.get(ref.trim().toUpperCase());
    if (!f) {
      const n = review.facts.filter((x) => x.fact === 'target').length;
      throw new PlandbError('USAGE', `no fact ${ref} in plan ${review.plan.id} (targets T1–T${n}, responsibilities R1–R${review.facts.length - n}; see plandb review ${review.plan.id})`);
    }
    return f;
  });
}

/** The decision that records a verdict on a stored fact (confirm, reject, or edit with `set`). */
export function decisionFor(f: ReviewFact, action: 'confirm' | 'reject' | 'edit', set?: FieldValues, note?: string): NewDecision {
  if (!f.anchor) throw new PlandbError('USAGE', `fact ${f.ref} has no anchor (database built before corrections existed: run plandb rebuild)`);
  const base = { fact: f.fact, quote: f.anchor.quote, occurrence: f.anchor.occurrence, ...(note ? { note } : {}), ...(f.correction !== null ? { id: f.correction } : {}) };
  if (action === 'edit') return { ...base, action, was: f.fields, set: set ?? {} };
  return { ...base, action, was: f.fields };
}

/** FORMAT.md gold JSON of one plan's reviewed facts (rejected ones left out) as stored in the database. */
export function planGold(db: DB, planId: number, opts: { allowUnreviewed?: boolean } = {}) {
  const review = reviewPlan(db, planId);
  const unreviewed = review.facts.filter((f) => f.status === 'extracted');
  if (unreviewed.length && !opts.allowUnreviewed)
    throw new PlandbError(
      'USAGE',
      `plan ${planId} has ${unreviewed.length} fact(s) not yet reviewed (${unreviewed.slice(0, 5).map((f) => f.ref).join(', ')}${unreviewed.length > 5 ? ', …' : ''}); review them or pass --allow-unreviewed`,
    );
  const p = review.plan;
  const headings = db.prepare('SELECT level, marker, title FROM sections WHERE plan_id = ? AND level <= 2 ORDER BY start, id').all(planId);
  const kept = review.facts.filter((f) => f.status !== 'rejected');
  return {
    file: path.basename(p.source),
    plans: [
      {
        title: p.title,
        region: p.region,
        subject: p.subject,
        period: p.period,
        headings,
        targets: kept.filter((f) => f.fact === 'target').map((f) => ({ heading: f.heading, quote: f.quote, ...f.fields, status: f.status })),
        responsibilities: kept.filter((f) => f.fact === 'responsibility').map((f) => ({ heading: f.heading, quote: f.quote, ...f.fields, status: f.status })),
      },
    ],
  };
}
