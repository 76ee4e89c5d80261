/**
 * Issue 13: parallel and incremental builds write what a serial full build writes.
 * - a build prepared in worker threads equals a build prepared in the main thread, row by row (ids too);
 * - a rebuild with nothing changed writes nothing; one changed, added or removed file is applied to a
 *   copy, and the result holds the same facts as a full build of the same corpus;
 * - a rule change extracts again from the cached text of PDF/Word files, and leaves the rows of a
 *   file that gives the rows stored; --force reads no cache.
 */
import { appendFileSync, copyFileSync, cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { workerFile } from '../../src/batch/pool.js';
import { rebuild, textCacheDir, type BatchReport } from '../../src/index.js';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/rules/index.js';
import { main } from '../../src/cli/index.js';
import { captureIo } from '../helpers/io.js';
import { editedRules } from '../helpers/rules.js';
import { CORPUS, FIXTURES, SEEDS, tmpDir } from '../helpers/paths.js';

/** Every row of every table (ingested_at left out: a clock, not content), in id order. */
function dump(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'items_fts%' AND name <> 'migrations' ORDER BY name").pluck().all() as string[];
    const out: Record<string, unknown[]> = {};
    for (const t of tables) out[t] = db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all().map((r) => ({ ...(r as object), ingested_at: undefined }));
    // the full-text index: which item rows each word finds
    out.fts = ['近视', '托育', '卫健委', '妇联'].map((w) => db.prepare('SELECT rowid FROM items_fts WHERE items_fts MATCH ? ORDER BY rowid').pluck().all(w));
    return out;
  } finally {
    db.close();
  }
}

/** The facts of a database without its ids: what a plan says, keyed by plan key and offsets. */
function facts(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true });
  const all = (sql: string) => db.prepare(sql).raw().all();
  try {
    return {
      sources: all('SELECT path, format, file_sha256, content_sha256, extract_key, corrections_key, normalized_text FROM sources ORDER BY path'),
      plans: all('SELECT plan_key, title, region, period_start, period_end, division_code, start, end FROM plans ORDER BY plan_key'),
      sections: all('SELECT p.plan_key, s.level, s.marker, s.title, s.path, s.start, s.end, ps.start FROM sections s JOIN plans p ON p.id = s.plan_id LEFT JOIN sections ps ON ps.id = s.parent_id ORDER BY 1, s.start, s.level'),
      items: all('SELECT p.plan_key, i.marker, i.kind, i.text, i.start, s.start FROM items i JOIN plans p ON p.id = i.plan_id LEFT JOIN sections s ON s.id = i.section_id ORDER BY 1, i.start'),
      targets: all(
        'SELECT p.plan_key, t.kind, t.indicator, t.indicator_id, t.op, t.value, t.unit, t.year, t.quote, t.start, t.status, i.start FROM targets t JOIN plans p ON p.id = t.plan_id LEFT JOIN items i ON i.id = t.item_id ORDER BY 1, t.start, t.end, t.indicator',
      ),
      responsibilities: all(
        `SELECT p.plan_key, r.role, r.quote, r.start, r.status, (SELECT group_concat(u.canonical || ':' || ru.name, '、') FROM responsibility_units ru JOIN units u ON u.id = ru.unit_id WHERE ru.responsibility_id = r.id ORDER BY ru.position)
         FROM responsibilities r JOIN plans p ON p.id = r.plan_id ORDER BY 1, r.start, r.role`,
      ),
      units: all('SELECT canonical, government, body FROM units ORDER BY canonical'),
      warnings: all('SELECT s.path, w.code, w.message, w.start FROM warnings w JOIN sources s ON s.id = w.source_id ORDER BY 1, w.start, w.code, w.message'),
      fts: ['近视', '托育', '卫健委'].map((w) =>
        db.prepare('SELECT p.plan_key, i.start FROM items_fts f JOIN items i ON i.id = f.rowid JOIN plans p ON p.id = i.plan_id WHERE items_fts MATCH ? ORDER BY 1, 2').raw().all(w),
      ),
    };
  } finally {
    db.close();
  }
}

/**
 * The five seeds with 苏州 as PDF and 衢州 as DOCX; with `twice`, also their txt (read first, so the
 * later PDF and DOCX replace their plans).
 */
