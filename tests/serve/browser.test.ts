/** The real pages in real Chromium (Debian's, driven by playwright-core): browse, review, filter, download, chart, SQL, search. */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { captureIo } from '../helpers/io.js';
import { corpusWithParent, getJson, JIANGSU, launchChromium, shot, startSite, watchErrors, type Site } from './helpers.js';

let site: Site;
let browser: Browser;
let page: Page;
let errors: string[];

beforeAll(async () => {
  // the corpus and the 江苏 province plan: the indicator chart marks the parent plan's target
  site = await startSite({ corpus: corpusWithParent() });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  errors = watchErrors(page);
});
afterAll(async () => {
  await browser?.close();
  await site?.server.close();
});

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo();
  const code = await main(['node', 'plandb', ...args], io);
  return { code, out: io.text(), err: io.errText() };
}

interface Fact {
  target_id: number;
  indicator: string;
  value: number | null;
  year: number | null;
  rule_id: string;
  status: string;
  start: number;
  end: number;
}
const sourceJson = async (planId: number) => (await getJson(`${site.url}/plans/${planId}/source.json`)).body as { targets: Fact[] };

/** Clicks the highlight of a target and returns its card in the panel. */
async function openFact(id: number) {
  await page.locator(`mark[data-f~="t${id}"]`).first().click();
  const card = page.locator(`#panel section[data-fact="t${id}"]`);
  await card.waitFor();
  return card;
}
const field = (card: ReturnType<Page['locator']>, name: string) => card.locator(`dd[data-field="${name}"]`).textContent();

