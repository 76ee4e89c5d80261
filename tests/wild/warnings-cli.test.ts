/** Issue 8, deliverable 10 (and 1 in the store): warnings printed by `extract --format summary` and `ingest`, kept in the warnings table; html/doc sources stored. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { openDb } from '../../src/index.js';
import { captureIo } from '../helpers/io.js';
import { FIXTURES, tmpDir } from '../helpers/paths.js';

const WILD = path.join(FIXTURES, 'wild');
const run = async (...args: string[]) => {
  const io = captureIo();
  const code = await main(['node', 'plandb', ...args], io);
  return { code, io };
};

describe('warnings you can see', () => {
  it('extract --format summary prints the plan and its positioned warnings; exit 0 for a partial plan', async () => {
    const f = path.join(WILD, 'partial-excerpt.txt');
    const { code, io } = await run('extract', f, '--format', 'summary');
    expect(code).toBe(0);
    expect(io.stdout[0]).toBe('《南湖州儿童发展纲要（2021-2030年）》全文  [南湖州 · 儿童 · 2021–2030]');
    expect(io.stdout[1]).toBe('  0 headings, 3 targets, 0 responsibilities');
    expect(io.stdout).toContain(`  ${f}:1:1 warning partial-plan: plan with 0 outline heading(s): extracted as far as possible (a short plan, an excerpt, or an outline that did not parse)`);
  });

  it('extract --format json carries the warnings', async () => {
    const { io } = await run('extract', path.join(WILD, 'toc-draft.txt'));
    const j = JSON.parse(io.text());
    expect(j.warnings).toEqual([{ code: 'toc-skipped', severity: 'info', message: 'table of contents skipped (6 lines)', start: 20, end: 99, rule: 'toc.word', page: null }]);
  });

  it('ingest prints warnings per file and stores them; html and doc sources are stored as such', async () => {
    const db = path.join(tmpDir('wildwarn'), 'p.db');
    const files = ['no-region.txt', 'partial-excerpt.txt', 'qingchuan-children.html', 'chengchuan-women.doc', 'action-plan.txt'].map((f) => path.join(WILD, f));
    const { code, io } = await run('ingest', ...files, '--db', db, '-q');
    expect(code).toBe(0);
    expect(io.stderr).toContain(`plandb: ${files[0]}:1:1 warning no-region: title names no region: 儿童友好城市建设三年行动计划（2023-2025年）`);
    expect(io.stderr.some((l) => l.includes('partial-plan'))).toBe(true);
    expect(io.text()).toContain('5 of 5 files ingested');
    expect(io.text()).toMatch(/\d+ warning\(s\); all warnings: sqlite3 .* "SELECT source, severity, code, message FROM v_warnings"/);
    const h = openDb(db, { readonly: true });
    expect(h.prepare('SELECT name, format FROM sources ORDER BY name').all()).toEqual([
      { name: 'action-plan.txt', format: 'html' },
      { name: 'chengchuan-women.doc', format: 'doc' },
      { name: 'no-region.txt', format: 'txt' },
      { name: 'partial-excerpt.txt', format: 'txt' },
      { name: 'qingchuan-children.html', format: 'html' },
    ]);
    const rows = h.prepare('SELECT source, plan, severity, code, text FROM v_warnings ORDER BY source, code').all();
    expect(rows).toEqual([
      { source: 'action-plan.txt', plan: null, severity: 'info', code: 'format-mismatch', text: '' },
      { source: 'no-region.txt', plan: '儿童友好城市建设三年行动计划（2023-2025年）', severity: 'warning', code: 'no-region', text: '儿童友好城市建设三年行动计划（2023-2025年）' },
      { source: 'partial-excerpt.txt', plan: '《南湖州儿童发展纲要（2021-2030年）》全文', severity: 'warning', code: 'partial-plan', text: '《南湖州儿童发展纲要（2021-2030年）》全文' },
    ]);
    // re-ingesting a file replaces its warnings, never duplicates them
    await run('ingest', files[0]!, '--db', db, '-q');
    expect(h.prepare("SELECT count(*) FROM warnings WHERE code = 'no-region'").pluck().get()).toBe(1);
    h.close();
  });
});
