import { PlandbError } from '../errors.js';
import type { IngestedText, Reader } from './types.js';

/** Share of control bytes above which a file is treated as binary, not text. */
const MAX_CONTROL_SHARE = 0.01;

function decodeStrict(buf: Uint8Array, encoding: string): string | null {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(buf);
  } catch {
    return null;
  }
}

function controlShare(text: string): number {
  if (!text.length) return 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0xfffd) n++;
  }
  return n / text.length;
}

/** Share of bytes ≥ 0x80 below which a non-UTF-8 file is taken for a Western single-byte encoding. */
const MIN_HIGH_SHARE_CJK = 0.25;
/** Share of double-byte characters outside GB2312's area above which GBK text is taken for Big5 or Shift-JIS. */
const MAX_NON_GB2312_SHARE = 0.2;

/**
 * UTF-16 without a BOM: NUL bytes (the high byte of ASCII characters such as newlines and digits)
 * that fall almost all on odd (LE) or even (BE) offsets.
 */
function utf16Order(buf: Buffer): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(buf.length, 8192) & ~1;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i++) if (buf[i] === 0) (i & 1 ? odd++ : even++);
  const nul = even + odd;
  if (nul < 4 || nul < n / 64) return null;
  if (odd >= nul * 0.95) return 'utf-16le';
  if (even >= nul * 0.95) return 'utf-16be';
  return null;
}

/** Share of two-byte sequences of a GBK reading that lie outside GB2312 (lead or trail byte below 0xA1). */
function nonGb2312Share(buf: Buffer): number {
  let pairs = 0;
  let outside = 0;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i]!;
    if (b < 0x81) continue;
    const t = buf[i + 1] ?? 0;
    pairs++;
    if (b < 0xa1 || t < 0xa1) outside++;
    i++;
  }
  return pairs ? outside / pairs : 0;
}

function highShare(buf: Buffer): number {
  let n = 0;
  for (let i = 0; i < buf.length; i++) if (buf[i]! >= 0x80) n++;
  return n / buf.length;
}

/**
 * Detects UTF-8 (with or without BOM), UTF-16 LE/BE (with or without BOM), GB18030/GBK and Big5;
 * names Shift-JIS and Western single-byte encodings (Latin-1/Windows-1252) as unsupported.
 */
export function decodeText(buf: Buffer, file: string): { text: string; encoding: string } {
  if (buf.length === 0) throw new PlandbError('EMPTY', 'file is empty', file);
  let text: string | null = null;
  let encoding = '';
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    text = decodeStrict(buf.subarray(3), 'utf-8');
    encoding = 'utf-8-bom';
  } else if (buf[0] === 0xff && buf[1] === 0xfe) {
    text = decodeStrict(buf.subarray(2), 'utf-16le');
    encoding = 'utf-16le';
  } else if (buf[0] === 0xfe && buf[1] === 0xff) {
    text = decodeStrict(buf.subarray(2), 'utf-16be');
    encoding = 'utf-16be';
  } else {
    const order = utf16Order(buf);
    if (order) {
      text = decodeStrict(buf.length % 2 ? buf.subarray(0, buf.length - 1) : buf, order);
      encoding = order;
    } else {
      const nul = buf.subarray(0, 4096).indexOf(0);
      if (nul >= 0) throw new PlandbError('BINARY', 'binary data, not a text file (NUL bytes)', file);
      text = decodeStrict(buf, 'utf-8');
      encoding = 'utf-8';
      if (text === null) {
        if (highShare(buf) < MIN_HIGH_SHARE_CJK) {
          throw new PlandbError('ENCODING', 'text in a Western single-byte encoding (Latin-1/Windows-1252?), not Chinese: unsupported (save it as UTF-8)', file);
        }
        if (nonGb2312Share(buf) > MAX_NON_GB2312_SHARE) {
          const sjis = decodeStrict(buf, 'shift_jis');
          const kana = sjis ? (sjis.match(/[\u3040-\u30ff]/g)?.length ?? 0) : 0;
          if (sjis !== null && kana > sjis.length * 0.05) {
            throw new PlandbError('ENCODING', 'text in Shift-JIS (Japanese): unsupported (plandb reads Chinese plans; save it as UTF-8)', file);
          }
          text = decodeStrict(buf, 'big5');
          encoding = 'big5';
        }
        if (text === null) {
          text = decodeStrict(buf, 'gb18030');
          encoding = 'gb18030';
        }
      }
    }
  }
  if (text === null) throw new PlandbError('ENCODING', `cannot decode as ${encoding || 'UTF-8, UTF-16 or GB18030'}`, file);
  if (controlShare(text) > MAX_CONTROL_SHARE) throw new PlandbError('BINARY', 'binary data, not a text file', file);
  text = text.replace(/\r\n?/g, '\n');
  if (!text.trim()) throw new PlandbError('EMPTY', 'file has no text', file);
  return { text, encoding };
}

export const txtReader: Reader = {
  format: 'txt',
  extensions: ['.txt', '.text', '.md'],
  async read(buf: Buffer, file: string): Promise<IngestedText> {
    const { text, encoding } = decodeText(buf, file);
    return { text, format: 'txt', encoding };
  },
};
