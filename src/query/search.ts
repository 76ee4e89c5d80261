/** plandb search QUERY: full-text search over items (items_fts holds jieba words joined by spaces). */
import { PlandbError } from '../errors.js';
import type { Rules } from '../rules/index.js';
import { ftsTokens, type DB } from '../store/db.js';
import type { Column } from './format.js';
import { resolvePlans, withHeadings } from './common.js';
import { rulesOrDefault } from './rules.js';
import { MAX_LIMIT, limitSql, type Page } from './paging.js';

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
  /** the page's rows, best first */
  rows: SearchRow[];
  /** items found in all, and where the page starts */
  total: number;
  offset: number;
}

/** A word of the index to find: as a prefix of the indexed words (近视 finds 近视率), or exactly. */
export interface QueryTerm {
  token: string;
  prefix: boolean;
}

/**
 * The index words of a query, cut by jieba as the items were. Every word is matched as a prefix,
 * except a single character that jieba cut off the front of a longer query word (托育 → 托 + 育): in
 * the items the same characters are cut alike, so 托 is matched as itself, not as the start of
 * every word beginning with 托 (托管, 托底…), which finds nothing more and costs a merge of many lists.
 */
export function queryTerms(query: string, rules: Rules): QueryTerm[] {
  const out: QueryTerm[] = [];
  for (const word of query.split(/\s+/u)) {
    const pieces = ftsTokens(word, rules)
      .split(' ')
      .filter((t) => /[\p{L}\p{N}]/u.test(t));
    pieces.forEach((token, i) => out.push({ token, prefix: !([...token].length === 1 && i < pieces.length - 1) }));
  }
  return out;
}

/** FTS5 MATCH expression of query terms: each quoted (FTS5 syntax in the query is literal), all required. */
export function termExpression(terms: QueryTerm[]): string {
  return terms.map((t) => `"${t.token.replace(/"/g, '""')}"${t.prefix ? '*' : ''}`).join(' ');
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

/**
 * Items containing every word of the query, one page of them (`page`, else the first `limit`, 50 by
 * default), best first: the matches are ranked in the FTS index alone (bm25, then the item id, which
 * follows plan and document order), and only the page's items are read. When none matches, a plain
 * substring scan of the item text.
 */
export function searchItems(db: DB, args: { query: string; plan?: string; limit?: number; page?: Page; rules?: Rules }): SearchResult {
  const query = args.query.trim();
  if (query.length > MAX_QUERY_CHARS) throw new PlandbError('USAGE', `search query too long: ${query.length} characters (limit ${MAX_QUERY_CHARS})`);
  const terms = queryTerms(query, rulesOrDefault(args.rules));
  const tokens = terms.map((t) => t.token);
  if (!tokens.length) throw new PlandbError('USAGE', `nothing to search for in '${args.query}'`);
  const limit = args.page ? args.page.limit : (args.limit ?? 50);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)) throw new PlandbError('USAGE', `--limit must be a whole number from 1 to ${MAX_LIMIT}, got '${limit}'`);
  const page = { limit, offset: args.page?.offset ?? 0 };
  const ids = args.plan !== undefined ? resolvePlans(db, args.plan).map((p) => p.id) : null;
  let mode: SearchResult['mode'] = 'words';
  let found = rankedMatches(db, termExpression(terms), ids);
  let total = found.length;
  let rows: SearchRow[];
  if (total) rows = itemRows(db, found.slice(page.offset, limit === undefined ? undefined : page.offset + limit));
  else {
    mode = 'substring';
    ({ rows, total } = substringMatches(db, query.replace(/\s+/g, ''), ids, page));
  }
  for (const r of rows) r.snippet = snippet(r.text, query, tokens);
  return { tokens, mode, rows: withHeadings(db, rows), total, offset: page.offset };
}

/**
 * Ids of the items matching an FTS5 expression (in the given plans), best first. One pass over the
 * index gives every match with its bm25 rank: the count and the page come from it (counting and ranking
 * apart read a common word's postings twice), sorted here by rank, then id.
 */
function rankedMatches(db: DB, match: string, planIds: number[] | null): number[] {
  // +rowid: a filter on the matches; a plain rowid IN would start one index search per item of the plans
  const inPlans = planIds ? ' AND +rowid IN (SELECT id FROM items WHERE plan_id IN (SELECT value FROM json_each(?)))' : '';
  const hits = db
    .prepare(`SELECT rowid, rank FROM items_fts WHERE items_fts MATCH ?${inPlans}`)
    .raw(true)
    .all(match, ...(planIds ? [JSON.stringify(planIds)] : [])) as Array<[number, number]>;
  hits.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  return hits.map((h) => h[0]);
}

const ITEM_COLS = 'i.id AS item_id, i.plan_id, p.title AS plan, i.section_id, i.kind, i.marker, i.text, i.page';

/** The items of `ids` with their plan, in the order of `ids`. */
function itemRows(db: DB, ids: number[]): SearchRow[] {
  if (!ids.length) return [];
  const byId = new Map(
    (db.prepare(`SELECT ${ITEM_COLS} FROM items i JOIN plans p ON p.id = i.plan_id WHERE i.id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as SearchRow[]).map((r) => [r.item_id, r]),
  );
  return ids.map((id) => byId.get(id)!);
}

/** A page of the items whose text contains `needle` (a scan: only when the index finds nothing), in plan and document order, and their number. */
function substringMatches(db: DB, needle: string, planIds: number[] | null, page: Page): { rows: SearchRow[]; total: number } {
  const planSql = planIds ? ` AND i.plan_id IN (${planIds.map(() => '?').join(',')})` : '';
  const params = [needle, ...(planIds ?? [])];
  const rows = db
    .prepare(`SELECT ${ITEM_COLS} FROM items i JOIN plans p ON p.id = i.plan_id WHERE instr(i.text, ?) > 0${planSql} ORDER BY i.plan_id, i.start${limitSql(page)}`)
    .all(...params) as SearchRow[];
  const whole = !page.offset && (page.limit === undefined || rows.length < page.limit);
  const total = whole ? rows.length : (db.prepare(`SELECT count(*) FROM items i WHERE instr(i.text, ?) > 0${planSql}`).pluck().get(...params) as number);
  return { rows, total };
}
