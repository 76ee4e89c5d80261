/**
 * Display width of table cells (CJK characters count as two columns), as string-width measures it,
 * without its cost on ordinary text: plan text is ASCII, CJK ideographs and punctuation, fullwidth
 * forms and a few symbols, each of them one grapheme whose width is fixed by its code point. Such a
 * string is measured by code point ranges; anything else (emoji, combining marks, Hangul jamo,
 * controls…) goes to string-width, loaded on first use.
 * tests/query/width.test.ts checks every code point of the fast ranges against string-width.
 */
import { createRequire } from 'node:module';

type StringWidth = (s: string) => number;
let stringWidth: StringWidth | null = null;

/** string-width, loaded on first need (an ES module: loaded by `loadStringWidth`, or by require where Node allows it). */
function slowWidth(s: string): number {
  if (!stringWidth) {
    const mod = createRequire(import.meta.url)('string-width') as { default: StringWidth };
    stringWidth = mod.default;
  }
  return stringWidth(s);
}

/** Loads string-width ahead of time (for Node versions that cannot require an ES module). */
export async function loadStringWidth(): Promise<void> {
  if (!stringWidth) stringWidth = ((await import('string-width')) as { default: StringWidth }).default;
}

/**
 * Width of code point `c` when it is one of the simple characters (a grapheme of its own, not an
 * emoji, not zero-width), else -1. Ambiguous-width characters count as narrow (string-width's default).
 */
export function simpleWidth(c: number): number {
  if (c < 0x7f) return c >= 0x20 ? 1 : -1;
  if (c < 0x3000) {
    // Latin-1 (not the soft hyphen), Latin Extended, spacing modifiers
    if (c >= 0xa1 && c <= 0x2ff) return c === 0xad ? -1 : 1;
    // Greek, Cyrillic letters
    if ((c >= 0x391 && c <= 0x3c9) || (c >= 0x401 && c <= 0x451)) return 1;
    // general punctuation (dashes, quotes, …, ‰, ※), super/subscripts, currency
    if ((c >= 0x2010 && c <= 0x2027) || (c >= 0x2030 && c <= 0x205e) || (c >= 0x2070 && c <= 0x209c && c !== 0x2072 && c !== 0x2073 && c !== 0x208f) || (c >= 0x20a0 && c <= 0x20c0)) return 1;
    // letterlike symbols (℃, №), number forms (Ⅰ–Ⅻ), arrows, mathematical operators
    if ((c >= 0x2100 && c <= 0x218b) || (c >= 0x2190 && c <= 0x21ff) || (c >= 0x2200 && c <= 0x22ff)) return 1;
    // enclosed alphanumerics (①), box drawing, block elements
    if ((c >= 0x2460 && c <= 0x24ff) || (c >= 0x2500 && c <= 0x259f)) return 1;
    // geometric shapes (■□▲○●), not the emoji ◽◾
    if (c >= 0x25a0 && c <= 0x25ff) return c === 0x25fd || c === 0x25fe ? -1 : 1;
    // CJK radicals
    if ((c >= 0x2e80 && c <= 0x2e99) || (c >= 0x2e9b && c <= 0x2ef3) || (c >= 0x2f00 && c <= 0x2fd5)) return 2;
    return -1;
  }
  if (c < 0xa000) {
    // ideographic space and CJK punctuation (not the combining tone marks 302A–302F, not the emoji 〰 〽)
    if (c <= 0x3029) return 2;
    if (c >= 0x3031 && c <= 0x303c) return 2;
    // hiragana, katakana (not the combining sound marks 3099/309A), bopomofo
    if ((c >= 0x3041 && c <= 0x3096) || (c >= 0x309b && c <= 0x30ff) || (c >= 0x3105 && c <= 0x312f)) return 2;
    // enclosed CJK letters and months, CJK compatibility (not ㊗ ㊙, emoji)
    if (c >= 0x3200 && c <= 0x33ff) return c === 0x321f || c === 0x3297 || c === 0x3299 ? -1 : c >= 0x3248 && c <= 0x324f ? 1 : 2;
    // CJK ideographs (extension A, unified)
    if ((c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff)) return 2;
    return -1;
  }
  // compatibility ideographs, CJK compatibility forms, fullwidth forms
  if ((c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff01 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6)) return 2;
  // CJK ideographs of the supplementary planes (extensions B–H)
  if ((c >= 0x20000 && c <= 0x2fffd) || (c >= 0x30000 && c <= 0x3fffd)) return 2;
  return -1;
}

/** Width of `s` by code points, or -1 when `s` holds a character that needs string-width. */
function fastWidth(s: string): number {
  let w = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x7f && c >= 0x20) {
      w++;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    const cw = simpleWidth(c);
    if (cw < 0) return -1;
    w += cw;
  }
  return w;
}

/** Display columns of `s` (string-width's measure). */
export function displayWidth(s: string): number {
  const w = fastWidth(s);
  return w >= 0 ? w : slowWidth(s);
}

let segmenter: Intl.Segmenter | null = null;

/** Cuts `s` to at most `max` display columns, ending in … when cut. */
export function truncate(s: string, max: number): string {
  if (max <= 0) return s;
  // fast: every character simple (each its own grapheme); measured only as far as needed
  let w = 0;
  let cut = -1;
  let simple = true;
  for (let i = 0; i < s.length; i++) {
    const at = i;
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    const cw = c < 0x7f && c >= 0x20 ? 1 : simpleWidth(c);
    if (cw < 0) {
      simple = false;
      break;
    }
    if (cut < 0 && w + cw > max - 1) cut = at;
    w += cw;
    if (w > max) {
      // cut: the rest cannot make it fit; the character after the cut must not join the one before it
      const next = s.codePointAt(i + 1);
      if (next === undefined || (next < 0x7f && next >= 0x20) || simpleWidth(next) >= 0) return s.slice(0, cut) + '…';
      simple = false;
      break;
    }
  }
  if (simple) return s;
  if (displayWidth(s) <= max) return s;
  segmenter ??= new Intl.Segmenter('zh', { granularity: 'grapheme' });
  let out = '';
  w = 0;
  for (const { segment } of segmenter.segment(s)) {
    const sw = displayWidth(segment);
    if (w + sw > max - 1) break;
    out += segment;
    w += sw;
  }
  return out + '…';
}
