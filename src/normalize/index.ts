import type { Rules } from '../rules/index.js';
import { isTraditional, simplifiedChar } from './hant.js';

/**
 * Normalized text plus a map back to the source: `map[i]` is the offset in the ingested
 * source text of normalized character i (`map[text.length]` = source length).
 * Offsets are UTF-16 code units everywhere.
 */
export interface NormText {
  text: string;
  map: Int32Array;
}

interface Line {
  chars: string[];
  src: number[];
  /** source offset just after the line's last character */
  end: number;
}

const FULLWIDTH: Record<string, string> = { '％': '%', '﹪': '%', '\u3000': ' ', '\u00a0': ' ' };

function foldChar(c: string): string {
  const code = c.charCodeAt(0);
  // most characters fold to themselves: only full-width forms, the ideographic space, a no-break space and ﹪ change
  if (code < 0xff00 && code !== 0x3000 && code !== 0xa0 && code !== 0xfe6a) return c;
  if (code >= 0xff10 && code <= 0xff19) return String.fromCharCode(code - 0xfee0); // ０-９
  if ((code >= 0xff21 && code <= 0xff3a) || (code >= 0xff41 && code <= 0xff5a)) return String.fromCharCode(code - 0xfee0); // Ａ-ｚ
  return FULLWIDTH[c] ?? c;
}

const isAsciiWord = (c: string | undefined): boolean => !!c && /[A-Za-z0-9.]/.test(c);

const LATEX: Array<[RegExp, string]> = [
  [/\\geq?\b|\\geqslant\b/g, '≥'],
  [/\\leq?\b|\\leqslant\b/g, '≤'],
  [/\\permil\b|\\textperthousand\b/g, '‰'],
  [/\\%/g, '%'],
  [/\\times\b/g, '×'],
  [/\\sim\b|\\approx\b/g, '~'],
  [/\\[a-zA-Z]+/g, ''],
  [/[{}\s]/g, ''],
];

export function latexToText(s: string): string {
  let t = s;
  for (const [re, rep] of LATEX) t = t.replace(re, rep);
  return t;
}

interface CompiledJunk {
  re: RegExp;
  replace: string;
  latex: boolean;
}

const junkCache = new WeakMap<Rules, CompiledJunk[]>();
function compiledJunk(rules: Rules): CompiledJunk[] {
  let c = junkCache.get(rules);
  if (!c) {
    c = rules.junk.map((j) => ({ re: new RegExp(j.pattern, 'gu'), replace: j.replace, latex: j.latex }));
    junkCache.set(rules, c);
  }
  return c;
}

/** Applies junk rules to one string (used by normalize and by the rule tester). */
export function stripJunk(s: string, rules: Rules): string {
  let t = s;
  for (const j of compiledJunk(rules)) t = t.replace(j.re, (...m) => (j.latex ? latexToText(String(m[1])) : j.replace));
  return t;
}

/** Cleans one source line: junk out, widths folded, spaces next to CJK removed. */
function cleanLine(src: string, start: number, rules: Rules, hant = false): Line {
  const fold = hant ? (c: string) => foldChar(simplifiedChar(c)) : foldChar;
  // 1. junk: build (char, offset) pairs with replacements anchored at the match start
  const chars: string[] = [];
  const offs: number[] = [];
  const junk = compiledJunk(rules);
  const cuts: Array<{ s: number; e: number; rep: string }> = [];
  for (const j of junk) {
    j.re.lastIndex = 0;
    for (const m of src.matchAll(j.re)) {
      const s = m.index!;
      cuts.push({ s, e: s + m[0].length, rep: j.latex ? latexToText(String(m[1])) : j.replace });
    }
  }
  cuts.sort((a, b) => a.s - b.s);
  let i = 0;
  for (const c of cuts) {
    if (c.s < i) continue;
    for (; i < c.s; i++) {
      chars.push(fold(src[i]!));
      offs.push(start + i);
    }
    for (const ch of c.rep) {
      chars.push(ch);
      offs.push(start + c.s);
    }
    i = c.e;
  }
  for (; i < src.length; i++) {
    chars.push(fold(src[i]!));
    offs.push(start + i);
  }
  // a line without spaces or tabs (most of them) is done
  if (!chars.includes(' ') && !chars.includes('\t')) return { chars, src: offs, end: start + src.length };
  // 2. spaces: keep a leading tab (table cell lines) and tabs between cells; drop other
  // spaces unless they separate two ASCII words
  const outC: string[] = [];
  const outO: number[] = [];
  const leadingTab = chars[0] === '\t';
  for (let k = 0; k < chars.length; k++) {
    const c = chars[k]!;
    if (c === ' ') {
      let p = outC.length - 1;
      let q = k + 1;
      while (q < chars.length && chars[q] === ' ') q++;
      // "3.2‰、5. 3‰": a number split by a converter inside a list of values
      const splitNumber = /[、，,和及]\d+[.．]$/u.test(outC.slice(-6).join('')) && /\d/.test(chars[q] ?? '');
      if (p >= 0 && q < chars.length && isAsciiWord(outC[p]) && isAsciiWord(chars[q]) && !splitNumber) {
        outC.push(' ');
        outO.push(offs[k]!);
      }
      k = q - 1;
      continue;
    }
    if (c === '\t') {
      // collapse runs of tabs; trim around tabs
      while (outC.length && outC[outC.length - 1] === ' ') {
        outC.pop();
        outO.pop();
      }
      if (outC.length && outC[outC.length - 1] === '\t' && !(leadingTab && outC.length === 1)) continue;
      outC.push('\t');
      outO.push(offs[k]!);
      continue;
    }
    outC.push(c);
    outO.push(offs[k]!);
  }
  // trim trailing tabs/spaces (but keep a lone leading tab marking an empty cell line)
  while (outC.length > 1 && /[\t ]/.test(outC[outC.length - 1]!)) {
    outC.pop();
    outO.pop();
  }
  return { chars: outC, src: outO, end: start + src.length };
}

