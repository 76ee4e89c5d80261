/**
 * PDF reader: turns a PDF's text layer into text laid out like the seed .txt plans
 * (one paragraph per line, table rows as tab-separated cells), with page offsets.
 *
 * One pass over the document with pdf-parse's pdf.js: positioned text items per page
 * (getTextContent, the same work `PDFParse.getText()` does), and, only on pages whose
 * text layout looks tabular, the operator list for ruling lines (table grids).
 *
 * Reconstruction:
 *  - items → visual lines (baseline clustering), spaces kept only between ASCII alphanumerics
 *    (this also repairs spaced-out justified lines like `苏 州 市`); a large horizontal gap
 *    inside a line becomes `\t`;
 *  - page numbers (`— 3 —`, `- 3 -`, `第 3 页 共 20 页`, `3/20`, a lone number in the footer)
 *    and running headers/footers (short lines recurring at the top/bottom of most pages) dropped;
 *  - lines re-joined into paragraphs using the body's left/right margins, first-line indent,
 *    line endings (。；：…), vertical gaps, font size and heading/item markers;
 *  - ruled tables → one line per row, cells joined with `\t`; a table continued on the next page
 *    is continued (a repeated header row is dropped, a row split across the page break merged).
 */
import { PDFParse } from 'pdf-parse';
import type { FileBudget } from './limits.js';
import { PlandbError } from '../errors.js';
import type { IngestedText, Reader } from './types.js';

// ---------------------------------------------------------------------------------------------
// pdf.js structural types (only what we use; pdf-parse does not re-export pdf.js types)

interface PdfTextItem {
  str: string;
  transform: number[];
  width: number;
  height: number;
  hasEOL?: boolean;
}
interface PdfPage {
  getTextContent(opts?: object): Promise<{ items: Array<PdfTextItem | { type: string }> }>;
  getOperatorList(): Promise<{ fnArray: number[]; argsArray: unknown[] }>;
  getViewport(opts: { scale: number }): { width: number; height: number };
  cleanup(): void;
}
interface PdfDoc {
  numPages: number;
  getPage(n: number): Promise<PdfPage>;
}

/** pdf.js operator ids (OPS enum; stable across pdf.js versions). */
const OPS = {
  save: 10,
  restore: 11,
  transform: 12,
  stroke: 20,
  closeStroke: 21,
  fill: 22,
  eoFill: 23,
  fillStroke: 24,
  eoFillStroke: 25,
  closeFillStroke: 26,
  closeEOFillStroke: 27,
  constructPath: 91,
} as const;
/** pdf.js path-data sub-ops inside constructPath (pdf.js ≥ 5). */
const DRAW = { moveTo: 0, lineTo: 1, curveTo: 2, closePath: 3 } as const;

// ---------------------------------------------------------------------------------------------
// Geometry records

interface Item {
  s: string; // text, whitespace already normalised
  x: number;
  y: number; // baseline, PDF space (y up)
  w: number;
  fs: number; // font size
}

interface VLine {
  page: number;
  y: number;
  x0: number;
  x1: number;
  fs: number;
  text: string;
  table?: boolean; // table row or tab-separated (gappy) line: never joined with neighbours
  gappy?: boolean;
  cells?: string[]; // for ruled-table rows
  tableId?: number;
}

interface Seg {
  h: boolean; // horizontal?
  c: number; // y for horizontal, x for vertical
  a: number; // start along the line
  b: number; // end along the line
}

interface Grid {
  x0: number;
  x1: number;
  y0: number; // bottom
  y1: number; // top
  rows: number[]; // row boundaries, descending (top → bottom)
  vsegs: Seg[];
}

// ---------------------------------------------------------------------------------------------
// Text helpers

const ASCII_ALNUM = /[A-Za-z0-9]/;

/** Collapse whitespace inside a text run: keep one space only between ASCII alphanumerics. */
function squeeze(s: string): string {
  if (!/\s/.test(s)) return s;
  return s.replace(/\s+/g, (m, off: number, all: string) => {
    const a = all[off - 1];
    const b = all[off + m.length];
    if (a === undefined || b === undefined) return '';
    // keep one space between ASCII alphanumerics, and around Latin words (`意识 and 能力`);
    // drop it between CJK characters and between CJK and digits (`苏 州 市`, `未满 18 周岁`)
    if (ASCII_ALNUM.test(a) && ASCII_ALNUM.test(b)) return ' ';
    if ((/[A-Za-z]/.test(a) && !/\s/.test(b)) || (/[A-Za-z]/.test(b) && !/\s/.test(a))) return ' ';
    return '';
  });
}

