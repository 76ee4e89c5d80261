import type { FileBudget } from './limits.js';

export type SourceFormat = 'txt' | 'pdf' | 'docx' | 'html' | 'doc';

export type Severity = 'info' | 'warning' | 'error';

/**
 * A positioned note on a document, added by any stage (as vfile messages are): `start`/`end` are
 * offsets into the normalized text (0/0 for a whole-file note from ingest), `rule` the rule or
 * stage that raised it.
 */
export interface Warning {
  code: string;
  severity: Severity;
  message: string;
  start: number;
  end: number;
  rule: string;
}

/**
 * What a reader turns a file into: plain text laid out like the seed .txt plans
 * (one paragraph per line, blank lines allowed, table rows as tab-separated cells),
 * plus, for paged formats, the offset in `text` where each page starts.
 * Offsets are UTF-16 code units into `text`.
 */
export interface IngestedText {
  text: string;
  format: SourceFormat;
  /** e.g. 'utf-8', 'gb18030', 'utf-16le' for txt; undefined for pdf/docx */
  encoding?: string;
  /** pageStarts[i] = offset in text where page i+1 starts (PDF only) */
  pageStarts?: number[];
  /** whole-file notes from the reader (format differs from the extension, …) */
  warnings?: Warning[];
}

export interface Reader {
  format: SourceFormat;
  extensions: string[];
  /** `budget` (when given) bounds what the file may cost: pages, decompressed size, text length, time */
  read(buf: Buffer, file: string, budget?: FileBudget): Promise<IngestedText>;
}
