import type { JoinRules } from '../normalize/index.js';
import type { Rules } from './index.js';

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
  const pt = rules.sections.plan_title;
  const endings = alternation(pt.endings);
  const subjectWords = alternation(rules.sections.subjects.flatMap((s) => s.words));
  const titleRe = new RegExp(`(?:${endings})(?:[（(][^（）()]{0,20}[）)])?$`, 'u');
  const subjRe = new RegExp(subjectWords, 'u');
  const rejects = pt.reject.map((r) => new RegExp(r, 'u'));
  const isPlanTitle = (line: string) => {
    const s = line.trim();
    return (
      s.length >= 6 &&
      s.length <= pt.max_length &&
      titleRe.test(s) &&
      subjRe.test(s) &&
      !rejects.some((r) => r.test(s)) &&
      !headings.some((h) => h.re.test(s))
    );
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
    titleMaxLength: pt.max_length,
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
