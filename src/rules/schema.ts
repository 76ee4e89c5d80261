import { z } from 'zod';

const regexSource = z.string().min(1).refine((s) => {
  try {
    new RegExp(s, 'u');
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

export const JunkFile = z.array(
  z.object({
    id: z.string(),
    description: z.string().optional(),
    pattern: regexSource,
    replace: z.string().default(''),
    latex: z.boolean().default(false),
    examples: z.array(z.object({ in: z.string(), out: z.string() })).min(1),
  }),
);

export const HeadingsFile = z.array(
  z.object({
    id: z.string(),
    kind: z.enum(['chapter', 'section', 'cn', 'paren-cn', 'num', 'paren-num', 'circled']),
    pattern: regexSource.refine((s) => s.startsWith('^') && s.includes('(?<n>'), 'must start with ^ and capture (?<n>…)'),
    numeral: z.enum(['cn', 'arabic', 'circled']),
    examples: z.array(z.object({ in: z.string(), marker: z.string(), title: z.string() })).min(1),
  }),
);

const role = z.enum(['responsible', 'lead', 'support']);
export const ResponsibilityFile = z.object({
  labels: z.array(z.object({ id: z.string(), role, words: z.array(z.string().min(1)).min(1) })),
  inline: z.object({
    by: z.string().min(1),
    triggers: z.array(z.object({ id: z.string(), role, word: z.string().min(1), not_followed_by: z.array(z.string().min(1)).default([]) })).min(1),
    cooperate: z.object({ id: z.string(), role, words: z.array(z.string().min(1)).min(1) }),
    lead_words: z.array(z.string().min(1)).default([]),
  }),
  examples: z.array(z.object({ text: z.string(), expect: z.array(z.object({ role, units: z.array(z.string()) })) })).min(1),
});

export const MeasureUnitsFile = z.object({
  units: z.array(z.object({ text: z.string().min(1), normal: z.string().min(1), count: z.boolean().default(false), scope: z.boolean().default(false) })).min(1),
});

const op = z.enum(['<=', '<', '>=', '>', '=', '~', 'range', 'up', 'down', 'keep', 'text']);
export const ComparatorsFile = z.object({
  before: z.array(z.object({ id: z.string(), words: z.array(z.string().min(1)), op })),
  after: z.array(z.object({ id: z.string(), words: z.array(z.string().min(1)), op })),
  qualitative: z.array(z.object({ words: z.array(z.string().min(1)), op })),
  examples: z
    .array(
      z.object({
        text: z.string(),
        op,
        value: z.number().nullable(),
        value2: z.number().optional(),
        unit: z.string().nullable(),
      }),
    )
    .min(1),
});

export const UnitNamesFile = z.object({
  prefixes: z.array(z.string().min(1)),
  suffixes: z.array(z.string().min(1)),
  generic: z.array(z.string().min(1)),
  etc_tails: z.array(z.string()),
  etc_words: z.array(z.string().min(1)),
  canonical: z.array(z.object({ name: z.string().min(1), aliases: z.array(z.string().min(1)) })),
  examples: z.array(z.object({ name: z.string(), canonical: z.string() })).min(1),
});

export const SectionsFile = z.object({
  review_titles: z.array(regexSource),
  review_sentences: z.array(regexSource),
  blocks: z.array(z.object({ words: z.array(z.string().min(1)), kind: z.enum(['goal', 'measure', 'task']) })),
  plan_title: z.object({ endings: z.array(z.string().min(1)), reject: z.array(regexSource), max_length: z.number().int().positive() }),
  subjects: z.array(z.object({ words: z.array(z.string().min(1)), subject: z.string() })),
  periods: z.array(z.object({ words: z.array(z.string().min(1)), from: z.number().int(), to: z.number().int() })),
});

export type Op = z.infer<typeof op>;
export type Role = z.infer<typeof role>;

export const IndicatorsFile = z.object({
  lead_words: z.array(z.string().min(1)),
  trail_words: z.array(z.string().min(1)),
  action_verbs: z.array(z.string().min(1)),
  structural_nouns: z.array(z.string().min(1)),
  clause_end: regexSource,
  examples: z.array(z.object({ text: z.string(), indicator: z.string() })).min(1),
});

const colRole = z.enum(['task', 'deadline', 'number', 'responsible', 'lead', 'support']).nullable();
export const DocumentsFile = z.object({
  title: z.object({
    statuses: z.array(z.string().min(1)).min(1),
    kinds: z.array(z.string().min(1)).min(1),
    run_on: z.array(z.string().min(1)),
    examples: z
      .array(
        z.object({
          in: z.string(),
          next: z.string().optional(),
          title: z.string().nullable(),
          region: z.string().nullable().optional(),
          period: z.tuple([z.number().int(), z.number().int()]).nullable().optional(),
        }),
      )
      .min(1),
  }),
  region: z.object({ suffixes: z.array(z.string().min(1)).min(1), reject: z.array(z.string().min(1)) }),
  toc: z.object({ words: z.array(z.string().min(1)).min(1), entry: regexSource, examples: z.array(z.object({ in: z.string(), entry: z.boolean() })).min(1) }),
  flattened: z.object({ heading_body_starts: z.array(z.string().min(1)), min_line: z.number().int().positive() }),
  columns: z.object({
    task: z.array(z.string().min(1)).min(1),
    deadline: z.array(z.string().min(1)).min(1),
    number: z.array(z.string().min(1)).min(1),
    examples: z.array(z.object({ header: z.array(z.string()), roles: z.array(colRole) })).min(1),
  }),
});
