// Makes `node_modules/.bin/plandb` point at this checkout's CLI, so tools that look for the
// installed bin (editors, hooks, `npm exec`) find it in a development checkout too.
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const binDir = path.join(root, 'node_modules', '.bin');
try {
  mkdirSync(binDir, { recursive: true });
  const link = path.join(binDir, 'plandb');
  rmSync(link, { force: true });
  symlinkSync(path.relative(binDir, path.join(root, 'bin', 'plandb')), link);
} catch (e) {
  console.warn(`plandb: could not link node_modules/.bin/plandb (${e.message}); use 'node bin/plandb.js'`);
}
