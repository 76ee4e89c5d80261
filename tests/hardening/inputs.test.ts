import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { errorLine, extractFile } from '../../src/index.js';
import { ingestFile } from '../../src/ingest/index.js';
import { captureIo } from '../helpers/io.js';
import { FIXTURES, SEEDS, seed, tmpDir } from '../helpers/paths.js';
import { makeDocx } from '../helpers/zip.js';

/** The one line the CLI would print for a rejected promise. */
const lineOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (e) {
    return errorLine(e);
  }
  throw new Error('expected a rejection');
};

const run = async (...args: string[]) => {
  const io = captureIo();
  const code = await main(['node', 'plandb', ...args], io);
  return { code, io };
};

describe('one bad folder entry is one line, and the batch goes on (defect 5)', () => {
  it('link loop, dangling link, FIFO, link to /dev/zero, folder named x.txt: skipped with a line each; the plans are ingested', async () => {
    const dir = tmpDir('entries');
    const corpus = path.join(dir, 'corpus');
    mkdirSync(corpus);
    writeFileSync(path.join(corpus, 'a-plan.txt'), readFileSync(seed(SEEDS.suzhou)));
    writeFileSync(path.join(corpus, 'z-plan.txt'), readFileSync(seed(SEEDS.lanxi)));
    symlinkSync('loop2.txt', path.join(corpus, 'loop1.txt'));
    symlinkSync('loop1.txt', path.join(corpus, 'loop2.txt'));
    symlinkSync('/nonexistent/plan.txt', path.join(corpus, 'dangling.txt'));
    execFileSync('mkfifo', [path.join(corpus, 'fifo.txt')]);
    symlinkSync('/dev/zero', path.join(corpus, 'zero.txt'));
    mkdirSync(path.join(corpus, 'x.txt'));
    mkdirSync(path.join(corpus, 'drafts')); // a plain sub-folder: not descended into, no line
    const db = path.join(dir, 'plans.db');
    for (const cmd of [['rebuild', '--corpus', corpus], ['ingest', corpus]]) {
      const { code, io } = await run(...cmd, '--db', db, '-q');
      expect(code).toBe(1);
      const p = (n: string) => path.join(corpus, n);
      expect(io.stderr).toEqual([
        `plandb: ${p('dangling.txt')}: dangling symbolic link (its target does not exist); skipped`,
        `plandb: ${p('fifo.txt')}: not a regular file (a FIFO); skipped`,
        `plandb: ${p('loop1.txt')}: symbolic link loop; skipped`,
        `plandb: ${p('loop2.txt')}: symbolic link loop; skipped`,
        `plandb: ${p('x.txt')}: is a folder, not a file; skipped`,
        `plandb: ${p('zero.txt')}: not a regular file (a device); skipped`,
      ]);
      expect(io.text()).toContain('2 of 8 files ingested (6 failed, see above)');
      expect(io.text()).toContain('2 plans,');
    }
  });

  it('a FIFO or device given by name is refused, not read', async () => {
    const dir = tmpDir('fifo');
    const fifo = path.join(dir, 'plan.txt');
    execFileSync('mkfifo', [fifo]);
    expect(await lineOf(ingestFile(fifo))).toBe(`${fifo}: not a regular file (a FIFO); skipped`);
    expect(await lineOf(ingestFile('/dev/zero'))).toBe('/dev/zero: not a regular file (a device); skipped');
  });
});

