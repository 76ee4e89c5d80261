/**
 * Review actions (confirm, reject, edit, add) of the source page. They write only to the corrections
 * files, through the corrections library — the same functions as `plandb correct` — never to the database:
 * a decision shows in the pages after the next `plandb rebuild` (or `ingest`) applies it.
 */
import type { Router } from './app.js';
import type { ServeContext } from './context.js';
import { HttpError } from './errors.js';
import { idParam } from './params.js';

export interface ReviewInfo {
  /** folder of the correction files */
  corrections: string;
  available: boolean;
}

export function reviewInfo(ctx: ServeContext, _planId: number): ReviewInfo {
  return { corrections: ctx.opts.corrections, available: false };
}

/** Decisions recorded for the plan that the database does not show yet. */
export function pendingDecisions(_ctx: ServeContext, _planId: number): unknown[] {
  return [];
}

export function registerReview(r: Router): void {
  r.write('/plans/:id/review', (ctx, req) => {
    idParam(req.params.id, 'plan');
    throw new HttpError(501, 'NOT_AVAILABLE', 'review actions need the corrections library');
  });
}