export interface JoinRules {
  /** a line starting with this cannot be the continuation of the previous paragraph (tested on a paragraph's first WINDOW characters) */
  startsStructure: RegExp;
  /** a line ending with this ends its paragraph (tested on a paragraph's last WINDOW characters) */
  endsParagraph: RegExp;
  /** plan-title-like lines are never joined */
  isTitle: (s: string) => boolean;
  /** isTitle is false for anything longer (lets a long paragraph skip the test) */
  titleMaxLength?: number;
  /** lines that stand alone, never joined to a neighbour (a 主要责任单位 column header) */
  standalone?: RegExp;
}

const MIN_JOIN_LENGTH = 16;
/**
 * How much of a growing paragraph the join rules look at: its first and last WINDOW characters.
 * Paragraphs up to 2×WINDOW long are tested whole, exactly as written; longer ones through these
 * windows, which is what keeps normalization linear in the input (the rules are anchored at
 * the start or the end of a line).
 */
const WINDOW = 256;

/** What String.prototype.trim strips; CJK and ASCII letters answered without calling it. */
const isWs = (c: string): boolean => {
  const k = c.charCodeAt(0);
  if ((k > 0x20 && k < 0x7f) || (k > 0x3000 && k !== 0xfeff)) return false;
  return c.trim() === '';
};

/** What the join rules need to know about the paragraph built so far, kept up to date in O(1) per character. */
class Paragraph {
  chars: string[] = [];
  src: number[] = [];
  private leadWs = 0;
  private trailWs = 0;
  private tabs = 0;
  private leadTabs = 0;
  private trailTabs = 0;
  hasSentenceEnd = false;

  append(chars: string[], src: number[], from = 0): void {
    for (let i = from; i < chars.length; i++) {
      const c = chars[i]!;
      const tab = c === '\t';
      if (tab) this.tabs++;
      if (isWs(c)) {
        if (this.leadWs === this.chars.length) {
          this.leadWs++;
          if (tab) this.leadTabs++;
        }
        this.trailWs++;
        if (tab) this.trailTabs++;
      } else {
        this.trailWs = 0;
        this.trailTabs = 0;
      }
      if (c === '。' || c === '；' || c === ';') this.hasSentenceEnd = true;
      this.chars.push(c);
      this.src.push(src[i]!);
    }
  }

  /** a tab inside the trimmed text (a table row) */
  get hasTab(): boolean {
    return this.length > 0 && this.tabs - this.leadTabs - this.trailTabs > 0;
  }

  /** length of the trimmed text */
  get length(): number {
    return Math.max(0, this.chars.length - this.leadWs - this.trailWs);
  }

  /** the trimmed text when short; else its first and last WINDOW characters */
  view(): { whole: string | null; head: string; tail: string; length: number } {
    const len = this.length;
    const a = this.leadWs;
    const b = a + len;
    if (len <= 2 * WINDOW) {
      const whole = this.chars.slice(a, b).join('');
      return { whole, head: whole, tail: whole, length: len };
    }
    return { whole: null, head: this.chars.slice(a, a + WINDOW).join(''), tail: this.chars.slice(b - WINDOW, b).join(''), length: len };
  }
}