/** Join two pieces of one paragraph: a space only between two Latin letters (wrapped word). */
function joinText(a: string, b: string): string {
  if (!a) return b;
  if (!b) return a;
  const x = a[a.length - 1];
  const y = b[0];
  if (/[A-Za-z,;.]/.test(x) && /[A-Za-z]/.test(y) && !/\d/.test(x)) return `${a} ${b}`;
  return a + b;
}

const PAGE_NO_PATTERNS: RegExp[] = [
  /^[-—–－―~～_]{1,3}\s*\d{1,4}\s*[-—–－―~～_]{1,3}$/, // — 3 —, - 3 -
  /^第\s*\d{1,4}\s*页\s*[,，、/]?\s*(共\s*\d{1,4}\s*页)?$/, // 第 3 页 共 20 页
  /^共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页$/,
  /^--\s*\d+\s*of\s*\d+\s*--$/i, // pdf-parse's own page joiner
  /^(page\s*)?\d{1,4}\s*(\/|of)\s*\d{1,4}$/i, // 3/20, Page 3 of 20
];
function isPageNumber(s: string): boolean {
  const t = s.trim();
  return t.length <= 24 && PAGE_NO_PATTERNS.some((re) => re.test(t));
}

/** Heading / item markers that start a new paragraph. */
const MARKER =
  /^(?:第[一二三四五六七八九十百零〇\d]+[章节条部分篇]|[一二三四五六七八九十百]+[、．.]|[（(][一二三四五六七八九十百]+[）)]|\d{1,3}[．、]|\d{1,3}\.(?!\d)|[（(]\d{1,3}[）)]|[①-⑳㉑-㉟]|[—-]{2}|附件|附表|(?:牵头|参与|责任|配合|协同|协办|主责|主要责任)(?:单位|部门)[:：])/;

const ENDS_SENTENCE = /[。；;：:！？!?]$/;

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function mode(xs: number[], bin: number): number {
  const m = new Map<number, number>();
  let best = 0;
  let bestN = -1;
  for (const x of xs) {
    const k = Math.round(x / bin);
    const n = (m.get(k) ?? 0) + 1;
    m.set(k, n);
    if (n > bestN || (n === bestN && k < best)) {
      best = k;
      bestN = n;
    }
  }
  return best * bin;
}

// ---------------------------------------------------------------------------------------------
// Page → items

function pageItems(content: { items: Array<PdfTextItem | { type: string }> }): Item[] {
  const out: Item[] = [];
  for (const raw of content.items) {
    if (!('str' in raw)) continue;
    const it = raw as PdfTextItem;
    if (!it.str || !it.str.trim()) continue;
    const t = it.transform;
    // skip rotated / vertical text runs' orientation: treat them as horizontal anyway
    const fs = Math.abs(it.height) > 0.5 ? Math.abs(it.height) : Math.hypot(t[2], t[3]) || 10;
    let s = it.str.replace(/\u00a0/g, ' ');
    const lead = s.length - s.trimStart().length;
    s = squeeze(s.trim());
    if (!s) continue;
    // a leading space inside the run shifts its visible start
    const x = t[4] + (lead > 0 && it.str.length > 0 ? (it.width * lead) / it.str.length : 0);
    out.push({ s, x, y: t[5], w: it.width, fs });
  }
  return out;
}

/** Cluster items into visual lines (top to bottom), items left to right. */
function groupLines(items: Item[]): Item[][] {
  const sorted = [...items].sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: { y: number; fs: number; items: Item[] }[] = [];
  for (const it of sorted) {
    const last = lines[lines.length - 1];
    if (last && Math.abs(last.y - it.y) <= Math.max(2, 0.45 * Math.min(last.fs, it.fs))) {
      last.items.push(it);
      last.fs = Math.max(last.fs, it.fs);
    } else {
      lines.push({ y: it.y, fs: it.fs, items: [it] });
    }
  }
  for (const l of lines) l.items.sort((a, b) => a.x - b.x);
  return lines.map((l) => l.items);
}

