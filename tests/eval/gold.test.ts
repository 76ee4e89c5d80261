import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate, scoreFile, type EvalReport } from '../../src/eval/index.js';
import { extractFile } from '../../src/index.js';
import { toGoldJson } from '../../src/output.js';
import { CORPUS, FIXTURES, GOLD, tmpDir } from '../helpers/paths.js';

/** The quality bars of the extraction issue; a drop below any of them fails the suite. */
const BARS = { headings: 0.98, targets: 0.92, op: 0.95, year: 0.9, responsibilities: 0.97, indicatorExact: 0.92, targetsStrict: 0.9 };

let report: EvalReport;
beforeAll(async () => {
  report = await evaluate(GOLD, CORPUS);
});

describe('extraction quality on the repository copy of the gold files', () => {
  it('scores every gold file', () => {
    expect(report.files.map((f) => path.basename(f.gold))).toEqual(['000_b494f9743fcea215.json', '001_4eee029a5c71237c.json', '003_f0879b20de4671e9.json']);
    expect(report.files.every((f) => f.score && !f.error)).toBe(true);
  });

  it('overall scores stay above the bars', () => {
    const o = report.overall;
    expect(o.plans.f1).toBe(1);
    expect(o.headings.f1).toBeGreaterThanOrEqual(BARS.headings);
    expect(o.targets.f1).toBeGreaterThanOrEqual(BARS.targets);
    expect(o.op.correct / o.op.of).toBeGreaterThanOrEqual(BARS.op);
    expect(o.year.correct / o.year.of).toBeGreaterThanOrEqual(BARS.year);
    expect(o.responsibilities.f1).toBeGreaterThanOrEqual(BARS.responsibilities);
    expect(o.indicatorExact.correct / o.indicatorExact.of).toBeGreaterThanOrEqual(BARS.indicatorExact);
    expect(o.targetsStrict.f1).toBeGreaterThanOrEqual(BARS.targetsStrict);
  });

  it('each file holds the target bar on its own too', () => {
    for (const f of report.files) expect(f.score!.targets.f1, f.gold).toBeGreaterThanOrEqual(BARS.targets);
  });
});

describe('plandb eval agrees with the reference scorer (score.mjs)', () => {
  it.each(['000_b494f9743fcea215', '001_4eee029a5c71237c', '003_f0879b20de4671e9'])('%s', async (stem) => {
    const goldFile = path.join(GOLD, `${stem}.json`);
    const pred = toGoldJson(await extractFile(path.join(CORPUS, `${stem}.txt`)));
    const predFile = path.join(tmpDir('pred'), `${stem}.json`);
    writeFileSync(predFile, JSON.stringify(pred));
    const ref = JSON.parse(execFileSync(process.execPath, [path.join(FIXTURES, 'reference-score.mjs'), goldFile, predFile, '--json'], { encoding: 'utf8' }));
    const ours = scoreFile(JSON.parse(readFileSync(goldFile, 'utf8')), pred);
    for (const k of ['plans', 'headings', 'targets', 'targetsNumeric', 'targetsTable', 'responsibilities'] as const) expect(ours[k], k).toEqual(ref[k]);
    expect(ours.op).toEqual(ref.op);
    expect(ours.year).toEqual(ref.year);
    expect(ours.indicatorExact).toEqual(ref.indicatorExact);
    expect(ours.targetsStrict).toEqual(ref.targetsStrict);
    expect(ours.misses).toEqual(ref.misses);
  });
});

describe('extract --format json keeps the gold contract', () => {
  it('every quote is an exact substring of the source file and carries provenance', async () => {
    for (const stem of ['000_b494f9743fcea215', '002_1a19cb00b77d39e6', '003_f0879b20de4671e9', '004_fcf053abc1b695aa']) {
      const file = path.join(CORPUS, `${stem}.txt`);
      const src = readFileSync(file, 'utf8');
      const j = toGoldJson(await extractFile(file));
      for (const p of j.plans) {
        for (const t of p.targets) {
          expect(src.includes(t.quote), `${stem}: ${t.quote}`).toBe(true);
          expect(t.rule).toMatch(/^target\./);
          expect(t.end).toBeGreaterThan(t.start);
        }
        for (const r of p.responsibilities) {
          expect(src.includes(r.quote), `${stem}: ${r.quote}`).toBe(true);
          expect(r.units.length).toBeGreaterThan(0);
          expect(r.rule).toMatch(/^resp\./);
        }
      }
    }
  });
});
