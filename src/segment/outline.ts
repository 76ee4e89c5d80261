/**
 * Outline recovery on the line records of the normalized text (offsets never change: a line
 * record is only re-cut into several): a title that runs into the next text, outline markers
 * inside flattened lines (text copied from web viewers that lost its line breaks), and tables of
 * contents.
 */
import type { Compiled } from '../rules/compiled.js';
import { alternation } from '../rules/compiled.js';
import type { Warning } from './types.js';
import { matchTitle } from './title.js';

export interface LineRec {
  text: string;
  start: number;
  end: number;
  /** cut out of a longer line by outline recovery */
  flat?: boolean;
  /** the item marker that outline recovery found at the start of this piece (`2.` of `2.5岁…`) */
  marker?: { kind: 'num'; n: number; text: string };
  /** a table row rebuilt from run-on text: its cells as spans of the normalized text */
  cells?: Array<{ text: string; start: number; end: number }>;
}

function cut(l: LineRec, at: number, extra: Partial<LineRec> = {}): [LineRec, LineRec] {
  let s = at;
  while (s < l.text.length && /\s/.test(l.text[s]!)) s++;
  const a: LineRec = { ...l, text: l.text.slice(0, at).trimEnd(), end: l.start + l.text.slice(0, at).trimEnd().length };
  const b: LineRec = { text: l.text.slice(s), start: l.start + s, end: l.end, flat: true, ...extra };
  return [a, b];
}

/**
 * `…规划(2021-2030年)序 言妇女是…`: the title becomes its own line, the rest another. Once the
 * outline has started, a title followed by a sentence is a plan named inside the body
 * (`某县儿童发展规划（2011-2020年）实施以来…`), not a new plan: only a 序言/前言 run-on is cut there.
 */
export function splitTitleRunOn(lines: LineRec[], c: Compiled): LineRec[] {
  const heads = c.headings.map((h) => h.re);
  const outline = c.headings.filter((h) => ['chapter', 'cn'].includes(h.kind)).map((h) => h.re);
  const runOn = new RegExp(`^\\s*(?:${c.rules.documents.title.run_on.map((w) => [...w].join('\\s*')).join('|')})`, 'u');
  const out: LineRec[] = [];
  let inBody = false;
  for (const l of lines) {
    const m = l.text.trim().length > 6 ? matchTitle(l.text, c.rules, heads) : null;
    if (outline.some((re) => re.test(l.text.trim()))) inBody = true;
    if (m && m.rest.trim() && (!inBody || runOn.test(m.rest))) {
      const lead = l.text.length - l.text.trimStart().length;
      const [a, b] = cut(l, lead + m.end);
      out.push(a, b);
    } else out.push(l);
  }
  return out;
}

const CN = '[一二三四五六七八九十]{1,3}';
const END_BEFORE = /[。；;！？!?：:）)」”]$/u;

function cnValue(s: string): number {
  const d: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
  if (s === '十') return 10;
  if (s.startsWith('十')) return 10 + (d[s[1]!] ?? 0);
  if (s.includes('十')) return (d[s[0]!] ?? 0) * 10 + (d[s[2]!] ?? 0);
  return d[s] ?? 0;
}

/**
 * Splits lines that carry several outline markers inside them (`…制定本方案。一、指导思想坚持…
 * （一）儿童与健康1.婴儿死亡率…`). A marker inside a line is taken only when its numbering
 * continues the sequence of its kind, and it follows a sentence end or a heading's short title.
 * Searched: long lines in documents whose lines are long on average (text that lost its line
 * breaks), and lines that open a goal list inline (`具体目标：1.…2.…`).
 */
