#!/usr/bin/env node
// Benchmark: normalize() on 1 MB of text whose lines lack sentence-final punctuation (every line
// is a join candidate, the case that used to be quadratic) vs the same lines ending in 。 (no joins).
// Both texts are built from one seed plan's own characters, interleaved REPS times after a warm-up;
// prints median times side by side and the ratio unpunctuated/punctuated (linear: close to 1).
// Needs a build first: `npx tsc -p tsconfig.json`.
// Usage: node scripts/bench-normalize.mjs [--mb N] [--reps N]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { normalize } = await import(path.join(root, 'dist/normalize/index.js'));
const { compile } = await import(path.join(root, 'dist/rules/compiled.js'));
const { loadRules } = await import(path.join(root, 'dist/rules/index.js'));

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const MB = opt('--mb', 1);
const REPS = opt('--reps', 5);

const rules = loadRules();
const c = compile(rules);
// CJK characters of a seed plan, without punctuation, cut into 30-character lines
const seedText = fs.readFileSync(path.join(root, 'corpus/000_b494f9743fcea215.txt'), 'utf8');
const letters = [...seedText.replace(/[^\p{Script=Han}]/gu, '')];
function build(punct) {
  const lines = [];
  let bytes = 0;
  for (let i = 0; bytes < MB * 1024 * 1024; i += 30) {
    const l = Array.from({ length: 30 }, (_, k) => letters[(i + k) % letters.length]).join('') + (punct ? '。' : '');
    lines.push(l);
    bytes += Buffer.byteLength(l) + 1;
  }
  return lines.join('\n');
}
const plain = build(false);
const punct = build(true);

const time = (text) => {
  const t0 = process.hrtime.bigint();
  const nt = normalize(text, rules, c.join);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ms, lines: nt.text.split('\n').length };
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

time(plain.slice(0, 20000));
time(punct.slice(0, 20000));
const a = [];
const b = [];
let la = 0;
let lb = 0;
for (let r = 0; r < REPS; r++) {
  const x = time(plain);
  const y = time(punct);
  a.push(x.ms);
  b.push(y.ms);
  la = x.lines;
  lb = y.lines;
}
const mbOf = (s) => (Buffer.byteLength(s) / 1048576).toFixed(2);
console.log(`normalize, median of ${REPS} interleaved runs`);
console.log(`  unpunctuated ${mbOf(plain)} MB (${plain.length} chars → ${la} paragraphs): ${median(a).toFixed(0)} ms`);
console.log(`  punctuated   ${mbOf(punct)} MB (${punct.length} chars → ${lb} paragraphs): ${median(b).toFixed(0)} ms`);
console.log(`  ratio unpunctuated/punctuated: ${(median(a) / median(b)).toFixed(2)}`);