function mixedCorpus(tag: string, twice: boolean): string {
  const dir = path.join(tmpDir(tag), 'corpus');
  mkdirSync(dir);
  for (const f of readdirSync(CORPUS)) {
    if (twice || !(f.startsWith(SEEDS.suzhou) || f.startsWith(SEEDS.quzhou))) copyFileSync(path.join(CORPUS, f), path.join(dir, f));
  }
  copyFileSync(path.join(FIXTURES, 'pdf', `${SEEDS.suzhou}.pdf`), path.join(dir, 'zz-suzhou.pdf'));
  copyFileSync(path.join(FIXTURES, 'docx', `${SEEDS.quzhou}.docx`), path.join(dir, 'zz-quzhou.docx'));
  return dir;
}

const extracted = (r: BatchReport) => r.files.filter((f) => f.ok && !f.unchanged).map((f) => path.basename(f.file));

describe('parallel build = serial build, row by row', () => {
  it('the compiled worker exists (the pool is used, not skipped)', () => {
    expect(workerFile()).not.toBeNull();
  });

  it('seven files (txt, pdf, docx; two plans replaced by a later file) in 2 worker threads and in the main thread', async () => {
    const corpus = mixedCorpus('parallel', true);
    const dir = path.dirname(corpus);
    const serial = await rebuild(corpus, path.join(dir, 'serial.db'), { jobs: 1 });
    const parallel = await rebuild(corpus, path.join(dir, 'parallel.db'), { jobs: 2 });
    expect(serial.failed).toBe(0);
    expect(parallel.files.map((f) => [path.basename(f.file), f.plans, f.targets, f.replaced])).toEqual(serial.files.map((f) => [path.basename(f.file), f.plans, f.targets, f.replaced]));
    // the later PDF and DOCX replaced the 苏州 and 衢州 plans of the txt files
    expect(serial.files.find((f) => f.file.endsWith('zz-suzhou.pdf'))!.replaced).toEqual([expect.stringContaining('苏州市')]);
    const a = dump(path.join(dir, 'serial.db'));
    const b = dump(path.join(dir, 'parallel.db'));
    expect(Object.keys(b)).toEqual(Object.keys(a));
    for (const t of Object.keys(a)) expect(b[t], t).toEqual(a[t]);
    expect(a.targets!.length).toBeGreaterThan(250);
    expect((a.sources as Array<{ format: string }>).map((s) => s.format).sort()).toEqual(['docx', 'pdf', 'txt', 'txt', 'txt']);
  }, 180_000);
});

