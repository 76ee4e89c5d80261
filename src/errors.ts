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
  | 'DB';

export class PlandbError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly file?: string,
  ) {
    super(message);
    this.name = 'PlandbError';
  }

  /** One line for humans: `FILE: reason`. */
  toLine(): string {
    return this.file ? `${this.file}: ${this.message}` : this.message;
  }
}

export function errorLine(err: unknown, file?: string): string {
  if (err instanceof PlandbError) return err.file || !file ? err.toLine() : `${file}: ${err.message}`;
  const msg = err instanceof Error ? err.message : String(err);
  return file ? `${file}: ${msg.split('\n')[0]}` : msg.split('\n')[0];
}
