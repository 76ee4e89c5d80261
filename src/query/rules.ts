/** The extraction rules for the queries that need them (search cuts words with jieba; compare reads the catalogue). */
import { loadRules, type Rules } from '../rules/index.js';

let defaultRules: Rules | null = null;

/** `rules`, or the bundled rules (loaded once). */
export function rulesOrDefault(rules?: Rules): Rules {
  return rules ?? (defaultRules ??= loadRules());
}
