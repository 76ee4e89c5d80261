import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeAll } from 'vitest';
import ExcelJS from 'exceljs';
import stringWidth from 'string-width';
import { buildSeedDb } from '../helpers/seeddb.js';
import { main } from '../../src/cli/index.js';
import type { Io } from '../../src/cli/output.js';
import { openDb } from '../../src/store/db.js';
import { BOM, csvField, formatCsv, formatTable, truncate, type ResultSet } from '../../src/query/format.js';
import { exportableTables } from '../../src/query/export.js';
import { snippet, termExpression } from '../../src/query/search.js';


function captureIo(): Io & { stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: (s) => out.push(s + '\n'),
    err: (s) => err.push(s + '\n'),
    isTTY: false,
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

/** Minimal RFC 4180 reader for the round-trip tests. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

let dir: string;
let dbFile: string;
beforeAll(async () => {
  ({ dir, db: dbFile } = await buildSeedDb());
});

async function run(...args: string[]) {
  const io = captureIo();
  const code = await main(['node', 'plandb', ...args], io);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe('format module', () => {
  const rs: ResultSet = {
    columns: [{ key: 'name' }, { key: 'n', align: 'right' }, { key: 'text', max: 10 }, { key: 'hidden', only: 'data' }],
    rows: [
      { name: '市卫健委', n: 3, text: '短', hidden: 'x' },
      { name: 'abc', n: 12.5, text: '这是一段很长很长的文字内容', hidden: 'y' },
    ],
  };

  it('aligns CJK text by display width and cuts long cells with …', () => {
    const lines = formatTable(rs).split('\n');
    const [header, rule, r1, r2] = lines;
    expect(header).toMatch(/^name\s+n\s+text$/);
    expect(rule).toMatch(/^─+/);
    // every line puts the text column at the same display column
    const col = (s: string, word: string) => stringWidth(s.slice(0, s.indexOf(word)));
    expect(col(r1!, '短')).toBe(col(r2!, '这是'));
    expect(col(header!, 'text')).toBe(col(r1!, '短'));
    expect(r2).toContain('这是一段…');
    expect(stringWidth('这是一段…')).toBeLessThanOrEqual(10);
    expect(lines.at(-1)).toBe('(2 rows)');
    expect(formatTable(rs, { wide: true })).toContain('这是一段很长很长的文字内容');
    expect(formatTable(rs)).not.toContain('hidden');
    expect(truncate('abc', 10)).toBe('abc');
  });

  it('CSV: BOM, RFC 4180 quoting, CRLF, formula-looking text defused', () => {
    const csv = formatCsv({ columns: [{ key: 'a' }, { key: 'b' }], rows: [{ a: '含,逗号', b: '他说"好"' }, { a: '多\n行', b: null }] });
    expect(csv.startsWith(BOM)).toBe(true);
    expect(csv).toBe(BOM + 'a,b\r\n"含,逗号","他说""好"""\r\n"多\n行",\r\n');
    expect(parseCsv(csv.slice(1))).toEqual([['a', 'b'], ['含,逗号', '他说"好"'], ['多\n行', '']]);
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('=')).toBe('=');
    expect(csvField(-3.5)).toBe('-3.5');
  });

  it('snippets mark the first hit with 【】 within ±30 characters', () => {
    const text = '一'.repeat(50) + '近视' + '二'.repeat(50);
    expect(snippet(text, '近视', ['近视'])).toBe(`…${'一'.repeat(30)}【近视】${'二'.repeat(30)}…`);
    expect(snippet('控制近视率', '近视', ['近视'])).toBe('控制【近视】率');
    expect(termExpression([{ token: 'a"b', prefix: true }, { token: '托', prefix: false }])).toBe('"a""b"* "托"');
  });
});

describe('CLI query commands', () => {
  it('plans: an aligned table of the seed plans', async () => {
    const r = await run('plans', '--db', dbFile);
    expect(r.code).toBe(0);
    expect(r.out).toContain('昆山市儿童发展规划（2021—2025年）');
    expect(r.out).toContain('(7 rows)');
    expect(r.err).toBe('');
  });

  it('a missing database is a one-line error, exit 1', async () => {
    const r = await run('units', '--db', path.join(dir, 'nope.db'));
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/nope\.db: database not found/);
    expect(existsSync(path.join(dir, 'nope.db'))).toBe(false);
  });

  it('show: outline table; ambiguous plan → one line listing candidates, exit 2', async () => {
    const ok = await run('show', '昆山', '--db', dbFile);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/\n {2}（一）儿童健康\s+\d+\s+\d+\s+\d+/);
    const amb = await run('show', '衢州', '--db', dbFile);
    expect(amb.code).toBe(2);
    expect(amb.err.trim().split('\n')).toHaveLength(1);
    expect(amb.err).toContain('衢州市妇女发展“十四五”规划');
    expect(amb.err).toContain('衢州市儿童发展“十四五”规划');
  });

  it('unit 市卫生健康委员会 --json: the same rows as 市卫健委, parseable', async () => {
    const a = await run('unit', '市卫健委', '--json', '--db', dbFile);
    const b = await run('unit', '市卫生健康委员会', '--json', '--db', dbFile);
    expect(a.code).toBe(0);
    const rows = JSON.parse(a.out) as Array<Record<string, unknown>>;
    expect(rows.some((x) => x.indicator === '新生儿死亡率' && x.role === 'responsible' && String(x.plan).startsWith('昆山'))).toBe(true);
    expect(JSON.parse(b.out)).toEqual(rows);
    const bad = await run('unit', '市卫健委', '--role', 'boss', '--db', dbFile);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--role must be one of lead, support, responsible/);
  });

  it('compare accepts the indicator unquoted with spaces', async () => {
    const r = await run('compare', '5', '岁以下儿童死亡率', '--db', dbFile);
    expect(r.code).toBe(0);
    expect(r.out).toContain('昆山市');
    expect(r.out).toMatch(/5岁以下儿童死亡率\s+\S+市/);
  });

  it('targets --csv: BOM, Chinese round-trips, same rows as --json', async () => {
    const csv = await run('targets', '--unit', '市卫健委', '--year', '2025', '--csv', '--db', dbFile);
    const json = await run('targets', '--unit', '市卫健委', '--year', '2025', '--json', '--db', dbFile);
    expect(csv.code).toBe(0);
    expect(csv.out.startsWith(BOM)).toBe(true);
    const table = parseCsv(csv.out.slice(1).replace(/\n$/, ''));
    const rows = JSON.parse(json.out) as Array<Record<string, unknown>>;
    expect(table[0]).toEqual(Object.keys(rows[0]!));
    expect(table).toHaveLength(rows.length + 1);
    const ind = table[0]!.indexOf('indicator');
    expect(table.slice(1).map((r) => r[ind])).toEqual(rows.map((r) => r.indicator));
    expect(table.slice(1).map((r) => r[ind])).toContain('新生儿死亡率');
  });

  it('search --xlsx writes a workbook with the rows', async () => {
    const file = path.join(dir, 'search.xlsx');
    const r = await run('search', '近视', '--xlsx', file, '--db', dbFile);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/wrote \d+ rows to/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.worksheets[0]!;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(['plan', 'plan_id', 'heading', 'heading_path', 'kind', 'marker', 'snippet', 'text', 'page', 'item_id']);
    expect(String(ws.getRow(2).getCell(7).value)).toContain('【近视】');
  });

  it('gaps --summary; choosing two output formats is a usage error', async () => {
    const r = await run('gaps', '--summary', '--db', dbFile);
    expect(r.code).toBe(0);
    expect(r.out).toContain('朔州市');
    const both = await run('gaps', '--json', '--csv', '--db', dbFile);
    expect(both.code).toBe(2);
  });

  it('--help shows the shared options and examples', async () => {
    const r = await run('targets', '--help');
    expect(r.code).toBe(0);
    for (const o of ['--indicator', '--plan', '--unit', '--year', '--kind', '--db', '--json', '--csv', '--xlsx', 'Examples:']) expect(r.out).toContain(o);
  });
});

describe('plandb export', () => {
  it('every table and view as CSV with BOM plus plandb.xlsx with a sheet per table', async () => {
    const out = path.join(dir, 'export');
    const r = await run('export', '--out', out, '--db', dbFile);
    expect(r.code).toBe(0);
    const db = openDb(dbFile, { readonly: true });
    const tables = exportableTables(db);
    const names = tables.map((t) => t.name);
    for (const n of ['plans', 'targets', 'units', 'unit_aliases', 'responsibilities', 'v_targets', 'v_unit_targets', 'v_gaps']) expect(names).toContain(n);
    expect(names).not.toContain('items_fts');
    expect(names.some((n) => n.startsWith('items_fts_'))).toBe(false);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(out, 'plandb.xlsx'));
    expect(wb.worksheets.map((w) => w.name)).toEqual(names);
    for (const t of tables) {
      const cols = (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(t.name) as string[]).filter((c) => c !== 'normalized_text');
      const csv = readFileSync(path.join(out, `${t.name}.csv`), 'utf8');
      expect(csv.startsWith(BOM)).toBe(true);
      expect(parseCsv(csv.slice(1))[0]).toEqual(cols);
      expect((wb.getWorksheet(t.name)!.getRow(1).values as unknown[]).slice(1)).toEqual(cols);
      const n = db.prepare(`SELECT count(*) FROM "${t.name}"`).pluck().get() as number;
      expect(wb.getWorksheet(t.name)!.rowCount).toBe(n + 1);
    }
    const plans = parseCsv(readFileSync(path.join(out, 'plans.csv'), 'utf8').slice(1));
    expect(plans.map((r) => r[plans[0]!.indexOf('title')])).toContain('昆山市儿童发展规划（2021—2025年）');
    db.close();
  });
});
