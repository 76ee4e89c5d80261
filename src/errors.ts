/** Stable error codes; the CLI prints `plandb: <file>: <message>` and exits non-zero. */
export type ErrorCode =
  | 'ENOENT'
  | 'EMPTY'
  | 'BINARY'
  | 'ENCODING'
  | 'NO_PLAN'
  | 'UNSUPPORTED'
  | 'PDF_ENCRYPTED'
  | 'PDF_CORRUPT'
  | 'PDF_NO_TEXT'
  | 'DOCX_CORRUPT'
  | 'DOC_CORRUPT'
  | 'BAD_RULES'
  | 'BAD_GOLD'
  | 'USAGE'
  | 'TOO_LARGE'
  | 'TIMEOUT'
  | 'DB'
  | 'BAD_CORRECTIONS';

export class PlandbError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly file?: string,
    /** a failure of the machine (disk full, I/O error), not of the input: see isEnvironmental */
    readonly environmental = false,
  ) {
    super(message);
    this.name = 'PlandbError';
  }

  /** One line for humans: `FILE: reason`. */
  toLine(): string {
    return escapeControls(this.file ? `${this.file}: ${this.message}` : this.message);
  }
}

/**
 * Control characters (a file named with an escape sequence or a newline, an argument with a NUL)
 * shown as \n, \t, \x1b… so that a message stays one line and cannot drive the terminal.
 */
export function escapeControls(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const h = c.charCodeAt(0).toString(16);
    return c.charCodeAt(0) > 0xff ? `\\u${h.padStart(4, '0')}` : `\\x${h.padStart(2, '0')}`;
  });
}

/** First line of a message, control characters escaped. */
function oneLine(msg: string): string {
  return escapeControls(msg.split('\n')[0]!);
}

export function errorLine(err: unknown, file?: string): string {
  if (err instanceof PlandbError) return err.file || !file ? err.toLine() : escapeControls(`${file}: ${err.message}`);
  const msg = err instanceof Error ? err.message : String(err);
  return file ? `${escapeControls(file)}: ${oneLine(msg)}` : oneLine(msg);
}

const ENV_SQLITE = /^SQLITE_(FULL|IOERR|NOMEM|CANTOPEN|READONLY|CORRUPT|NOTADB|BUSY|LOCKED|PERM|PROTOCOL|AUTH)/;
const ENV_ERRNO = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'ENOMEM', 'EMFILE', 'ENFILE', 'EROFS', 'ENXIO', 'ESTALE']);

/**
 * A failure of the machine rather than of the input file: disk full, I/O error, out of memory,
 * database locked or read-only. A batch stops on it (the next file would fail the same way) and a
 * rebuild keeps the old database.
 */
export function isEnvironmental(err: unknown): boolean {
  if (err instanceof PlandbError) return err.environmental;
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (ENV_SQLITE.test(code) || ENV_ERRNO.has(code)) return true;
  if (err instanceof RangeError && /allocation failed|out of memory/i.test(String(e?.message))) return true;
  return false;
}
