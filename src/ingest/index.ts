import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { PlandbError, isEnvironmental } from '../errors.js';
import { FileBudget, fmtBytes, type Limits } from './limits.js';
import { sniff, type Sniffed } from './sniff.js';
import { txtReader } from './txt.js';
import type { IngestedText, Reader, SourceFormat, Warning } from './types.js';

export type { IngestedText, Reader, SourceFormat, Warning, Severity } from './types.js';
export { DEFAULT_LIMITS, FileBudget, fmtBytes, type Limits } from './limits.js';
export { sniff } from './sniff.js';

/** Readers other than txt pull in heavy libraries; load each only when such a file shows up. */
const loaders: Record<Exclude<SourceFormat, 'txt'>, () => Promise<Reader>> = {
  pdf: async () => (await import('./pdf.js')).pdfReader,
  docx: async () => (await import('./docx.js')).docxReader,
  html: async () => (await import('./html.js')).htmlReader,
  doc: async () => (await import('./doc.js')).docReader,
};

const EXTENSIONS: Record<SourceFormat, string[]> = {
  txt: ['.txt', '.text', '.md'],
  pdf: ['.pdf'],
  docx: ['.docx'],
  html: ['.html', '.htm', '.shtml', '.xhtml'],
  doc: ['.doc', '.wps'],
};

/** The format an extension promises, or null for an extension plandb does not know. */
export function formatOfExtension(file: string): SourceFormat | null {
  const ext = path.extname(file).toLowerCase();
  for (const [f, exts] of Object.entries(EXTENSIONS)) if (exts.includes(ext)) return f as SourceFormat;
  return null;
}

export async function readerFor(format: SourceFormat): Promise<Reader> {
  return format === 'txt' ? txtReader : loaders[format]();
}

const UNKNOWN: Partial<Record<Sniffed, string>> = {
  zip: 'unknown format: a zip archive without a Word document inside (expected .txt, .html, .pdf, .doc or .docx)',
  ole: 'unknown format: an Office file that is not a Word document (expected .txt, .html, .pdf, .doc or .docx)',
};

export interface LoadedSource extends IngestedText {
  path: string;
  bytes: Buffer;
  /** sha256 of `bytes` */
  sha256: string;
  /** the file's size and modification time when it was read */
  stat: { size: number; mtimeMs: number };
}

/** Where readers' text may be kept by the sha256 of a file's bytes (src/batch/textcache.ts). */
export interface TextStore {
  get(sha: string): IngestedText | null;
  put(sha: string, text: IngestedText): void;
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

/**
 * Reads one file from disk into text, choosing the reader by the file's content (magic bytes,
 * markup), not its name; a file whose content differs from its extension is read by what it is,
 * with a warning. Anything unusable is a one-line PlandbError.
 */
export async function ingestFile(file: string, budget: FileBudget = new FileBudget(file), store?: TextStore): Promise<LoadedSource> {
  let st;
  try {
    st = await stat(file);
  } catch (e) {
    throw fsError(e, file);
  }
  checkRegular(st, file, budget.limits);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw fsError(e, file);
  }
  if (bytes.length === 0) throw new PlandbError('EMPTY', 'file is empty', file);
  if (bytes.length > budget.limits.maxFileBytes) throw new PlandbError('TOO_LARGE', `file too large: ${fmtBytes(bytes.length)} (limit ${fmtBytes(budget.limits.maxFileBytes)})`, file);
  const found = sniff(bytes);
  const msg = UNKNOWN[found];
  if (msg) throw new PlandbError('UNSUPPORTED', msg, file);
  const format = found as SourceFormat;
  const claimed = formatOfExtension(file);
  const sha = createHash('sha256').update(bytes).digest('hex');
  // plain text is decoded faster than a cache entry is read; other formats are parsed once
  const cached = store && format !== 'txt' ? store.get(sha) : null;
  const out = cached ?? (await (await readerFor(format)).read(bytes, file, budget));
  if (store && format !== 'txt' && !cached) store.put(sha, out);
  budget.text(out.text.length);
  budget.check('reading');
  const warnings: Warning[] = [...(out.warnings ?? [])];
  if (claimed !== format && !(claimed === null && format === 'txt')) {
    const ext = path.extname(file) || '(no extension)';
    warnings.push({ code: 'format-mismatch', severity: 'info', message: `content is ${format.toUpperCase()}, not what the extension ${ext} says; read as ${format}`, start: 0, end: 0, rule: 'ingest.sniff' });
  }
  return { ...out, warnings, path: file, bytes, sha256: sha, stat: { size: st.size, mtimeMs: st.mtimeMs } };
}