describe('plandb serve in Chromium', () => {
  let planId: number;
  let picked: Fact[];

  it('opens a plan and shows a highlighted target’s fields on click', async () => {
    await page.goto(`${site.url}/`);
    await expect.poll(() => page.url()).toBe(`${site.url}/plans`);
    await shot(page, 'plans');
    const plans = (await getJson(`${site.url}/plans.json`)).body.plans as Array<{ id: number; title: string }>;
    const kunshan = plans.find((p) => p.title.startsWith('昆山'))!;
    planId = kunshan.id;
    await page.getByRole('link', { name: kunshan.title }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe(kunshan.title);
    await shot(page, 'plan');
    await page.getByRole('link', { name: 'Read the source with facts highlighted' }).click();
    await page.locator('mark.f').first().waitFor();
    const facts = (await sourceJson(planId)).targets;
    picked = [facts.find((t) => t.indicator === '婴儿死亡率')!, facts.find((t) => t.indicator === '新生儿死亡率')!, facts.find((t) => t.indicator.includes('5岁以下儿童死亡率'))!];
    expect(picked.every(Boolean)).toBe(true);
    const t = picked[0]!;
    const card = await openFact(t.target_id);
    expect(await field(card, 'indicator')).toBe(t.indicator);
    expect(await field(card, 'value')).toBe(String(t.value));
    expect(await field(card, 'year')).toBe(t.year === null ? '' : String(t.year));
    expect(await field(card, 'rule_id')).toBe(t.rule_id);
    expect(await field(card, 'status')).toBe('extracted');
    // the highlight sits on the target's own text
    const marked = await page.locator(`mark[data-f~="t${t.target_id}"]`).allTextContents();
    expect(marked.join('').replace(/\s/g, '')).toContain('婴儿死亡率');
    await shot(page, 'source');
  });

  it('confirms one target, rejects one and edits one; after a rebuild the pages show the new statuses', async () => {
    const [a, b, c] = picked as [Fact, Fact, Fact];
    let card = await openFact(a.target_id);
    await card.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => card.locator('.msg').textContent()).toMatch(/^recorded #\d+ \(confirm\)/);
    card = await openFact(b.target_id);
    await card.getByRole('button', { name: 'Reject' }).click();
    await expect.poll(() => card.locator('.msg').textContent()).toMatch(/^recorded #\d+ \(reject\)/);
    card = await openFact(c.target_id);
    await card.getByRole('button', { name: 'Edit…' }).click();
    await card.locator('form.edit input[name="value"]').fill('3.5');
    await card.getByRole('button', { name: 'Save edit' }).click();
    await expect.poll(() => card.locator('.msg').textContent()).toMatch(/^recorded #\d+ \(edit\)/);
    // written to the corrections folder only; the database is unchanged until a rebuild
    const files = readdirSync(site.corrections);
    expect(files).toHaveLength(1);
    const yaml = readFileSync(path.join(site.corrections, files[0]!), 'utf8');
    expect(yaml).toMatch(/action: confirm/);
    expect(yaml).toMatch(/action: reject/);
    expect(yaml).toMatch(/action: edit/);
    await page.reload();
    card = await openFact(a.target_id);
    expect(await field(card, 'status')).toBe('extracted');
    expect(await field(card, 'decision')).toMatch(/confirm \(recorded: shows after plandb rebuild\)/);
    await expect.poll(() => page.locator('.review-info').textContent()).toMatch(/3 not applied yet/);

    const r = await cli('rebuild', '--corpus', site.corpus, '--db', site.db, '--corrections', site.corrections, '-q');
    expect(r.code, r.err).toBe(0);

    await page.reload();
    const after = (await sourceJson(planId)).targets;
    const same = (t: Fact) => after.find((x) => x.start === t.start && x.end === t.end)!;
    expect(same(a).status).toBe('confirmed');
    expect(same(b).status).toBe('rejected');
    expect(same(c).status).toBe('edited');
    expect(same(c).value).toBe(3.5);
    await expect
      .poll(() =>
        page
          .locator(`mark[data-f~="t${same(a).target_id}"]`)
          .first()
          .getAttribute('class'),
      )
      .toMatch(/st-confirmed/);
    await expect
      .poll(() =>
        page
          .locator(`mark[data-f~="t${same(b).target_id}"]`)
          .first()
          .getAttribute('class'),
      )
      .toMatch(/st-rejected/);
    card = await openFact(same(a).target_id);
    expect(await field(card, 'status')).toBe('confirmed');
    expect(await field(card, 'decision')).toMatch(/^#\d+ confirm$/);
    await shot(page, 'source-reviewed');
    // rejected targets leave the target list, as in plandb targets
    const listed = (await getJson(`${site.url}/targets.json?plan=${planId}`)).body.targets.map((t: { target_id: number }) => t.target_id);
    expect(listed).toContain(same(a).target_id);
    expect(listed).not.toContain(same(b).target_id);
  });

  it('adds a missed target from a text selection', async () => {
    const text = '儿童优先';
    // select the first occurrence of the words in an unmarked piece, as a mouse would
    const ok = await page.evaluate((words) => {
      for (const el of document.querySelectorAll<HTMLElement>('#source span[data-o]')) {
        const node = el.firstChild;
        const at = node?.textContent?.indexOf(words) ?? -1;
        if (!node || at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + words.length);
        const sel = window.getSelection()!;
        sel.removeAllRanges();
        sel.addRange(range);
        el.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
        return true;
      }
      return false;
    }, text);
    expect(ok).toBe(true);
    const card = page.locator('#panel section.add');
    await expect.poll(() => card.locator('blockquote').textContent()).toBe(text);
    await card.locator('input[name="indicator"]').fill('儿童优先原则落实率');
    await card.locator('input[name="value"]').fill('100');
    await card.locator('input[name="unit"]').fill('%');
    await card.getByRole('button', { name: 'Add' }).click();
    await expect.poll(() => card.locator('.msg').textContent()).toMatch(/^recorded #\d+ \(add\)/);
    const yaml = readFileSync(path.join(site.corrections, readdirSync(site.corrections)[0]!), 'utf8');
    expect(yaml).toContain('儿童优先原则落实率');
    expect(yaml).toContain(`quote: ${text}`);
  });

  it('filters targets and downloads the CSV the CLI would print', async () => {
    await page.goto(`${site.url}/targets`);
    await page.locator('input[name="indicator"]').fill('死亡率');
    await page.locator('select[name="kind"]').selectOption('goal');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('kind')).toBe('goal');
    const indicators = await page.locator('table.rows tbody tr td:nth-child(4)').allTextContents();
    expect(indicators.length).toBeGreaterThan(3);
    expect(indicators.every((s) => s.includes('死亡率'))).toBe(true);
    await shot(page, 'targets');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('targets-targets.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(indicators.length + 1);
    const fromCli = await cli('targets', '--indicator', '死亡率', '--kind', 'goal', '--csv', '--db', site.db);
    expect(csv).toBe(fromCli.out + '\n');
  });

  it('opens an indicator chart, grouped by government level with the parent plan\'s target marked', async () => {
    await page.goto(`${site.url}/indicators`);
    await page.getByRole('link', { name: '婴儿死亡率', exact: true }).click();
    await expect.poll(() => page.url()).toBe(`${site.url}/indicators/H002`);
    await page.locator('canvas#chart[data-ready]').waitFor();
    const chart = await page.evaluate(() => {
      const c = (window as any).Chart.getChart(document.getElementById('chart'));
      return { labels: c.data.labels, sets: c.data.datasets.map((d: any) => ({ type: d.type, label: d.label, values: d.data })) };
    });
    const data = (await getJson(`${site.url}/indicators/H002.json`)).body.chart;
    expect(chart.labels).toEqual(data.points.map((p: any) => p.label));
    const bars = chart.sets.filter((d: any) => d.type === 'bar');
    expect(bars.map((b: any) => b.label)).toEqual(data.levels);
    expect(data.levels).toEqual(['province', 'city', 'county']);
    // each bar sits in its level's dataset at its own position
    for (const [i, p] of data.points.entries()) expect(bars.find((b: any) => b.label === p.level).values[i], p.label).toBe(p.value);
    // the parent plan's target: a marker over each point that has one (昆山's, from the 江苏 plan)
    const marker = chart.sets.find((d: any) => d.type === 'line');
    expect(marker.label).toBe("parent plan's target");
    expect(marker.values).toEqual(data.points.map((p: any) => (p.parent ? p.parent.value : null)));
    const marked = data.points.filter((p: any) => p.parent);
    expect(marked.length).toBeGreaterThan(0);
    expect(marked.every((p: any) => p.parent.plan === JIANGSU && p.label.startsWith('昆山市'))).toBe(true);
    await shot(page, 'indicator');
  });

  it('runs a SQL query and shows a stopped one', async () => {
    await page.goto(`${site.url}/sql`);
    await page.locator('textarea[name="sql"]').fill('SELECT count(*) AS plans FROM plans');
    await page.getByRole('button', { name: 'Run' }).click();
    await expect.poll(() => page.locator('table.rows tbody td').first().textContent()).toBe('8');
    await shot(page, 'sql');
    await page.locator('textarea[name="sql"]').fill('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c');
    await page.getByRole('button', { name: 'Run' }).click();
    await expect.poll(() => page.locator('.error-message').textContent()).toMatch(/SQL_TIMEOUT: query stopped/);
  });

  it('searches and jumps to the hit in its source', async () => {
    await page.goto(`${site.url}/plans`);
    await page.getByRole('searchbox', { name: 'Search plan text' }).fill('近视');
    await page.keyboard.press('Enter');
    await page.locator('ol.hits li').first().waitFor();
    expect(await page.locator('ol.hits mark').first().textContent()).toBe('近视');
    await shot(page, 'search');
    const link = page.locator('ol.hits li a').first();
    const href = (await link.getAttribute('href'))!;
    await link.click();
    await expect.poll(() => page.url()).toBe(`${site.url}${href}`);
    expect(await page.locator(`#${href.split('#')[1]}`).count()).toBe(1);
  });

  it("lists units by government and opens one unit's targets, then its body across governments", async () => {
    await page.goto(`${site.url}/units`);
    const sections = await page.locator('section.unit-group h3').allTextContents();
    const governments = (await getJson(`${site.url}/units.json`)).body.governments.map((g: any) => g.value);
    expect(sections.map((t) => t.replace(/\s*\d+ units$/, ''))).toEqual(governments);
    await page.locator('section.unit-group[data-government="昆山市"]').getByRole('link', { name: '昆山市卫健委', exact: true }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('昆山市卫健委');
    const unitId = new URL(page.url()).pathname.split('/').pop();
    const one = (await getJson(`${site.url}/units/${unitId}.json`)).body;
    expect(await page.locator('table.rows tbody tr').count()).toBe(one.items.length);
    expect(one.items.length).toBeGreaterThan(10);
    await shot(page, 'unit');
    await page.getByRole('link', { name: '卫健委', exact: true }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('卫健委');
    const body = (await getJson(`${site.url}/bodies/${encodeURIComponent('卫健委')}.json`)).body;
    expect(await page.locator('table.rows tbody tr').count()).toBe(body.items.length);
    expect(body.items.length).toBeGreaterThan(one.items.length);
    for (const u of body.units) expect(await page.getByRole('link', { name: u.canonical, exact: true }).count(), u.canonical).toBe(1);
  });

  it('had no script error or CSP violation on any page', () => {
    // the SQL page answers 400 for the stopped query: that is the only failed load
    expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
  });
});
