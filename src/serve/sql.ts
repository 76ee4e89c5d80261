/**
 * Read-only SQL for the SQL page, as Datasette does: one statement that reads, a time limit and a row cap.
 * Queries run one at a time in a child process (sql-child.mjs) on its own read-only connection; a query
 * over the time limit is stopped by killing that process (a runaway WITH RECURSIVE cannot be interrupted
 * any other way with better-sqlite3), and the next query starts a fresh one. The server never blocks.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { serveDir } from './context.js';
import { HttpError } from './errors.js';

export interface SqlResult {
  columns: string[];
  rows: unknown[][];
  /** more rows than the cap: only the first `rowCap` are returned */
  truncated: boolean;
  ms: number;
}

interface Reply {
  id: number;
  ok: boolean;
  code?: string;
  message?: string;
  columns?: string[];
  rows?: unknown[][];
  truncated?: boolean;
  ms?: number;
}

export const MAX_SQL_LENGTH = 20_000;
/** how long the query process may take to load (not counted in a query's time limit) */
const STARTUP_MS = 20_000;

export class SqlRunner {
  private child: ChildProcess | null = null;
  private ready: Promise<void> = Promise.resolve();
  private seq = 0;
  private chain: Promise<unknown> = Promise.resolve();
  /** queries stopped at the time limit (for tests and the log) */
  stopped = 0;

  constructor(
    private readonly dbFile: string,
    private readonly timeLimitMs: number,
    private readonly rowCap: number,
  ) {}

  /** Starts the query process (if none is running) and resolves once it has loaded. */
  private spawn(): ChildProcess {
    if (this.child && this.child.connected) return this.child;
    const child = fork(serveDir('sql-child.mjs'), [], {
      execArgv: ['--max-old-space-size=256'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    child.on('exit', () => {
      if (this.child === child) this.child = null;
    });
    child.on('error', () => {
      if (this.child === child) this.child = null;
    });
    this.child = child;
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new HttpError(503, 'SQL_UNAVAILABLE', 'the query process did not start')), STARTUP_MS);
      child.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', () => {
        clearTimeout(timer);
        reject(new HttpError(503, 'SQL_UNAVAILABLE', 'the query process did not start'));
      });
    });
    return child;
  }

  /** Starts the query process ahead of the first query. */
  warm(): void {
    this.spawn();
    this.ready.catch(() => undefined);
  }

  /** Runs one read-only query; queries queue behind each other. */
  run(sql: string): Promise<SqlResult> {
    if (!sql.trim()) return Promise.reject(new HttpError(400, 'BAD_REQUEST', 'no SQL given'));
    if (sql.length > MAX_SQL_LENGTH) return Promise.reject(new HttpError(400, 'BAD_REQUEST', `SQL longer than ${MAX_SQL_LENGTH} characters`));
    const next = this.chain.then(() => this.runNow(sql));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async runNow(sql: string): Promise<SqlResult> {
    const child = this.spawn();
    await this.ready;
    const id = ++this.seq;
    return new Promise<SqlResult>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const timer = setTimeout(() => {
        done();
        this.stopped++;
        child.kill('SIGKILL');
        if (this.child === child) this.child = null;
        reject(new HttpError(400, 'SQL_TIMEOUT', `query stopped: it ran longer than the time limit of ${this.timeLimitMs} ms`));
      }, this.timeLimitMs);
      const onMessage = (m: Reply) => {
        if (m.id !== id) return;
        done();
        if (m.ok) resolve({ columns: m.columns!, rows: m.rows!, truncated: !!m.truncated, ms: m.ms ?? 0 });
        else reject(new HttpError(400, m.code ?? 'SQL_ERROR', m.message ?? 'query failed'));
      };
      const onExit = () => {
        done();
        reject(new HttpError(400, 'SQL_ERROR', 'query failed: the query process ended (out of memory?)'));
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.send({ id, file: this.dbFile, sql, rowCap: this.rowCap });
    });
  }

  close(): void {
    const c = this.child;
    this.child = null;
    if (c && c.exitCode === null) c.kill('SIGKILL');
  }
}
