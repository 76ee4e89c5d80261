import type { Compiled } from '../rules/compiled.js';
import { alternation } from '../rules/compiled.js';
import type { Role } from '../rules/index.js';
import type { Item } from '../segment/types.js';
import type { UnitModel } from './units.js';

/** One (item, role) assignment: the units, in source order, with the span they were read from. */
export interface RespFact {
  item: number;
  /** where the quote starts: the item's text, or the sentence of a 由…牵头 phrase inside it */
  quoteStart: number;
  role: Role;
  units: string[];
  start: number;
  end: number;
  ruleId: string;
}

interface Found {
  /** set when the assignment belongs to one sentence (由A牵头) rather than the whole item */
  sentenceStart?: number;
  role: Role;
  units: string[];
  start: number;
  end: number;
  ruleId: string;
}

const cache = new WeakMap<Compiled, { parse: (text: string, offset: number) => Found[]; labelStart: RegExp }>();

/** Parses `label：list[；label：list…]` (the inside of a bracket or a label line). */
function labelParser(c: Compiled, units: UnitModel) {
  const words = alternation(c.labels.map((l) => l.word));
  const re = new RegExp(`(${words})\\s*[:：]?\\s*`, 'gu');
  const roleOf = new Map(c.labels.map((l) => [l.word, l]));
  return (text: string, offset: number): Found[] => {
    const hits = [...text.matchAll(re)].filter((m) => m[1] !== '牵头' || /[:：]/.test(m[0]));
    const out: Found[] = [];
    hits.forEach((m, k) => {
      const from = m.index! + m[0].length;
      const to = k + 1 < hits.length ? hits[k + 1]!.index! : text.length;
      const list = text.slice(from, to);
      const l = roleOf.get(m[1]!)!;
      const us = units.split(list);
      if (us.length) out.push({ role: l.role, units: us, start: offset + m.index!, end: offset + to, ruleId: l.id });
    });
    return out;
  };
}

const BRACKET_RE = /[（(]([^（()）]*(?:[（(][^（()）]*[）)][^（()）]*)*)(?:[）)]|$)/gu;

export function extractResponsibilities(item: Item, c: Compiled, units: UnitModel): RespFact[] {
  let hit = cache.get(c);
  if (!hit) {
    // a bracket that starts with a label word of three characters or more
    hit = { parse: labelParser(c, units), labelStart: new RegExp(`^\\s*(?:${alternation(c.labels.map((l) => l.word).filter((w) => w.length >= 3))})`, 'u') };
    cache.set(c, hit);
  }
  const { parse, labelStart } = hit;
  const found: Found[] = [];
  // 1. bracketed labels inside the item: （责任单位：A、B） or （牵头单位：A；配合单位：B）
  const masked: string[] = [...item.text];
  for (const m of item.text.matchAll(BRACKET_RE)) {
    const inner = m[1]!;
    if (!labelStart.test(inner)) continue;
    found.push(...parse(inner, item.bodyStart + m.index! + 1));
    for (let i = m.index!; i < m.index! + m[0].length; i++) masked[i] = '　';
  }
  // 2. label lines after the item: 牵头单位：A、B / 参与单位：C
  for (const rl of item.respLines) {
    if (rl.role) {
      // a unit column (table cell or unit lines under a 主要责任单位 header): the role is the column's
      const us = units.split(rl.text);
      if (us.length) found.push({ role: rl.role, units: us, start: rl.start, end: rl.end, ruleId: rl.ruleId ?? 'resp.column' });
    } else found.push(...parse(rl.text, rl.start));
  }
  // 3. inline phrasings in the rest of the text
  found.push(...inline(masked.join(''), item.bodyStart, units, c));
  // merge per role, keeping the order of first appearance
  const byRole = new Map<string, RespFact>();
  for (const f of found) {
    const key = `${f.role}@${f.sentenceStart ?? item.bodyStart}`;
    let r = byRole.get(key);
    if (!r) {
      r = { item: item.idx, quoteStart: f.sentenceStart ?? item.bodyStart, role: f.role, units: [], start: f.start, end: f.end, ruleId: f.ruleId };
      byRole.set(key, r);
    }
    for (const u of f.units) if (!r.units.includes(u)) r.units.push(u);
    r.start = Math.min(r.start, f.start);
    r.end = Math.max(r.end, f.end);
  }
  return [...byRole.values()].filter((r) => r.units.length);
}

