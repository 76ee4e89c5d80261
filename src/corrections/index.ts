/**
 * Review and corrections: a reviewer's decisions about extracted facts, kept as data in
 * `corrections/` (one YAML file per plan) and applied on every build, after extract and before store.
 *
 * Library API (used by the CLI's review/correct/corrections/gold commands and by `plandb serve`):
 * - loadCorrections(dir)                         every plan's decisions, validated
 * - recordDecision(dir, planKey, decision)       confirm / reject / edit fields / add by quote
 *   (recordDecisions: several at once)
 * - removeDecisions(dir, planKey, ids)           undo
 * - markReviewed(dir, planKey)                   the plan is fully reviewed (gold for eval --reviewed)
 * - applyCorrections(doc, corrections)           extraction → reviewed facts (+ stale notes)
 * - reviewPlan(db, plan) / decisionFor(fact, …)  a plan's facts in source order with their context,
 *                                                and the decision that records a verdict on one of them
 * - correctPlan(opts)                            record decisions on a plan in a database and re-apply them
 */
import { readCorrectionsDir, type CorrectionSet } from './file.js';

export { applyCorrections, anchorOf, factAnchorSpan } from './apply.js';
export { findOccurrences, squash, type SquashedText } from './anchor.js';
export { emptyCorrections, readCorrectionsFile, writeCorrectionsFile, type CorrectionSet, type PlanCorrections } from './file.js';
export { correctionsFileFor, markReviewed, recordDecision, recordDecisions, removeDecisions, type NewDecision, type PlanMeta } from './record.js';
export { decisionFor, factsByRef, planGold, planInfo, reviewPlan, sentenceAround, type PlanReview, type ReviewFact, type ReviewPlanInfo } from './review.js';
export {
  ACTIONS,
  FACT_KINDS,
  OPS,
  RESPONSIBILITY_FIELDS,
  ROLES,
  STATUSES,
  TARGET_FIELDS,
  TARGET_KINDS,
  type Action,
  type CorrectionsFile,
  type Decision,
  type FactKind,
  type FieldValues,
  type ReviewStatus,
} from './schema.js';

/**
 * Loads every corrections file (`*.yaml`) in `dir`, keyed by plan key. A missing folder is an
 * empty set; a bad file throws a PlandbError (code BAD_CORRECTIONS) naming the file and the field.
 */
export function loadCorrections(dir: string): CorrectionSet {
  return readCorrectionsDir(dir);
}

export { defaultCorrectionsDir } from './names.js';
