import type { SourceFormat } from './types.js';

/** What a file is, judged by its bytes rather than its name. */
export type Sniffed = SourceFormat | 'zip' | 'ole';

const startsWith = (buf: Buffer, sig: number[], at = 0) => sig.every((b, i) => buf[at + i] === b);

/** Text of the first bytes, for markup checks: ASCII view is enough for tags in any of the encodings we read. */
function head(buf: Buffer, n = 4096): string {
  let s = buf.subarray(0, n).toString('latin1');
  // UTF-16 text: drop the zero bytes so that tags show
  if (/^(\xff\xfe|\xfe\xff)/.test(s)) s = s.replace(/\x00/g, '');
  return s.replace(/^\xef\xbb\xbf/, '');
}

const HTML_START = /^\s*(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html|head|meta|title|body)\b/i;
const HTML_TAGS = /<(?:p|div|br|table|span|td|tr|a|h[1-6])\b[^>]*>/gi;

/** True when the start of a file is HTML markup: a document start, or text dense with tags. */
export function looksLikeHtml(buf: Buffer): boolean {
  const h = head(buf);
  if (HTML_START.test(h)) return true;
  const tags = h.match(HTML_TAGS)?.length ?? 0;
  return tags >= 5 && /<\/(?:p|div|td|table|span)>/i.test(h);
}

/**
 * Sniffs the format from magic bytes: %PDF, a zip holding word/document.xml (DOCX), an OLE
 * compound file (Word 97–2003 .doc), HTML markup, else text. `zip`/`ole` without a Word
 * document inside, and other binary data, are reported as such.
 */
export function sniff(buf: Buffer): Sniffed {
  const lead = buf.subarray(0, 1024).indexOf('%PDF-');
  if (lead >= 0 && lead < 1024) return 'pdf';
  if (startsWith(buf, [0x50, 0x4b, 0x03, 0x04]) || startsWith(buf, [0x50, 0x4b, 0x05, 0x06])) {
    // the local file headers name their entries in clear text
    return buf.includes('word/document.xml') || buf.includes('word/') ? 'docx' : 'zip';
  }
  if (startsWith(buf, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return buf.includes(Buffer.from('WordDocument', 'utf16le')) ? 'doc' : 'ole';
  if (looksLikeHtml(buf)) return 'html';
  return 'txt';
}