export function splitFlattened(lines: LineRec[], c: Compiled): LineRec[] {
  const minLine = c.rules.documents.flattened.min_line;
  const nonEmpty = lines.filter((l) => l.text.trim());
  const avg = nonEmpty.reduce((s, l) => s + l.text.length, 0) / Math.max(1, nonEmpty.length);
  const blocks = alternation([...c.blockKinds.keys()]);
  const inlineList = new RegExp(`^\\s*(?:${blocks})\\s*[:：]\\s*[（(]?(?:1|一)[.．、）)]`, 'u');
  const re = new RegExp(`(?<cn>${CN})、|[（(](?<pcn>${CN})[）)]|(?<pnum>(?<=[。；;：:）)」”])[（(]\\d{1,2}[）)])|(?<num>(?<![\\d.．])\\d{1,2}[.．、])|(?<block>(?:${blocks})[:：])`, 'gu');
  const out: LineRec[] = [];
  let cn = 0;
  for (const l of lines) {
    const startCn = /^\s*([一二三四五六七八九十]{1,3})、/u.exec(l.text);
    if (startCn) cn = cnValue(startCn[1]!);
    // a piece already cut from a run-on line (after a title or a run-on table) is flattened text too
    const long = (l.flat && !l.cells) || (l.text.length >= minLine && (avg >= minLine || l.text.length >= 3 * minLine));
    if (l.cells || (!long && !inlineList.test(l.text))) {
      out.push(l);
      continue;
    }
    let pcn = 0;
    let num = 0;
    let pnum = 0;
    let lastCut = 0;
    let lastWasHeading = false;
    const cuts: Array<{ at: number; marker?: LineRec['marker'] }> = [];
    for (const m of l.text.matchAll(re)) {
      const at = m.index!;
      if (at === 0) {
        if (m.groups!.cn) cn = cnValue(m.groups!.cn);
        if (m.groups!.pcn) pcn = cnValue(m.groups!.pcn);
        if (m.groups!.num) num = Number(m[0].slice(0, -1));
        lastWasHeading = !!(m.groups!.cn || m.groups!.pcn);
        continue;
      }
      const before = l.text.slice(lastCut, at);
      const afterSentence = END_BEFORE.test(before.trimEnd());
      const afterTitle = lastWasHeading && before.length <= 24 && !/[。；;，,]/u.test(before);
      if (!afterSentence && !afterTitle) continue;
      const g = m.groups!;
      let ok = false;
      let marker: LineRec['marker'];
      if (g.cn && cnValue(g.cn) === cn + 1) {
        cn++;
        pcn = num = pnum = 0;
        ok = true;
      } else if (g.pcn && cnValue(g.pcn) === pcn + 1) {
        pcn++;
        num = pnum = 0;
        ok = true;
      } else if (g.block) {
        num = pnum = 0;
        ok = true;
      } else if (g.num && Number(g.num.slice(0, -1)) === num + 1 && afterSentence) {
        num++;
        pnum = 0;
        ok = true;
        marker = { kind: 'num', n: num, text: g.num };
      } else if (g.pnum && Number(g.pnum.replace(/\D/g, '')) === pnum + 1) {
        pnum++;
        ok = true;
      }
      if (!ok) continue;
      cuts.push({ at, marker });
      lastCut = at;
      lastWasHeading = !!(g.cn || g.pcn);
    }
    if (!cuts.length) {
      out.push(l);
      continue;
    }
    let rest: LineRec = l;
    let offset = 0;
    for (const k of cuts) {
      const [a, b] = cut(rest, k.at - offset, { marker: k.marker });
      if (a.text) out.push(a);
      rest = b;
      offset = k.at;
    }
    out.push(rest);
  }
  return out;
}

/**
 * Tables of contents: a `目录` line and the entries after it, or a run of entries with leader dots
 * and page numbers, or a run of bare heading lines that the body then repeats. Returns the line
 * indices to skip, with a warning for each table.
 */
export function findToc(lines: LineRec[], isHeadingLine: (t: string) => boolean, c: Compiled): { skip: Set<number>; warnings: Warning[] } {
  const d = c.rules.documents.toc;
  const entryRe = new RegExp(d.entry, 'u');
  const wordRe = new RegExp(`^(?:${alternation(d.words)})$`, 'u');
  const skip = new Set<number>();
  const warnings: Warning[] = [];
  const norm = (t: string) => t.replace(entryRe, '').replace(/\s+/g, '');
  const isEntry = (t: string) => entryRe.test(t) && isHeadingLine(t.replace(entryRe, ''));
  const bareHeading = (t: string) => isHeadingLine(t) && t.length <= 30 && !/[。；;，,：:]/u.test(t);
  const mark = (from: number, to: number, rule: string) => {
    for (let k = from; k <= to; k++) skip.add(k);
    warnings.push({ code: 'toc-skipped', severity: 'info', message: `table of contents skipped (${to - from + 1} lines)`, start: lines[from]!.start, end: lines[to]!.end, rule });
  };
  for (let i = 0; i < lines.length; i++) {
    if (skip.has(i)) continue;
    const t = lines[i]!.text.trim().replace(/\s+/g, '');
    if (!t) continue;
    if (wordRe.test(t)) {
      // 目录 and the entries after it, up to the first line that is not an entry or that repeats the first entry
      let j = i + 1;
      let last = i;
      let first: string | null = null;
      for (; j < lines.length; j++) {
        const u = lines[j]!.text.trim();
        if (!u) continue;
        if (first !== null && norm(u) === first && !entryRe.test(u)) break;
        if (!isEntry(u) && !bareHeading(u)) break;
        first ??= norm(u);
        last = j;
      }
      mark(i, last, 'toc.word');
      i = last;
      continue;
    }
    if (isEntry(lines[i]!.text.trim())) {
      let j = i;
      while (j + 1 < lines.length && (isEntry(lines[j + 1]!.text.trim()) || !lines[j + 1]!.text.trim())) j++;
      const n = [...Array(j - i + 1).keys()].filter((k) => lines[i + k]!.text.trim()).length;
      if (n >= 2) {
        mark(i, j, 'toc.entries');
        i = j;
      }
      continue;
    }
    if (bareHeading(lines[i]!.text.trim())) {
      // a run of bare headings, then the first of them again: the run was a table of contents
      const firstText = norm(lines[i]!.text);
      let j = i;
      while (j + 1 < lines.length && bareHeading(lines[j + 1]!.text.trim()) && norm(lines[j + 1]!.text) !== firstText) j++;
      const next = lines.slice(j + 1).find((x) => x.text.trim());
      if (j - i + 1 >= 3 && next && norm(next.text) === firstText) {
        mark(i, j, 'toc.repeated');
        i = j;
      }
    }
  }
  return { skip, warnings };
}

