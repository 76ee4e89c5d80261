import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { openDb } from '../../src/store/db.js';
import { captureIo } from '../helpers/io.js';
import { corpusWithParent, getJson, JIANGSU, startSite, type Site } from './helpers.js';

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
    // linked to its catalogue entry, on the plan page and on the targets page
    expect(t.indicator_id).toBe('H002');
    expect((await html('/plans/1')).text).toContain('<a href="/indicators/H002">婴儿死亡率</a>');
    expect((await html(`/targets?indicator=${encodeURIComponent('婴儿死亡率')}`)).text).toContain('<a href="/indicators/H002">婴儿死亡率</a>');
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

describe('units by government and body', () => {
  it('lists units as plandb units does, grouped by government, with the bodies across governments', async () => {
    const fromCli = await cliJson('units');
    const { body } = await get('/units.json?all=1');
    expect(body.units).toEqual(fromCli);
    // a page at a time: 100 units, the same slice of the list, with where it sits in the JSON twin
    const first = await get('/units.json');
    expect(fromCli.length).toBeGreaterThan(100);
    expect(first.body.units).toEqual(fromCli.slice(0, 100));
    expect(first.body.paging.units).toEqual({ offset: 0, rows: 100, total: fromCli.length });
    const second = await get('/units.json?offset=100&size=10');
    expect(second.body.units).toEqual(fromCli.slice(100, 110));
    const firstPage = await html('/units');
    expect(firstPage.text).toContain(`rows 1–100 of ${fromCli.length}`);
    expect(firstPage.text).toContain('<a rel="next" href="/units?offset=100">next ›</a>');
    expect(firstPage.text).not.toContain('rel="prev"');
    // each unit is a government's body
    expect(body.units.find((u: any) => u.unit === '昆山市卫健委')).toMatchObject({ government: '昆山市', body: '卫健委' });
    // the government facet counts the units of each government
    const perGov = new Map<string, number>();
    for (const u of fromCli) perGov.set(u.government, (perGov.get(u.government) ?? 0) + 1);
    expect(new Map(body.governments.map((g: any) => [g.value, g.count]))).toEqual(perGov);
    // one body across governments: 卫健委 of 昆山市, 苏州市 and 衢州市
    const wjw = body.bodies.find((b: any) => b.body === '卫健委');
    const wjwUnits = fromCli.filter((u: any) => u.body === '卫健委');
    expect(wjwUnits.map((u: any) => u.government).sort()).toEqual(['昆山市', '苏州市', '衢州市'].sort());
    expect(wjw.governments.split('、').sort()).toEqual(wjwUnits.map((u: any) => u.government).sort());
    expect([wjw.units, wjw.items]).toEqual([3, wjwUnits.reduce((n: number, u: any) => n + u.items, 0)]);
    // one government: only its units
    const ks = await get(`/units.json?all=1&government=${encodeURIComponent('昆山市')}`);
    expect(ks.body.units).toEqual(fromCli.filter((u: any) => u.government === '昆山市'));
    // one plan's units, as plandb units --plan
    expect((await get(`/units.json?plan=${encodeURIComponent('衢州市儿童')}`)).body.units).toEqual(await cliJson('units', '--plan', '衢州市儿童'));
    // the page: a section per government, each unit linked
    const page = await html('/units?all=1');
    expect(page.text.match(/<section class="unit-group"/g)).toHaveLength(perGov.size);
    for (const u of fromCli.slice(0, 10)) expect(page.text).toContain(`<a href="/units/${u.id}">${u.unit}</a>`);
    expect(page.text).toContain(`<a href="/bodies/${encodeURIComponent('卫健委')}">卫健委</a>`);
  });

  it("shows one unit's targets as plandb unit does, and one body across governments", async () => {
    const { body } = await get('/units.json?all=1');
    const u = body.units.find((x: any) => x.unit === '昆山市卫健委');
    const one = await get(`/units/${u.id}.json`);
    expect(one.status).toBe(200);
    expect(one.body.unit).toMatchObject({ id: u.id, canonical: '昆山市卫健委', government: '昆山市', body: '卫健委', aliases: ['市卫健委'] });
    expect(one.body.items).toEqual(await cliJson('unit', '昆山市卫健委'));
    expect(one.body.items.length).toBeGreaterThan(10);
    expect(one.body.items.every((x: any) => x.unit === '昆山市卫健委' && x.plan.startsWith('昆山'))).toBe(true);
    expect(one.body.counts.targets).toBe(u.targets);
    expect(one.body.same_body.map((x: any) => x.canonical).sort()).toEqual(['苏州市卫健委', '衢州市卫健委'].sort());
    const lead = await get(`/units/${body.units.find((x: any) => x.unit === '苏州市卫健委').id}.json?role=lead`);
    expect(lead.body.items.length).toBeGreaterThan(0);
    expect(lead.body.items).toEqual(await cliJson('unit', '苏州市卫健委', '--role', 'lead'));
    expect((await get(`/units/${u.id}.json?role=boss`)).status).toBe(400);
    // a body: the same rows as plandb unit 卫健委, all three governments
    const all = await get(`/bodies/${encodeURIComponent('卫健委')}.json?all=1`);
    expect(all.status).toBe(200);
    const wjw = await cliJson('unit', '卫健委');
    expect(all.body.items).toEqual(wjw);
    expect([all.body.counts.items, all.body.counts.targets]).toEqual([new Set(wjw.map((x: any) => x.item_id)).size, wjw.filter((x: any) => x.target_id !== null).length]);
    // a page of it: the same rows from an offset, the counts still of every row
    const part = await get(`/bodies/${encodeURIComponent('卫健委')}.json?offset=7&size=20`);
    expect(part.body.items).toEqual(wjw.slice(7, 27));
    expect(part.body.paging.items).toEqual({ offset: 7, rows: 20, total: wjw.length });
    expect(part.body.counts).toEqual(all.body.counts);
    expect(all.body.units.map((x: any) => x.canonical).sort()).toEqual(['昆山市卫健委', '苏州市卫健委', '衢州市卫健委'].sort());
    expect(new Set(all.body.items.map((x: any) => x.government))).toEqual(new Set(['昆山市', '苏州市', '衢州市']));
    // every body shared by governments groups exactly the units of that body
    for (const b of body.bodies.filter((x: any) => x.units > 1)) {
      const r = await get(`/bodies/${encodeURIComponent(b.body)}.json?all=1`);
      expect(r.body.units.map((x: any) => x.id).sort(), b.body).toEqual(body.units.filter((x: any) => x.body === b.body).map((x: any) => x.id).sort());
      expect(r.body.items, b.body).toEqual(await cliJson('unit', b.body));
    }
    expect((await get(`/bodies/${encodeURIComponent('不存在局')}.json`)).status).toBe(404);
    const page = await html(`/units/${u.id}`);
    expect(page.text).toContain('<h1>昆山市卫健委</h1>');
    expect(page.text).toContain(`<a href="/bodies/${encodeURIComponent('卫健委')}">卫健委</a>`);
  });
});

