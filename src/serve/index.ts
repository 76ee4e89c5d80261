/**
 * `plandb serve`: the plan database in a browser. Pages over the query API (plans, a plan, its source with
 * every fact highlighted, units, indicators with a chart, targets, search, gaps, read-only SQL); each with a
 * JSON twin and CSV/XLSX downloads of its tables. Loopback by default; read-only browsing; token-checked writes.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { unitModel } from '../extract/units.js';
import { rulesOrDefault } from '../query/rules.js';
import { buildApp } from './app.js';
import { DbHolder, type ServeContext, type ServeOptions } from './context.js';
import { registerRoutes } from './routes.js';
import { allowedHosts, newToken } from './security.js';
import { SqlRunner } from './sql.js';

export type { ServeOptions } from './context.js';

export interface Server {
  url: string;
  token: string;
  app: FastifyInstance;
  ctx: ServeContext;
  close: () => Promise<void>;
}

export const DEFAULTS = { host: '127.0.0.1', port: 8642, sqlTimeLimitMs: 1000, sqlRowCap: 1000, corrections: 'corrections' };

/** Builds the app without listening (for inject-based tests and benchmarks). */
export function createApp(o: ServeOptions): {
  app: FastifyInstance;
  ctx: ServeContext;
  close: () => Promise<void>;
  setHosts: (host: string, port: number) => void;
  sql: () => SqlRunner;
} {
  const ctx: ServeContext = {
    opts: {
      db: path.resolve(o.db),
      corrections: path.resolve(o.corrections ?? DEFAULTS.corrections),
      host: o.host ?? DEFAULTS.host,
      port: o.port ?? DEFAULTS.port,
      sqlTimeLimitMs: o.sqlTimeLimitMs ?? DEFAULTS.sqlTimeLimitMs,
      sqlRowCap: o.sqlRowCap ?? DEFAULTS.sqlRowCap,
    },
    dbs: new DbHolder(path.resolve(o.db)),
    token: o.token ?? newToken(),
  };
  let runner: SqlRunner | null = null;
  const sql = () => (runner ??= new SqlRunner(ctx.opts.db, ctx.opts.sqlTimeLimitMs, ctx.opts.sqlRowCap));
  const hosts: { allowed: Set<string> | null; origins: Set<string> | null } = { allowed: null, origins: null };
  const app = buildApp(ctx, (r) => registerRoutes(r, sql), hosts);
  const setHosts = (host: string, port: number) => {
    // bound to every interface: any Host is accepted (the user chose to expose it); writes still need the token
    if (host === '0.0.0.0' || host === '::') return;
    hosts.allowed = allowedHosts(host, port);
    hosts.origins = new Set([...hosts.allowed].map((h) => `http://${h}`));
  };
  return {
    app,
    ctx,
    setHosts,
    sql,
    close: async () => {
      runner?.close();
      await app.close();
      ctx.dbs.close();
    },
  };
}

/** Loads what the first search would otherwise wait for: the rules and jieba's dictionary (about a second). */
export function warmUp(): void {
  unitModel(rulesOrDefault()).cut('儿童');
}

/** Opens the database (checking it exists), loads the word splitter, then listens. */
export async function startServer(o: ServeOptions): Promise<Server> {
  const { app, ctx, close, setHosts, sql } = createApp(o);
  ctx.dbs.get();
  warmUp();
  sql().warm();
  await app.listen({ host: ctx.opts.host, port: ctx.opts.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : ctx.opts.port;
  setHosts(ctx.opts.host, port);
  const shown = ctx.opts.host.includes(':') ? `[${ctx.opts.host}]` : ctx.opts.host;
  return { url: `http://${shown}:${port}`, token: ctx.token, app, ctx, close };
}
