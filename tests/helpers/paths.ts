import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CORPUS = path.join(ROOT, 'corpus');
export const GOLD = path.join(ROOT, 'tests/gold');
export const FIXTURES = path.join(ROOT, 'tests/fixtures');
export const seed = (stem: string) => path.join(CORPUS, `${stem}.txt`);
export const SEEDS = {
  kunshan: '000_b494f9743fcea215',
  lanxi: '001_4eee029a5c71237c',
  shuozhou: '002_1a19cb00b77d39e6',
  suzhou: '003_f0879b20de4671e9',
  quzhou: '004_fcf053abc1b695aa',
} as const;
export const tmpDir = (tag: string) => mkdtempSync(path.join(os.tmpdir(), `plandb-${tag}-`));
