/** What every route shares: the options, the read-only database (reopened when a rebuild replaces the file), the token. */
import { statSync } from 'node:fs';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openQueryDb } from '../query/common.js';
import type { DB } from '../store/db.js';
import { HttpError } from './errors.js';

export interface ServeOptions {
  /** plan database, opened read-only */
  db: string;
  /** folder of correction files that review actions write to */
  corrections?: string;
  host?: string;
  /** 0 picks a free port */
  port?: number;
  /** time limit for one query of the SQL page (ms) */
  sqlTimeLimitMs?: number;
  /** at most this many rows from the SQL page */
  sqlRowCap?: number;
  /** fixed write token (tests); default: a random one per server */
  token?: string;
}

/**
 * The read-only connection for browsing. A rebuild renames a new file over the database: each request
 * checks the file (one stat) and reopens when it changed, so the pages show the rebuilt data at once.
 */
export class DbHolder {
  private db: DB | null = null;
  private stamp = '';
  /** bumps when the database is reopened; pages may cache per generation */
  generation = 0;

  constructor(readonly file: string) {}

  get(): DB {
    let st;
    try {
      st = statSync(this.file);
    } catch {
      throw new HttpError(503, 'DB_UNAVAILABLE', `database ${path.basename(this.file)} not found (build it with 'plandb rebuild')`);
    }
    const stamp = `${st.ino}:${st.size}:${st.mtimeMs}`;
    if (!this.db || stamp !== this.stamp) {
      this.close();
      this.db = openQueryDb(this.file);
      this.stamp = stamp;
      this.generation++;
    }
    return this.db;
  }

  close(): void {
    if (this.db?.open) this.db.close();
    this.db = null;
  }
}

export interface ServeContext {
  opts: Required<Omit<ServeOptions, 'token' | 'corrections'>> & { corrections: string };
  dbs: DbHolder;
  token: string;
}

/** The checkout (or installed package) root: templates, static files and the SQL child live under src/serve. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'src', 'serve'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('plandb: cannot find the package folder (src/serve is missing)');
    dir = up;
  }
}

export const serveDir = (...parts: string[]) => path.join(packageRoot(), 'src', 'serve', ...parts);