function joinDecision(p: Paragraph, next: string, jr: JoinRules): 'join' | 'join-number' | 'keep' {
  const prev = p.view();
  if (!prev.length || !next) return 'keep';
  if (p.hasTab || next.startsWith('\t') || next.includes('\t')) return 'keep';
  // a number split by a page break inside a list of values: "3.2‰、" / "5. 3‰和6.5‰以下"
  if (/[、，,和及]$/.test(prev.tail) && /^\d+[.．]\s*\d/.test(next)) return 'join-number';
  if (/[、，,]$/.test(prev.tail) && !/^[（(]?[一二三四五六七八九十]+[、）)]/.test(next)) return 'join';
  if (jr.endsParagraph.test(prev.tail)) return 'keep';
  // a standalone line is short: a paragraph too long to be tested whole is not one
  if (jr.standalone && ((prev.whole !== null && jr.standalone.test(prev.whole)) || jr.standalone.test(next))) return 'keep';
  if (jr.startsStructure.test(next)) return 'keep';
  const prevIsTitle = prev.whole !== null ? jr.isTitle(prev.whole) : jr.titleMaxLength === undefined ? jr.isTitle(p.chars.join('').trim()) : false;
  if (prevIsTitle || jr.isTitle(next)) return 'keep';
  // a heading line (marker, no sentence yet) only takes a short dangling fragment
  const isHeading = !p.hasSentenceEnd && jr.startsStructure.test(prev.head);
  if (isHeading) return next.length <= 8 && !jr.isTitle(next) ? 'join' : 'keep';
  return prev.length >= MIN_JOIN_LENGTH ? 'join' : 'keep';
}

/**
 * Normalizes ingested text for extraction: conversion junk removed, full-width digits folded,
 * spaces next to CJK dropped, and paragraphs broken by page breaks re-joined.
 * Linear in the length of the source.
 */
export function normalize(source: string, rules: Rules, jr: JoinRules): NormText {
  const lines: Line[] = [];
  let pos = 0;
  const hant = isTraditional(source);
  for (const raw of source.split('\n')) {
    lines.push(cleanLine(raw.replace(/\r$/, ''), pos, rules, hant));
    pos += raw.length + 1;
  }
  // the output is built paragraph by paragraph (strings and offset runs), not character by character
  const parts: string[] = [];
  const runs: number[][] = [];
  let total = 0;
  const str = (l: Line) => l.chars.join('');
  let k = 0;
  let lastEnd = 0;
  while (k < lines.length) {
    const line = lines[k]!;
    const cur = new Paragraph();
    cur.append(line.chars, line.src);
    let endSrc = line.end;
    let next = k + 1;
    // try to join following lines (skipping blank ones) into this paragraph
    for (;;) {
      let n = next;
      while (n < lines.length && lines[n]!.chars.length === 0) n++;
      if (n >= lines.length) break;
      const nextRaw = str(lines[n]!);
      const decision = nextRaw.startsWith('\t') ? 'keep' : joinDecision(cur, nextRaw.trim(), jr);
      if (decision === 'keep') break;
      const nl = lines[n]!;
      let skip = 0;
      if (decision === 'join-number') {
        // drop the space after "5." so that "5. 3‰" reads "5.3‰"
        const dot = nl.chars.findIndex((c) => c === '.' || c === '．');
        const head = nl.chars.slice(0, dot).concat('.');
        cur.append(head, nl.src.slice(0, dot + 1));
        skip = dot + 1;
        while (nl.chars[skip] === ' ') skip++;
      }
      cur.append(nl.chars, nl.src, skip);
      endSrc = nl.end;
      next = n + 1;
    }
    if (k > 0) {
      parts.push('\n');
      runs.push([lastEnd]);
      total++;
    }
    parts.push(cur.chars.join(''));
    runs.push(cur.src);
    total += cur.src.length;
    lastEnd = endSrc;
    k = next;
  }
  const map = new Int32Array(total + 1);
  let at = 0;
  for (const run of runs) {
    map.set(run, at);
    at += run.length;
  }
  map[total] = source.length;
  return { text: parts.join(''), map };
}

/** Source span [start, end) of normalized span [s, e). */
export function toSource(nt: NormText, s: number, e: number): [number, number] {
  if (e <= s) return [nt.map[s]!, nt.map[s]!];
  return [nt.map[s]!, nt.map[e - 1]! + 1];
}