function lineFromItems(page: number, items: Item[]): VLine {
  let text = '';
  let gappy = false;
  let prev: Item | undefined;
  let fsMax = 0;
  const fsCounts: number[] = [];
  for (const it of items) {
    if (prev) {
      const gap = it.x - (prev.x + prev.w);
      const fs = Math.max(prev.fs, it.fs);
      if (gap > 2.5 * fs) {
        text += '\t';
        gappy = true;
      } else if (gap > 0.2 * fs && ASCII_ALNUM.test(text[text.length - 1] ?? '') && ASCII_ALNUM.test(it.s[0])) {
        text += ' ';
      }
    }
    text += it.s;
    fsMax = Math.max(fsMax, it.fs);
    for (let i = 0; i < it.s.length; i++) fsCounts.push(it.fs);
    prev = it;
  }
  const last = items[items.length - 1];
  return {
    page,
    y: median(items.map((i) => i.y)),
    x0: items[0].x,
    x1: last.x + last.w,
    fs: median(fsCounts) || fsMax,
    text,
    gappy,
    table: gappy,
  };
}

// ---------------------------------------------------------------------------------------------
// Ruling lines → table grids

function mul(m: number[], n: number[]): number[] {
  return [
    m[0] * n[0] + m[2] * n[1],
    m[1] * n[0] + m[3] * n[1],
    m[0] * n[2] + m[2] * n[3],
    m[1] * n[2] + m[3] * n[3],
    m[0] * n[4] + m[2] * n[5] + m[4],
    m[1] * n[4] + m[3] * n[5] + m[5],
  ];
}
function apply(m: number[], x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

function collectSegments(ops: { fnArray: number[]; argsArray: unknown[] }): Seg[] {
  const segs: Seg[] = [];
  let ctm = [1, 0, 0, 1, 0, 0];
  const stack: number[][] = [];
  const addLine = (x1: number, y1: number, x2: number, y2: number) => {
    if (Math.abs(y1 - y2) < 1.5 && Math.abs(x1 - x2) > 4) {
      segs.push({ h: true, c: (y1 + y2) / 2, a: Math.min(x1, x2), b: Math.max(x1, x2) });
    } else if (Math.abs(x1 - x2) < 1.5 && Math.abs(y1 - y2) > 4) {
      segs.push({ h: false, c: (x1 + x2) / 2, a: Math.min(y1, y2), b: Math.max(y1, y2) });
    }
  };
  for (let i = 0; i < ops.fnArray.length; i++) {
    const fn = ops.fnArray[i];
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? ctm;
    else if (fn === OPS.transform) ctm = mul(ctm, ops.argsArray[i] as number[]);
    else if (fn === OPS.constructPath) {
      const args = ops.argsArray[i] as [number, ArrayLike<number>[] | ArrayLike<number>, ArrayLike<number>];
      const paint = args?.[0];
      const stroke =
        paint === OPS.stroke ||
        paint === OPS.closeStroke ||
        paint === OPS.fillStroke ||
        paint === OPS.eoFillStroke ||
        paint === OPS.closeFillStroke ||
        paint === OPS.closeEOFillStroke;
      const fill = paint === OPS.fill || paint === OPS.eoFill;
      if (!stroke && !fill) continue;
      const raw = args[1];
      const datas: ArrayLike<number>[] =
        raw && typeof (raw as ArrayLike<number>)[0] === 'number'
          ? [raw as ArrayLike<number>]
          : ((raw as ArrayLike<number>[]) ?? []);
      for (const d of datas) {
        if (!d) continue;
        const pts: [number, number][] = [];
        let cx = 0;
        let cy = 0;
        let sx = 0;
        let sy = 0;
        const flushPoly = () => {
          if (fill) {
            // a thin filled rectangle is a ruling line
            if (pts.length >= 4) {
              const xs = pts.map((p) => p[0]);
              const ys = pts.map((p) => p[1]);
              const w = Math.max(...xs) - Math.min(...xs);
              const h = Math.max(...ys) - Math.min(...ys);
              if (h < 2.5 && w > 4) addLine(Math.min(...xs), (Math.max(...ys) + Math.min(...ys)) / 2, Math.max(...xs), (Math.max(...ys) + Math.min(...ys)) / 2);
              else if (w < 2.5 && h > 4) addLine((Math.max(...xs) + Math.min(...xs)) / 2, Math.min(...ys), (Math.max(...xs) + Math.min(...xs)) / 2, Math.max(...ys));
              else if (w > 4 && h > 4 && stroke) {
                /* handled below */
              }
            }
          }
          pts.length = 0;
        };
        for (let k = 0; k < d.length; ) {
          const op = d[k];
          if (op === DRAW.moveTo) {
            flushPoly();
            cx = sx = d[k + 1];
            cy = sy = d[k + 2];
            pts.push(apply(ctm, cx, cy));
            k += 3;
          } else if (op === DRAW.lineTo) {
            const nx = d[k + 1];
            const ny = d[k + 2];
            const [ax, ay] = apply(ctm, cx, cy);
            const [bx, by] = apply(ctm, nx, ny);
            if (stroke) addLine(ax, ay, bx, by);
            pts.push([bx, by]);
            cx = nx;
            cy = ny;
            k += 3;
          } else if (op === DRAW.curveTo) {
            cx = d[k + 5];
            cy = d[k + 6];
            pts.push(apply(ctm, cx, cy));
            k += 7;
          } else if (op === DRAW.closePath) {
            if (stroke) {
              const [ax, ay] = apply(ctm, cx, cy);
              const [bx, by] = apply(ctm, sx, sy);
              addLine(ax, ay, bx, by);
            }
            cx = sx;
            cy = sy;
            k += 1;
          } else {
            break; // unknown path op (older pdf.js layout): give up on this path
          }
        }
        flushPoly();
      }
    }
  }
  return segs;
}

/** Group ruling segments into table grids (connected components of crossing lines). */
function buildGrids(segs: Seg[]): Grid[] {
  const n = segs.length;
  if (n < 4) return [];
  const parent = segs.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const tol = 2.5;
  for (let i = 0; i < n; i++) {
    const p = segs[i];
    if (!p.h) continue;
    for (let j = 0; j < n; j++) {
      const q = segs[j];
      if (q.h) continue;
      if (q.c >= p.a - tol && q.c <= p.b + tol && p.c >= q.a - tol && p.c <= q.b + tol) {
        parent[find(i)] = find(j);
      }
    }
  }
  const comps = new Map<number, Seg[]>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    let c = comps.get(r);
    if (!c) comps.set(r, (c = []));
    c.push(segs[i]);
  }
  const grids: Grid[] = [];
  for (const c of comps.values()) {
    const hs = c.filter((s) => s.h);
    const vs = c.filter((s) => !s.h);
    if (hs.length < 2 || vs.length < 2) continue;
    const x0 = Math.min(...hs.map((s) => s.a));
    const x1 = Math.max(...hs.map((s) => s.b));
    const y0 = Math.min(...vs.map((s) => s.a));
    const y1 = Math.max(...vs.map((s) => s.b));
    const width = x1 - x0;
    if (width < 40 || y1 - y0 < 10) continue;
    // row boundaries: horizontal rules spanning (almost) the whole table
    const ys = hs
      .filter((s) => s.b - s.a >= 0.9 * width)
      .map((s) => s.c)
      .sort((a, b) => b - a);
    const rows: number[] = [];
    for (const y of ys) if (!rows.length || rows[rows.length - 1] - y > 2) rows.push(y);
    if (rows.length < 2) continue;
    grids.push({ x0, x1, y0, y1, rows, vsegs: vs });
  }
  return grids;
}

