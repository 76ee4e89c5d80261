/**
 * One page, four renderings: HTML (Eta templates, escaped by default), its JSON twin, and every table of
 * it as CSV (UTF-8 with BOM) or one XLSX workbook — the same rows and columns as the CLI's --json/--csv/--xlsx.
 */
import ExcelJS from 'exceljs';
import { Eta } from 'eta';
import { formatCsv, toJsonRows, cellText, type ResultSet, type Row } from '../query/format.js';
import { addSheet } from '../query/xlsx.js';
import { serveDir } from './context.js';
import { errorBody, HttpError } from './errors.js';
import { esc, jsonForHtml } from './security.js';

export type Format = 'html' | 'json' | 'csv' | 'xlsx';
export const FORMATS: Format[] = ['json', 'csv', 'xlsx'];

export interface Table {
  rs: ResultSet;
  /** cell links: column key → href for a row (null: no link) */
  links?: Record<string, (row: Row) => string | null>;
  /** extra class per row (review status) */
  rowClass?: (row: Row) => string;
  caption?: string;
  /** a listing shown a page at a time (rs.total and rs.offset set): the URL parameter of its offset (default 'offset') */
  pageParam?: string;
}

export interface Page {
  view: string;
  title: string;
  /** the JSON twin (besides the tables) and what the template reads */
  data: Record<string, unknown>;
  tables?: Record<string, Table>;
  /** HTTP status of the HTML page (default 200), e.g. 400 for a SQL error shown under the query box */
  status?: number;
  /** where the page sits: [label, href] */
  crumbs?: Array<[string, string]>;
}

let eta: Eta | null = null;
function engine(): Eta {
  return (eta ??= new Eta({ views: serveDir('views'), cache: true, autoEscape: true, autoTrim: [false, 'nl'] }));
}

export interface RequestInfo {
  /** path without the extension, e.g. /plans/3 */
  path: string;
  /** the query string with its '?' ('' when none) */
  search: string;
  token: string;
}

/** HTML of a table: every cell escaped; links only to paths this server builds. */
export function tableHtml(t: Table, opts: { limit?: number; rows?: Row[] } = {}): string {
  const cols = t.rs.columns.filter((c) => c.only !== 'data');
  const rows = opts.rows ?? (t.rs.rows as Row[]);
  const shown = opts.limit && rows.length > opts.limit ? rows.slice(0, opts.limit) : rows;
  const head = cols.map((c) => `<th${c.align === 'right' ? ' class="num"' : ''}>${esc(c.header ?? c.key)}</th>`).join('');
  const body = shown
    .map((r) => {
      const cells = cols
        .map((c) => {
          const text = cellText(c.render ? c.render(r) : r[c.key]);
          const href = t.links?.[c.key]?.(r);
          const inner = href ? `<a href="${esc(href)}">${esc(text)}</a>` : esc(text);
          const cls = [c.align === 'right' ? 'num' : '', c.max && c.max >= 30 ? 'long' : ''].filter(Boolean).join(' ');
          return `<td${cls ? ` class="${cls}"` : ''}>${inner}</td>`;
        })
        .join('');
      const rc = t.rowClass?.(r);
      return `<tr${rc ? ` class="${esc(rc)}"` : ''}>${cells}</tr>`;
    })
    .join('\n');
  const more = shown.length < rows.length ? `<p class="more">${shown.length} of ${rows.length} rows shown: download for all</p>` : '';
  return `<table class="rows">${t.caption ? `<caption>${esc(t.caption)}</caption>` : ''}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>${more}`;
}