interface InlineModel {
  triggerRe: RegExp;
  triggers: Map<string, { id: string; role: Role }>;
  by: string;
  leadRe: RegExp;
  cooperateRe: RegExp;
  cooperate: { id: string; role: Role };
}

const inlineCache = new WeakMap<Compiled, InlineModel>();
function inlineModel(c: Compiled): InlineModel {
  let m = inlineCache.get(c);
  if (!m) {
    const inl = c.rules.responsibility.inline;
    const triggerRe = new RegExp(
      inl.triggers.map((t) => `${t.word}${t.not_followed_by.length ? `(?!${alternation(t.not_followed_by)})` : ''}`).join('|'),
      'gu',
    );
    m = {
      triggerRe,
      triggers: new Map(inl.triggers.map((t) => [t.word, { id: t.id, role: t.role }])),
      by: inl.by,
      leadRe: new RegExp(`^(?:${alternation(inl.lead_words)})`, 'u'),
      cooperateRe: new RegExp(`^[，,]([^，,。；;]{2,80}?)(?:等(?:相关|有关)?(?:部门|单位))?(?:${alternation(inl.cooperate.words)})`, 'u'),
      cooperate: { id: inl.cooperate.id, role: inl.cooperate.role },
    };
    inlineCache.set(c, m);
  }
  return m;
}

/** Unit names just before `at`, back to the previous clause boundary or the `by` word (由). */
function unitsBefore(text: string, at: number, units: UnitModel, im: InlineModel): { units: string[]; start: number; by: boolean } | null {
  let s = at;
  while (s > 0 && !/[。；;，,：:！？\n）)“”]/u.test(text[s - 1]!)) s--;
  let seg = text.slice(s, at);
  const by = seg.lastIndexOf(im.by);
  let start = s;
  if (by >= 0) {
    start = s + by + im.by.length;
    seg = seg.slice(by + im.by.length);
  }
  seg = seg.replace(im.leadRe, '');
  if (!seg) return null;
  const list = units.split(seg.replace(/和|及/g, '、'));
  if (!list.length || !list.every((u) => units.isUnit(u, { named: true }))) return null;
  return { units: list, start, by: by >= 0 };
}

function inline(text: string, offset: number, units: UnitModel, c: Compiled): Found[] {
  const im = inlineModel(c);
  const out: Found[] = [];
  im.triggerRe.lastIndex = 0;
  for (const m of text.matchAll(im.triggerRe)) {
    const at = m.index!;
    const trig = im.triggers.get(m[0])!;
    const before = unitsBefore(text, at, units, im);
    if (!before) continue;
    // 监测组由统计部门牵头: the assignment is about this sentence's subject, not the whole item
    let sentenceStart: number | undefined;
    if (before.by) {
      let s = before.start;
      while (s > 0 && !/[。；;\n]/u.test(text[s - 1]!)) s--;
      if (s > 0) sentenceStart = offset + s;
    }
    const end = at + m[0].length;
    out.push({ sentenceStart, role: trig.role, units: before.units, start: offset + before.start, end: offset + end, ruleId: trig.id });
    const sup = im.cooperateRe.exec(text.slice(end));
    if (sup) {
      const list = units.split(sup[1]!.replace(/和|及/g, '、'));
      if (list.length && list.every((u) => units.isUnit(u, { named: true })))
        out.push({ sentenceStart, role: im.cooperate.role, units: list, start: offset + end + 1, end: offset + end + sup[0].length, ruleId: im.cooperate.id });
    }
  }
  return out;
}
