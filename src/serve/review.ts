/**
 * Review actions of the source page: confirm, reject, edit, add from a text selection. They write only to
 * the corrections files, through the corrections library — reviewPlan / decisionFor / recordDecision /
 * findOccurrences, as `plandb correct` — and never to the database, which the server only reads: a decision
 * shows in the pages once `plandb rebuild` (or `ingest`) has applied it.
 */
import path from 'node:path';
import { parseAssignments } from '../cli/commands/review.js';
import {
  FACT_KINDS,
  correctionsFileFor,
  decisionFor,
  findOccurrences,
  loadCorrections,
  recordDecision,
  reviewPlan,
  squash,
  type Decision,
  type FactKind,
  type NewDecision,
} from '../corrections/index.js';
import { errorLine } from '../errors.js';
import type { Router } from './app.js';
import type { ServeContext } from './context.js';
import { HttpError, notFound } from './errors.js';
import { stmt, type RespFact, type TargetFact } from './facts.js';
import { idParam } from './params.js';

const squashQuote = (q: string) => squash(q).text;

export interface ReviewInfo {
  /** folder of the correction files (shown to the reviewer) */
  corrections: string;
  /** a corrections file that cannot be read: review actions are refused until it is fixed */
  error: string | null;
}

export interface PendingDecision {
  id: number;
  action: Decision['action'];
  fact: FactKind;
  quote: string;
  occurrence: number;
  /** a fact of the database carries this decision (it was applied at the last build) */
  applied: boolean;
}

function planKeyOf(ctx: ServeContext, planId: number): string {
  const key = stmt(ctx.dbs.get(), 'SELECT plan_key FROM plans WHERE id = ?').pluck().get(planId) as string | undefined;
  if (!key) throw notFound(`no plan ${planId}`);
  return key;
}

/**
 * The plan's recorded decisions, each marked applied or not, and attached to the facts they are about
 * (by anchor: fact kind, quote without white space, occurrence).
 */
export function planDecisions(ctx: ServeContext, planId: number, facts: Array<TargetFact | RespFact>): { info: ReviewInfo; decisions: PendingDecision[] } {
  const info: ReviewInfo = { corrections: ctx.opts.corrections, error: null };
  let decisions: Decision[] = [];
  try {
    decisions = loadCorrections(ctx.opts.corrections).plans.get(planKeyOf(ctx, planId))?.data.decisions ?? [];
  } catch (e) {
    info.error = errorLine(e);
  }
  const applied = new Set(facts.map((f) => f.correction_id).filter((x): x is number => x !== null && x !== undefined));
  const byAnchor = new Map(decisions.map((d) => [`${d.fact}|${squashQuote(d.quote)}|${d.occurrence}`, d]));
  for (const f of facts) {
    if (f.anchor_quote === null || f.anchor_quote === undefined) continue;
    const d = byAnchor.get(`${'target_id' in f ? 'target' : 'responsibility'}|${squashQuote(f.anchor_quote)}|${f.anchor_occurrence ?? 0}`);
    if (d) f.decision = { id: d.id, action: d.action, applied: f.correction_id === d.id };
  }
  return {
    info,
    decisions: decisions.map((d) => ({ id: d.id, action: d.action, fact: d.fact, quote: d.quote, occurrence: d.occurrence, applied: applied.has(d.id) })),
  };
}

const str = (v: unknown, what: string, max = 2000): string => {
  if (typeof v !== 'string' || !v.trim()) throw new HttpError(400, 'BAD_REQUEST', `${what} is missing`);
  if (v.length > max) throw new HttpError(400, 'BAD_REQUEST', `${what} is longer than ${max} characters`);
  return v;
};

/** FIELD → VALUE from the form, parsed and checked exactly as `plandb correct … FIELD=VALUE` does. */
function fieldsOf(kind: FactKind, set: unknown) {
  if (!set || typeof set !== 'object' || Array.isArray(set)) throw new HttpError(400, 'BAD_REQUEST', 'set: give the fields to set');
  const args = Object.entries(set as Record<string, unknown>).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('、') : String(v ?? '')}`);
  return parseAssignments(kind, args);
}

export function registerReview(r: Router): void {
  r.write('/plans/:id/review', (ctx, req) => {
    const planId = idParam(req.params.id, 'plan');
    const db = ctx.dbs.get();
    const body = req.body;
    const action = body.action;
    const note = typeof body.note === 'string' && body.note.trim() ? body.note.trim().slice(0, 500) : undefined;
    const review = reviewPlan(db, planId);
    const meta = { title: review.plan.title, source: path.basename(review.plan.source) };
    let decision: NewDecision;
    if (action === 'confirm' || action === 'reject' || action === 'edit') {
      const m = /^([tr])(\d{1,9})$/.exec(str(body.fact, 'fact', 20));
      if (!m) throw new HttpError(400, 'BAD_REQUEST', `fact must look like t12 or r5 (got '${String(body.fact)}')`);
      const kind: FactKind = m[1] === 't' ? 'target' : 'responsibility';
      const f = review.facts.find((x) => x.fact === kind && x.id === Number(m[2]));
      if (!f) throw notFound(`no ${kind} ${m[2]} in plan ${planId}`);
      decision = decisionFor(f, action, action === 'edit' ? fieldsOf(kind, body.set) : undefined, note);
    } else if (action === 'add') {
      const kind = body.type as FactKind;
      if (!(FACT_KINDS as readonly string[]).includes(kind)) throw new HttpError(400, 'BAD_REQUEST', `type must be ${FACT_KINDS.join(' or ')}`);
      const quote = str(body.quote, 'quote');
      const p = stmt(db, 'SELECT p.start, p.end, s.normalized_text AS text FROM plans p JOIN sources s ON s.id = p.source_id WHERE p.id = ?').get(planId) as {
        start: number;
        end: number;
        text: string;
      };
      const occ = findOccurrences(squash(p.text, p.start, p.end), quote);
      if (!occ.length) throw new HttpError(400, 'BAD_REQUEST', `quote not found in plan ${planId}`);
      // the selection's offset tells which occurrence was meant
      const at = typeof body.start === 'number' ? body.start : Number(body.start);
      let k = 0;
      if (occ.length > 1) {
        if (!Number.isFinite(at)) throw new HttpError(400, 'BAD_REQUEST', `quote occurs ${occ.length} times in plan ${planId}: give its start offset or a longer quote`);
        k = occ.reduce((best, s, i) => (Math.abs(s.start - at) < Math.abs(occ[best]!.start - at) ? i : best), 0);
      }
      decision = { action: 'add', fact: kind, quote, occurrence: k, set: fieldsOf(kind, body.set), ...(note ? { note } : {}) };
    } else throw new HttpError(400, 'BAD_REQUEST', 'action must be confirm, reject, edit or add');
    const stored = recordDecision(ctx.opts.corrections, review.plan.key, decision, meta);
    const file = path.basename(correctionsFileFor(ctx.opts.corrections, review.plan.key));
    return {
      ok: true,
      decision: stored,
      file,
      message: stored
        ? `recorded #${stored.id} (${stored.action}) in ${file}: the pages show it after the next plandb rebuild`
        : `took back the earlier add in ${file}: the fact goes at the next plandb rebuild`,
    };
  });
}
