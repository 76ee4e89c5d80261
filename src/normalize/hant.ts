/**
 * Traditional-character text (pages served through big5 mirrors, 繁體 copies) read as Simplified,
 * character by character so that every offset still maps back to the source. Only a document
 * that is plainly written in Traditional characters is converted: single-character conversion of
 * Simplified text would turn legitimate characters (显著 → 显着) into wrong ones.
 */
import * as OpenCC from 'opencc-js/t2cn';

let convert: ((s: string) => string) | null = null;
const memo = new Map<string, string>();

function toSimplified(ch: string): string {
  const hit = memo.get(ch);
  if (hit !== undefined) return hit;
  const conv = (convert ??= OpenCC.Converter({ from: 'hk', to: 'cn' }));
  const c = conv(ch);
  const out = c.length === ch.length ? c : ch;
  memo.set(ch, out);
  return out;
}

/** Characters that exist only in Traditional writing and are common in plans. */
const NOT_HANT_MARKERS = /[^兒發規劃區縣為與會這個們標項實資機構權護會務體育醫療衛級幣數據國際關於對應視鄉鎮業組織產財農環貧際廣東]+/gu;
const NOT_HAN = /\P{Script=Han}+/gu;
const HIGH_SURROGATE = /[\uD800-\uDBFF]/g;

/** Code points left in `s` after removing the runs `not` matches (counted without an array of matches). */
function countKept(s: string, not: RegExp): number {
  const kept = s.replace(not, '');
  return kept.length - (kept.match(HIGH_SURROGATE)?.length ?? 0);
}

/** True when at least 3 % of the Han characters are Traditional-only markers. */
export function isTraditional(text: string): boolean {
  const sample = text.length > 20000 ? text.slice(0, 20000) : text;
  const han = countKept(sample, NOT_HAN);
  if (han < 20) return false;
  const hant = countKept(sample, NOT_HANT_MARKERS);
  return hant / han >= 0.03;
}

/** A character in Simplified form (itself when it has none). */
export function simplifiedChar(ch: string): string {
  return ch.charCodeAt(0) < 0x3400 ? ch : toSimplified(ch);
}
