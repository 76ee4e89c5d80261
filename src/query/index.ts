/** Query library: each query is a function (db, args) → rows; printing lives in format.ts and the CLI. */
export * from './common.js';
export * from './format.js';
export * from './paging.js';
export * from './plans.js';
export * from './units.js';
export * from './targets.js';
export * from './gaps.js';
export * from './search.js';
export * from './export.js';
export * from './compare.js';
export * from './rules.js';
export * from './xlsx.js';
