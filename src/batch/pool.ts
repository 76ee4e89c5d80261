/**
 * The build's worker pool: piscina (a maintained worker-thread pool with a task queue, used by
 * Fastify's ecosystem) runs prepareFile on every core; the main thread only writes. Tasks carry just
 * a file name; the rules folder, the decisions and the cache folder go to each worker once.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PrepareResult } from './prepare.js';
import type { PoolData } from './worker.js';

/** The compiled worker: beside this module in dist/, or dist/batch/worker.js when running from src/ (vitest). */
export function workerFile(): string | null {
  const here = fileURLToPath(import.meta.url);
  const js = here.endsWith('.ts') ? path.resolve(path.dirname(here), '../../dist/batch/worker.js') : path.join(path.dirname(here), 'worker.js');
  return existsSync(js) ? js : null;
}

/** Default number of worker threads: one per core the process may use. */
export const defaultJobs = (): number => Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);

export interface PreparePool {
  run(file: string): Promise<PrepareResult>;
  close(): Promise<void>;
}

/** A pool of `threads` workers, or null when the compiled worker is missing (then files are prepared in the main thread). */
export async function openPool(threads: number, data: PoolData): Promise<PreparePool | null> {
  const file = workerFile();
  if (!file) return null;
  const { Piscina } = await import('piscina');
  const pool = new Piscina({ filename: pathToFileURL(file).href, minThreads: threads, maxThreads: threads, workerData: data, idleTimeout: 60_000 });
  return {
    run: (f) => pool.run(f) as Promise<PrepareResult>,
    close: () => pool.destroy(),
  };
}