describe('incremental rebuild', () => {
  let corpus: string;
  let dir: string;
  let db: string;
  beforeAll(async () => {
    corpus = mixedCorpus('incr', false);
    dir = path.dirname(corpus);
    db = path.join(dir, 'out', 'plans.db');
    const r = await rebuild(corpus, db, { textCache: textCacheDir(db) });
    expect(r.mode).toBe('full');
  }, 180_000);

  it('nothing changed: nothing is written (same bytes, same modification time) and every file is reported unchanged', async () => {
    const before = readFileSync(db);
    const mtime = statSync(db).mtimeMs;
    const r = await rebuild(corpus, db, { textCache: textCacheDir(db) });
    expect(r.mode).toBe('none');
    expect(r.files.map((f) => f.unchanged)).toEqual(Array(5).fill(true));
    expect(r.files.find((f) => f.file.endsWith(`${SEEDS.kunshan}.txt`))).toMatchObject({ ok: true, plans: 1 });
    expect(readFileSync(db).equals(before)).toBe(true);
    expect(statSync(db).mtimeMs).toBe(mtime);
  });

  it('one file changed, one added, one removed: only those are read; the facts equal a full build of the same corpus', async () => {
    // 昆山's plan changes a goal; 兰溪 leaves; 大同's plans (朔州's with the place renamed) come in
    const kunshan = path.join(corpus, `${SEEDS.kunshan}.txt`);
    writeFileSync(kunshan, readFileSync(kunshan, 'utf8').replace('学前三年毛入园率达 100%', '学前三年毛入园率达 99%'));
    rmSync(path.join(corpus, `${SEEDS.lanxi}.txt`));
    writeFileSync(path.join(corpus, 'zz-datong.txt'), readFileSync(path.join(corpus, `${SEEDS.shuozhou}.txt`), 'utf8').replaceAll('朔州', '大同'));
    const r = await rebuild(corpus, db, { textCache: textCacheDir(db) });
    expect(r.mode).toBe('incremental');
    expect(extracted(r).sort()).toEqual([`${SEEDS.kunshan}.txt`, 'zz-datong.txt']);
    expect(r.removed!.map((p) => path.basename(p))).toEqual([`${SEEDS.lanxi}.txt`]);
    const full = path.join(dir, 'full.db');
    const f = await rebuild(corpus, full, { force: true });
    expect(f.mode).toBe('full');
    const a = facts(db);
    const b = facts(full);
    for (const t of Object.keys(b)) expect(a[t], t).toEqual(b[t]);
    // the changed goal is there, quoted from its sentence
    const h = new Database(db, { readonly: true });
    expect(h.prepare("SELECT t.quote FROM targets t JOIN plans p ON p.id = t.plan_id WHERE p.title LIKE '昆山%' AND t.indicator = '学前三年毛入园率'").pluck().all()).toEqual(['学前三年毛入园率达 99%']);
    expect(h.prepare("SELECT count(*) FROM plans WHERE title LIKE '兰溪%'").pluck().get()).toBe(0);
    h.close();
  }, 240_000);

  it('a rule change extracts every file again, from the cached text of the PDF and DOCX; --force reads no cache', async () => {
    const rulesDir = path.join(dir, 'rules');
    cpSync(DEFAULT_RULES_DIR, rulesDir, { recursive: true });
    appendFileSync(path.join(rulesDir, 'units.yaml'), '\n# a comment changes the rules key\n');
    // mark the cached text of the PDF, so that reading it shows in the database
    const cache = textCacheDir(db);
    const pdfSha = (new Database(db, { readonly: true }).prepare("SELECT file_sha256 FROM sources WHERE format = 'pdf'").pluck().get()) as string;
    const entry = path.join(cache, pdfSha.slice(0, 2), `${pdfSha}.json`);
    const json = JSON.parse(readFileSync(entry, 'utf8'));
    expect(json.text.text).toContain('为贯彻落实');
    json.text.text = json.text.text.replace('为贯彻落实', '为认真贯彻落实');
    writeFileSync(entry, JSON.stringify(json));
    const rules = loadRules(rulesDir);
    const r = await rebuild(corpus, db, { rules, textCache: cache });
    expect(r.mode).toBe('incremental');
    expect(r.failed).toBe(0);
    expect(extracted(r)).toHaveLength(r.files.length);
    const text = () => new Database(db, { readonly: true }).prepare("SELECT normalized_text FROM sources WHERE format = 'pdf'").pluck().get() as string;
    expect(text()).toContain('为认真贯彻落实');
    // the comment changes no row: every file but the PDF (whose cached text now differs) gave the rows stored, left in place
    expect(r.files.filter((f) => !f.sameRows).map((f) => path.extname(f.file))).toEqual(['.pdf']);
    // and the database is what a full build with these rules and this cache makes
    const other = path.join(dir, 'full-after-rule-change.db');
    const full = await rebuild(corpus, other, { rules, textCache: cache });
    expect(full.mode).toBe('full');
    expect(full.files.some((f) => f.sameRows)).toBe(false);
    expect(facts(db)).toEqual(facts(other));
    const forced = await rebuild(corpus, db, { rules, textCache: cache, force: true });
    expect(forced.mode).toBe('full');
    expect(text()).not.toContain('为认真贯彻落实');
    expect(text()).toContain('为贯彻落实');
  }, 240_000);
});

