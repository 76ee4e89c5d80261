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
