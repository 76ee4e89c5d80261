import type { JoinRules } from '../normalize/index.js';
import type { Rules } from './index.js';
import { matchTitle } from '../segment/title.js';

export interface HeadingMatcher {
  id: string;
  kind: string;
  re: RegExp;
  numeral: 'cn' | 'arabic' | 'circled';
}

export interface Compiled {
  rules: Rules;
  headings: HeadingMatcher[];
  /** label word → role, longest first */
  labels: Array<{ word: string; role: 'responsible' | 'lead' | 'support'; id: string }>;
  labelLineRe: RegExp;
  /** a whole line that is a bracketed label list: (责任单位: A、B) */
  labelBracketLineRe: RegExp;
  blockRe: RegExp;
  blockKinds: Map<string, 'goal' | 'measure' | 'task'>;
  reviewTitleRe: RegExp;
  reviewSentenceRe: RegExp;
  join: JoinRules;
  isPlanTitle: (line: string) => boolean;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
export const alternation = (words: string[]) =>
  [...words].sort((a, b) => b.length - a.length).map(esc).join('|');

const cache = new WeakMap<Rules, Compiled>();

export function compile(rules: Rules): Compiled {
  const hit = cache.get(rules);
  if (hit) return hit;
  const headings = rules.headings.map((h) => ({ id: h.id, kind: h.kind, re: new RegExp(h.pattern, 'u'), numeral: h.numeral }));
  const labels = rules.responsibility.labels
    .flatMap((l) => l.words.map((word) => ({ word, role: l.role, id: l.id })))
    .sort((a, b) => b.word.length - a.word.length);
  const labelWords = alternation(labels.map((l) => l.word).filter((w) => w.length >= 3));
  const labelLineRe = new RegExp(`^(?:${labelWords})\\s*[:：]`, 'u');
  const blockKinds = new Map<string, 'goal' | 'measure' | 'task'>();
  for (const b of rules.sections.blocks) for (const w of b.words) blockKinds.set(w, b.kind);
  const blockRe = new RegExp(`^(${alternation([...blockKinds.keys()])})\\s*[:：]?\\s*$`, 'u');
  const headingRes = headings.map((h) => h.re);
  // a whole line that is a plan title (with its period, status or document kind)
  const isPlanTitle = (line: string) => {
    const m = matchTitle(line, rules, headingRes);
    return !!m && !m.rest.trim();
  };
  const structure = [
    ...rules.headings.map((h) => h.pattern.replace(/\(\?<n>/g, "(")),
    `^(?:${labelWords})\\s*[:：]`,
    `^(?:${alternation([...blockKinds.keys()])})\\s*[:：]`,
    '^——',
    '^[（(](?:' + labelWords + ')',
  ];
  const join: JoinRules = {
    startsStructure: new RegExp(structure.map((s) => `(?:${s})`).join('|'), 'u'),
    endsParagraph: /[。！？；;：:!?…」』”）)】]$/u,
    isTitle: isPlanTitle,
    // a title with its status and document kind stays well within twice the bare title's limit
    titleMaxLength: rules.sections.plan_title.max_length * 2,
    // a column-header line (目标　主要责任单位) or a bare unit-column label
    standalone: new RegExp(`^(?:${alternation(rules.documents.columns.task)})?\\s*(?:${labelWords})\\s*$`, 'u'),
  };
  const c: Compiled = {
    rules,
    headings,
    labels,
    labelLineRe,
    labelBracketLineRe: new RegExp(`^[（(]\\s*(?:${labelWords})\\s*[:：][^（）()]*[）)]?[。.]?$`, 'u'),
    blockRe,
    blockKinds,
    reviewTitleRe: new RegExp(rules.sections.review_titles.join('|'), 'u'),
    reviewSentenceRe: new RegExp(rules.sections.review_sentences.join('|'), 'u'),
    join,
    isPlanTitle,
  };
  cache.set(rules, c);
  return c;
}
