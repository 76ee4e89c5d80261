import { PlandbError } from '../errors.js';

/**
 * What one input file may cost. A hostile or broken file (a zip bomb, a 10 000-page PDF, megabytes
 * of text in one paragraph) is refused with one line naming the limit, and the batch goes on.
 */
export interface Limits {
  /** largest file on disk */
  maxFileBytes: number;
  /** largest total of a .docx's (or any zip container's) decompressed entries */
  maxDecompressedBytes: number;
  /** longest text a file may yield (characters); the largest real plans are about 200 000 */
  maxTextChars: number;
  /** most pages of a PDF */
  maxPdfPages: number;
  /** wall-clock seconds for reading and extracting one file (checked between pages and stages) */
  maxSeconds: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxFileBytes: 200 * 1024 * 1024,
  maxDecompressedBytes: 256 * 1024 * 1024,
  maxTextChars: 1_000_000,
  maxPdfPages: 3000,
  maxSeconds: 60,
});

/** 200 MB, 17 KB, 300 bytes */
export function fmtBytes(n: number): string {
  if (n >= 1048576) return `${Math.round(n / 1048576)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}

/** The limits and the clock of one file, handed to readers and stages. */
export class FileBudget {
  readonly limits: Limits;
  private readonly until: number;
  constructor(
    readonly file: string,
    limits: Partial<Limits> = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.until = Date.now() + this.limits.maxSeconds * 1000;
  }

  /** Throws TIMEOUT once the file has used up its time. */
  check(stage: string): void {
    if (Date.now() >= this.until) throw new PlandbError('TIMEOUT', `took longer than ${this.limits.maxSeconds} s (limit) while ${stage}; skipped`, this.file);
  }

  text(chars: number): void {
    if (chars > this.limits.maxTextChars) {
      throw new PlandbError('TOO_LARGE', `text too long: ${chars} characters (limit ${this.limits.maxTextChars})`, this.file);
    }
  }
}
