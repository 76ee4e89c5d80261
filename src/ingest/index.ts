import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { PlandbError, isEnvironmental } from '../errors.js';
import { FileBudget, fmtBytes, type Limits } from './limits.js';
import { txtReader } from './txt.js';
import type { IngestedText, Reader } from './types.js';

export type { IngestedText, Reader, SourceFormat } from './types.js';
export { DEFAULT_LIMITS, FileBudget, fmtBytes, type Limits } from './limits.js';

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

/** A one-line reason for a file that cannot be stat'ed or read. */
export function fsError(e: unknown, file: string): PlandbError {
  const code = (e as NodeJS.ErrnoException)?.code;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file',
    ELOOP: 'symbolic link loop; skipped',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ENOTDIR: 'no such file (a part of the path is not a folder)',
    ENAMETOOLONG: 'file name too long',
  };
  const why = (code && reasons[code]) ?? `cannot read: ${(e as Error)?.message ?? String(e)}`;
  return new PlandbError(code === 'ENOENT' || code === 'ENOTDIR' ? 'ENOENT' : 'UNSUPPORTED', why, file, isEnvironmental(e));
}

/** Refuses what is not a regular file of a readable size (folders, FIFOs, devices such as /dev/zero). */
export function checkRegular(st: Stats, file: string, limits: Limits): void {
  if (st.isDirectory()) throw new PlandbError('UNSUPPORTED', 'is a folder, not a file; skipped', file);
  if (!st.isFile()) throw new PlandbError('UNSUPPORTED', `not a regular file (${st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : 'a device'}); skipped`, file);
  if (st.size > limits.maxFileBytes) throw new PlandbError('TOO_LARGE', `file too large: ${fmtBytes(st.size)} (limit ${fmtBytes(limits.maxFileBytes)})`, file);
}

/** Reads one file from disk into text, with a one-line PlandbError for anything unusable. */
export async function ingestFile(file: string, budget: FileBudget = new FileBudget(file)): Promise<LoadedSource> {
  let st;
  try {
    st = await stat(file);
  } catch (e) {
    throw fsError(e, file);
  }
  checkRegular(st, file, budget.limits);
  const reader = await readerFor(file);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw fsError(e, file);
  }
  if (bytes.length === 0) throw new PlandbError('EMPTY', 'file is empty', file);
  if (bytes.length > budget.limits.maxFileBytes) throw new PlandbError('TOO_LARGE', `file too large: ${fmtBytes(bytes.length)} (limit ${fmtBytes(budget.limits.maxFileBytes)})`, file);
  const out = await reader.read(bytes, file, budget);
  budget.text(out.text.length);
  budget.check('reading');
  return { ...out, path: file, bytes };
}
