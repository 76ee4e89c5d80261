import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { openDb } from '../../src/store/db.js';
import { captureIo } from '../helpers/io.js';
import { getJson, startSite, type Site } from './helpers.js';

let site: Site;
beforeAll(async () => {
  site = await startSite({ sqlRowCap: 1000 });
});
afterAll(async () => {
  await site?.server.close();
});

async function cli(...args: string[]): Promise<string> {
  const io = captureIo();
  const code = await main(['node', 'plandb', ...args, '--db', site.db], io);
  expect(code, io.errText()).toBe(0);
  return io.text();
}
const cliJson = async (...args: string[]) => JSON.parse(await cli(...args, '--json'));
const get = (p: string) => getJson(`${site.url}${p}`);
const html = async (p: string) => {
  const res = await fetch(`${site.url}${p}`);
  return { status: res.status, text: await res.text(), headers: res.headers };
};
const unescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

describe('plans', () => {
  it('lists every plan with its counts, as plandb plans does', async () => {
    const { status, body } = await get('/plans.json');
    expect(status).toBe(200);
    const fromCli = await cliJson('plans');
    expect(body.plans.map((p: any) => [p.id, p.title, p.targets, p.responsibilities])).toEqual(fromCli.map((p: any) => [p.id, p.title, p.targets, p.responsibilities]));
    const page = await html('/plans');
    expect(page.status).toBe(200);
    for (const p of fromCli) expect(page.text).toContain(`<a href="/plans/${p.id}">${p.title}</a>`);
  });

  it('filters by facets and counts each facet over the other filters', async () => {
    const { body } = await get(`/plans.json?subject=${encodeURIComponent('妇女')}`);
    expect(body.plans.map((p: any) => p.region).sort()).toEqual(['朔州市', '衢州市'].sort());
    expect(body.filters).toEqual({ subject: '妇女' });
    const region = body.facets.find((f: any) => f.name === 'region');
    expect(region.values).toEqual(
      [
        { value: '衢州市', count: 1 },
        { value: '朔州市', count: 1 },
      ].sort((a, b) => a.value.localeCompare(b.value, 'zh')),
    );
    const subject = body.facets.find((f: any) => f.name === 'subject');
    expect(subject.selected).toBe('妇女');
    // counts of the subject facet ignore the subject filter itself
    expect(subject.values.find((v: any) => v.value === '儿童').count).toBe(4);
  });

  it("shows a plan's outline and facts, the outline as plandb show prints it", async () => {
    const { status, body } = await get('/plans/1.json');
    expect(status).toBe(200);
    expect(body.outline).toEqual(await cliJson('show', '1'));
    expect(body.targets).toHaveLength(body.plan.targets);
    expect(body.responsibilities).toHaveLength(body.plan.responsibilities);
    const t = body.targets.find((x: any) => x.indicator === '婴儿死亡率');
    expect(t.quote).toContain('婴儿死亡率');
    expect(t.status).toBe('extracted');
  });

  it('answers an unknown plan with 404 in the one error shape, HTML and JSON', async () => {
    for (const p of ['/plans/999', '/plans/abc', '/plans/0/source']) {
      const j = await get(`${p}.json`);
      expect(j.status).toBe(404);
      expect(j.body).toEqual({ error: { status: 404, code: 'NOT_FOUND', message: expect.any(String) } });
      const h = await html(p);
      expect(h.status).toBe(404);
      expect(h.text).toContain('NOT_FOUND');
    }
    // /plans/3 is plan 3, never a plan whose title contains "3"
    expect((await get('/plans/2023.json')).status).toBe(404);
  });
});

describe('source', () => {
  it('renders the whole normalized text, every piece at its offset, every fact marked at its span', async () => {
    const { body } = await get('/plans/5/source.json');
    const db = openDb(site.db, { readonly: true });
    const row = db.prepare('SELECT p.start, p.end, s.normalized_text AS t FROM plans p JOIN sources s ON s.id = p.source_id WHERE p.id = 5').get() as {
      start: number;
      end: number;
      t: string;
    };
    db.close();
    expect(body.text).toBe(row.t.slice(row.start, row.end));
    const page = await html('/plans/5/source');
    expect(page.status).toBe(200);
    // every piece carries its offset and its text is the text at that offset
    const pieces = [...page.text.matchAll(/<(mark|span)[^>]*data-o="(\d+)"[^>]*>([^<]*)<\/\1>/g)].map((m) => ({ at: Number(m[2]), text: unescape(m[3]!) }));
    expect(pieces.length).toBeGreaterThan(100);
    let covered = 0;
    for (const p of pieces) {
      expect(row.t.slice(p.at, p.at + p.text.length).replace(/\n/g, ' ')).toBe(p.text.replace(/\n/g, ' '));
      covered += p.text.length;
    }
    // all but the line breaks dropped after headings is shown
    expect(covered).toBeGreaterThan(body.text.length - body.headings.length - 2);
    // each target's span is marked: the marks listing it cover exactly its span
    const allMarks = [...page.text.matchAll(/<mark[^>]*data-f="([^"]*)" data-o="(\d+)"[^>]*>([^<]*)<\/mark>/g)];
    for (const t of body.targets) {
      const id = `t${t.target_id}`;
      const marks = allMarks.filter((m) => m[1]!.split(' ').includes(id));
      const from = Math.min(...marks.map((m) => Number(m[2])));
      const to = Math.max(...marks.map((m) => Number(m[2]) + unescape(m[3]!).length));
      expect([from, to], id).toEqual([t.start, t.end]);
      expect(row.t.slice(t.start, t.end).replace(/\s/g, '')).toBe(t.quote.replace(/\s/g, ''));
    }
    // headings as headings
    const h = body.headings[0];
    expect(page.text).toMatch(new RegExp(`<h\\d id="s${h.id}" class="src-h">`));
  });
});

