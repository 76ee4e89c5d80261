/**
 * The corrections file format: one YAML file per plan in `corrections/`, holding a reviewer's
 * decisions about the plan's facts. Raw (as written) shapes are validated by zod here; the
 * rest of src/corrections works on the parsed types.
 */
import { z } from 'zod';
import { ACTIONS, FACT_KINDS, OPS, RESPONSIBILITY_FIELD_NAMES, ROLES, STATUSES, TARGET_FIELD_NAMES, TARGET_KINDS } from './names.js';

export { ACTIONS, FACT_KINDS, OPS, ROLES, STATUSES, TARGET_KINDS };

export type Action = (typeof ACTIONS)[number];
export type FactKind = (typeof FACT_KINDS)[number];
export type ReviewStatus = (typeof STATUSES)[number];

const num = z.number().finite();
const year = z.number().int().min(1900).max(2200);

/** Fields of a target a decision may set (edit) or must give (add). */
export const TargetFields = z
  .object({
    indicator: z.string().trim().min(1),
    op: z.enum(OPS),
    value: num.nullable(),
    value2: num.nullable(),
    unit: z.string().trim().min(1).nullable(),
    year: year.nullable(),
    kind: z.enum(TARGET_KINDS),
  })
  .strict();

/** Fields of a responsibility a decision may set (edit) or must give (add). */
export const ResponsibilityFields = z
  .object({
    role: z.enum(ROLES),
    units: z.array(z.string().trim().min(1)).min(1),
  })
  .strict();

export type TargetFieldValues = z.infer<typeof TargetFields>;
export type ResponsibilityFieldValues = z.infer<typeof ResponsibilityFields>;
export type FieldValues = Partial<TargetFieldValues> | Partial<ResponsibilityFieldValues>;
export const TARGET_FIELDS = [...TARGET_FIELD_NAMES] as Array<keyof TargetFieldValues>;
export const RESPONSIBILITY_FIELDS = [...RESPONSIBILITY_FIELD_NAMES] as Array<keyof ResponsibilityFieldValues>;

/** Where a decision sits: the quote (text of the fact's span in the normalized text) and which occurrence of it in the plan. */
export const AnchorShape = {
  fact: z.enum(FACT_KINDS),
  quote: z.string().min(1),
  /** 0-based: which occurrence of the quote inside the plan (white space ignored) */
  occurrence: z.number().int().min(0).default(0),
};

const base = {
  id: z.number().int().min(1),
  ...AnchorShape,
  note: z.string().optional(),
};

const was = z.union([TargetFields.partial(), ResponsibilityFields.partial()]).optional();

const fields = z.record(z.string(), z.unknown());

/** What `set` may hold: any subset of the fields for an edit; for an add, every field that has no default. */
function setSchema(fact: FactKind, action: 'edit' | 'add') {
  if (fact === 'responsibility') return action === 'add' ? ResponsibilityFields : ResponsibilityFields.partial().strict();
  if (action === 'edit') return TargetFields.partial().strict();
  return TargetFields.partial({ value: true, value2: true, unit: true, year: true, kind: true }).strict();
}

export const DecisionSchema = z
  .discriminatedUnion('action', [
    z.object({ ...base, action: z.literal('confirm'), was }).strict(),
    z.object({ ...base, action: z.literal('reject'), was }).strict(),
    z.object({ ...base, action: z.literal('edit'), was, set: fields }).strict(),
    z.object({ ...base, action: z.literal('add'), set: fields }).strict(),
  ])
  .superRefine((d, ctx) => {
    if (d.action !== 'edit' && d.action !== 'add') return;
    const r = setSchema(d.fact, d.action).safeParse(d.set);
    if (!r.success) for (const i of r.error.issues) ctx.addIssue({ code: 'custom', path: ['set', ...i.path.map(String)], message: i.message });
    else if (d.action === 'edit' && !Object.keys(d.set).length) ctx.addIssue({ code: 'custom', path: ['set'], message: 'an edit must set at least one field' });
  });

export const CorrectionsFileSchema = z
  .object({
    plan: z.string().regex(/^[0-9a-f]{8,64}$/, 'must be a plan key (hex, as shown by plandb corrections)'),
    title: z.string().optional(),
    source: z.string().optional(),
    /** true once every fact of the plan has a decision: the plan then serves as gold (plandb eval --reviewed) */
    reviewed: z.boolean().default(false),
    decisions: z.array(DecisionSchema).default([]),
  })
  .strict();

export type Decision = z.infer<typeof DecisionSchema>;
export type CorrectionsFile = z.infer<typeof CorrectionsFileSchema>;
