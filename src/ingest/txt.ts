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

/** Detects UTF-8 (with or without BOM), UTF-16 LE/BE (with BOM) and GB18030/GBK. */
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
    const nul = buf.subarray(0, 4096).indexOf(0);
    if (nul >= 0) throw new PlandbError('BINARY', 'binary data, not a text file (NUL bytes)', file);
    text = decodeStrict(buf, 'utf-8');
    encoding = 'utf-8';
    if (text === null) {
      text = decodeStrict(buf, 'gb18030');
      encoding = 'gb18030';
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
