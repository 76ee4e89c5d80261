/**
 * Pages of rows. A listing that can run to tens of thousands of rows (every gap of 2,000 plans, every
 * item of 卫健委) is read a page at a time: the query function takes a `Page` and answers with the
 * page's rows and how many rows there are in all, so that the terminal shows the first rows at once
 * and says how to see the next ones (as Datasette pages its tables). No page means every row.
 */
import { PlandbError } from '../errors.js';

export interface Page {
  /** at most this many rows (undefined: every row) */
  limit?: number;
  /** skip this many rows first */
  offset?: number;
}

/** One page of a listing: its rows, where it starts and the number of rows of the whole listing. */
export interface Paged<T> {
  rows: T[];
  offset: number;
  total: number;
}

/** The rows a table shows when no --limit, --offset or --all is given. */
export const TABLE_PAGE = 100;
/** The largest --limit (every row: --all). */
export const MAX_LIMIT = 100_000;

/** ` LIMIT n OFFSET m` for a page (nothing for every row); the numbers are checked integers. */
export function limitSql(page: Page | undefined): string {
  if (!page || (page.limit === undefined && !page.offset)) return '';
  return ` LIMIT ${page.limit ?? -1} OFFSET ${page.offset ?? 0}`;
}

/** Cuts a page out of rows already in memory (for listings computed whole). */
export function pageOf<T>(rows: T[], page: Page | undefined): Paged<T> {
  const offset = page?.offset ?? 0;
  const end = page?.limit === undefined ? undefined : offset + page.limit;
  return { rows: offset || end !== undefined ? rows.slice(offset, end) : rows, offset, total: rows.length };
}

/** A --limit or --offset value: a whole number from min to max, or a one-line usage error. */
export function parseCount(s: string | number | undefined, option: string, min = 0, max = 1_000_000_000): number | undefined {
  if (s === undefined) return undefined;
  const t = String(s).trim();
  const n = /^\d{1,10}$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new PlandbError('USAGE', `${option} must be a whole number from ${min} to ${max}, got '${s}'`);
  return n;
}

/** Writes n with thousands separators: 87,200. */
export const thousands = (n: number): string => n.toLocaleString('en-US');

/** The line under a table that shows part of a listing: which rows, of how many, and how to see more. */
export function pageFooter(p: { shown: number; offset: number; total: number }): string {
  if (!p.shown) return p.total ? `(no rows at offset ${thousands(p.offset)}; there are ${thousands(p.total)})` : '(no rows)';
  const first = p.offset + 1;
  const last = p.offset + p.shown;
  if (p.offset === 0 && last >= p.total) return `(${thousands(p.total)} row${p.total === 1 ? '' : 's'})`;
  const next = last < p.total ? `; --offset ${last} for the next page, --all for every row` : '';
  return `(rows ${thousands(first)}–${thousands(last)} of ${thousands(p.total)}${next})`;
}