describe('input limits: a hostile file costs seconds, not the batch (defect 3)', () => {
  it('a DOCX bomb (20 MB of text in a small zip) is refused before it is converted', async () => {
    const dir = tmpDir('bomb');
    const f = path.join(dir, 'bomb.docx');
    const para = '儿童发展'.repeat(2500); // 10 000 characters
    writeFileSync(f, makeDocx(Array.from({ length: 2000 }, () => para)));
    expect(readFileSync(f).length).toBeLessThan(1_000_000);
    const t0 = Date.now();
    expect(await lineOf(extractFile(f))).toBe(`${f}: text too long: 20000000 characters (limit 1000000)`);
    // refused from the zip's XML, without running mammoth over 20 MB (which takes minutes)
    expect(Date.now() - t0).toBeLessThan(30_000);
  });

  it('a zip whose entries inflate past the limit is refused as a zip bomb', async () => {
    const f = path.join(tmpDir('zipbomb'), 'bomb.docx');
    writeFileSync(f, makeDocx(['某市儿童发展规划', '0'.repeat(3_000_000)]));
    expect(await lineOf(extractFile(f, undefined, { maxDecompressedBytes: 1024 * 1024 }))).toBe(
      `${f}: decompresses to more than 1 MB (limit; at word/document.xml): refused as a zip bomb`,
    );
  });

  it('file size, text length, PDF pages and time per file have limits with one-line errors', async () => {
    const txt = seed(SEEDS.suzhou);
    expect(await lineOf(extractFile(txt, undefined, { maxFileBytes: 1000 }))).toBe(`${txt}: file too large: 22 KB (limit 1000 bytes)`);
    expect(await lineOf(extractFile(txt, undefined, { maxTextChars: 1000 }))).toMatch(/: text too long: \d+ characters \(limit 1000\)$/);
    const pdf = path.join(FIXTURES, 'pdf', `${SEEDS.suzhou}.pdf`);
    expect(await lineOf(extractFile(pdf, undefined, { maxPdfPages: 2 }))).toMatch(/: PDF has \d+ pages \(limit 2\)$/);
    expect(await lineOf(extractFile(pdf, undefined, { maxSeconds: 0 }))).toMatch(`${pdf}: took longer than 0 s (limit) while reading page 1 of`);
  });

  it('1 MB of text without sentence-final punctuation goes through (normalize is linear)', async () => {
    const f = path.join(tmpDir('plain'), 'plain.txt');
    const letters = [...readFileSync(seed(SEEDS.kunshan), 'utf8').replace(/[^\p{Script=Han}]/gu, '')];
    const lines = [];
    for (let i = 0, bytes = 0; bytes < 1024 * 1024; i += 30) {
      const l = letters.slice(i % (letters.length - 30), (i % (letters.length - 30)) + 30).join('');
      lines.push(l);
      bytes += Buffer.byteLength(l) + 1;
    }
    writeFileSync(f, `${readFileSync(seed(SEEDS.suzhou), 'utf8')}\n${lines.join('\n')}`);
    const doc = await extractFile(f, undefined, { maxSeconds: 60 });
    // the unpunctuated chunks after it may hold title-like lines (read as partial plans, issue 8); the real plan comes first
    expect(doc.plans[0]!.plan.title).toBe('苏州市建设儿童友好城市三年行动计划（2021-2023年）');
  });
});

describe('encodings are detected or named (defect 11)', () => {
  const enc = (n: string) => path.join(FIXTURES, 'encodings', n);
  const original = readFileSync(seed(SEEDS.suzhou), 'utf8');

  it.each([
    ['003-utf16le-nobom.txt', 'utf-16le'],
    ['003-utf16be-nobom.txt', 'utf-16be'],
  ])('%s (UTF-16 without BOM) decodes as %s', async (name, e) => {
    const r = await ingestFile(enc(name));
    expect(r.encoding).toBe(e);
    expect(r.text).toBe(original);
  });

  it.each([
    ['plan-shift-jis.txt', 1, 'text in Shift-JIS (Japanese): unsupported (plandb reads Chinese plans; save it as UTF-8)'],
    ['plan-latin1.txt', 1, 'text in a Western single-byte encoding (Latin-1/Windows-1252?), not Chinese: unsupported (save it as UTF-8)'],
  ])('%s → exit %i, one line', async (name, rc, msg) => {
    const { code, io } = await run('extract', enc(name));
    expect(code).toBe(rc);
    expect(io.stderr).toEqual([`plandb: ${enc(name)}: ${msg}`]);
  });

  it('plan-big5.txt (traditional Chinese) is read in simplified form: exit 0, its plan found', async () => {
    const { code, io } = await run('extract', enc('plan-big5.txt'), '--format', 'summary');
    expect(code).toBe(0);
    expect(io.stdout[0]).toMatch(/^某市儿童发展规划（2021—2030年）/);
  });

  it('Big5 text is decoded as Big5, not as GB18030 garbage', async () => {
    const r = await ingestFile(enc('plan-big5.txt'));
    expect(r.encoding).toBe('big5');
    expect(r.text).toContain('某市兒童發展規劃（2021—2030年）');
  });

  it('the seed GB18030 file is still GB18030', async () => {
    expect((await ingestFile(enc('003-gb18030.txt'))).encoding).toBe('gb18030');
  });
});
