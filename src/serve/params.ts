/** Parsing of URL parameters: ids are whole numbers or a 404, free text is passed to the query API as data. */
import { HttpError } from './errors.js';

export function idParam(v: string | undefined, what: string): number {
  if (!v || !/^\d{1,9}$/.test(v)) throw new HttpError(404, 'NOT_FOUND', `no ${what} '${v ?? ''}'`);
  return Number(v);
}

/** A trimmed non-empty string, or undefined. */
export function text(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

export function intParam(v: string | undefined, what: string, min: number, max: number): number | undefined {
  const t = text(v);
  if (t === undefined) return undefined;
  if (!/^\d+$/.test(t) || Number(t) < min || Number(t) > max) throw new HttpError(400, 'BAD_REQUEST', `${what} must be a whole number from ${min} to ${max} (got '${t}')`);
  return Number(t);
}

/** Rows per page of a web listing unless ?size= says otherwise (at most MAX_WEB_PAGE), as Datasette pages its tables. */
export const WEB_PAGE = 100;
export const MAX_WEB_PAGE = 5000;

/**
 * The page of a listing a request asks for: ?offset= (or ?<prefix>offset= for a page's second
 * table) and ?size=; ?all=1 asks for every row (a download: the CSV, XLSX or JSON of a whole listing).
 */
export function pageParam(query: Record<string, string | undefined>, prefix = ''): { limit?: number; offset: number } {
  const offset = intParam(query[`${prefix}offset`], `${prefix}offset`, 0, 1_000_000_000) ?? 0;
  if (query.all === '1' || query.all === 'true') return { offset };
  return { limit: intParam(query.size, 'size', 1, MAX_WEB_PAGE) ?? WEB_PAGE, offset };
}
