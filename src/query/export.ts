/** plandb export --out DIR: every table and view as CSV (with BOM) plus one workbook plandb.xlsx. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PlandbError } from '../errors.js';
import type { DB } from '../store/db.js';
import { formatCsv, writeXlsx, type ResultSet } from './format.js';

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

export function tableResult(db: DB, name: string): ResultSet {
  const cols = (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(name) as string[]).filter((c) => !SKIP_COLUMNS[name]?.includes(c));
  const quoted = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const order = cols.includes('id') ? ' ORDER BY id' : '';
  const rows = db.prepare(`SELECT ${cols.map(quoted).join(', ')} FROM ${quoted(name)}${order}`).all() as Array<Record<string, unknown>>;
  return { columns: cols.map((key) => ({ key })), rows, sheet: name };
}

/** Writes DIR/<name>.csv for every table and view and DIR/plandb.xlsx with a sheet each. */
export async function exportAll(db: DB, args: { out: string }): Promise<{ dir: string; workbook: string; tables: ExportedTable[] }> {
  const dir = args.out;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new PlandbError('USAGE', `cannot create folder: ${(e as Error).message}`, dir);
  }
  const tables: ExportedTable[] = [];
  const sheets: Array<{ name: string; rs: ResultSet }> = [];
  for (const t of exportableTables(db)) {
    const rs = tableResult(db, t.name);
    const csv = path.join(dir, `${t.name}.csv`);
    writeFileSync(csv, formatCsv(rs));
    tables.push({ name: t.name, type: t.type, rows: rs.rows.length, csv });
    sheets.push({ name: t.name, rs });
  }
  const workbook = path.join(dir, 'plandb.xlsx');
  await writeXlsx(workbook, sheets);
  return { dir, workbook, tables };
}
