/**
 * Applying a plan's decisions to a fresh extraction: after extract, before store. Pure: the same
 * document and decisions give the same result. Each decision finds its place by anchor (quote +
 * occurrence), then the extracted fact at that place (best overlap, then agreement with the
 * fields the fact had when the decision was made, `was`), one fact per decision. A confirmed or
 * edited fact keeps the reviewed fields (`was` + `set`) whatever the extraction now says.
 */
import type { RespFact } from '../extract/responsibilities.js';
import type { TargetFact } from '../extract/targets.js';
import { dice } from '../eval/score.js';
import type { DocResult, FactReview, PlanResult, ReviewNote } from '../pipeline.js';
import type { Item, Plan, Span } from '../segment/types.js';
import { planKey } from '../store/db.js';
import { findOccurrences, overlap, squash, type SquashedText } from './anchor.js';
import type { CorrectionSet } from './file.js';
import type { Decision, ResponsibilityFieldValues, TargetFieldValues } from './schema.js';

type T = TargetFact & FactReview;
type R = RespFact & FactReview;

/** Longest responsibility quote: the first 30 characters of its item or sentence (as in FORMAT.md). */
export const RESP_QUOTE_CHARS = 30;

const itemEnd = (it: Item) => it.bodyStart + it.text.length;

/** The span a responsibility is anchored by: the start of its item (or 由-sentence), up to 30 characters. */
export function respAnchorSpan(text: string, plan: Plan, r: RespFact): Span {
  let end = Math.min(r.quoteStart + RESP_QUOTE_CHARS, itemEnd(plan.items[r.item]!));
  while (end > r.quoteStart + 1 && /\s/.test(text[end - 1]!)) end--;
  return { start: r.quoteStart, end };
}

/** The span a fact is anchored by (a target: its own span). */
export function factAnchorSpan(text: string, plan: Plan, kind: 'target' | 'responsibility', f: TargetFact | RespFact): Span {
  return kind === 'target' ? { start: f.start, end: f.end } : respAnchorSpan(text, plan, f as RespFact);
}

const sameUnits = (a: readonly string[] | undefined, b: readonly string[]) => !!a && a.length === b.length && a.every((u, i) => u === b[i]);

/** How well an extracted fact fits a decision placed at `at`; null when it cannot be the decision's fact. */
function fitness(d: Decision, at: Span, f: TargetFact | RespFact, fSpan: Span): number | null {
  const ov = overlap(at, fSpan);
  if (!ov) return null;
  let s = ov / Math.max(at.end - at.start, fSpan.end - fSpan.start);
  if (at.start === fSpan.start && at.end === fSpan.end) s += 4;
  else if (at.start === fSpan.start) s += 2;
  const was = (d.action === 'add' ? d.set : d.was) as Record<string, unknown> | undefined;
  if (!was) return s;
  if (d.fact === 'target') {
    const t = f as TargetFact;
    const w = was as Partial<TargetFieldValues>;
    const sim = w.indicator === undefined ? 1 : dice(w.indicator, t.indicator);
    const sameValue = w.value === undefined || w.value === t.value;
    if (d.action === 'add' ? !(sameValue && sim >= 0.5 && (w.unit ?? null) === t.unit) : !(sameValue || sim >= 0.5)) return null;
    if (w.indicator === t.indicator) s += 2;
    else s += sim;
    if (w.value !== undefined && sameValue) s += 1;
    if (w.unit !== undefined && w.unit === t.unit) s += 0.5;
    if (w.op === t.op) s += 0.25;
    if (w.year === t.year) s += 0.25;
  } else {
    const r = f as RespFact;
    const w = was as Partial<ResponsibilityFieldValues>;
    if (d.action === 'add' && w.role !== r.role) return null;
    if (w.role === r.role) s += 2;
    if (sameUnits(w.units, r.units)) s += 1;
  }
  return s;
}

interface Placed {
  d: Decision;
  at: Span;
}

