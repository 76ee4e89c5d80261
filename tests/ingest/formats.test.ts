/** Issue: PDF and DOCX ingestion that extracts as well as plain text. */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate, scoreFile, type EvalReport } from '../../src/eval/index.js';
import { counts, extractFile, ingest, openDb, toGoldJson } from '../../src/index.js';
import { CORPUS, FIXTURES, GOLD, SEEDS, seed, tmpDir } from '../helpers/paths.js';

const TOLERANCE = 0.03;
const reports: Record<string, EvalReport> = {};

beforeAll(async () => {
  reports.txt = await evaluate(GOLD, CORPUS, { format: 'txt' });
  reports.pdf = await evaluate(GOLD, path.join(FIXTURES, 'pdf'), { format: 'pdf' });
  reports.docx = await evaluate(GOLD, path.join(FIXTURES, 'docx'), { format: 'docx' });
});

describe.each(['pdf', 'docx'])('%s renderings of the gold seeds', (fmt) => {
  it.each([0, 1, 2])('gold file #%i scores within 0.03 F1 of its text file', (i) => {
    const txt = reports.txt!.files[i]!.score!;
    const other = reports[fmt]!.files[i]!;
    expect(other.error).toBeUndefined();
    expect(path.extname(other.source!)).toBe(`.${fmt}`);
    for (const k of ['headings', 'targets', 'responsibilities'] as const) expect(other.score![k].f1, k).toBeGreaterThanOrEqual(txt[k].f1 - TOLERANCE);
  });
});

describe('renderings without gold (002, 004) extract what their text file does', () => {
  it.each([SEEDS.shuozhou, SEEDS.quzhou])('%s', async (stem) => {
    const ref = toGoldJson(await extractFile(seed(stem)));
    for (const [dir, ext] of [['pdf', 'pdf'], ['docx', 'docx']]) {
      const got = toGoldJson(await extractFile(path.join(FIXTURES, dir!, `${stem}.${ext}`)));
      const s = scoreFile(ref, got);
      expect(s.plans.f1).toBe(1);
      for (const k of ['headings', 'targets', 'responsibilities'] as const) expect(s[k].f1, `${ext} ${k}`).toBeGreaterThanOrEqual(1 - TOLERANCE);
    }
  });
});

describe('provenance and identity across formats', () => {
  it('facts from a PDF carry their page number', async () => {
    const j = toGoldJson(await extractFile(path.join(FIXTURES, 'pdf', `${SEEDS.kunshan}.pdf`)));
    const t = j.plans[0]!.targets.find((x) => x.indicator === '新生儿死亡率' && x.kind === 'goal')!;
    expect(t.page).toBeGreaterThan(1);
    expect(j.plans[0]!.targets.every((x) => typeof x.page === 'number')).toBe(true);
  });

  it('one plan, one record: the same plan from .txt, .pdf and .docx is stored once', async () => {
    const db = path.join(tmpDir('formats'), 'p.db');
    await ingest(db, [seed(SEEDS.quzhou), path.join(FIXTURES, 'pdf', `${SEEDS.quzhou}.pdf`), path.join(FIXTURES, 'docx', `${SEEDS.quzhou}.docx`)], { concurrency: 1 });
    const h = openDb(db, { readonly: true });
    expect(counts(h).plans).toBe(2);
    expect(h.prepare('SELECT format FROM sources').pluck().all()).toEqual(['docx']);
    h.close();
  });
});
