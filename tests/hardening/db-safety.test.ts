import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { ingest, openDb, rebuild } from '../../src/index.js';
import { removeStaleTemps } from '../../src/store/db.js';
import { captureIo } from '../helpers/io.js';
import { CORPUS, ROOT, SEEDS, seed, tmpDir } from '../helpers/paths.js';

const run = async (...args: string[]) => {
  const io = captureIo();
  const code = await main(['node', 'plandb', ...args], io);
  return { code, io };
};

/** A fresh copy of the 7-plan seed database. */
let seedDb: string;
beforeAll(async () => {
  seedDb = path.join(tmpDir('safety-seed'), 'plans.db');
  await rebuild(CORPUS, seedDb);
});
const copySeed = (tag: string) => {
  const f = path.join(tmpDir(tag), 'plans.db');
  copyFileSync(seedDb, f);
  return f;
};
const planCount = (f: string) => {
  const db = new Database(f, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM plans').pluck().get();
  } finally {
    db.close();
  }
};


/**
 * The files in a database's folder, its caches' whole entries left out (cache/text, cache/tokens:
 * content-addressed, written to a temp file and renamed, so they stay valid after a failed build);
 * a half-written cache entry (NAME.PID.X.tmp) is listed.
 */
function besideDb(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((n) => n !== 'cache' && !(n.startsWith(`cache${path.sep}`) && !n.endsWith('.tmp'))).sort();
}

describe('a full disk never swaps in a partial database (defect 2)', () => {
  afterEach(() => {
    delete process.env.PLANDB_TEST_MAX_PAGES;
  });

  it('injected SQLITE_FULL on the 3rd of 5 files: rebuild aborts, the old database stays byte for byte, no temp file left', async () => {
    const db = copySeed('full');
    const before = readFileSync(db);
    // the temporary database cannot grow past 200 pages of 4 KB (two seeds take 160, three 269): the 3rd seed hits "database or disk is full"
    process.env.PLANDB_TEST_MAX_PAGES = '200';
    // --force: every file is written again (the seed database is up to date with CORPUS, so a plain rebuild writes nothing)
    const { code, io } = await run('rebuild', '--corpus', CORPUS, '--db', db, '-q', '--force');
    expect(code).toBe(1);
    expect(io.stderr).toEqual([
      `plandb: ${path.join(CORPUS, `${SEEDS.shuozhou}.txt`)}: cannot write to database ${db}: database or disk is full`,
      `plandb: rebuild stopped: cannot write to database ${db}: database or disk is full; ${db} left unchanged`,
    ]);
    expect(readFileSync(db).equals(before)).toBe(true);
    expect(besideDb(path.dirname(db))).toEqual(['plans.db']);
  });

  it('ingest on a full disk stops at the first file that cannot be written; earlier files stay committed', async () => {
    const db = path.join(tmpDir('full-ingest'), 'plans.db');
    process.env.PLANDB_TEST_MAX_PAGES = '200';
    const files = [SEEDS.kunshan, SEEDS.lanxi, SEEDS.shuozhou, SEEDS.suzhou, SEEDS.quzhou].map(seed);
    const r = await ingest(db, files);
    expect(r.aborted).toBe(`cannot write to database ${db}: database or disk is full`);
    expect(r.files.map((f) => f.ok)).toEqual([true, true, false]);
    delete process.env.PLANDB_TEST_MAX_PAGES;
    expect(planCount(db)).toBe(2);
    const h = new Database(db, { readonly: true });
    expect(h.pragma('integrity_check', { simple: true })).toBe('ok');
    h.close();
  });

  it('a real small filesystem (tmpfs) that fills up during rebuild keeps the old database byte for byte', async (ctx) => {
    const mnt = tmpDir('tmpfs');
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mnt]).status === 0;
    if (!mounted) ctx.skip(); // needs root with mount rights; the injected SQLITE_FULL above covers the rest
    try {
      const db = path.join(mnt, 'plans.db');
      copyFileSync(seedDb, db); // 1.8 MB of the 3 MB
      const before = readFileSync(db);
      // --force: every file is written again (the seed database is up to date with CORPUS, so a plain rebuild writes nothing)
    const { code, io } = await run('rebuild', '--corpus', CORPUS, '--db', db, '-q', '--force');
      expect(code).toBe(1);
      expect(io.stderr.at(-1)).toBe(`plandb: rebuild stopped: cannot write to database ${db}: database or disk is full; ${db} left unchanged`);
      expect(readFileSync(db).equals(before)).toBe(true);
      expect(besideDb(mnt)).toEqual(['plans.db']);
    } finally {
      spawnSync('umount', [mnt]);
    }
  });
});

