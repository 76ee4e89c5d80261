/**
 * One output module for every query command: aligned tables (CJK double width), JSON, CSV for Excel
 * (UTF-8 with BOM, RFC 4180) and XLSX workbooks. Query functions return plain rows; commands describe
 * their columns once and hand both to `emit`.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import ExcelJS from 'exceljs';
import stringWidth from 'string-width';
import { PlandbError } from '../errors.js';

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
}

export interface OutputOptions {
  db: string;
  json?: boolean;
  csv?: boolean;
  tsv?: boolean;
  xlsx?: string;
  wide?: boolean;
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
    .option('--wide', 'table: do not cut long cells');
}

const dataColumns = (cols: Column[]) => cols.filter((c) => c.only !== 'table');
const tableColumns = (cols: Column[]) => cols.filter((c) => c.only !== 'data');

// ---------------------------------------------------------------- table

export const displayWidth = (s: string): number => stringWidth(s);

const segmenter = new Intl.Segmenter('zh', { granularity: 'grapheme' });

/** Cuts `s` to at most `max` display columns, ending in … when cut. */
export function truncate(s: string, max: number): string {
  if (max <= 0 || displayWidth(s) <= max) return s;
  let out = '';
  let w = 0;
  for (const { segment } of segmenter.segment(s)) {
    const sw = displayWidth(segment);
    if (w + sw > max - 1) break;
    out += segment;
    w += sw;
  }
  return out + '…';
}

function padTo(s: string, width: number, align: 'left' | 'right'): string {
  const gap = ' '.repeat(Math.max(0, width - displayWidth(s)));
  return align === 'right' ? gap + s : s + gap;
}

export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 1e6) / 1e6);
  return String(v);
}

/** Aligned text table; CJK characters count as two columns. */
export function formatTable(rs: ResultSet, opts: { wide?: boolean } = {}): string {
  const cols = tableColumns(rs.columns);
  const cells = (rs.rows as Row[]).map((r) =>
    cols.map((c) => {
      // keep leading spaces (outline indentation), flatten line breaks
      const s = cellText(c.render ? c.render(r) : r[c.key]).replace(/[\r\n\t]+/g, ' ').trimEnd();
      return c.max && !opts.wide ? truncate(s, c.max) : s;
    }),
  );
  const headers = cols.map((c) => c.header ?? c.key);
  const widths = cols.map((_, j) => Math.max(displayWidth(headers[j]!), ...cells.map((row) => displayWidth(row[j]!))));
  const line = (vals: string[]) => vals.map((v, j) => padTo(v, widths[j]!, cols[j]!.align ?? 'left')).join('  ').trimEnd();
  const out: string[] = [];
  if (rs.title) out.push(rs.title);
  if (!rs.rows.length) {
    out.push('(no rows)');
    return out.join('\n');
  }
  out.push(line(headers), widths.map((w) => '─'.repeat(w)).join('  '));
  for (const row of cells) out.push(line(row));
  out.push(`(${rs.rows.length} row${rs.rows.length === 1 ? '' : 's'})`);
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

// ---------------------------------------------------------------- XLSX

/** Excel's limit on text in one cell. */
const XLSX_CELL_MAX = 32767;

/** Excel sheet names: at most 31 characters, none of []:*?/\ , unique in the workbook. */
function sheetName(name: string, used: Set<string>): string {
  const base = (name.replace(/[[\]:*?/\\]/g, '_').slice(0, 31) || 'sheet').trim();
  let n = base;
  for (let k = 2; used.has(n.toLowerCase()); k++) n = `${base.slice(0, 31 - String(k).length - 1)}_${k}`;
  used.add(n.toLowerCase());
  return n;
}

export function addSheet(wb: ExcelJS.Workbook, rs: ResultSet, name: string, used: Set<string> = new Set(wb.worksheets.map((w) => w.name.toLowerCase()))): ExcelJS.Worksheet {
  const cols = dataColumns(rs.columns);
  const ws = wb.addWorksheet(sheetName(name, used), { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = cols.map((c) => {
    const longest = Math.max(displayWidth(c.key), ...(rs.rows as Row[]).slice(0, 200).map((r) => displayWidth(cellText(r[c.key]).slice(0, 80))));
    return { header: c.key, key: c.key, width: Math.min(60, Math.max(6, longest + 2)) };
  });
  for (const r of rs.rows as Row[]) {
    ws.addRow(
      cols.map((c) => {
        const v = r[c.key];
        if (v === null || v === undefined) return null;
        if (typeof v === 'number' || typeof v === 'boolean') return v;
        if (typeof v === 'bigint') return Number(v);
        const s = String(v);
        return s.length > XLSX_CELL_MAX ? s.slice(0, XLSX_CELL_MAX - 1) + '…' : s;
      }),
    );
  }
  ws.getRow(1).font = { bold: true };
  if (cols.length) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: cols.length } };
  return ws;
}

/** Writes one workbook with a sheet per result set. */
export async function writeXlsx(file: string, sheets: Array<{ name: string; rs: ResultSet }>): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'plandb';
  const used = new Set<string>();
  for (const s of sheets) addSheet(wb, s.rs, s.name, used);
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  try {
    await wb.xlsx.writeFile(file);
  } catch (e) {
    throw new PlandbError('USAGE', `cannot write workbook: ${(e as Error).message}`, file);
  }
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
    await writeXlsx(o.xlsx, [{ name: sheet, rs }]);
    io.err(`wrote ${rs.rows.length} row${rs.rows.length === 1 ? '' : 's'} to ${o.xlsx}`);
  } else if (o.json) io.out(formatJson(rs));
  // io.out adds "\n": end the text with "\r" so every record ends in CRLF
  else if (o.csv) io.out(formatCsv(rs).replace(/\n$/, ''));
  else if (o.tsv) io.out(formatTsv(rs));
  else io.out(formatTable(rs, { wide: o.wide }));
}
