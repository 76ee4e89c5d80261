#!/usr/bin/env node
// Benchmark: bare pdf-parse text extraction vs plandb's full PDF reader, per fixture PDF.
// Runs (a) `new PDFParse({ data }).getText()` and (b) `pdfReader.read()` interleaved, REPS times
// each (after one warm-up of each), and prints median times and the ratio (b)/(a).
// Needs a build first: `npx tsc -p tsconfig.json`.
// Usage: node scripts/bench-pdf.mjs [DIR_OR_FILES...] [--reps N]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PDFParse } from 'pdf-parse';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { pdfReader } = await import(path.join(root, 'dist/ingest/pdf.js'));

const args = process.argv.slice(2);
const ri = args.indexOf('--reps');
const REPS = ri >= 0 ? Number(args.splice(ri, 2)[1]) : 7;
const inputs = args.length ? args : [path.join(root, 'tests/fixtures/pdf')];
const files = inputs
  .flatMap((p) => (fs.statSync(p).isDirectory() ? fs.readdirSync(p).map((f) => path.join(p, f)) : [p]))
  .filter((f) => /^\d{3}_.*\.pdf$/i.test(path.basename(f)) || args.length)
  .sort();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function bare(buf) {
  const p = new PDFParse({ data: new Uint8Array(buf) });
  try {
    return (await p.getText()).text.length;
  } finally {
    await p.destroy();
  }
}
async function ours(buf, f) {
  return (await pdfReader.read(buf, f)).text.length;
}

console.log(`reps=${REPS} (median of each, interleaved, after 1 warm-up)`);
console.log('file                           pages  pdf-parse ms  pdfReader ms  ratio');
let sumA = 0;
let sumB = 0;
for (const f of files) {
  const buf = fs.readFileSync(f);
  await bare(buf);
  await ours(buf, f);
  const a = [];
  const b = [];
  for (let r = 0; r < REPS; r++) {
    // alternate the order so neither side always runs on a warmer process
    const order = r % 2 ? ['b', 'a'] : ['a', 'b'];
    for (const which of order) {
      const t0 = performance.now();
      if (which === 'a') await bare(buf);
      else await ours(buf, f);
      (which === 'a' ? a : b).push(performance.now() - t0);
    }
  }
  const ma = median(a);
  const mb = median(b);
  sumA += ma;
  sumB += mb;
  const pages = (await pdfReader.read(buf, f)).pageStarts?.length ?? 0;
  console.log(
    `${path.basename(f).padEnd(31)}${String(pages).padStart(5)}  ${ma.toFixed(1).padStart(12)}  ${mb.toFixed(1).padStart(12)}  ${(mb / ma).toFixed(2).padStart(5)}`,
  );
}
console.log(`${'TOTAL'.padEnd(36)}  ${sumA.toFixed(1).padStart(12)}  ${sumB.toFixed(1).padStart(12)}  ${(sumB / sumA).toFixed(2).padStart(5)}`);
