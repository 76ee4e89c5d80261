/** Recording decisions in a plan's corrections file (what `plandb correct` and `plandb serve` do). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PlandbError } from '../errors.js';
import { squashQuote } from './anchor.js';
import { readCorrectionsDir, readCorrectionsFile, writeCorrectionsFile } from './file.js';
import { DecisionSchema, type CorrectionsFile, type Decision, type FactKind, type FieldValues } from './schema.js';

/** A decision to record: the anchor (fact kind, quote, occurrence) and what the reviewer decided. */
export type NewDecision = {
  fact: FactKind;
  /** text of the fact's span in the normalized text (a responsibility: the start of its item) */
  quote: string;
  /** which occurrence of the quote in the plan (0-based, white space ignored); default 0 */
  occurrence?: number;
  note?: string;
  /** replace this decision (by id) instead of finding one with the same anchor */
  id?: number;
} & (
  | { action: 'confirm' | 'reject'; was?: FieldValues }
  | { action: 'edit'; was?: FieldValues; set: FieldValues }
  | { action: 'add'; set: FieldValues }
);

export interface PlanMeta {
  title?: string;
  source?: string;
}

/** The corrections file of a plan in `dir`: the file that already holds its decisions, else `<dir>/<planKey>.yaml`. */
export function correctionsFileFor(dir: string, planKey: string): string {
  const existing = readCorrectionsDir(dir).plans.get(planKey);
  return existing ? existing.file : path.join(path.resolve(dir), `${planKey}.yaml`);
}

function load(file: string, planKey: string, meta: PlanMeta): CorrectionsFile {
  const data: CorrectionsFile = existsSync(file) ? readCorrectionsFile(file) : { plan: planKey, reviewed: false, decisions: [] };
  if (meta.title) data.title = meta.title;
  if (meta.source) data.source = meta.source;
  return data;
}

/** Identity of the fact a decision is about: anchor, plus the fields that tell apart facts sharing one quote. */
function identity(d: Pick<Decision, 'fact' | 'quote' | 'occurrence'> & { was?: unknown; set?: unknown }): string {
  const f = ((d as { was?: Record<string, unknown> }).was ?? (d as { set?: Record<string, unknown> }).set ?? {}) as Record<string, unknown>;
  const who = d.fact === 'target' ? `${f.indicator ?? ''}|${f.value ?? ''}` : `${f.role ?? ''}`;
  return `${d.fact}|${squashQuote(d.quote)}|${d.occurrence}|${who}`;
}

/** How a new decision combines with an earlier one on the same fact; null = remove the earlier one. */
function combine(old: Decision, d: Decision): Decision | null {
  if (old.action === 'add') {
    if (d.action === 'reject') return null; // rejecting a fact you added takes the add back
    if (d.action === 'edit' || d.action === 'add') return { ...old, set: { ...old.set, ...d.set }, note: d.note ?? old.note };
    return old;
  }
  const was = old.was;
  if (d.action === 'edit' && old.action === 'edit') return { ...d, was, set: { ...old.set, ...d.set } };
  if (d.action === 'confirm' && old.action === 'edit') return old; // confirming an edited fact keeps the edit
  if (d.action === 'add') return { ...d };
  return { ...d, was: was ?? d.was } as Decision;
}

/**
 * Records one decision in the plan's corrections file in `dir` (created if missing) and returns
 * the stored decision, or null when it took back an earlier add. A decision about a fact that
 * already has one replaces it (an edit's fields are merged into an earlier edit; rejecting an added
 * fact removes the add). Validated like a loaded file: a bad field is a one-line error.
 */
export function recordDecision(dir: string, planKey: string, decision: NewDecision, meta: PlanMeta = {}): Decision | null {
  return recordDecisions(dir, planKey, [decision], meta)[0]!;
}

/** Records several decisions at once (one read and one write of the file); all or none. */
export function recordDecisions(dir: string, planKey: string, decisions: NewDecision[], meta: PlanMeta = {}): Array<Decision | null> {
  const file = correctionsFileFor(dir, planKey);
  const data = load(file, planKey, meta);
  const byIdentity = new Map(data.decisions.map((d) => [identity(d), d.id]));
  const out = decisions.map((decision) => {
    const nextId = data.decisions.reduce((m, d) => Math.max(m, d.id), 0) + 1;
    const { id: replaceId, ...rest } = decision;
    const parsed = DecisionSchema.safeParse({ ...rest, occurrence: decision.occurrence ?? 0, id: replaceId ?? nextId });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new PlandbError('USAGE', `invalid decision at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    const d = parsed.data;
    const targetId = replaceId ?? byIdentity.get(identity(d));
    const at = targetId !== undefined ? data.decisions.findIndex((x) => x.id === targetId) : -1;
    if (replaceId !== undefined && at < 0) throw new PlandbError('USAGE', `no decision #${replaceId} for plan ${planKey}`, file);
    let stored: Decision | null = d;
    if (at >= 0) {
      stored = combine(data.decisions[at]!, { ...d, id: data.decisions[at]!.id });
      if (stored) data.decisions[at] = stored;
      else data.decisions.splice(at, 1);
    } else data.decisions.push(d);
    if (stored) byIdentity.set(identity(stored), stored.id);
    return stored;
  });
  writeCorrectionsFile(file, data);
  return out;
}

/** Removes decisions by id (undo). Returns the ids that were found and removed. */
export function removeDecisions(dir: string, planKey: string, ids: number[]): number[] {
  const file = correctionsFileFor(dir, planKey);
  if (!existsSync(file)) return [];
  const data = readCorrectionsFile(file);
  const gone = data.decisions.filter((d) => ids.includes(d.id)).map((d) => d.id);
  data.decisions = data.decisions.filter((d) => !ids.includes(d.id));
  if (gone.length) writeCorrectionsFile(file, data);
  return gone;
}

/** Marks a plan as fully reviewed (or not): reviewed plans are the gold of `plandb eval --reviewed`. */
export function markReviewed(dir: string, planKey: string, reviewed = true, meta: PlanMeta = {}): void {
  const file = correctionsFileFor(dir, planKey);
  const data = load(file, planKey, meta);
  if (data.reviewed === reviewed && existsSync(file)) return;
  data.reviewed = reviewed;
  writeCorrectionsFile(file, data);
}