/** Column boundaries for the row band [yb, yt]: vertical rules crossing most of the band. */
function colBounds(g: Grid, yb: number, yt: number): number[] {
  const h = yt - yb;
  const xs = g.vsegs
    .filter((s) => Math.min(s.b, yt) - Math.max(s.a, yb) >= 0.6 * h)
    .map((s) => s.c)
    .sort((a, b) => a - b);
  const out: number[] = [];
  for (const x of xs) if (!out.length || x - out[out.length - 1] > 2) out.push(x);
  if (!out.length || out[0] - g.x0 > 2) out.unshift(g.x0);
  if (g.x1 - out[out.length - 1] > 2) out.push(g.x1);
  return out;
}

function cellText(items: Item[]): string {
  let s = '';
  for (const l of groupLines(items)) {
    let t = '';
    let prev: Item | undefined;
    for (const it of l) {
      if (prev && it.x - (prev.x + prev.w) > 0.2 * it.fs && ASCII_ALNUM.test(t[t.length - 1] ?? '') && ASCII_ALNUM.test(it.s[0])) t += ' ';
      t += it.s;
      prev = it;
    }
    s = joinText(s, t);
  }
  return s.replace(/\t/g, ' ');
}

/** Pull the items inside each grid out of `items`, returning table rows as lines. */
function extractTables(page: number, items: Item[], grids: Grid[], nextTableId: () => number): { rest: Item[]; rows: VLine[] } {
  const rows: VLine[] = [];
  let rest = items;
  for (const g of grids) {
    const inside: Item[] = [];
    const outside: Item[] = [];
    for (const it of rest) {
      const cx = it.x + Math.min(it.w, it.fs * it.s.length) / 2;
      const cy = it.y + it.fs * 0.35;
      if (cx > g.x0 - 1 && cx < g.x1 + 1 && cy > g.rows[g.rows.length - 1] - 1 && cy < g.rows[0] + 1) inside.push(it);
      else outside.push(it);
    }
    if (!inside.length) continue;
    rest = outside;
    const id = nextTableId();
    for (let r = 0; r + 1 < g.rows.length; r++) {
      const yt = g.rows[r];
      const yb = g.rows[r + 1];
      const band = inside.filter((it) => {
        const cy = it.y + it.fs * 0.35;
        return cy <= yt && cy > yb;
      });
      const xs = colBounds(g, yb, yt);
      const cells: string[] = [];
      for (let c = 0; c + 1 < xs.length; c++) {
        const inCell = band.filter((it) => {
          const cx = it.x + Math.min(it.w, it.fs * it.s.length) / 2;
          return cx >= xs[c] && cx < xs[c + 1];
        });
        cells.push(cellText(inCell));
      }
      if (cells.every((c) => !c)) continue;
      rows.push({
        page,
        y: yt,
        x0: g.x0,
        x1: g.x1,
        fs: band.length ? median(band.map((b) => b.fs)) : 10,
        text: cells.join('\t'),
        table: true,
        cells,
        tableId: id,
      });
    }
  }
  return { rest, rows };
}

