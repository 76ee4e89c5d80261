/** XLSX workbooks (ExcelJS, loaded only by the commands that write one). */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { PlandbError } from '../errors.js';
import { cellText, dataColumns, type ResultSet, type Row } from './format.js';
import { displayWidth } from './width.js';

/** Excel's limit on text in one cell. */
export const XLSX_CELL_MAX = 32767;

/** Excel sheet names: at most 31 characters, none of []:*?/\ , unique in the workbook. */
export function sheetName(name: string, used: Set<string>): string {
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

