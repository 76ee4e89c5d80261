import type { z } from 'zod';
import type { Rules } from '../rules/index.js';
import type { IndicatorCatalogueFile } from '../rules/schema.js';
import { cnToNumber } from '../segment/index.js';

export type CatalogueEntry = z.infer<typeof IndicatorCatalogueFile>['indicators'][number];

/** Looks indicator names up in the catalogue (extract-rules/indicator-catalogue.yaml). */
export interface Catalogue {
  entries: CatalogueEntry[];
  byId: Map<string, CatalogueEntry>;
  /** the entry an indicator name (and, for bare names, the sentence around it) stands for */
  match(name: string, near?: string): CatalogueEntry | null;
}

/** Names that differ in width, spacing, dashes or 五岁/5岁 are one name. */
export function catalogueKey(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/[—–－~～]/g, '-')
    .replace(/([一二两三四五六七八九十]+)(?=岁|个月)/gu, (m) => String(cnToNumber(m) ?? m));
}

const cache = new WeakMap<Rules, Catalogue>();

export function catalogue(rules: Rules): Catalogue {
  const hit = cache.get(rules);
  if (hit) return hit;
  const c = rules.catalogue;
  const byName = new Map<string, CatalogueEntry>();
  for (const e of c.indicators) for (const n of [e.name, ...e.aliases]) if (!byName.has(catalogueKey(n))) byName.set(catalogueKey(n), e);
  const byId = new Map(c.indicators.map((e) => [e.id, e]));
  const scopeRe = c.scope_prefixes.length ? new RegExp(`^(?:${c.scope_prefixes.join('|')})+`, 'u') : null;
  const patterns = c.indicators.flatMap((e) => e.patterns.map((p) => [new RegExp(p, 'u'), e] as const));
  const contexts = c.contexts.map((x) => ({ key: catalogueKey(x.name), near: catalogueKey(x.near), entry: byId.get(x.id)! }));
  const cat: Catalogue = {
    entries: c.indicators,
    byId,
    match(name, near) {
      const k = catalogueKey(name);
      if (!k) return null;
      const direct = byName.get(k);
      if (direct) return direct;
      const core = scopeRe ? k.replace(scopeRe, '') : k;
      if (core !== k && byName.has(core)) return byName.get(core)!;
      for (const [re, e] of patterns) if (re.test(k)) return e;
      if (near !== undefined) {
        const n = catalogueKey(near);
        for (const x of contexts) if (x.key === k && n.includes(x.near)) return x.entry;
      }
      return null;
    },
  };
  cache.set(rules, cat);
  return cat;
}
