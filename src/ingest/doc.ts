/**
 * Word 97–2003 (.doc) reader, with word-extractor (pure JavaScript: no LibreOffice at run time).
 * Body text only (headers, footers, footnotes and comments are left out); a table cell ends in a
 * tab, so each table row reads as one line of `\t`-joined cells.
 */
import WordExtractor from 'word-extractor';
import { PlandbError } from '../errors.js';
import type { IngestedText, Reader } from './types.js';

/** word-extractor ends each table cell with a tab, so a row reads `a\tb\tc\t`: drop the row's last tab. */
export function docTables(body: string): string {
  return body
    .split('\n')
    .map((line) => (line.includes('\t') ? line.replace(/\t+$/, '') : line))
    .join('\n');
}

export const docReader: Reader = {
  format: 'doc',
  extensions: ['.doc', '.wps'],
  async read(buf: Buffer, file: string): Promise<IngestedText> {
    if (buf.length === 0) throw new PlandbError('EMPTY', 'file is empty', file);
    let body: string;
    try {
      const doc = await new WordExtractor().extract(buf);
      body = doc.getBody();
    } catch (e) {
      throw new PlandbError('DOC_CORRUPT', `not a readable Word 97–2003 .doc (${String((e as Error).message ?? e).split('\n')[0]})`, file);
    }
    const text = docTables(body.replace(/\r\n?/g, '\n')).replace(/[\u0001-\u0008\u000b\u000c\u000e-\u001f]/g, '');
    if (!text.trim()) throw new PlandbError('EMPTY', '.doc has no text', file);
    return { text: text.endsWith('\n') ? text : text + '\n', format: 'doc' };
  },
};
