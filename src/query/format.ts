/**
 * One output module for every query command: aligned tables (CJK double width), JSON, CSV for Excel
 * (UTF-8 with BOM, RFC 4180) and XLSX workbooks. Query functions return plain rows; commands describe
 * their columns once and hand both to `emit`.
 */
import type { Command } from 'commander';
import { PlandbError } from '../errors.js';
import { displayWidth, truncate } from './width.js';
import { MAX_LIMIT, TABLE_PAGE, pageFooter, parseCount, type Page } from './paging.js';

export { displayWidth, truncate };

export type Row = Record<string, unknown>;

/** Any row object (interfaces without an index signature too). */
export type AnyRow = object;

export interface Column {
  /** key in the row; also the header in JSON, CSV and XLSX */
  key: string;
  /** header in the table (default: key) */
  header?: string;
  /** table cells wider than this (display columns) are cut with … (unless --wide) */
  max?: number;
  align?: 'left' | 'right';
  /** 'table': only in the aligned table (a display column); 'data': only in JSON/CSV/XLSX */
  only?: 'table' | 'data';
  /** table-only rendering of the row (default: the value at `key`) */
  render?: (row: Row) => unknown;
}

export interface ResultSet {
  columns: Column[];
  rows: readonly AnyRow[];
  /** a line printed above the table (table mode only) */
  title?: string;
  /** sheet name in XLSX */
  sheet?: string;
  /** when the rows are one page of a listing: the number of rows in all and where the page starts */
  total?: number;
  offset?: number;
}

export interface OutputOptions {
  db: string;
  json?: boolean;
  csv?: boolean;
  tsv?: boolean;
  xlsx?: string;
  wide?: boolean;
  /** paging (commander keeps them as given: strings) */
  limit?: string;
  offset?: string;
  all?: boolean;
}

export const DEFAULT_DB = 'out/plans.db';
export const BOM = '\uFEFF';

/** Declares --db, --json, --csv, --tsv, --xlsx and --wide once for every query command. */
export function addOutputOptions(cmd: Command): Command {
  return cmd
    .option('--db <file>', 'plan database (opened read-only)', DEFAULT_DB)
    .option('--json', 'print rows as JSON (all fields, untruncated)')
    .option('--csv', 'print rows as CSV for Excel (UTF-8 with BOM, RFC 4180); redirect to a file')
    .option('--tsv', 'print rows tab-separated, to paste into Excel or a spreadsheet (no BOM; tabs and line breaks in cells become spaces)')
    .option('--xlsx <file>', 'write rows to an Excel workbook')
    .option('--wide', 'table: do not cut long cells')
    .option('--limit <n>', `at most n rows (the table shows ${TABLE_PAGE} unless --all; --json, --csv, --tsv and --xlsx give every row unless --limit)`)
    .option('--offset <n>', 'skip the first n rows (the next page: --offset 100)')
    .option('--all', 'table: every row, not one page');
}

/**
 * The page a command reads: the table shows `table` rows (a page) unless --all or --limit; data
 * outputs (--json, --csv, --tsv, --xlsx) give `data` rows (every row unless --limit).
 */
export function pageFor(o: Pick<OutputOptions, 'limit' | 'offset' | 'all' | 'json' | 'csv' | 'tsv' | 'xlsx'>, defaults: { table?: number; data?: number } = {}): Page {
  const limit = parseCount(o.limit, '--limit', 1, MAX_LIMIT);
  const offset = parseCount(o.offset, '--offset') ?? 0;
  if (o.all && limit !== undefined) throw new PlandbError('USAGE', 'choose one of --all, --limit');
  const dataMode = !!(o.json || o.csv || o.tsv || o.xlsx);
  if (o.all) return { offset };
  return { limit: limit ?? (dataMode ? defaults.data : (defaults.table ?? TABLE_PAGE)), offset };
}

export const dataColumns = (cols: Column[]) => cols.filter((c) => c.only !== 'table');
const tableColumns = (cols: Column[]) => cols.filter((c) => c.only !== 'data');

// ---------------------------------------------------------------- table

const padTo = (s: string, sw: number, width: number, align: 'left' | 'right'): string => {
  if (sw >= width) return s;
  const gap = ' '.repeat(width - sw);
  return align === 'right' ? gap + s : s + gap;
};

export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 1e6) / 1e6);
  return String(v);
}