describe('a rule change that rewrites most rows', () => {
  it('goes to a new database when the first files show it, before writing any (deletes and rewrites cost more); the facts equal a full build', async () => {
    const dir = tmpDir('rule-rewrites');
    const db = path.join(dir, 'plans.db');
    expect((await rebuild(CORPUS, db)).mode).toBe('full');
    // 率 stripped from the end of every indicator name: every plan's targets change
    const rules = loadRules(editedRules(dir, 'indicators.yaml', 'name_trail_words: [的目标, ', 'name_trail_words: [的目标, 率, '));
    const seen: string[] = [];
    // looks at 3 files of a corpus of at least 5 (the defaults: 50 files or 5% of at least 200)
    const r = await rebuild(CORPUS, db, { rules, rewriteProbe: { minFiles: 5, look: 3, share: 0 }, onFile: (f) => seen.push(path.basename(f.file)) });
    expect(r.mode).toBe('full');
    expect(r.failed).toBe(0);
    expect(r.files.some((f) => f.sameRows)).toBe(false);
    // the first 3 files were prepared to decide, not written: the progress saw every file once, in the full build
    const names = r.files.map((f) => path.basename(f.file));
    expect(seen).toEqual(names);
    expect(names).toHaveLength(readdirSync(CORPUS).length);
    const fresh = path.join(dir, 'fresh.db');
    await rebuild(CORPUS, fresh, { rules });
    expect(facts(db)).toEqual(facts(fresh));
    const h = new Database(db, { readonly: true });
    expect(h.prepare("SELECT count(*) FROM targets WHERE indicator LIKE '%死亡'").pluck().get()).toBeGreaterThan(3);
    h.close();
    // back to the bundled rules: every row changes again
    const probe = { minFiles: 5, look: 3, share: 0 };
    expect((await rebuild(CORPUS, db, { rewriteProbe: probe })).mode).toBe('full');
    // a change that leaves every row as it is (a comment) stays over the copy, every file's rows kept
    const commented = path.join(dir, 'rules-comment');
    cpSync(DEFAULT_RULES_DIR, commented, { recursive: true });
    appendFileSync(path.join(commented, 'units.yaml'), '\n# a comment changes the rules key\n');
    const kept = await rebuild(CORPUS, db, { rules: loadRules(commented), rewriteProbe: probe });
    expect(kept.mode).toBe('incremental');
    expect(kept.files.every((f) => f.sameRows)).toBe(true);
  }, 240_000);
});

const run = async (...args: string[]) => {
  const io = captureIo();
  const code = await main(['node', 'plandb', ...args], io);
  return { code, io };
};

describe('a file whose plans a later file replaces', () => {
  it('stays replaced while nothing changes; when another file changes, the build is redone in full and equals a full build', async () => {
    const dir = tmpDir('superseded');
    const corpus = path.join(dir, 'corpus');
    mkdirSync(corpus);
    for (const s of [SEEDS.kunshan, SEEDS.suzhou]) copyFileSync(path.join(CORPUS, `${s}.txt`), path.join(corpus, `${s}.txt`));
    // sorts before the txt: the txt, read later, replaces its plan
    copyFileSync(path.join(FIXTURES, 'pdf', `${SEEDS.suzhou}.pdf`), path.join(corpus, `${SEEDS.suzhou}-early.pdf`));
    const db = path.join(dir, 'plans.db');
    const first = await rebuild(corpus, db, { jobs: 1 });
    expect(first.mode).toBe('full');
    expect(first.files.map((f) => f.replacedFrom?.map((p) => path.basename(p)))).toEqual([undefined, undefined, [`${SEEDS.suzhou}-early.pdf`]]);
    const again = await rebuild(corpus, db, { jobs: 1 });
    expect(again.mode).toBe('none');
    expect(again.files.map((f) => f.plans)).toEqual([1, 0, 1]);
    const kunshan = path.join(corpus, `${SEEDS.kunshan}.txt`);
    appendFileSync(kunshan, '\n');
    const changed = await rebuild(corpus, db, { jobs: 1 });
    expect(changed.mode).toBe('full');
    const full = path.join(dir, 'full.db');
    await rebuild(corpus, full, { force: true, jobs: 1 });
    const a = facts(db);
    const b = facts(full);
    for (const t of Object.keys(b)) expect(a[t], t).toEqual(b[t]);
    expect((a.sources as unknown[][]).map((s) => path.basename(s[0] as string))).toEqual([`${SEEDS.kunshan}.txt`, `${SEEDS.suzhou}.txt`]);
  }, 180_000);
});

describe('plandb rebuild (CLI)', () => {
  it('says when the database is up to date, and refuses a bad --jobs', async () => {
    const db = path.join(tmpDir('cli-incr'), 'plans.db');
    const first = await run('rebuild', '--corpus', CORPUS, '--db', db, '-q');
    expect(first.code).toBe(0);
    const again = await run('rebuild', '--corpus', CORPUS, '--db', db, '-q');
    expect(again.code).toBe(0);
    expect(again.io.stdout[0]).toBe(`${db} is up to date: 5 files unchanged, nothing written (--force extracts every file again)`);
    const forced = await run('rebuild', '--corpus', CORPUS, '--db', db, '-q', '--force', '--jobs', '1');
    expect(forced.io.stdout[0]).toBe(`Built ${db}: 5 of 5 files ingested`);
    const bad = await run('rebuild', '--corpus', CORPUS, '--db', db, '--jobs', '0');
    expect(bad.code).toBe(2);
    expect(bad.io.stderr.join('\n')).toContain("--jobs must be a whole number from 1 to 256, not '0'");
  }, 120_000);
});
