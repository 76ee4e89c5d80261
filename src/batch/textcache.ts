/**
 * The text a reader made of a file, kept by the sha256 of the file's bytes, so that a rebuild after a
 * rule change reads PDF, Word and HTML files without parsing them again. Plain text is not cached:
 * decoding it costs less than reading a cache entry. One JSON file per entry, written atomically.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { removeDeadFiles } from '../store/stale.js';
import path from 'node:path';
import type { IngestedText } from '../ingest/types.js';
import { PLANDB_VERSION } from '../version.js';

/**
 * A cache entry of this plandb version: the JSON object at `file` when it was written by this
 * version, else null (missing, unreadable, or another version's: the caller does the work again).
 */
export function readEntry<T extends object>(file: string): T | null {
  try {
    const entry = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown } & T;
    return entry && entry.version === PLANDB_VERSION ? entry : null;
  } catch {
    return null;
  }
}

/**
 * Writes a cache entry atomically (to `FILE.PID.RANDOM.tmp`, renamed into place: what sweepCacheTemps
 * removes after a killed process), stamped with this plandb version. A cache that cannot be written
 * only costs time: failures are ignored.
 */
export function writeEntry(file: string, data: object): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(tmp, JSON.stringify({ version: PLANDB_VERSION, ...data }));
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
  }
}

export class TextCache {
  constructor(
    /** folder of the entries (created on first write) */
    readonly dir: string,
    /** false: entries are written but never read (`rebuild --force`) */
    readonly read = true,
  ) {}

  private file(sha: string): string {
    return path.join(this.dir, sha.slice(0, 2), `${sha}.json`);
  }

  get(sha: string): IngestedText | null {
    return this.read ? (readEntry<{ text: IngestedText }>(this.file(sha))?.text ?? null) : null;
  }

  put(sha: string, text: IngestedText): void {
    const { format, encoding, pageStarts, warnings } = text;
    writeEntry(this.file(sha), { text: { text: text.text, format, encoding, pageStarts, warnings } });
  }
}

/** A cache folder that belongs to a database: `cache/KIND` beside it (out/plans.db → out/cache/text). */
const cacheDirOf = (dbFile: string, kind: 'text' | 'tokens' | 'norm'): string => path.join(path.dirname(path.resolve(dbFile)), 'cache', kind);

/** The text cache of a database: out/plans.db → out/cache/text. */
export const textCacheDir = (dbFile: string): string => cacheDirOf(dbFile, 'text');

/** The token cache (tokencache.ts) of a database: out/plans.db → out/cache/tokens. */
export const tokenCacheDir = (dbFile: string): string => cacheDirOf(dbFile, 'tokens');

/** The normalized-text cache (normcache.ts) of a database: out/plans.db → out/cache/norm. */
export const normCacheDir = (dbFile: string): string => cacheDirOf(dbFile, 'norm');

/**
 * Removes the half-written entries (`ENTRY.PID.RANDOM.tmp`) that processes killed while writing a
 * cache left under `dir` (text, tokens or norm); entries of running processes stay. A cache entry is
 * written to such a file and renamed into place, so every `.json` entry is whole.
 */
export function sweepCacheTemps(dir: string): string[] {
  return removeDeadFiles(
    dir,
    (n) => {
      const m = /\.(\d+)\.[0-9a-z]+\.tmp$/.exec(n);
      return m ? Number(m[1]) : null;
    },
    true,
  );
}
