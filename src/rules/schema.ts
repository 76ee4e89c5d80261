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
  z.strictObject({
    id: z.string(),
    description: z.string().optional(),
    pattern: regexSource,
    replace: z.string().default(''),
    latex: z.boolean().default(false),
    examples: z.array(z.strictObject({ in: z.string(), out: z.string() })).min(1),
  }),
);

export const HeadingsFile = z.array(
  z.strictObject({
    id: z.string(),
    kind: z.enum(['chapter', 'section', 'cn', 'paren-cn', 'num', 'paren-num', 'circled']),
    pattern: regexSource.refine((s) => s.startsWith('^') && s.includes('(?<n>'), 'must start with ^ and capture (?<n>…)'),
    numeral: z.enum(['cn', 'arabic', 'circled']),
    examples: z.array(z.strictObject({ in: z.string(), marker: z.string(), title: z.string() })).min(1),
  }),
);

const role = z.enum(['responsible', 'lead', 'support']);
export const ResponsibilityFile = z.strictObject({
  labels: z.array(z.strictObject({ id: z.string(), role, words: z.array(z.string().min(1)).min(1) })),
  inline: z.strictObject({
    by: z.string().min(1),
    triggers: z.array(z.strictObject({ id: z.string(), role, word: z.string().min(1), not_followed_by: z.array(z.string().min(1)).default([]) })).min(1),
    cooperate: z.strictObject({ id: z.string(), role, words: z.array(z.string().min(1)).min(1) }),
    lead_words: z.array(z.string().min(1)).default([]),
  }),
  examples: z.array(z.strictObject({ text: z.string(), expect: z.array(z.strictObject({ role, units: z.array(z.string()) })) })).min(1),
});

export const MeasureUnitsFile = z.strictObject({
  units: z.array(z.strictObject({ text: z.string().min(1), normal: z.string().min(1), count: z.boolean().default(false), scope: z.boolean().default(false) })).min(1),
});

const op = z.enum(['<=', '<', '>=', '>', '=', '~', 'range', 'up', 'down', 'keep', 'text']);
export const ComparatorsFile = z.strictObject({
  before: z.array(z.strictObject({ id: z.string(), words: z.array(z.string().min(1)), op })),
  after: z.array(z.strictObject({ id: z.string(), words: z.array(z.string().min(1)), op })),
  qualitative: z.array(z.strictObject({ words: z.array(z.string().min(1)), op })),
  examples: z
    .array(
      z.strictObject({
        text: z.string(),
        op,
        value: z.number().nullable(),
        value2: z.number().optional(),
        unit: z.string().nullable(),
      }),
    )
    .min(1),
});

export const UnitNamesFile = z.strictObject({
  prefixes: z.array(z.string().min(1)),
  suffixes: z.array(z.string().min(1)),
  generic: z.array(z.string().min(1)),
  etc_tails: z.array(z.string()),
  etc_words: z.array(z.string().min(1)),
  canonical: z.array(z.strictObject({ name: z.string().min(1), aliases: z.array(z.string().min(1)) })),
  examples: z.array(z.strictObject({ name: z.string(), canonical: z.string() })).min(1),
});

export const SectionsFile = z.strictObject({
  review_titles: z.array(regexSource),
  review_sentences: z.array(regexSource),
  blocks: z.array(z.strictObject({ words: z.array(z.string().min(1)), kind: z.enum(['goal', 'measure', 'task']) })),
  plan_title: z.strictObject({ endings: z.array(z.string().min(1)), reject: z.array(regexSource), max_length: z.number().int().positive() }),
  subjects: z.array(z.strictObject({ words: z.array(z.string().min(1)), subject: z.string() })),
  periods: z.array(z.strictObject({ words: z.array(z.string().min(1)), from: z.number().int(), to: z.number().int() })),
});

export type Op = z.infer<typeof op>;
export type Role = z.infer<typeof role>;

export const IndicatorsFile = z.strictObject({
  lead_words: z.array(z.string().min(1)),
  lead_patterns: z.array(regexSource).default([]),
  name_trail_words: z.array(z.string().min(1)).default([]),
  shared_lead_words: z.array(z.string().min(1)).default([]),
  kept_verbs: z.array(z.string().min(1)).default([]),
  populations: z.array(z.string().min(1)).default([]),
  trail_words: z.array(z.string().min(1)),
  action_verbs: z.array(z.string().min(1)),
  structural_nouns: z.array(z.string().min(1)),
  clause_end: regexSource,
  examples: z.array(z.strictObject({ text: z.string(), indicator: z.string() })).min(1),
});

export const DOMAINS = ['健康', '教育', '福利', '家庭', '环境', '法律保护', '安全', '经济', '参与决策', '社会保障', '文化', '参与'] as const;

export const IndicatorCatalogueFile = z
  .object({
    scope_prefixes: z.array(regexSource).default([]),
    contexts: z.array(z.object({ name: z.string().min(1), near: z.string().min(1), id: z.string().min(1) })).default([]),
    examples: z.array(z.object({ name: z.string().min(1), near: z.string().optional(), id: z.string().nullable() })).min(1),
    indicators: z
      .array(
        z.object({
          id: z.string().regex(/^[A-Z]\d{3}$/, 'id is a domain letter and three digits, e.g. H001'),
          name: z.string().min(1),
          unit: z.string().nullable(),
          better: z.enum(['lower', 'higher']),
          domain: z.enum(DOMAINS),
          from: z.enum(['national', 'table', 'corpus', 'user']),
          aliases: z.array(z.string().min(1)).default([]),
          patterns: z.array(regexSource).default([]),
        }),
      )
      .min(1),
  })
  .superRefine((f, ctx) => {
    const ids = new Set<string>();
    f.indicators.forEach((e, i) => {
      if (ids.has(e.id)) ctx.addIssue({ code: 'custom', path: ['indicators', i, 'id'], message: `duplicate id ${e.id}` });
      ids.add(e.id);
    });
    f.contexts.forEach((c, i) => {
      if (!ids.has(c.id)) ctx.addIssue({ code: 'custom', path: ['contexts', i, 'id'], message: `unknown indicator id ${c.id}` });
    });
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
