/**
 * Anchors: a decision points at a fact by the quote of its span in the normalized text and the
 * occurrence of that quote inside the plan. White space is ignored when matching, so the same
 * anchor finds the same place in the .txt, .pdf and .docx renderings of a plan, and after a rule
 * change that moves offsets.
 */
import type { Span } from '../segment/types.js';

/** White space (as `\s`) and zero-width characters: ignored when matching anchors. */
function skipped(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200d) || code === 0x2028 || code === 0x2029 ||
    code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
  );
}

/** A range of normalized text with white space removed (and full-width ASCII folded), and the map back to normalized offsets. */
export interface SquashedText {
  text: string;
  /** offsets[i] = normalized offset of squashed character i */
  offsets: Int32Array;
}

export function squash(text: string, from = 0, to = text.length): SquashedText {
  const codes = new Uint16Array(to - from);
  const offsets = new Int32Array(to - from);
  let n = 0;
  for (let i = from; i < to; i++) {
    let c = text.charCodeAt(i);
    if (skipped(c)) continue;
    if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0; // full-width ASCII (０-９, Ａ-ｚ, ％, （…) as half-width, one for one
    codes[n] = c;
    offsets[n++] = i;
  }
  let out = '';
  for (let k = 0; k < n; k += 8192) out += String.fromCharCode(...codes.subarray(k, Math.min(n, k + 8192)));
  return { text: out, offsets: offsets.subarray(0, n) };
}

/** A quote as `squash` would make it (white space out, full-width ASCII folded). */
export const squashQuote = (q: string): string =>
  q.replace(/[\s\u200b-\u200d\ufeff]/gu, '').replace(/[\uff01-\uff5e]/gu, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));

/** Every place the quote occurs in the squashed range, as normalized spans, in order. */
export function findOccurrences(sq: SquashedText, quote: string): Span[] {
  const q = squashQuote(quote);
  const out: Span[] = [];
  if (!q) return out;
  for (let i = sq.text.indexOf(q); i >= 0; i = sq.text.indexOf(q, i + 1)) {
    out.push({ start: sq.offsets[i]!, end: sq.offsets[i + q.length - 1]! + 1 });
  }
  return out;
}

/** Which occurrence (0-based) of `quote` starts at `start`; -1 when none does. */
export function occurrenceAt(sq: SquashedText, quote: string, start: number): number {
  return findOccurrences(sq, quote).findIndex((s) => s.start === start);
}

export const overlap = (a: Span, b: Span): number => Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
