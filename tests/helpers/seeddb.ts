import path from 'node:path';
import { rebuild } from '../../src/index.js';
import { CORPUS, tmpDir } from './paths.js';

/** Builds a real database from the seed corpus into a fresh temp folder. */
export async function buildSeedDb(): Promise<{ dir: string; db: string }> {
  const dir = tmpDir('query');
  const db = path.join(dir, 'plans.db');
  const report = await rebuild(CORPUS, db);
  if (report.failed) throw new Error(`seed corpus failed: ${report.files.filter((f) => !f.ok).map((f) => f.error).join('; ')}`);
  return { dir, db };
}
