#!/usr/bin/env node
// Closeness of the PDF/DOCX ingest readers to the seed .txt files.
// For each seed: the fraction of seed lines (whitespace removed, non-empty) that occur as an
// exact line (whitespace removed) in the reader's output, plus the reverse (output lines found
// in the seed). Needs a build: `npx tsc -p tsconfig.json` (reads dist/ingest/*.js).
// Usage: node scripts/compare-ingest.mjs [SEED_DIR] [FIXTURE_DIR] [--show N]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const showIdx = args.indexOf('--show');
const show = showIdx >= 0 ? Number(args.splice(showIdx, 2)[1]) : 0;
const seedDir = args[0] ?? path.join(root, 'corpus');
const fixDir = args[1] ?? path.join(root, 'tests/fixtures');

const { pdfReader } = await import(path.join(root, 'dist/ingest/pdf.js'));
const { docxReader } = await import(path.join(root, 'dist/ingest/docx.js'));

const JUNK = /\[bookmark: [^\]]*\]/g;
const norm = (l) => l.replace(JUNK, '').replace(/\s+/g, '');
const lineSet = (t) => new Set(t.split(/\r?\n/).map(norm).filter(Boolean));

const rows = [];
for (const seed of fs.readdirSync(seedDir).filter((f) => f.endsWith('.txt')).sort()) {
  const base = seed.replace(/\.txt$/, '');
  const seedLines = [...lineSet(fs.readFileSync(path.join(seedDir, seed), 'utf8'))];
  for (const [fmt, reader] of [['pdf', pdfReader], ['docx', docxReader]]) {
    const f = path.join(fixDir, fmt, `${base}.${fmt}`);
    if (!fs.existsSync(f)) continue;
    const res = await reader.read(fs.readFileSync(f), f);
    const got = lineSet(res.text);
    const hit = seedLines.filter((l) => got.has(l)).length;
    // seed lines found whole inside one output line (the reader joined a seed line that the
    // seed itself had split at a page break, or kept it intact)
    const joined = '\n' + [...got].join('\n') + '\n';
    const inside = seedLines.filter((l) => joined.includes(l)).length;
    const seedSet = new Set(seedLines);
    const gotArr = [...got];
    const back = gotArr.filter((l) => seedSet.has(l)).length;
    // character-level: fraction of seed characters inside matched lines
    const chars = seedLines.reduce((n, l) => n + l.length, 0);
    const hitChars = seedLines.filter((l) => got.has(l)).reduce((n, l) => n + l.length, 0);
    rows.push({ file: base, fmt, seedLines: seedLines.length, recall: hit / seedLines.length, inside: inside / seedLines.length, charRecall: hitChars / chars, precision: back / gotArr.length });
    if (show) {
      const miss = seedLines.filter((l) => !joined.includes(l)).slice(0, show);
      console.log(`--- ${base}.${fmt}: seed lines not inside any output line (first ${show})`);
      for (const m of miss) console.log('  S ' + m.slice(0, 100));
      const extra = gotArr.filter((l) => !seedSet.has(l)).slice(0, show);
      console.log(`--- ${base}.${fmt}: output lines not in seed (first ${show})`);
      for (const m of extra) console.log('  O ' + m.slice(0, 100));
    }
  }
}
// PDF vs DOCX renderings of the same plan: fraction of DOCX lines found as exact PDF lines
const agree = [];
for (const seed of fs.readdirSync(seedDir).filter((f) => f.endsWith('.txt')).sort()) {
  const base = seed.replace(/\.txt$/, '');
  const fp = path.join(fixDir, 'pdf', `${base}.pdf`);
  const fd = path.join(fixDir, 'docx', `${base}.docx`);
  if (!fs.existsSync(fp) || !fs.existsSync(fd)) continue;
  const p = lineSet((await pdfReader.read(fs.readFileSync(fp), fp)).text);
  const d = [...lineSet((await docxReader.read(fs.readFileSync(fd), fd)).text)];
  const miss = d.filter((l) => !p.has(l));
  agree.push(`${base.padEnd(24)}docx lines ${String(d.length).padStart(4)}  found in pdf ${(((d.length - miss.length) / d.length) * 100).toFixed(1)}%`);
  if (show) for (const m of miss.slice(0, show)) agree.push('    D ' + m.slice(0, 100));
}
console.log(agree.join('\n'));
console.log('file                    fmt   seedLines  lineRecall  charRecall  inLine  precision');
for (const r of rows) {
  console.log(
    `${r.file.padEnd(24)}${r.fmt.padEnd(6)}${String(r.seedLines).padStart(9)}  ${(r.recall * 100).toFixed(1).padStart(9)}%  ${(r.charRecall * 100).toFixed(1).padStart(9)}%  ${(r.inside * 100).toFixed(1).padStart(6)}%  ${(r.precision * 100).toFixed(1).padStart(8)}%`,
  );
}