const VALUE_TOKEN = /(?:≤|≥|<|>|＜|＞|不少于|不低于|不超过|不高于|至少|达到)?\d+(?:\.\d+)?(?:%|‰|以上|以下|以内|左右)?|提高|下降|逐年提高|逐年下降|保持|稳定|—|-/gu;

/**
 * An indicator table whose line breaks were lost (`序号指标2020年现状2030年目标1孕产妇死亡率
 * （1/10万）12≤82儿童之家覆盖率（%）90≥953…`) is rebuilt where its row structure is still
 * recognisable: a header with 序号/指标 and year columns, then rows numbered 1, 2, 3… each with an
 * indicator ending in its unit in brackets, and values up to the next row number.
 */
export function splitRunOnTables(lines: LineRec[]): LineRec[] {
  const out: LineRec[] = [];
  for (const l of lines) {
    const hm = /序号\s*(指标(?:名称)?|项目)/u.exec(l.text);
    if (!hm || l.text.includes('\t')) {
      out.push(l);
      continue;
    }
    const rebuilt = runOnTable(l, hm.index!, hm.index! + hm[0].length);
    if (!rebuilt) out.push(l);
    else out.push(...rebuilt);
  }
  return out;
}

function runOnTable(l: LineRec, hStart: number, afterInd: number): LineRec[] | null {
  const t = l.text;
  const cell = (s: number, e: number) => ({ text: t.slice(s, e).trim(), start: l.start + s, end: l.start + e });
  const header = [cell(hStart, hStart + 2), cell(t.indexOf(t.slice(hStart + 2, afterInd).trim(), hStart + 2), afterInd)];
  let pos = afterInd;
  const yearCol = /(?:19|20)\d\d年[\u4e00-\u9fa5]{0,5}?(?=(?:19|20)\d\d年|1(?=[\u4e00-\u9fa5“（(])|[\u4e00-\u9fa5]{0}$)/uy;
  for (;;) {
    yearCol.lastIndex = pos;
    const m = yearCol.exec(t);
    if (!m) break;
    header.push(cell(pos, pos + m[0].length));
    pos += m[0].length;
  }
  const nVal = header.length - 2;
  if (nVal < 1) return null;
  const rows: LineRec[] = [];
  let n = 1;
  const rowRe = (k: number) => new RegExp(`${k}(?=[\\u4e00-\\u9fa5“])`, 'uy');
  for (;;) {
    const rr = rowRe(n);
    rr.lastIndex = pos;
    if (!rr.exec(t)) break;
    const numEnd = pos + String(n).length;
    // the indicator: text up to its unit in brackets
    const im = /[^（(\d]{2,40}?[（(][^（）()]{1,10}[）)]/uy;
    im.lastIndex = numEnd;
    const ind = im.exec(t);
    if (!ind) break;
    const indEnd = numEnd + ind[0].length;
    // values up to the next row number (n+1 followed by an indicator) or the end of the values
    const next = new RegExp(`${n + 1}(?=[^（(\\d]{2,40}?[（(])`, 'u');
    const rest = t.slice(indEnd);
    const nm = next.exec(rest);
    let valEnd = indEnd + (nm ? nm.index : rest.length);
    const cells = [cell(pos, numEnd), cell(numEnd, indEnd)];
    let vp = indEnd;
    VALUE_TOKEN.lastIndex = 0;
    const seg = t.slice(indEnd, valEnd);
    let consumed = 0;
    for (const vm of seg.matchAll(VALUE_TOKEN)) {
      if (vm.index !== consumed || cells.length - 2 >= nVal) break;
      cells.push(cell(vp, vp + vm[0].length));
      vp += vm[0].length;
      consumed += vm[0].length;
    }
    if (cells.length - 2 < 1) break;
    if (!nm) valEnd = vp;
    rows.push({ text: t.slice(pos, valEnd), start: l.start + pos, end: l.start + valEnd, flat: true, cells });
    pos = valEnd;
    n++;
    if (!nm) break;
  }
  if (rows.length < 2) return null;
  const pieces: LineRec[] = [];
  if (t.slice(0, hStart).trim()) pieces.push({ ...l, text: t.slice(0, hStart).trimEnd(), end: l.start + t.slice(0, hStart).trimEnd().length });
  pieces.push({ text: t.slice(hStart, afterInd), start: l.start + hStart, end: header[header.length - 1]!.end, flat: true, cells: header });
  pieces.push(...rows);
  let r = pos;
  while (r < t.length && /\s/.test(t[r]!)) r++;
  if (r < t.length) pieces.push({ text: t.slice(r), start: l.start + r, end: l.end, flat: true });
  return pieces;
}
