import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

// scripts/reliability.mjs on a small scale (the note gives the figures for N = 50). It runs the built
// CLI (dist/, built by `npm ci`'s prepare step or `npx tsc -p tsconfig.json`).
describe('SIGKILL during rebuild and ingest (reliability script, N = 3)', () => {
  it('integrity ok, old-or-new database, no temp files after the next run', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/reliability.mjs'), '--n', '3', '--seed', '5', '--json'], { encoding: 'utf8', timeout: 580_000 });
    expect(r.stderr).toBe('');
    const stats = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(stats).toMatchObject({ n: 3, integrityFailures: 0, notOldOrNew: 0, partialPlans: 0, leftoverAfterNextRun: 0, failures: [], ok: true });
    expect(stats.old + stats.new + stats.partialIngest).toBe(3);
    expect(r.status).toBe(0);
  }, 600_000);
});