/** Does this page's text look like it holds a table (several lines with wide internal gaps)? */
function looksTabular(lines: VLine[]): boolean {
  let n = 0;
  for (const l of lines) if (l.gappy) n++;
  return n >= 2;
}

// ---------------------------------------------------------------------------------------------
// Headers, footers, page numbers

function stripFurniture(pages: VLine[][]): VLine[][] {
  const np = pages.length;
  const key = (l: VLine) => l.text.replace(/\s+/g, '').replace(/\d+/g, '#');
  const counts = new Map<string, number>();
  const EDGE = 2;
  for (const lines of pages) {
    const seen = new Set<string>();
    const edge = [...lines.slice(0, EDGE), ...lines.slice(Math.max(EDGE, lines.length - EDGE))];
    for (const l of edge) {
      if (l.cells) continue;
      const k = key(l);
      if (k.length === 0 || k.length > 40 || seen.has(k)) continue;
      seen.add(k);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  }
  const minRepeat = Math.max(3, Math.ceil(np * 0.5));
  const running = new Set([...counts].filter(([, n]) => np >= 3 && n >= minRepeat).map(([k]) => k));

  return pages.map((lines) => {
    const drop = new Set<VLine>();
    lines.forEach((l, i) => {
      if (l.cells) return;
      const atEdge = i < EDGE || i >= lines.length - EDGE;
      const t = l.text.trim();
      if (isPageNumber(t)) drop.add(l);
      else if (atEdge && running.has(key(l))) drop.add(l);
      else if (atEdge && /^\d{1,4}$/.test(t)) {
        // a lone number set apart from the body at the very top/bottom of the page
        const nb = i === 0 ? lines[1] : lines[i - 1];
        if (!nb || Math.abs(nb.y - l.y) > 2 * Math.max(l.fs, nb.fs) && (i === 0 || i === lines.length - 1)) drop.add(l);
      }
    });
    return lines.filter((l) => !drop.has(l));
  });
}

// ---------------------------------------------------------------------------------------------
// Paragraph reconstruction

interface Layout {
  bodyFs: number;
  left: number;
  right: number;
  indentStyle: boolean;
  pitch: number;
}

function measureLayout(pages: VLine[][]): Layout {
  const all = pages.flat().filter((l) => !l.table);
  const bodyFs = mode(
    all.flatMap((l) => Array(Math.min(50, l.text.length)).fill(l.fs) as number[]),
    0.5,
  ) || 12;
  const body = all.filter((l) => Math.abs(l.fs - bodyFs) < 0.6);
  const left = body.length ? Math.min(...[mode(body.map((l) => l.x0), 1)]) : 0;
  // right margin: the common end of long lines
  const ends = body.filter((l) => l.text.length >= 10).map((l) => l.x1);
  const right = ends.length ? Math.max(mode(ends, 2), median(ends)) : Math.max(...all.map((l) => l.x1), 0);
  const indented = body.filter((l) => l.x0 - left > 1.2 * bodyFs && l.x0 - left < 3.5 * bodyFs).length;
  const pitches: number[] = [];
  for (const lines of pages) {
    for (let i = 1; i < lines.length; i++) {
      const a = lines[i - 1];
      const b = lines[i];
      if (!a.table && !b.table && Math.abs(a.fs - bodyFs) < 0.6 && Math.abs(b.fs - bodyFs) < 0.6) pitches.push(a.y - b.y);
    }
  }
  return {
    bodyFs,
    left,
    right,
    indentStyle: body.length > 0 && indented >= Math.max(2, 0.04 * body.length),
    pitch: mode(pitches.filter((p) => p > 0), 0.5) || bodyFs * 1.5,
  };
}

function startsParagraph(prev: VLine | undefined, cur: VLine, L: Layout): boolean {
  if (!prev) return true;
  if (prev.table || cur.table) return true;
  const fs = Math.max(prev.fs, cur.fs);
  if (Math.abs(prev.fs - cur.fs) > 1) return true;
  if (prev.page === cur.page && prev.y - cur.y > 1.7 * Math.max(L.pitch, cur.fs * 1.2)) return true;
  if (cur.page !== prev.page && prev.page + 1 !== cur.page) return true;
  const t = cur.text;
  if (MARKER.test(t)) return true;
  const prevShort = prev.x1 < L.right - 1.5 * fs;
  if (prevShort) return true;
  if (ENDS_SENTENCE.test(prev.text) && prev.x1 < L.right - 0.5 * fs) return true;
  const isBody = Math.abs(cur.fs - L.bodyFs) < 0.6;
  if (L.indentStyle) {
    if (isBody && cur.x0 > L.left + 1.2 * fs) return true;
  } else if (ENDS_SENTENCE.test(prev.text)) {
    return true;
  }
  // a line starting far right of the left margin that is not a wrap of a full line
  if (!isBody && cur.x0 > L.left + 1.2 * fs && prev.x1 < L.right - 0.5 * fs) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Table continuation across pages

function sameRow(a: string[] | undefined, b: string[] | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  return a.every((c, i) => c.replace(/\s+/g, '') === b[i].replace(/\s+/g, ''));
}

// ---------------------------------------------------------------------------------------------

function corrupt(file: string, reason: string): PlandbError {
  const r = reason.split('\n')[0].replace(/\.$/, '').trim() || 'unreadable';
  return new PlandbError('PDF_CORRUPT', `PDF is corrupt or truncated (${r})`, file);
}

async function readPdf(buf: Buffer, file: string, budget?: FileBudget): Promise<IngestedText> {
  if (buf.length === 0) throw new PlandbError('EMPTY', 'file is empty', file);
  const head = buf.subarray(0, 1024).toString('latin1');
  if (!head.includes('%PDF-')) throw corrupt(file, 'no %PDF- header');

  const parser = new PDFParse({ data: new Uint8Array(buf), verbosity: 0, disableFontFace: true });
  try {
    let doc: PdfDoc;
    try {
      // `load()` is what getText()/getInfo() call first; we read positioned items ourselves.
      doc = (await (parser as unknown as { load(): Promise<PdfDoc> }).load()) as PdfDoc;
    } catch (e) {
      const err = e as { name?: string; message?: string };
      if (err?.name === 'PasswordException' || /password/i.test(err?.message ?? '')) {
        throw new PlandbError('PDF_ENCRYPTED', 'PDF is encrypted (password protected); decrypt it first', file);
      }
      throw corrupt(file, err?.message ?? String(e));
    }

    const numPages = doc.numPages;
    if (budget && numPages > budget.limits.maxPdfPages) {
      throw new PlandbError('TOO_LARGE', `PDF has ${numPages} pages (limit ${budget.limits.maxPdfPages})`, file);
    }
    const pages: VLine[][] = [];
    let tableSeq = 0;
    let chars = 0;
    for (let p = 1; p <= numPages; p++) {
      budget?.check(`reading page ${p} of ${numPages}`);
      if (budget && chars > budget.limits.maxTextChars) budget.text(chars);
      let page: PdfPage;
      let items: Item[];
      try {
        page = await doc.getPage(p);
        items = pageItems(await page.getTextContent());
      } catch (e) {
        throw corrupt(file, `page ${p}: ${(e as Error)?.message ?? String(e)}`);
      }
      for (const it of items) chars += it.s.length;
      let lines = groupLines(items).map((l) => lineFromItems(p, l));
      if (looksTabular(lines)) {
        try {
          const grids = buildGrids(collectSegments(await page.getOperatorList()));
          if (grids.length) {
            const { rest, rows } = extractTables(p, items, grids, () => ++tableSeq);
            if (rows.length) {
              lines = [...groupLines(rest).map((l) => lineFromItems(p, l)), ...rows].sort((a, b) => b.y - a.y);
            }
          }
        } catch {
          /* no usable ruling: keep the gap-separated lines */
        }
      }
      page.cleanup();
      pages.push(lines);
    }

    if (numPages === 0 || chars < 2 * numPages) {
      throw new PlandbError(
        'PDF_NO_TEXT',
        'PDF has no text layer (scanned images only); it needs OCR before plandb can read it',
        file,
      );
    }

    const clean = stripFurniture(pages);
    const layout = measureLayout(clean);

    // Emit paragraphs and table rows; record where each page's text starts.
    const out: string[] = [];
    let outLen = 0;
    let cur = '';
    const pageStarts: number[] = new Array(numPages).fill(-1);
    let prev: VLine | undefined;
    let prevTableCols = 0;
    let lastTableRow: string[] | undefined;
    let lastTableHeader: string[] | undefined;
    let lastTableId = -1;
    let rowInTable = 0; // index of the current row within its (page-local) table
    let continuing = false; // current table continues the previous page's table
    const flush = () => {
      if (cur) {
        out.push(cur);
        outLen += cur.length + 1;
      }
      cur = '';
    };
    for (const lines of clean) {
      for (const l of lines) {
        const markPage = (offset: number) => {
          if (pageStarts[l.page - 1] < 0) pageStarts[l.page - 1] = offset;
        };
        if (l.cells) {
          if (l.tableId !== lastTableId) {
            // a new table right after a table row of the previous page, with as many columns:
            // the same table continued
            continuing = prev?.cells !== undefined && prev.page + 1 === l.page && prevTableCols === l.cells.length;
            if (!continuing) lastTableHeader = l.cells;
            lastTableId = l.tableId!;
            rowInTable = 0;
          } else {
            rowInTable++;
          }
          if (continuing && rowInTable === 0 && sameRow(l.cells, lastTableHeader)) {
            // repeated header row on the continuation page
            markPage(outLen + cur.length);
            prev = l;
            continue;
          }
          if (continuing && rowInTable <= 1 && l.cells[0] === '' && lastTableRow && (cur || out.length)) {
            // a row split by the page break (no 序号 on the rest): merge cell-wise into the last row
            flush();
            const merged = lastTableRow.map((c, i) => joinText(c, l.cells![i] ?? ''));
            const old = out.pop()!;
            outLen -= old.length + 1;
            cur = merged.join('\t');
            markPage(outLen + cur.length);
            lastTableRow = merged;
            prev = l;
            continue;
          }
          flush();
          markPage(outLen);
          cur = l.cells.join('\t');
          lastTableRow = l.cells;
          prevTableCols = l.cells.length;
          prev = l;
          continue;
        }
        if (startsParagraph(prev, l, layout)) {
          flush();
          markPage(outLen);
          cur = l.text;
        } else {
          markPage(outLen + cur.length);
          cur = joinText(cur, l.text);
        }
        prev = l;
      }
    }
    flush();
    let text = out.join('\n');
    if (text) text += '\n';
    for (let i = numPages - 1, next = text.length; i >= 0; i--) {
      if (pageStarts[i] < 0) pageStarts[i] = next;
      next = pageStarts[i] = Math.min(pageStarts[i], next);
    }
    return { text, format: 'pdf', pageStarts };
  } catch (e) {
    if (e instanceof PlandbError) throw e;
    throw corrupt(file, (e as Error)?.message ?? String(e));
  } finally {
    await parser.destroy().catch(() => undefined);
  }
}

export const pdfReader: Reader = {
  format: 'pdf',
  extensions: ['.pdf'],
  read: readPdf,
};
