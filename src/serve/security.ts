/**
 * The server's security model in one place: loopback by default, strict headers on every response,
 * a Host check against DNS rebinding, and writes only with the per-server token from a same-origin page.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { HttpError } from './errors.js';

/** Content-Security-Policy: scripts, styles and fetches only from this server; no inline code, no frames. */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

export const newToken = (): string => randomBytes(24).toString('base64url');

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** Host names a request may be addressed to: the bound host, and the loopback names when bound to loopback. */
export function allowedHosts(host: string, port: number): Set<string> {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const names = new Set([h]);
  if (LOOPBACK_NAMES.includes(h) || h.startsWith('127.')) for (const n of LOOPBACK_NAMES) names.add(n);
  return new Set([...names].flatMap((n) => [`${n}:${port}`, ...(port === 80 ? [n] : [])]));
}

/** A page served under another host name (DNS rebinding) is refused. Hosts bound to 0.0.0.0/:: accept any. */
export function checkHost(hostHeader: string | undefined, allowed: Set<string> | null): void {
  if (!allowed) return;
  if (!hostHeader || !allowed.has(hostHeader.toLowerCase())) throw new HttpError(421, 'BAD_HOST', 'request addressed to a host this server does not serve');
}

function sameToken(given: unknown, token: string): boolean {
  if (typeof given !== 'string' || !given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface WriteRequest {
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/**
 * Every write must carry the server's token (header X-Plandb-Token or form field _token) and, when the
 * browser says where it comes from, come from this server's own pages (Origin, Sec-Fetch-Site).
 */
export function checkWrite(req: WriteRequest, token: string, origins: Set<string> | null): void {
  const h = (k: string) => {
    const v = req.headers[k];
    return Array.isArray(v) ? v[0] : v;
  };
  const site = h('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin') throw new HttpError(403, 'CROSS_SITE', `writes are accepted only from this server's pages (Sec-Fetch-Site: ${site})`);
  const origin = h('origin');
  if (origin !== undefined && (origin === 'null' || (origins && !origins.has(origin.toLowerCase()))))
    throw new HttpError(403, 'CROSS_SITE', `writes are accepted only from this server's pages (Origin: ${origin})`);
  const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
  if (!sameToken(h('x-plandb-token') ?? body._token, token)) throw new HttpError(403, 'BAD_TOKEN', 'missing or wrong write token (reload the page)');
}

/** JSON for a <script type="application/json"> data block: nothing in it can close the element. */
export function jsonForHtml(v: unknown): string {
  return JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML text and quoted attribute values. */
export function esc(v: unknown): string {
  return String(v ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}
