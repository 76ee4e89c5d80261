/**
 * Static files by a fixed name → file table: the URL only picks an entry of ASSETS, it never becomes a path.
 * Chart.js is served from node_modules (its UMD build), read once.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { serveDir } from './context.js';

interface Asset {
  type: string;
  file: () => string;
}

const require = createRequire(import.meta.url);

const ASSETS: Record<string, Asset> = {
  'app.css': { type: 'text/css; charset=utf-8', file: () => serveDir('static', 'app.css') },
  'source.js': { type: 'text/javascript; charset=utf-8', file: () => serveDir('static', 'source.js') },
  'chart-page.js': { type: 'text/javascript; charset=utf-8', file: () => serveDir('static', 'chart-page.js') },
  'chart.umd.min.js': {
    type: 'text/javascript; charset=utf-8',
    // chart.js exports only its modules: its CommonJS entry sits beside the UMD build in dist/
    file: () => path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js'),
  },
};

const loaded = new Map<string, { type: string; body: Buffer }>();

/** The asset named `name`, or undefined: names outside the table (../, %2e%2e, /etc/…) are simply not there. */
export function asset(name: string): { type: string; body: Buffer } | undefined {
  if (!Object.hasOwn(ASSETS, name)) return undefined;
  let a = loaded.get(name);
  if (!a) {
    const def = ASSETS[name]!;
    a = { type: def.type, body: readFileSync(def.file()) };
    loaded.set(name, a);
  }
  return a;
}
