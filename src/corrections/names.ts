/**
 * The words of the corrections format (ops, roles, kinds, statuses, field names) and the default
 * corrections folder, without the zod schemas of schema.ts: the CLI shows them in its help.
 */
import path from 'node:path';

export const OPS = ['<=', '<', '>=', '>', '=', '~', 'range', 'up', 'down', 'keep', 'text'] as const;
export const ROLES = ['responsible', 'lead', 'support'] as const;
export const TARGET_KINDS = ['goal', 'measure', 'table', 'task'] as const;
export const ACTIONS = ['confirm', 'reject', 'edit', 'add'] as const;
export const FACT_KINDS = ['target', 'responsibility'] as const;
export const STATUSES = ['extracted', 'confirmed', 'edited', 'added', 'rejected'] as const;

/** Fields of a target a decision may set (the keys of TargetFields in schema.ts, in order). */
export const TARGET_FIELD_NAMES = ['indicator', 'op', 'value', 'value2', 'unit', 'year', 'kind'] as const;
/** Fields of a responsibility a decision may set (the keys of ResponsibilityFields). */
export const RESPONSIBILITY_FIELD_NAMES = ['role', 'units'] as const;

/** The corrections folder that sits beside a corpus folder (`corpus/` → `corrections/`). */
export function defaultCorrectionsDir(corpus = 'corpus'): string {
  return path.join(path.dirname(corpus.replace(/[\\/]+$/, '') || '.'), 'corrections');
}
