/**
 * Anchors: a decision points at a fact by the quote of its span in the normalized text and the
 * occurrence of that quote inside the plan. White space is ignored when matching, so the same
 * anchor finds the same place in the .txt, .pdf and .docx renderings of a plan, and after a rule
 * change that moves offsets.
 */
import type { Span } from '../segment/types.js';

const SKIP = /[\s\u200b\u200c\u200d\ufeff]/u;

/** Full-width ASCII (０-９, Ａ-ｚ, ％, （…) as half-width, one character for one, so a quote copied from the source finds the normalized text. */
function fold(c: string): string {
  const code = c.charCodeAt(0);
  return code >= 0xff01 && code <= 0xff5e ? String.fromCharCode(code - 0xfee0) : c;
}

/** A range of normalized text with white space removed (and full-width ASCII folded), and the map back to normalized offsets. */
export interface SquashedText {
  text: string;
  /** offsets[i] = normalized offset of squashed character i */
  offsets: number[];
}

export function squash(text: string, from = 0, to = text.length): SquashedText {
  const chars: string[] = [];
  const offsets: number[] = [];
  for (let i = from; i < to; i++) {
    const c = text[i]!;
    if (SKIP.test(c)) continue;
    chars.push(fold(c));
    offsets.push(i);
  }
  return { text: chars.join(''), offsets };
}

export const squashQuote = (q: string): string => squash(q).text;

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