/** Applies one plan's decisions; returns the reviewed facts and the notes about decisions that did not apply as written. */
function applyPlan(doc: DocResult, pr: PlanResult, key: string, decisions: Decision[]): { result: PlanResult; notes: ReviewNote[] } {
  const { plan } = pr;
  const text = doc.norm.text;
  const notes: ReviewNote[] = [];
  const note = (d: Decision, kind: ReviewNote['kind'], reason: string) =>
    notes.push({ planKey: key, plan: plan.title, correction: d.id, action: d.action, fact: d.fact, quote: d.quote, occurrence: d.occurrence, kind, reason });
  const sq: SquashedText = squash(text, plan.start, plan.end);
  const targets: T[] = pr.targets.map((t) => ({ ...t, status: 'extracted', correction: null }));
  const resps: R[] = pr.responsibilities.map((r) => ({ ...r, units: [...r.units], status: 'extracted', correction: null }));

  // 1. place every decision by its anchor
  const placed: Placed[] = [];
  for (const d of decisions) {
    const occ = findOccurrences(sq, d.quote);
    const at = occ[d.occurrence];
    if (!at) {
      note(d, 'stale', occ.length ? `quote occurs ${occ.length} time(s) in the plan, not ${d.occurrence + 1}` : 'quote not found in the plan text');
      continue;
    }
    placed.push({ d, at });
  }

  // 2. pair decisions with extracted facts, best fit first, one fact per decision
  const facts = (kind: Decision['fact']) => (kind === 'target' ? targets : resps) as Array<TargetFact | RespFact>;
  const cands: Array<{ s: number; p: Placed; f: number }> = [];
  for (const p of placed) {
    facts(p.d.fact).forEach((f, i) => {
      const s = fitness(p.d, p.at, f, factAnchorSpan(text, plan, p.d.fact, f));
      if (s !== null) cands.push({ s: s + (p.d.action === 'add' ? -10 : 0), p, f: i }); // decisions on extracted facts pick first
    });
  }
  cands.sort((a, b) => b.s - a.s || a.p.d.id - b.p.d.id || a.f - b.f);
  const paired = new Map<Placed, number>();
  const taken = { target: new Set<number>(), responsibility: new Set<number>() };
  for (const c of cands) {
    if (paired.has(c.p) || taken[c.p.d.fact].has(c.f)) continue;
    paired.set(c.p, c.f);
    taken[c.p.d.fact].add(c.f);
  }

  // 3. apply
  for (const p of placed) {
    const { d, at } = p;
    const i = paired.get(p);
    const list = facts(d.fact) as Array<(TargetFact | RespFact) & FactReview>;
    if (i !== undefined) {
      const f = list[i]!;
      f.anchor = { quote: d.quote, occurrence: d.occurrence };
      if (d.fact === 'target' && d.action !== 'reject') Object.assign(f, { start: at.start, end: at.end }); // and sits at the reviewed quote
      // a reviewed fact is pinned: it keeps the fields the reviewer saw (`was`) and set, even when
      // the extraction of this place now differs (another rendering, a rule change)
      if (d.action === 'confirm') Object.assign(f, d.was, { status: 'confirmed', correction: d.id });
      else if (d.action === 'reject') Object.assign(f, { status: 'rejected', correction: d.id });
      else if (d.action === 'edit') Object.assign(f, d.was, d.set, { status: 'edited', correction: d.id });
      else Object.assign(f, d.set, { status: 'added', correction: d.id });
      continue;
    }
    if (d.action === 'reject') {
      note(d, 'stale', `no ${d.fact} is extracted here any more; the decision can be removed`);
      continue;
    }
    const fields = { ...(d.action === 'add' ? {} : d.was), ...(d.action === 'confirm' ? {} : d.set) } as Record<string, unknown>;
    const made = d.fact === 'target' ? newTarget(plan, at, fields) : newResp(plan, at, fields);
    if (typeof made === 'string') {
      note(d, 'stale', made);
      continue;
    }
    const status = d.action === 'confirm' ? 'confirmed' : d.action === 'edit' ? 'edited' : 'added';
    Object.assign(made, { status, correction: d.id, ruleId: d.action === 'add' ? 'review.add' : 'review.kept', anchor: { quote: d.quote, occurrence: d.occurrence } });
    (list as Array<TargetFact | RespFact>).push(made);
    if (d.action !== 'add') note(d, 'restored', `the ${d.fact} is no longer extracted; kept as reviewed`);
  }
  // facts a decision applies to keep that decision's anchor; the others get theirs from their span
  for (const t of targets) t.anchor ??= anchorOf(sq, text, factAnchorSpan(text, plan, 'target', t));
  for (const r of resps) r.anchor ??= anchorOf(sq, text, factAnchorSpan(text, plan, 'responsibility', r));
  const bySpan = (a: { start: number }, b: { start: number }) => a.start - b.start;
  return { result: { plan, targets: targets.sort(bySpan), responsibilities: resps.sort(bySpan) }, notes };
}

