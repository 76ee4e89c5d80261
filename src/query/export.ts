/**
 * plandb export --out DIR: every table and view as CSV (with BOM) plus one workbook plandb.xlsx.
 * Streamed: rows come from the database one at a time (stmt.iterate) and go straight to each CSV
 * file and to the workbook (ExcelJS's streaming writer, one committed row at a time), so memory stays
 * bounded whatever the size of the database.
 */
import { createWriteStream, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import { PlandbError } from '../errors.js';
import type { DB } from '../store/read.js';
import { BOM, cellText, csvField, type ResultSet } from './format.js';
import { displayWidth } from './width.js';
import { XLSX_CELL_MAX, sheetName } from './xlsx.js';

/** Columns left out of the export: the whole normalised text of each source is too big for a cell. */
const SKIP_COLUMNS: Record<string, string[]> = { sources: ['normalized_text'] };

export interface ExportedTable {
  name: string;
  type: 'table' | 'view';
  rows: number;
  csv: string;
}

/** Tables and views worth exporting: not SQLite's own, not the full-text index and its shadow tables. */
export function exportableTables(db: DB): Array<{ name: string; type: 'table' | 'view' }> {
  const all = db.prepare(`SELECT name, type, sql FROM sqlite_master WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%' ORDER BY type, rowid`).all() as Array<{
    name: string;
    type: 'table' | 'view';
    sql: string | null;
  }>;
  const virtual = all.filter((t) => /^CREATE VIRTUAL TABLE/i.test(t.sql ?? '')).map((t) => t.name);
  return all.filter((t) => !virtual.includes(t.name) && !virtual.some((v) => t.name.startsWith(`${v}_`))).map(({ name, type }) => ({ name, type }));
}

const quoted = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** The exported columns of a table and the SELECT that reads them (ordered by id when it has one). */
function tableQuery(db: DB, name: string): { cols: string[]; sql: string } {
  const cols = (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(name) as string[]).filter((c) => !SKIP_COLUMNS[name]?.includes(c));
  const order = cols.includes('id') ? ' ORDER BY id' : '';
  return { cols, sql: `SELECT ${cols.map(quoted).join(', ')} FROM ${quoted(name)}${order}` };
}

/** A whole table as a result set (in memory: for small tables and tests). */
export function tableResult(db: DB, name: string): ResultSet {
  const { cols, sql } = tableQuery(db, name);
  const rows = db.prepare(sql).all() as Array<Record<string, unknown>>;
  return { columns: cols.map((key) => ({ key })), rows, sheet: name };
}

/** A cell value for the workbook: numbers as numbers, text cut at Excel's limit. */
function xlsxValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  const s = String(v);
  return s.length > XLSX_CELL_MAX ? s.slice(0, XLSX_CELL_MAX - 1) + '…' : s;
}

/** Rows read ahead to size the workbook's columns (as addSheet does), then written as they come. */
const WIDTH_ROWS = 200;
/** Rows between two pauses that let the workbook's zip stream drain. */
const YIELD_ROWS = 500;

/** Writes DIR/<name>.csv for every table and view and DIR/plandb.xlsx with a sheet each. */
export async function exportAll(db: DB, args: { out: string }): Promise<{ dir: string; workbook: string; tables: ExportedTable[] }> {
  const dir = args.out;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new PlandbError('USAGE', `cannot create folder: ${(e as Error).message}`, dir);
  }
  const workbook = path.join(dir, 'plandb.xlsx');
  const bookError = (e: unknown) => new PlandbError('USAGE', `cannot write workbook: ${(e as Error).message}`, workbook);
  let wb: ExcelJS.stream.xlsx.WorkbookWriter;
  try {
    wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: workbook, useStyles: true, useSharedStrings: false });
  } catch (e) {
    throw bookError(e);
  }
  wb.creator = 'plandb';
  // an error of the file stream (a folder named plandb.xlsx, a full disk) ends the export
  let failed: unknown = null;
  (wb as unknown as { stream: NodeJS.EventEmitter }).stream.on('error', (e: unknown) => (failed ??= e));
  const check = () => {
    if (failed) throw bookError(failed);
  };
  const used = new Set<string>();
  const tables: ExportedTable[] = [];
  for (const t of exportableTables(db)) {
    const { cols, sql } = tableQuery(db, t.name);
    const csv = path.join(dir, `${t.name}.csv`);
    // opened here so that a path that cannot be written fails at once, as writeFileSync did
    const out = createWriteStream(csv, { fd: openSync(csv, 'w') });
    let outError: unknown = null;
    out.on('error', (e) => (outError ??= e));
    const ws = wb.addWorksheet(sheetName(t.name, used), { views: [{ state: 'frozen', ySplit: 1 }] });
    const head: Array<Record<string, unknown>> = [];
    let rows = 0;
    let sized = false;
    const size = () => {
      ws.columns = cols.map((c) => {
        const longest = Math.max(displayWidth(c), ...head.map((r) => displayWidth(cellText(r[c]).slice(0, 80))));
        return { header: c, key: c, width: Math.min(60, Math.max(6, longest + 2)) };
      });
      ws.getRow(1).font = { bold: true };
      if (cols.length) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: cols.length } };
      ws.getRow(1).commit();
      for (const r of head) ws.addRow(cols.map((c) => xlsxValue(r[c]))).commit();
      sized = true;
    };
    try {
      out.write(BOM + cols.map(csvField).join(',') + '\r\n');
      for (const r of db.prepare(sql).iterate() as IterableIterator<Record<string, unknown>>) {
        rows++;
        const line = cols.map((c) => csvField(r[c])).join(',') + '\r\n';
        if (!out.write(line)) await once(out, 'drain');
        if (!sized) {
          head.push(r);
          if (head.length === WIDTH_ROWS) size();
        } else ws.addRow(cols.map((c) => xlsxValue(r[c]))).commit();
        if (rows % YIELD_ROWS === 0) {
          await new Promise((resolve) => setImmediate(resolve));
          if (outError) throw outError;
          check();
        }
      }
      if (!sized) size();
      if (outError) throw outError;
      out.end();
      await once(out, 'finish');
    } catch (e) {
      out.destroy();
      throw e;
    }
    await ws.commit();
    check();
    tables.push({ name: t.name, type: t.type, rows, csv });
  }
  try {
    await wb.commit();
  } catch (e) {
    throw bookError(e);
  }
  check();
  return { dir, workbook, tables };
}
