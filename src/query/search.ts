/** plandb search QUERY: full-text search over items (items_fts holds jieba words joined by spaces). */
import { PlandbError } from '../errors.js';
import type { Rules } from '../rules/index.js';
import { ftsTokens, type DB } from '../store/db.js';
import type { Column } from './format.js';
import { resolvePlans, withHeadings } from './common.js';
import { rulesOrDefault } from './rules.js';

export interface SearchRow {
  item_id: number;
  plan_id: number;
  plan: string;
  section_id: number | null;
  heading: string;
  heading_path: string;
  kind: string;
  marker: string | null;
  snippet: string;
  text: string;
  page: number | null;
}

export const SEARCH_COLUMNS: Column[] = [
  { key: 'plan', max: 24 },
  { key: 'plan_id', only: 'data' },
  { key: 'heading', max: 22 },
  { key: 'heading_path', only: 'data' },
  { key: 'kind' },
  { key: 'marker' },
  { key: 'snippet', max: 72 },
  { key: 'text', only: 'data' },
  { key: 'page', only: 'data' },
  { key: 'item_id', only: 'data' },
];

export interface SearchResult {
  tokens: string[];
  /** 'words': indexed words starting with each query word (近视 finds 近视率); 'substring': plain text scan */
  mode: 'words' | 'substring';
  rows: SearchRow[];
}

/** FTS5 MATCH expression: every token quoted (so FTS5 syntax in the query is literal), all required. */
export function matchExpression(tokens: string[], prefix = false): string {
  return tokens.map((t) => `"${t.replace(/"/g, '""')}"${prefix ? '*' : ''}`).join(' ');
}

const SPAN = 30;

/** ±30 characters of `text` around the first hit, cut into pieces with the hit flagged (for 【】 or HTML marks). */
export function snippetParts(text: string, query: string, tokens: string[]): Array<{ text: string; hit: boolean }> {
  const flat = text.replace(/\s+/g, ' ');
  const q = query.replace(/\s+/g, '');
  let at = q ? flat.indexOf(q) : -1;
  let len = q.length;
  if (at < 0) {
    // earliest of the query's words
    at = -1;
    for (const t of tokens) {
      const k = flat.indexOf(t);
      if (k >= 0 && (at < 0 || k < at || (k === at && t.length > len))) {
        at = k;
        len = t.length;
      }
    }
  }
  if (at < 0) return [{ text: flat.length > 2 * SPAN ? flat.slice(0, 2 * SPAN) + '…' : flat, hit: false }];
  const from = Math.max(0, at - SPAN);
  const to = Math.min(flat.length, at + len + SPAN);
  return [
    { text: `${from > 0 ? '…' : ''}${flat.slice(from, at)}`, hit: false },
    { text: flat.slice(at, at + len), hit: true },
    { text: `${flat.slice(at + len, to)}${to < flat.length ? '…' : ''}`, hit: false },
  ];
}

/** ±30 characters of `text` around the first hit, the hit marked 【】. */
export function snippet(text: string, query: string, tokens: string[]): string {
  return snippetParts(text, query, tokens)
    .map((p) => (p.hit ? `【${p.text}】` : p.text))
    .join('');
}

/**
 * Items containing every word of the query (jieba words, matched as prefixes of the indexed words, so
 * 近视 also finds 近视率), best first (bm25). When none does, a plain substring scan of the item text.
 */
/** Longest query accepted (characters): a search is a few words, and matching grows with every word. */
export const MAX_QUERY_CHARS = 200;
/** Largest --limit. */
export const MAX_LIMIT = 100_000;

/** Parses --limit: a whole number from 1 to MAX_LIMIT, else a usage error. */
export function parseLimit(s: string): number {
  const n = /^\d{1,9}$/.test(s.trim()) ? Number(s.trim()) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw new PlandbError('USAGE', `--limit must be a whole number from 1 to ${MAX_LIMIT}, got '${s}'`);
  return n;
}

export function searchItems(db: DB, args: { query: string; plan?: string; limit?: number; rules?: Rules }): SearchResult {
  const query = args.query.trim();
  if (query.length > MAX_QUERY_CHARS) throw new PlandbError('USAGE', `search query too long: ${query.length} characters (limit ${MAX_QUERY_CHARS})`);
  const tokens = ftsTokens(query, rulesOrDefault(args.rules))
    .split(' ')
    .filter((t) => /[\p{L}\p{N}]/u.test(t));
  if (!tokens.length) throw new PlandbError('USAGE', `nothing to search for in '${args.query}'`);
  const limit = args.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new PlandbError('USAGE', `--limit must be a whole number from 1 to ${MAX_LIMIT}, got '${limit}'`);
  const ids = args.plan !== undefined ? resolvePlans(db, args.plan).map((p) => p.id) : null;
  const planSql = ids ? ` AND i.plan_id IN (${ids.map(() => '?').join(',')})` : '';
  const cols = `i.id AS item_id, i.plan_id, p.title AS plan, i.section_id, i.kind, i.marker, i.text, i.page`;
  const fts = db.prepare(
    `SELECT ${cols} FROM items_fts f JOIN items i ON i.id = f.rowid JOIN plans p ON p.id = i.plan_id
     WHERE items_fts MATCH ?${planSql} ORDER BY f.rank, i.plan_id, i.start LIMIT ?`,
  );
  let mode: SearchResult['mode'] = 'words';
  let rows = fts.all(matchExpression(tokens, true), ...(ids ?? []), limit) as SearchRow[];
  if (!rows.length) {
    mode = 'substring';
    rows = db
      .prepare(`SELECT ${cols} FROM items i JOIN plans p ON p.id = i.plan_id WHERE instr(i.text, ?) > 0${planSql} ORDER BY i.plan_id, i.start LIMIT ?`)
      .all(query.replace(/\s+/g, ''), ...(ids ?? []), limit) as SearchRow[];
  }
  for (const r of rows) r.snippet = snippet(r.text, query, tokens);
  return { tokens, mode, rows: withHeadings(db, rows) };
}