/** The anchor of a span: its text (trimmed) and which occurrence of that text in the plan it is. */
export function anchorOf(sq: SquashedText, text: string, span: Span): { quote: string; occurrence: number } {
  let { start, end } = span;
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  const quote = text.slice(start, end);
  const occ = findOccurrences(sq, quote);
  let k = occ.findIndex((o) => o.start === start);
  if (k < 0) k = Math.max(0, occ.findIndex((o) => o.start > start) - 1);
  return { quote, occurrence: k };
}

const containing = <X extends Span>(xs: X[], at: Span) => xs.find((x) => x.start <= at.start && at.start < x.end);

function newTarget(plan: Plan, at: Span, f: Record<string, unknown>): TargetFact | string {
  if (typeof f.indicator !== 'string' || typeof f.op !== 'string') return 'the decision does not give the target indicator and op';
  const item = containing(plan.items, at);
  const table = item ? undefined : containing(plan.tables, at);
  const kind = (f.kind as TargetFact['kind'] | undefined) ?? (table ? 'table' : item && item.kind !== 'text' ? item.kind : 'measure');
  return {
    item: item ? item.idx : null,
    table: table ? table.idx : null,
    indicator: f.indicator,
    op: f.op as TargetFact['op'],
    value: (f.value as number | null | undefined) ?? null,
    value2: (f.value2 as number | null | undefined) ?? null,
    unit: (f.unit as string | null | undefined) ?? null,
    year: (f.year as number | null | undefined) ?? null,
    baseline: null,
    baselineYear: null,
    kind,
    start: at.start,
    end: at.end,
    ruleId: 'review.add',
  };
}

function newResp(plan: Plan, at: Span, f: Record<string, unknown>): RespFact | string {
  if (typeof f.role !== 'string' || !Array.isArray(f.units)) return 'the decision does not give the responsibility role and units';
  const item = containing(plan.items, at);
  if (!item) return 'the quote is not inside an item of the plan';
  return { item: item.idx, quoteStart: at.start, role: f.role as RespFact['role'], units: [...(f.units as string[])], start: at.start, end: at.end, ruleId: 'review.add' };
}

/**
 * Applies the decisions of `corrections` to an extracted document (after extract, before store).
 * Every fact gets a review status and the id of its decision; decisions that no longer match are
 * listed in `doc.reviewNotes` (stale: quote gone; restored: fact no longer extracted, kept from the
 * decision) — never dropped silently. Plans without a corrections file come back as extracted.
 */
export function applyCorrections(doc: DocResult, corrections: CorrectionSet): DocResult {
  const notes: ReviewNote[] = [];
  const plans = doc.plans.map((pr) => {
    const key = planKey(pr.plan.title, pr.plan.region, pr.plan.period);
    const decisions = corrections.plans.get(key)?.data.decisions ?? [];
    const { result, notes: n } = applyPlan(doc, pr, key, decisions);
    notes.push(...n);
    return result;
  });
  return { ...doc, plans, reviewNotes: notes };
}