describe('rebuild and ingest refuse a --db that is not a plandb database (defect 4)', () => {
  it.each([
    ['README.md', (f: string) => writeFileSync(f, '# notes\nkeep me\n'), 'is not an SQLite database'],
    ['other.db', (f: string) => new Database(f).exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)'), 'is an SQLite database of another program'],
    ['fifo', (f: string) => execFileSync('mkfifo', [f]), 'is not a regular file (a device, FIFO or socket)'],
    ['folder', (f: string) => mkdirSync(f), 'is a folder'],
  ])('%s', async (name, make, why) => {
    const f = path.join(tmpDir('notdb'), name);
    make(f);
    const before = name === 'README.md' || name === 'other.db' ? readFileSync(f) : null;
    for (const cmd of [['rebuild', '--corpus', CORPUS], ['ingest', seed(SEEDS.suzhou)]]) {
      const { code, io } = await run(...cmd, '--db', f, '-q');
      expect(code).toBe(1);
      expect(io.stderr).toEqual([`plandb: ${f}: not a plandb database (${why}); refusing to write to it`]);
    }
    if (before) expect(readFileSync(f).equals(before)).toBe(true);
    expect(readdirSync(path.dirname(f))).toEqual([name]);
  });

  it('a query on such a file says so too', async () => {
    const f = path.join(tmpDir('notdb-q'), 'README.md');
    writeFileSync(f, 'hello');
    const { code, io } = await run('plans', '--db', f);
    expect(code).toBe(1);
    expect(io.stderr).toEqual([`plandb: ${f}: not a plandb database (is not an SQLite database)`]);
  });
});

describe('stale temporary databases (defect 9)', () => {
  it('the next rebuild removes the temp files of dead processes, keeps those of live ones', async () => {
    const db = copySeed('stale');
    const dir = path.dirname(db);
    // a pid that is not running: a child that has exited
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const stale = [`plans.db.tmp-${dead}`, `plans.db.tmp-${dead}-journal`];
    for (const n of stale) writeFileSync(path.join(dir, n), 'x'.repeat(1000));
    const live = `plans.db.tmp-${process.ppid}`; // the test runner: alive
    writeFileSync(path.join(dir, live), 'x');
    writeFileSync(path.join(dir, 'plans.db.tmp-notes.txt'), 'not ours');
    const { code } = await run('rebuild', '--corpus', CORPUS, '--db', db, '-q');
    expect(code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['plans.db', live, 'plans.db.tmp-notes.txt'].sort());
    expect(removeStaleTemps(db)).toEqual([]);
  });
});

describe('schema version (defect 10)', () => {
  it('a database written by a newer plandb is refused for writing, naming the version and migration', async () => {
    const db = copySeed('newer');
    const h = new Database(db);
    h.prepare("INSERT INTO migrations (name, applied_at) VALUES ('009-future', '2030-01-01')").run();
    h.prepare("UPDATE meta SET value = '9.0.0' WHERE key = 'plandb_version'").run();
    h.close();
    const before = readFileSync(db);
    const ing = await run('ingest', seed(SEEDS.suzhou), '--db', db, '-q');
    expect(ing.code).toBe(1);
    expect(ing.io.stderr).toEqual([`plandb: ${db}: database written by plandb 9.0.0 (migration 009-future unknown to plandb 0.1.0); refusing to write to it (upgrade plandb)`]);
    const reb = await run('rebuild', '--corpus', CORPUS, '--db', db, '-q');
    expect(reb.code).toBe(1);
    expect(reb.io.stderr).toEqual([`plandb: ${db}: database written by plandb 9.0.0 (migration 009-future unknown to plandb 0.1.0); refusing to replace it (upgrade plandb, or remove the file)`]);
    expect(readFileSync(db).equals(before)).toBe(true);
  });

  it('a query that fails on a newer database names the file and the version', async () => {
    const db = copySeed('newer-q');
    const h = new Database(db);
    h.exec("INSERT INTO migrations (name, applied_at) VALUES ('009-future', '2030-01-01'); UPDATE meta SET value = '9.0.0'; ALTER TABLE sources RENAME TO sources_v9");
    h.close();
    const { code, io } = await run('plans', '--db', db);
    expect(code).toBe(1);
    expect(io.stderr).toEqual([`plandb: ${db}: database error: no such table: sources (the database was written by plandb 9.0.0 (migration 009-future unknown to plandb 0.1.0); upgrade plandb)`]);
  });

  it('every writer records its version in meta', async () => {
    const h = openDb(seedDb, { readonly: true });
    expect(h.prepare("SELECT value FROM meta WHERE key = 'plandb_version'").pluck().get()).toBe('0.1.0');
    expect(h.prepare('SELECT name FROM migrations ORDER BY name').pluck().all()).toContain('003-hardening');
    h.close();
  });
});

