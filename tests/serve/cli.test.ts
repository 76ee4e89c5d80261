import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { captureIo } from '../helpers/io.js';
import { tmpDir } from '../helpers/paths.js';

async function run(...args: string[]) {
  const io = captureIo();
  const code = await main(['node', 'plandb', ...args], io);
  return { code, out: io.text(), err: io.errText() };
}

describe('plandb serve (command line)', () => {
  it('documents its pages and options', async () => {
    const r = await run('serve', '--help');
    expect(r.code).toBe(0);
    for (const s of ['--db', '--port', '--host', '--corrections', '--sql-time-limit', '/plans/ID/source', '.json']) expect(r.out).toContain(s);
  });

  it('refuses a bad port or time limit with a one-line usage error', async () => {
    const r = await run('serve', '--port', '99999');
    expect(r.code).toBe(2);
    expect(r.err).toBe("plandb: --port must be a whole number from 0 to 65535 (got '99999')");
    expect((await run('serve', '--sql-time-limit', 'soon')).code).toBe(2);
  });

  it('says in one line that the database is missing', async () => {
    const r = await run('serve', '--db', path.join(tmpDir('serve-cli'), 'none.db'), '--port', '0');
    expect(r.code).toBe(1);
    expect(r.err).toBe("plandb: database none.db not found (build it with 'plandb rebuild')");
  });
});
