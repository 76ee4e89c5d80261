import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { displayWidth, simpleWidth, truncate } from '../../src/query/width.js';

/** string-width's cut (the formatter before its fast path): graphemes until the next would pass max - 1. */
function slowTruncate(s: string, max: number): string {
  if (max <= 0 || stringWidth(s) <= max) return s;
  let out = '';
  let w = 0;
  for (const { segment } of new Intl.Segmenter('zh', { granularity: 'grapheme' }).segment(s)) {
    const sw = stringWidth(segment);
    if (w + sw > max - 1) break;
    out += segment;
    w += sw;
  }
  return out + '…';
}

const seg = new Intl.Segmenter('zh', { granularity: 'grapheme' });
const count = (s: string) => [...seg.segment(s)].length;

describe('display width fast path', () => {
  it('measures every simple code point as string-width does, each its own grapheme', () => {
    const bad: string[] = [];
    for (let c = 0; c <= 0x3ffff; c++) {
      const w = simpleWidth(c);
      if (w < 0) continue;
      const ch = String.fromCodePoint(c);
      if (w !== stringWidth(ch) || count(`a${ch}`) !== 2 || count(`${ch}a`) !== 2 || count(`${ch}${ch}`) !== 2 || count(`中${ch}`) !== 2) bad.push(c.toString(16));
    }
    expect(bad).toEqual([]);
  });

  it('agrees with string-width on mixed text, emoji, marks and controls', () => {
    const samples = [
      '', 'abc', '昆山市儿童发展规划（2021—2025年）', '5岁以下儿童死亡率≤5‰', '①②③ ℃ № Ⅻ ※ → ≤ ≥ ■□', 'ｱｲｳﾞ', 'e\u0301', '👍🏽 ok', '👨‍👩‍👧',
      '1\u20e3', '\u200b中\u200d文', '한글 \u1100\u1161', '\t\u0007x', '\ud842\udfb7野家', '\ud800x', '〰〽㊗', 'é中', '\u3099か\u309a',
    ];
    for (const s of samples) expect([s, displayWidth(s)]).toEqual([s, stringWidth(s)]);
  });

  it('cuts exactly as the grapheme-by-grapheme cut', () => {
    const samples = [
      '5岁以下儿童死亡率、婴儿死亡率和新生儿死亡率分别控制在5‰、4‰和3‰以下', 'a'.repeat(30), '中'.repeat(30), 'ab中cd文ef', '中文e\u0301中文', '中文中文中e\u0301',
      '👍🏽👍🏽👍🏽 abc', '昆山市\u200b卫健委', '𠮷野家の牛丼𠮷野家の牛丼', 'x\u0301'.repeat(10), '中\u3099中\u3099中', '〰〰〰〰〰', 'ｱﾞｱﾞｱﾞｱﾞ',
    ];
    for (const s of samples) for (let max = 0; max <= 26; max++) expect([s, max, truncate(s, max)]).toEqual([s, max, slowTruncate(s, max)]);
  });
});