describe('readers during a large ingest (defect 10)', () => {
  it('queries run while another process ingests never fail with "database is locked"', async () => {
    const db = copySeed('busy');
    const dir = path.dirname(db);
    // a large ingest: 10 copies of the seeds under other names (each a replace of the same plans)
    const inputs = path.join(dir, 'in');
    mkdirSync(inputs);
    for (let k = 0; k < 4; k++) for (const s of Object.values(SEEDS)) copyFileSync(seed(s), path.join(inputs, `${k}-${s}.txt`));
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/plandb.js'), 'ingest', inputs, '--db', db, '-q'], { stdio: 'ignore' });
    const exited = new Promise<number>((res) => child.on('exit', (c) => res(c ?? -1)));
    let reads = 0;
    let running = true;
    void exited.then(() => (running = false));
    while (running) {
      const { code, io } = await run('plans', '--db', db, '--json');
      expect(io.errText()).toBe('');
      expect(code).toBe(0);
      reads++;
      await new Promise((r) => setTimeout(r, 20)); // let the child's exit event in
    }
    expect(await exited).toBe(0);
    expect(reads).toBeGreaterThan(1);
  });
});

describe('the same plan twice in one file (defect 7) and replaced plans named', () => {
  it('stores the first copy and says so, instead of a raw UNIQUE constraint error', async () => {
    const dir = tmpDir('dup');
    const f = path.join(dir, 'twice.txt');
    const text = readFileSync(seed(SEEDS.suzhou), 'utf8');
    writeFileSync(f, `${text}\n${text}`);
    const db = path.join(dir, 'plans.db');
    const { code, io } = await run('ingest', f, '--db', db, '-q');
    expect(code).toBe(0);
    expect(io.stderr).toEqual([`plandb: ${f}: plan '苏州市建设儿童友好城市三年行动计划（2021-2023年）' appears more than once in the file; the first copy was stored`]);
    expect(planCount(db)).toBe(1);
  });

  it('ingest names the plans it replaced', async () => {
    const db = copySeed('replaced');
    const { code, io } = await run('ingest', seed(SEEDS.shuozhou), '--db', db, '-q');
    expect(code).toBe(0);
    expect(io.stdout).toContain('  2 plan(s) replaced by a newer copy: 朔州市妇女发展“十四五”规划; 朔州市儿童发展“十四五”规划');
  });
});

describe('hot journal of an interrupted ingest is never played into a rebuilt database', () => {
  it('rebuild settles the old database before the swap', async () => {
    const db = copySeed('hot');
    // a journal left next to the database, as an ingest killed mid-commit leaves it
    const h = new Database(db);
    h.pragma('journal_mode = DELETE');
    h.close();
    writeFileSync(`${db}-journal`, '');
    const { code } = await run('rebuild', '--corpus', CORPUS, '--db', db, '-q');
    expect(code).toBe(0);
    expect(existsSync(`${db}-journal`)).toBe(false);
    const r = new Database(db, { readonly: true });
    expect(r.pragma('integrity_check', { simple: true })).toBe('ok');
    r.close();
    rmSync(path.dirname(db), { recursive: true });
  });
});