describe('indicators: the catalogue', () => {
  it('lists the catalogue with counts as plandb indicators does, by domain, and the targets outside it', async () => {
    const { body } = await get('/indicators.json?all=1');
    const fromCli = await cliJson('indicators');
    expect(body.indicators).toEqual(fromCli);
    expect(body.indicators.length).toBeGreaterThan(200);
    expect(body.unmapped).toEqual(await cliJson('indicators', '--unmapped'));
    expect(body.coverage.mapped).toBe(body.coverage.targets - body.unmapped.length);
    const h002 = body.indicators.find((x: any) => x.id === 'H002');
    expect([h002.name, h002.unit, h002.better]).toEqual(['婴儿死亡率', '‰', 'lower']);
    expect(h002.plans).toBeGreaterThanOrEqual(3);
    const health = await get(`/indicators.json?all=1&domain=${encodeURIComponent('健康')}`);
    expect(health.body.indicators).toEqual(await cliJson('indicators', '--domain', '健康'));
    expect(body.domains.find((d: any) => d.value === '健康').count).toBe(health.body.indicators.length);
    // linked by catalogue id
    const page = await html('/indicators');
    expect(page.text).toContain('<a href="/indicators/H002">婴儿死亡率</a>');
  });

  it('shows one entry as plandb compare does, with a chart point per target grouped by government level', async () => {
    const { status, body } = await get('/indicators/H002.json');
    expect(status).toBe(200);
    expect(body.compare).toEqual(await cliJson('compare', 'H002'));
    expect(body.catalogue).toMatchObject({ id: 'H002', name: '婴儿死亡率', better: 'lower' });
    const list = (await get('/indicators.json?all=1')).body.indicators.find((x: any) => x.id === 'H002');
    const targets = [...new Set(body.compare.map((t: any) => t.target_id))];
    expect(body.targets).toBe(targets.length);
    expect(body.targets).toBe(list.targets);
    expect(body.chart.unit).toBe('‰');
    const drawn = body.compare.filter((t: any) => t.value !== null && t.unit === '‰');
    expect(body.chart.points.map((p: any) => p.target_id).sort()).toEqual([...new Set(drawn.map((t: any) => t.target_id))].sort());
    for (const p of body.chart.points) expect(p.value).toBe(drawn.find((t: any) => t.target_id === p.target_id).value);
    // levels from the divisions: 昆山市 and 兰溪市 are county-level cities, 衢州市 and 朔州市 cities
    const level = (region: string) => new Set(body.chart.points.filter((p: any) => drawn.find((t: any) => t.target_id === p.target_id).region === region).map((p: any) => p.level));
    expect(level('昆山市')).toEqual(new Set(['county']));
    expect(level('兰溪市')).toEqual(new Set(['county']));
    expect(level('衢州市')).toEqual(new Set(['city']));
    expect(body.chart.levels).toEqual(['city', 'county']);
    // no parent government's plan in the seed corpus: nothing marked
    expect(body.chart.points.every((p: any) => p.parent === null)).toBe(true);
    // a name or alias finds the same entry, as compare does
    expect((await get(`/indicators/${encodeURIComponent('婴儿死亡率')}.json`)).body.compare).toEqual(body.compare);
    expect((await get('/indicators/%E4%B8%8D%E5%AD%98%E5%9C%A8.json')).status).toBe(404);
    expect((await get('/indicators/undefined.json')).status).toBe(404);
  });
});

