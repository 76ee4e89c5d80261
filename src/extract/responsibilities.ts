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

const cache = new WeakMap<Compiled, (text: string, offset: number) => Found[]>();

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
  let parse = cache.get(c);
  if (!parse) {
    parse = labelParser(c, units);
    cache.set(c, parse);
  }
  const found: Found[] = [];
  const labelStart = new RegExp(`^\\s*(?:${alternation(c.labels.map((l) => l.word).filter((w) => w.length >= 3))})`, 'u');
  // 1. bracketed labels inside the item: （责任单位：A、B） or （牵头单位：A；配合单位：B）
  const masked: string[] = [...item.text];
  for (const m of item.text.matchAll(BRACKET_RE)) {
    const inner = m[1]!;
    if (!labelStart.test(inner)) continue;
    found.push(...parse(inner, item.bodyStart + m.index! + 1));
    for (let i = m.index!; i < m.index! + m[0].length; i++) masked[i] = '　';
  }
  // 2. label lines after the item: 牵头单位：A、B / 参与单位：C
  for (const rl of item.respLines) found.push(...parse(rl.text, rl.start));
  // 3. inline phrasings in the rest of the text
  found.push(...inline(masked.join(''), item.bodyStart, units));
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

/** Unit names just before `at`, back to the previous clause boundary or 由. */
function unitsBefore(text: string, at: number, units: UnitModel): { units: string[]; start: number; you: boolean } | null {
  let s = at;
  while (s > 0 && !/[。；;，,：:！？\n）)“”]/u.test(text[s - 1]!)) s--;
  let seg = text.slice(s, at);
  const you = seg.lastIndexOf('由');
  let start = s;
  if (you >= 0) {
    start = s + you + 1;
    seg = seg.slice(you + 1);
  }
  seg = seg.replace(/^(?:并|且|要|应|主要|具体|统一|共同)/u, '');
  if (!seg) return null;
  const list = units.split(seg.replace(/和|及/g, '、'));
  if (!list.length || !list.every((u) => units.isUnit(u, { named: true }))) return null;
  return { units: list, start, you: you >= 0 };
}

function inline(text: string, offset: number, units: UnitModel): Found[] {
  const out: Found[] = [];
  for (const m of text.matchAll(/牵头(?!单位|部门|抓总)|负责(?!人|同志)/gu)) {
    const at = m.index!;
    const before = unitsBefore(text, at, units);
    if (!before) continue;
    const lead = m[0] === '牵头';
    // 监测组由统计部门牵头: the assignment is about this sentence's subject, not the whole item
    let sentenceStart: number | undefined;
    if (before.you && lead) {
      let s = before.start;
      while (s > 0 && !/[。；;\n]/u.test(text[s - 1]!)) s--;
      if (s > 0) sentenceStart = offset + s;
    }
    out.push({ sentenceStart, role: 'lead', units: before.units, start: offset + before.start, end: offset + at + m[0].length, ruleId: lead ? (before.you ? 'resp.inline.you-lead' : 'resp.inline.lead') : 'resp.inline.fuze' });
    if (lead) {
      const sup = /^[，,]([^，,。；;]{2,80}?)(?:等(?:相关|有关)?(?:部门|单位))?(?:配合|协同|协助|参与)/u.exec(text.slice(at + 2));
      if (sup) {
        const list = units.split(sup[1]!.replace(/和|及/g, '、'));
        if (list.length && list.every((u) => units.isUnit(u, { named: true })))
          out.push({ sentenceStart, role: 'support', units: list, start: offset + at + 3, end: offset + at + 2 + sup[0].length, ruleId: 'resp.inline.cooperate' });
      }
    }
  }
  return out;
}
