import type { FileBudget } from './limits.js';

export type SourceFormat = 'txt' | 'pdf' | 'docx';

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
}

export interface Reader {
  format: SourceFormat;
  extensions: string[];
  /** `budget` (when given) bounds what the file may cost: pages, decompressed size, text length, time */
  read(buf: Buffer, file: string, budget?: FileBudget): Promise<IngestedText>;
}