describe('indicator chart with a parent government\'s plan (the 江苏 province plan beside the corpus)', () => {
  let vsite: Site;
  beforeAll(async () => {
    vsite = await startSite({ corpus: corpusWithParent() });
  });
  afterAll(async () => {
    await vsite?.server.close();
  });

  it("marks the parent plan's target on each point, as compare finds it", async () => {
    const io = captureIo();
    expect(await main(['node', 'plandb', 'compare', 'H002', '--json', '--db', vsite.db], io), io.errText()).toBe(0);
    const fromCli = JSON.parse(io.text());
    const { body } = await getJson(`${vsite.url}/indicators/H002.json`);
    expect(body.compare).toEqual(fromCli);
    const js = (await getJson(`${vsite.url}/plans.json`)).body.plans.find((p: any) => p.title === JIANGSU);
    const jsTarget = fromCli.find((t: any) => t.plan_id === js.id);
    expect(jsTarget.value).toBeTypeOf('number');
    // the province's own target is drawn at the province level
    expect(body.chart.points.find((p: any) => p.target_id === jsTarget.target_id).level).toBe('province');
    expect(body.chart.levels).toEqual(['province', 'city', 'county']);
    // 昆山's targets: the parent (江苏, the nearest government above with a plan of the same subject) marked with its value and verdict
    const ks = body.chart.points.filter((p: any) => fromCli.find((t: any) => t.target_id === p.target_id).region === '昆山市');
    expect(ks.length).toBeGreaterThan(0);
    for (const p of ks) {
      const row = fromCli.find((t: any) => t.target_id === p.target_id && t.parent_target_id !== null);
      expect(row.parent_plan).toBe(JIANGSU);
      expect(p.parent).toEqual({
        plan_id: js.id,
        plan: JIANGSU,
        label: '江苏省 儿童',
        target_id: jsTarget.target_id,
        value: jsTarget.value,
        target: row.parent_target,
        verdict: row.verdict,
      });
    }
    // plans of another province or subject have no parent here
    for (const p of body.chart.points.filter((x: any) => !ks.includes(x))) expect(p.parent, p.label).toBeNull();
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
    const { body } = await get('/gaps.json?all=1');
    const gaps = await cliJson('gaps');
    expect(body.gaps).toEqual(gaps);
    expect(body.summary).toEqual(await cliJson('gaps', '--summary'));
    // a page at a time, the summary paged apart (summary_offset)
    const page = await get('/gaps.json?offset=3&size=5&summary_offset=1');
    expect(page.body.gaps).toEqual(gaps.slice(3, 8));
    expect(page.body.paging).toEqual({ gaps: { offset: 3, rows: 5, total: gaps.length }, summary: { offset: 1, rows: Math.min(5, body.summary.length - 1), total: body.summary.length } });
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