describe('units and indicators', () => {
  it("lists units and one unit's targets as plandb unit does", async () => {
    const { body } = await get('/units.json');
    expect(body.units).toEqual(await cliJson('units'));
    const u = body.units.find((x: any) => x.unit === '市卫健委');
    const one = await get(`/units/${u.id}.json`);
    expect(one.status).toBe(200);
    expect(one.body.items).toEqual(await cliJson('unit', '市卫健委'));
    const lead = await get(`/units/${u.id}.json?role=lead`);
    expect(lead.body.items.every((x: any) => x.role === 'lead')).toBe(true);
    expect((await get(`/units/${u.id}.json?role=boss`)).status).toBe(400);
  });

  it('charts one indicator across plans: a point per target with a value, grouped by level', async () => {
    const list = await get('/indicators.json');
    const inf = list.body.indicators.find((x: any) => x.indicator_key === '婴儿死亡率');
    expect(inf.plans).toBeGreaterThanOrEqual(3);
    const { status, body } = await get(`/indicators/${encodeURIComponent('婴儿死亡率')}.json`);
    expect(status).toBe(200);
    expect(body.targets).toHaveLength(inf.targets);
    expect(body.chart.unit).toBe('‰');
    const drawn = body.targets.filter((t: any) => t.value !== null && t.unit === '‰');
    expect(body.chart.points.map((p: any) => p.target_id).sort()).toEqual(drawn.map((t: any) => t.target_id).sort());
    for (const p of body.chart.points) expect(p.value).toBe(drawn.find((t: any) => t.target_id === p.target_id).value);
    expect(body.chart.levels).toContain('city');
    expect((await get('/indicators/%E4%B8%8D%E5%AD%98%E5%9C%A8.json')).status).toBe(404);
  });
});

describe('targets, search, gaps', () => {
  it('filters targets and downloads the CSV and XLSX the CLI would write', async () => {
    const q = `?indicator=${encodeURIComponent('死亡率')}&kind=goal`;
    const { body } = await get(`/targets.json${q}`);
    expect(body.targets.length).toBeGreaterThan(3);
    expect(body.targets.every((t: any) => t.indicator.includes('死亡率') && t.kind === 'goal')).toBe(true);
    const res = await fetch(`${site.url}/targets.csv${q}`);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
    const csv = await res.text();
    // fetch strips the BOM when decoding: check the bytes
    const bytes = Buffer.from(await (await fetch(`${site.url}/targets.csv${q}`)).arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect('\uFEFF' + csv).toBe((await cli('targets', '--indicator', '死亡率', '--kind', 'goal', '--csv')) + '\n');
    const xl = await fetch(`${site.url}/targets.xlsx${q}`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xl.arrayBuffer()) as any);
    const ws = wb.getWorksheet('targets')!;
    expect(ws.rowCount).toBe(body.targets.length + 1);
    expect(ws.getRow(2).getCell(1).value).toBe(body.targets[0].plan);
  });

  it('rejects a bad filter with a 400 naming it', async () => {
    const r = await get('/targets.json?year=20x5');
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('BAD_REQUEST');
    expect(r.body.error.message).toMatch(/year/);
  });

  it('searches the full text with the hit marked in the snippet', async () => {
    const { body } = await get(`/search.json?q=${encodeURIComponent('近视')}`);
    expect(body.mode).toBe('words');
    expect(body.results.length).toBeGreaterThan(0);
    expect(body.results.every((r: any) => r.text.includes('近视'))).toBe(true);
    const page = await html(`/search?q=${encodeURIComponent('近视')}`);
    expect(page.text).toContain('<mark>近视</mark>');
    expect(page.text.match(/<li><a href="\/plans\/\d+\/source#i\d+">/g)).toHaveLength(body.results.length);
  });

  it('lists gaps as plandb gaps does', async () => {
    const { body } = await get('/gaps.json');
    expect(body.gaps).toEqual(await cliJson('gaps'));
    expect(body.summary).toEqual(await cliJson('gaps', '--summary'));
  });
});

describe('SQL page', () => {
  it('runs a read-only query and shows the rows', async () => {
    const { status, body } = await get(`/sql.json?sql=${encodeURIComponent('SELECT count(*) AS n FROM plans')}`);
    expect(status).toBe(200);
    expect(body.rows).toEqual([{ n: 7 }]);
    const page = await html(`/sql?sql=${encodeURIComponent("SELECT title FROM plans WHERE region = '苏州市'")}`);
    expect(page.text).toContain('<td>苏州市建设儿童友好城市三年行动计划（2021-2023年）</td>');
  });

  it('caps the rows', async () => {
    const { body } = await get(`/sql.json?sql=${encodeURIComponent('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000) SELECT x FROM c')}`);
    expect(body.rows).toHaveLength(1000);
    expect(body.result.truncated).toBe(true);
  });

  it('shows a SQL error under the box and as the error shape in JSON', async () => {
    const page = await html(`/sql?sql=${encodeURIComponent('SELECT nope FROM plans')}`);
    expect(page.status).toBe(400);
    expect(page.text).toContain('no such column: nope');
    const j = await get(`/sql.json?sql=${encodeURIComponent('SELECT nope FROM plans')}`);
    expect(j.body.error.code).toBe('SQL_ERROR');
  });
});

describe('headers', () => {
  it('sends a strict CSP and no-sniff on every page', async () => {
    for (const p of ['/plans', '/plans/1/source', '/plans.json', '/static/app.css', '/nope']) {
      const r = await html(p);
      expect(r.headers.get('content-security-policy'), p).toContain("script-src 'self'");
      expect(r.headers.get('content-security-policy'), p).not.toContain('unsafe-inline');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});
