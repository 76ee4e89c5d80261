import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { PlandbError } from '../errors.js';
import { txtReader } from './txt.js';
import type { IngestedText, Reader } from './types.js';

export type { IngestedText, Reader, SourceFormat } from './types.js';

let extraReaders: Reader[] | null = null;

/** PDF and DOCX readers pull in heavy libraries; load them only when such a file shows up. */
async function paged(): Promise<Reader[]> {
  if (!extraReaders) {
    const [{ pdfReader }, { docxReader }] = await Promise.all([import('./pdf.js'), import('./docx.js')]);
    extraReaders = [pdfReader, docxReader];
  }
  return extraReaders;
}

export async function readerFor(file: string): Promise<Reader> {
  const ext = path.extname(file).toLowerCase();
  if (txtReader.extensions.includes(ext)) return txtReader;
  for (const r of await paged()) if (r.extensions.includes(ext)) return r;
  throw new PlandbError('UNSUPPORTED', `unsupported file type '${ext || '(none)'}' (expected .txt, .pdf or .docx)`, file);
}

export interface LoadedSource extends IngestedText {
  path: string;
  bytes: Buffer;
}

/** Reads one file from disk into text, with a one-line PlandbError for anything unusable. */
export async function ingestFile(file: string): Promise<LoadedSource> {
  let st;
  try {
    st = await stat(file);
  } catch {
    throw new PlandbError('ENOENT', 'no such file', file);
  }
  if (st.isDirectory()) throw new PlandbError('UNSUPPORTED', 'is a directory', file);
  const reader = await readerFor(file);
  const bytes = await readFile(file);
  if (bytes.length === 0) throw new PlandbError('EMPTY', 'file is empty', file);
  const out = await reader.read(bytes, file);
  return { ...out, path: file, bytes };
}