/** Aligned text table; CJK characters count as two columns. */
export function formatTable(rs: ResultSet, opts: { wide?: boolean } = {}): string {
  const cols = tableColumns(rs.columns);
  const rows = rs.rows as Row[];
  const headers = cols.map((c) => c.header ?? c.key);
  const widths = headers.map((h) => displayWidth(h));
  // every cell once: its text and its width (cells.length = rows × columns)
  const n = cols.length;
  const cells: string[] = new Array(rows.length * n);
  const cellWidths = new Int32Array(rows.length * n);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    for (let j = 0; j < n; j++) {
      const c = cols[j]!;
      // keep leading spaces (outline indentation), flatten line breaks
      let s = cellText(c.render ? c.render(r) : r[c.key]);
      if (/[\r\n\t]/.test(s)) s = s.replace(/[\r\n\t]+/g, ' ');
      s = s.trimEnd();
      if (c.max && !opts.wide) s = truncate(s, c.max);
      const w = displayWidth(s);
      cells[i * n + j] = s;
      cellWidths[i * n + j] = w;
      if (w > widths[j]!) widths[j] = w;
    }
  }
  const aligns = cols.map((c) => c.align ?? 'left');
  const out: string[] = [];
  if (rs.title) out.push(rs.title);
  const footer = rs.total === undefined ? `(${rows.length} row${rows.length === 1 ? '' : 's'})` : pageFooter({ shown: rows.length, offset: rs.offset ?? 0, total: rs.total });
  if (!rows.length) {
    out.push(rs.total ? footer : '(no rows)');
    return out.join('\n');
  }
  out.push(headers.map((h, j) => padTo(h, displayWidth(h), widths[j]!, aligns[j]!)).join('  ').trimEnd(), widths.map((w) => '─'.repeat(w)).join('  '));
  const line: string[] = new Array(n);
  for (let i = 0; i < rows.length; i++) {
    for (let j = 0; j < n; j++) line[j] = padTo(cells[i * n + j]!, cellWidths[i * n + j]!, widths[j]!, aligns[j]!);
    out.push(line.join('  ').trimEnd());
  }
  out.push(footer);
  return out.join('\n');
}

// ---------------------------------------------------------------- JSON

export function toJsonRows(rs: ResultSet): Row[] {
  const cols = dataColumns(rs.columns);
  return (rs.rows as Row[]).map((r) => Object.fromEntries(cols.map((c) => [c.key, r[c.key] ?? null])));
}

export function formatJson(rs: ResultSet): string {
  return JSON.stringify(toJsonRows(rs), null, 2);
}

// ---------------------------------------------------------------- CSV

/**
 * OWASP's CSV-injection rule: a field that starts with =, +, -, @, a tab or a carriage return (or a
 * line feed, or whitespace before one of =+-@) could be run by Excel as a formula, so it gets a
 * leading apostrophe. Left alone: a lone "=" (the op column) and plain numbers such as -1.5 or +3%,
 * which Excel reads as numbers, not formulas.
 */
export function excelSafe(s: string): string {
  if (s === '=' || /^[-+]?(?:\d+(?:\.\d+)?|\.\d+)%?$/.test(s)) return s;
  return /^[=+\-@\t\r\n]/.test(s) || /^\s+[=+\-@]/.test(s) ? `'${s}` : s;
}

export function csvField(v: unknown): string {
  const s = typeof v === 'string' ? excelSafe(v) : cellText(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV (CRLF line ends) with a UTF-8 BOM so Excel shows Chinese. */
export function formatCsv(rs: ResultSet): string {
  const cols = dataColumns(rs.columns);
  const lines = [cols.map((c) => csvField(c.key)).join(',')];
  for (const r of rs.rows as Row[]) lines.push(cols.map((c) => csvField(r[c.key])).join(','));
  return BOM + lines.join('\r\n') + '\r\n';
}

/** A cell for tab-separated output: one line, no tab; a cell starting with a quote is quoted so Excel keeps it. */
export function tsvField(v: unknown): string {
  const s = (typeof v === 'string' ? excelSafe(v) : cellText(v)).replace(/[\t\r\n]+/g, ' ');
  return s.startsWith('"') ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Tab-separated rows with a header line, for pasting into Excel. */
export function formatTsv(rs: ResultSet): string {
  const cols = dataColumns(rs.columns);
  const lines = [cols.map((c) => tsvField(c.key)).join('\t')];
  for (const r of rs.rows as Row[]) lines.push(cols.map((c) => tsvField(r[c.key])).join('\t'));
  return lines.join('\n');
}

// ---------------------------------------------------------------- emit

export interface Out {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** Prints (or writes) a result set the way the options ask: table, --json, --csv, --tsv or --xlsx FILE. */
export async function emit(io: Out, rs: ResultSet, o: Omit<OutputOptions, 'db'>, sheet = rs.sheet ?? 'rows'): Promise<void> {
  const modes = [o.json && '--json', o.csv && '--csv', o.tsv && '--tsv', o.xlsx && '--xlsx'].filter(Boolean);
  if (modes.length > 1) throw new PlandbError('USAGE', `choose one of ${modes.join(', ')}`);
  if (o.xlsx) {
    const { writeXlsx } = await import('./xlsx.js');
    await writeXlsx(o.xlsx, [{ name: sheet, rs }]);
    const of = rs.total !== undefined && rs.total > rs.rows.length ? ` (of ${rs.total})` : '';
    io.err(`wrote ${rs.rows.length} row${rs.rows.length === 1 ? '' : 's'}${of} to ${o.xlsx}`);
  } else if (o.json) io.out(formatJson(rs));
  // io.out adds "\n": end the text with "\r" so every record ends in CRLF
  else if (o.csv) io.out(formatCsv(rs).replace(/\n$/, ''));
  else if (o.tsv) io.out(formatTsv(rs));
  else io.out(formatTable(rs, { wide: o.wide }));
}