const withParams = (search: string, set: Record<string, string | null>): string => {
  const q = new URLSearchParams(search);
  for (const [k, v] of Object.entries(set)) {
    if (v === null) q.delete(k);
    else q.set(k, v);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
};

/**
 * Links to the table's CSV and XLSX and the page's JSON twin, keeping the page's filters; for a
 * listing shown a page at a time, which rows these are, links to the previous and next pages and a
 * CSV of every row.
 */
export function downloadsHtml(req: RequestInfo, table: string, count: number, paged?: { offset: number; total: number; param: string }): string {
  const qs = withParams(req.search, { table });
  const links = `<a href="${esc(req.path)}.csv${esc(qs)}" download>CSV</a> · <a href="${esc(req.path)}.xlsx${esc(req.search)}" download>XLSX</a> · <a href="${esc(req.path)}.json${esc(req.search)}">JSON</a>`;
  if (!paged || (paged.offset === 0 && count >= paged.total)) return `<p class="downloads">${count} row${count === 1 ? '' : 's'} · ${links}</p>`;
  const { offset, total, param } = paged;
  const n = (x: number) => x.toLocaleString('en-US');
  const size = Math.max(count, 1);
  const nav: string[] = [];
  if (offset > 0) nav.push(`<a rel="prev" href="${esc(req.path)}${esc(withParams(req.search, { [param]: offset - size > 0 ? String(offset - size) : null }))}">‹ previous</a>`);
  if (offset + count < total) nav.push(`<a rel="next" href="${esc(req.path)}${esc(withParams(req.search, { [param]: String(offset + count) }))}">next ›</a>`);
  const all = `<a href="${esc(req.path)}.csv${esc(withParams(req.search, { table, all: '1', [param]: null }))}" download>CSV of all ${n(total)}</a>`;
  const shown = count ? `rows ${n(offset + 1)}–${n(offset + count)} of ${n(total)}` : `no rows at ${n(offset)} of ${n(total)}`;
  return `<p class="downloads">${shown}${nav.length ? ` · ${nav.join(' · ')}` : ''} · this page: ${links} · ${all}</p>`;
}

/** The JSON twin: the page's data (less '_' keys) plus each table's rows (data columns, as `--json` prints them). */
export function pageJson(page: Page): Record<string, unknown> {
  // keys starting with '_' are for the template only (pre-rendered HTML)
  const out: Record<string, unknown> = { title: page.title, ...Object.fromEntries(Object.entries(page.data).filter(([k]) => !k.startsWith('_'))) };
  const paging: Record<string, { offset: number; rows: number; total: number }> = {};
  for (const [name, t] of Object.entries(page.tables ?? {})) {
    out[name] = toJsonRows(t.rs);
    if (t.rs.total !== undefined) paging[name] = { offset: t.rs.offset ?? 0, rows: t.rs.rows.length, total: t.rs.total };
  }
  // listings shown a page at a time: where each page starts and how many rows there are in all
  if (Object.keys(paging).length) out.paging = paging;
  return out;
}

export function renderHtml(page: Page, req: RequestInfo): string {
  const helpers = {
    /** a table of the page; `rows` shows only those rows (a group of it) */
    table: (name: string, opts?: { limit?: number; rows?: Row[] }) => {
      const t = page.tables?.[name];
      return t ? tableHtml(t, opts) : '';
    },
    downloads: (name: string) => {
      const t = page.tables?.[name];
      if (!t) return '';
      const paged = t.rs.total !== undefined ? { offset: t.rs.offset ?? 0, total: t.rs.total, param: t.pageParam ?? 'offset' } : undefined;
      return downloadsHtml(req, name, t.rs.rows.length, paged);
    },
    esc,
    jsonForHtml,
    qs: (params: Record<string, unknown>) => {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
      const s = q.toString();
      return s ? `?${s}` : '';
    },
  };
  return engine().render(page.view, { ...page.data, page, req, h: helpers });
}

export function renderErrorHtml(e: HttpError, req: RequestInfo): string {
  return engine().render('error', { error: e, page: { title: `${e.status} ${e.message}`, crumbs: [] }, req, h: { esc } });
}

export const errorJson = (e: HttpError) => errorBody(e);

function pickTable(page: Page, name: string | undefined): [string, Table] {
  const entries = Object.entries(page.tables ?? {});
  if (!entries.length) throw new HttpError(404, 'NO_TABLE', 'this page has no table to download');
  if (name === undefined || name === '') return entries[0]!;
  const hit = entries.find(([n]) => n === name);
  if (!hit) throw new HttpError(400, 'BAD_REQUEST', `no table '${name}' on this page (tables: ${entries.map(([n]) => n).join(', ')})`);
  return hit;
}

/** RFC 6266 attachment name: ASCII fallback plus the UTF-8 name. */
export function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export function csvOf(page: Page, table?: string): { name: string; body: string } {
  const [name, t] = pickTable(page, table);
  return { name, body: formatCsv(t.rs) };
}

export async function xlsxOf(page: Page): Promise<Buffer> {
  if (!Object.keys(page.tables ?? {}).length) throw new HttpError(404, 'NO_TABLE', 'this page has no table to download');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'plandb';
  const used = new Set<string>();
  for (const [name, t] of Object.entries(page.tables!)) addSheet(wb, t.rs, name, used);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
