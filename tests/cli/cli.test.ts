import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { captureIo } from '../helpers/io.js';
import { CORPUS, FIXTURES, GOLD, SEEDS, seed, tmpDir } from '../helpers/paths.js';

const run = async (...args: string[]) => {
  const io = captureIo();
  const code = await main(['node', 'plandb', ...args], io);
  return { code, io };
};

describe('plandb CLI', () => {
  it.each(['rebuild', 'ingest', 'extract', 'eval'])('%s --help explains the command', async (cmd) => {
    const { code, io } = await run(cmd, '--help');
    expect(code).toBe(0);
    expect(io.text()).toContain(`Usage: plandb ${cmd}`);
  });

  it('top-level help lists the commands with examples', async () => {
    const { code, io } = await run('--help');
    expect(code).toBe(0);
    expect(io.text()).toMatch(/rebuild[\s\S]*ingest[\s\S]*extract[\s\S]*eval/);
    expect(io.text()).toContain('Examples:');
  });

  it('extract --format json prints the gold format', async () => {
    const { code, io } = await run('extract', seed(SEEDS.shuozhou), '--format', 'json');
    expect(code).toBe(0);
    const j = JSON.parse(io.text());
    expect(j.file).toBe(`${SEEDS.shuozhou}.txt`);
    expect(j.plans.map((p: { title: string }) => p.title)).toEqual(['朔州市妇女发展“十四五”规划', '朔州市儿童发展“十四五”规划']);
    expect(j.plans[0].targets.some((t: { indicator: string; value: number }) => t.indicator.includes('孕产妇死亡率') && t.value === 12.5)).toBe(true);
  });

  it('extract on a bad file: one line on stderr naming the file, non-zero exit', async () => {
    const junk = path.join(FIXTURES, 'bad', 'junk.txt');
    const { code, io } = await run('extract', junk);
    expect(code).toBe(1);
    expect(io.stderr).toEqual([`plandb: ${junk}: binary data, not a text file (NUL bytes)`]);
    const missing = await run('extract', '/nonexistent/plan.txt');
    expect(missing.io.stderr).toEqual(['plandb: /nonexistent/plan.txt: no such file']);
  });

  it('rebuild prints what it built and how to query it', async () => {
    const db = path.join(tmpDir('cli'), 'plans.db');
    const { code, io } = await run('rebuild', '--corpus', CORPUS, '--db', db);
    expect(code).toBe(0);
    expect(io.text()).toMatch(/5 of 5 files ingested/);
    expect(io.text()).toMatch(/7 plans, \d+ sections, \d+ items, \d+ targets, \d+ units, \d+ responsibilities/);
    expect(io.text()).toContain('v_unit_targets');
  });

  it('ingest with a bad file exits 1 but keeps the good ones', async () => {
    const db = path.join(tmpDir('cli'), 'plans.db');
    const { code, io } = await run('ingest', seed(SEEDS.suzhou), path.join(FIXTURES, 'bad', 'empty.txt'), '--db', db);
    expect(code).toBe(1);
    expect(io.errText()).toContain(`plandb: ${path.join(FIXTURES, 'bad', 'empty.txt')}: file is empty`);
    expect(io.text()).toContain('1 of 2 files ingested (1 failed, see above)');
  });

  it('eval prints per-file and overall scores', async () => {
    const { code, io } = await run('eval', '--gold', GOLD, '--sources', CORPUS);
    expect(code).toBe(0);
    expect(io.text()).toMatch(/== overall\n\s+plans\s+P 1\.000/);
  });

  it('an unknown option is a usage error (exit 2)', async () => {
    const { code } = await run('rebuild', '--nope');
    expect(code).toBe(2);
  });
});
