import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { escapeControls } from '../../src/errors.js';
import { csvField, excelSafe } from '../../src/query/format.js';
import { DEFAULT_RULES_DIR } from '../../src/rules/index.js';
import { captureIo } from '../helpers/io.js';
import { FIXTURES, ROOT, SEEDS, seed, tmpDir } from '../helpers/paths.js';
import { buildSeedDb } from '../helpers/seeddb.js';

const run = async (...args: string[]) => {
  const io = captureIo();
  const code = await main(['node', 'plandb', ...args], io);
  return { code, io };
};

let db: string;
beforeAll(async () => {
  db = (await buildSeedDb()).db;
});

describe('EPIPE: stdout closed early (defect 6)', () => {
  it('plandb targets --csv | head -1 exits quietly, no stack trace', async () => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/plandb.js'), 'targets', '--csv', '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    // read the first chunk (the header line, as head -1 would), then close the pipe
    await new Promise<void>((res) => child.stdout.once('data', () => res()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    expect(err).toBe('');
    expect(code).toBe(0);
  });
});

describe('CSV formula neutralisation follows OWASP (defect 8)', () => {
  it.each([
    ["-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"],
    ['-1+1', "'-1+1"],
    ['=1+1', "'=1+1"],
    ['\t=1+1', "'\t=1+1"],
    ['\r=1+1', "'\r=1+1"],
    ['\n=1+1', "'\n=1+1"],
    [' =1+1', "' =1+1"],
    ['+1+1', "'+1+1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['=', '='],
    ['-1.5', '-1.5'],
    ['+3%', '+3%'],
    ['婴儿死亡率', '婴儿死亡率'],
  ])('%j → %j', (input, out) => {
    expect(excelSafe(input)).toBe(out);
  });

  it('the escaped field is still quoted by RFC 4180 when it holds a line break', () => {
    expect(csvField('\n=1+1')).toBe(`"'\n=1+1"`);
  });
});

describe('messages: one clear line, exit codes (defect 11, 12)', () => {
  it('--limit 1e20 is a usage error', async () => {
    for (const bad of ['1e20', '0', '-3', 'abc', '2.5']) {
      const { code, io } = await run('search', '近视', '--limit', bad, '--db', db);
      expect(code).toBe(2);
      expect(io.stderr).toEqual([`plandb: --limit must be a whole number from 1 to 100000, got '${bad}'`]);
    }
    expect((await run('search', '近视', '--limit', '3', '--db', db)).code).toBe(0);
  });

  it('a 40 000-character search query is refused at once', async () => {
    const { code, io } = await run('search', '儿童'.repeat(20000), '--db', db);
    expect(code).toBe(2);
    expect(io.stderr).toEqual(['plandb: search query too long: 40000 characters (limit 200)']);
  });

  it('control characters in file names and arguments are escaped', async () => {
    const dir = tmpDir('ctl');
    const name = path.join(dir, 'evil\x1b[31m\nname.txt');
    const { code, io } = await run('extract', name);
    expect(code).toBe(1);
    expect(io.stderr).toEqual([`plandb: ${dir}/evil\\x1b[31m\\nname.txt: no such file`]);
    const q = await run('plans', '--db', db, '--plan-x\x07');
    expect(q.code).toBe(2);
    expect(q.io.errText()).toContain("unknown option '--plan-x\\x07'");
    expect(q.io.errText()).not.toMatch(/[\x00-\x08\x0b-\x1f]/);
    expect(escapeControls('a\u2028b\x7f')).toBe('a\\u2028b\\x7f');
  });

  it('db errors name the database file', async () => {
    const missing = path.join(tmpDir('nodb'), 'plans.db');
    const { code, io } = await run('plans', '--db', missing);
    expect(code).toBe(1);
    expect(io.stderr).toEqual([`plandb: ${missing}: database not found (build it with 'plandb rebuild')`]);
  });

  it('when every file of a rebuild fails, each file gets its reason, then the summary', async () => {
    const dir = tmpDir('allfail');
    const corpus = path.join(dir, 'corpus');
    mkdirSync(corpus);
    writeFileSync(path.join(corpus, 'a.txt'), '');
    cpSync(path.join(FIXTURES, 'bad', 'junk.txt'), path.join(corpus, 'b.txt'));
    const out = path.join(dir, 'plans.db');
    const { code, io } = await run('rebuild', '--corpus', corpus, '--db', out, '-q');
    expect(code).toBe(1);
    expect(io.stderr).toEqual([
      `plandb: ${corpus}/a.txt: file is empty`,
      `plandb: ${corpus}/b.txt: binary data, not a text file (NUL bytes)`,
      `plandb: ${corpus}: no file could be ingested; ${out} left unchanged`,
    ]);
  });
});

describe('rule files and the jieba dictionary are checked, refused with their name (defect 11)', () => {
  const rulesCopy = () => {
    const dir = path.join(tmpDir('rules'), 'rules');
    cpSync(DEFAULT_RULES_DIR, dir, { recursive: true });
    return dir;
  };

  it('an unknown key in a rule file', async () => {
    const dir = rulesCopy();
    const f = path.join(dir, 'units.yaml');
    writeFileSync(f, readFileSync(f, 'utf8').replace(/^units:/m, 'unitz: []\nunits:'));
    const { code, io } = await run('extract', seed(SEEDS.suzhou), '--rules', dir);
    expect(code).toBe(1);
    expect(io.stderr).toEqual([`plandb: ${f}: invalid rule at (root): Unrecognized key: "unitz"`]);
  });

  it('a corrupt jieba dictionary', async () => {
    const dir = rulesCopy();
    const f = path.join(dir, 'jieba-user.dict.txt');
    writeFileSync(f, Buffer.from([0x8f, 0xff, 0x00, 0x41, 0x0a]));
    const bin = await run('rebuild', '--corpus', path.dirname(seed(SEEDS.suzhou)), '--db', path.join(dir, 'x.db'), '--rules', dir);
    expect(bin.code).toBe(1);
    expect(bin.io.stderr).toEqual([`plandb: ${f}: corrupt jieba dictionary: not UTF-8 text`]);
    writeFileSync(f, '死亡率 50000 n\n两个 词 在 一行\n');
    const bad = await run('extract', seed(SEEDS.suzhou), '--rules', dir);
    expect(bad.code).toBe(1);
    expect(bad.io.stderr).toEqual([`plandb: ${f}: corrupt jieba dictionary at line 2: expected 'word [frequency] [tag]', got '两个 词 在 一行'`]);
  });
});
