/** The fastify application: security hooks, the page router (HTML + JSON/CSV/XLSX twins), static assets, errors. */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { asset } from './assets.js';
import type { ServeContext } from './context.js';
import { HttpError, toHttpError } from './errors.js';
import { FORMATS, attachment, csvOf, errorJson, pageJson, renderErrorHtml, renderHtml, xlsxOf, type Format, type Page, type RequestInfo } from './render.js';
import { SECURITY_HEADERS, checkHost, checkWrite } from './security.js';

export type Query = Record<string, string | undefined>;
export interface PageRequest {
  params: Record<string, string>;
  query: Query;
  /** what was asked for: the page or one of its twins */
  format: Format;
}
export type PageHandler = (ctx: ServeContext, req: PageRequest) => Page | Promise<Page>;
export type WriteHandler = (ctx: ServeContext, req: PageRequest & { body: Record<string, unknown> }) => unknown | Promise<unknown>;

export interface Router {
  /** GET pattern (HTML) and pattern.json / .csv / .xlsx */
  page(pattern: string, handler: PageHandler): void;
  /** POST pattern: token-checked write answering JSON */
  write(pattern: string, handler: WriteHandler): void;
}

const MAX_PARAM = 1000;

/** Query string values as single strings (first of repeats), capped in length. */
function flatQuery(q: unknown): Query {
  const out: Query = {};
  if (!q || typeof q !== 'object') return out;
  for (const [k, v] of Object.entries(q as Record<string, unknown>)) {
    const s = Array.isArray(v) ? v[0] : v;
    if (typeof s !== 'string') continue;
    if (s.length > MAX_PARAM) throw new HttpError(414, 'TOO_LONG', `parameter '${k}' is longer than ${MAX_PARAM} characters`);
    out[k] = s;
  }
  return out;
}

/** Splits '3.json' into ['3', 'json']; other suffixes stay part of the value. */
function splitFormat(v: string): [string, Format] {
  const m = /^(.*)\.(json|csv|xlsx)$/.exec(v);
  return m ? [m[1]!, m[2] as Format] : [v, 'html'];
}

function wantsJson(req: FastifyRequest): boolean {
  return /\.json(\?|$)/.test(req.url) || req.method !== 'GET' || String(req.headers.accept ?? '').startsWith('application/json');
}

function requestInfo(req: FastifyRequest, ctx: ServeContext): RequestInfo {
  const [p, ...rest] = req.url.split('?');
  const pathOnly = splitFormat(p!)[0];
  return { path: pathOnly, search: rest.length ? `?${rest.join('?')}` : '', token: ctx.token };
}

function sendError(reply: FastifyReply, req: FastifyRequest, ctx: ServeContext, err: unknown): FastifyReply {
  const e = toHttpError(err);
  if (e.status >= 500 && process.env.PLANDB_DEBUG) console.error(err);
  reply.code(e.status);
  if (wantsJson(req)) return reply.type('application/json; charset=utf-8').send(errorJson(e));
  try {
    return reply.type('text/html; charset=utf-8').send(renderErrorHtml(e, requestInfo(req, ctx)));
  } catch {
    return reply.type('application/json; charset=utf-8').send(errorJson(e));
  }
}

export function buildApp(ctx: ServeContext, register: (r: Router) => void, hosts: { allowed: Set<string> | null; origins: Set<string> | null }): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, routerOptions: { maxParamLength: MAX_PARAM, ignoreTrailingSlash: true } });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      const v = body ? JSON.parse(body as string) : {};
      done(null, v && typeof v === 'object' && !Array.isArray(v) ? v : {});
    } catch {
      done(new HttpError(400, 'BAD_JSON', 'request body is not valid JSON'), undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.addHook('onRequest', async (req, reply) => {
    (req as FastifyRequest & { t0?: bigint }).t0 = process.hrtime.bigint();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    checkHost(req.headers.host, hosts.allowed);
  });
  app.addHook('onSend', async (req, reply, payload) => {
    const t0 = (req as FastifyRequest & { t0?: bigint }).t0;
    if (t0) reply.header('server-timing', `app;dur=${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(1)}`);
    return payload;
  });
  app.setErrorHandler((err, req, reply) => sendError(reply, req, ctx, err));
  app.setNotFoundHandler((req, reply) => sendError(reply, req, ctx, new HttpError(404, 'NOT_FOUND', 'no such page')));

  app.get('/favicon.ico', async (_req, reply) => reply.code(204).send());
  app.get('/', async (_req, reply) => reply.redirect('/plans'));
  app.get('/static/:name', async (req, reply) => {
    const a = asset((req.params as { name: string }).name);
    if (!a) throw new HttpError(404, 'NOT_FOUND', 'no such file');
    reply.header('cache-control', 'public, max-age=3600');
    return reply.type(a.type).send(a.body);
  });

  const respond = async (req: FastifyRequest, reply: FastifyReply, handler: PageHandler, params: Record<string, string>, format: Format) => {
    const query = flatQuery(req.query);
    const page = await handler(ctx, { params, query, format });
    const info = requestInfo(req, ctx);
    switch (format) {
      case 'json':
        return reply.type('application/json; charset=utf-8').send(JSON.stringify(pageJson(page), null, 1));
      case 'csv': {
        const { name, body } = csvOf(page, query.table);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', attachment(`${fileStem(info.path)}-${name}.csv`))
          .send(body);
      }
      case 'xlsx':
        return reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('content-disposition', attachment(`${fileStem(info.path)}.xlsx`))
          .send(await xlsxOf(page));
      default:
        return reply
          .code(page.status ?? 200)
          .type('text/html; charset=utf-8')
          .send(renderHtml(page, info));
    }
  };

  const router: Router = {
    page(pattern, handler) {
      const last = pattern.split('/').pop()!;
      if (last.startsWith(':')) {
        const key = last.slice(1);
        app.get(pattern, async (req, reply) => {
          const params = { ...(req.params as Record<string, string>) };
          const [value, format] = splitFormat(params[key] ?? '');
          params[key] = value;
          return respond(req, reply, handler, params, format);
        });
      } else {
        app.get(pattern, async (req, reply) => respond(req, reply, handler, { ...(req.params as Record<string, string>) }, 'html'));
        for (const f of FORMATS)
          app.get(`${pattern === '/' ? '/index' : pattern}.${f}`, async (req, reply) => respond(req, reply, handler, { ...(req.params as Record<string, string>) }, f));
      }
    },
    write(pattern, handler) {
      app.post(pattern, async (req, reply) => {
        checkWrite({ headers: req.headers, body: req.body }, ctx.token, hosts.origins);
        const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
        const out = await handler(ctx, { params: req.params as Record<string, string>, query: flatQuery(req.query), format: 'json', body });
        return reply.type('application/json; charset=utf-8').send(JSON.stringify(out));
      });
    },
  };
  register(router);
  return app;
}

/** A download's file name from the page path: /plans/3/source → plans-3-source. */
function fileStem(p: string): string {
  let s = p;
  try {
    s = decodeURIComponent(p);
  } catch {
    /* keep as is */
  }
  return s.replace(/^\/+|\/+$/g, '').replace(/[\\/:*?"<>|\s]+/g, '-') || 'plandb';
}
