import path from 'node:path';
import type { Command } from 'commander';
import type cliProgress from 'cli-progress';
import type { BatchOptions, BatchReport, FileOutcome } from '../../index.js';
import { defaultCorrectionsDir } from '../../corrections/names.js';
import { PlandbError, escapeControls } from '../../errors.js';
import { defaultJobs } from '../../batch/pool.js';
import { normCacheDir, textCacheDir, tokenCacheDir } from '../../batch/textcache.js';
import type { Io } from '../output.js';
import type { CliState } from '../index.js';

export const DEFAULT_DB = 'out/plans.db';

function parseJobs(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new PlandbError('USAGE', `--jobs must be a whole number from 1 to 256, not '${v}'`);
  return n;
}

// the build side (pipeline, rules, readers) and the progress bar load when a build command runs
const load = async () => ({ ...(await import('../../index.js')), cliProgress: (await import('cli-progress')).default });

function progress(io: Io, quiet: boolean, bars: typeof cliProgress): { opts: BatchOptions['onFile']; stop: () => void } {
  let bar: cliProgress.SingleBar | null = null;
  const errors: string[] = [];
  const onFile = (o: FileOutcome, done: number, total: number) => {
    if (!o.ok) errors.push(o.error!);
    if (quiet) return;
    if (io.isTTY) {
      if (!bar) {
        bar = new bars.SingleBar({ format: 'ingesting [{bar}] {value}/{total} {file}', stream: process.stderr, clearOnComplete: true, hideCursor: true }, bars.Presets.shades_classic);
        bar.start(total, 0, { file: '' });
      }
      bar.update(done, { file: path.basename(o.file) });
    } else if (total > 1) {
      const replaced = o.replaced?.length ? ` (replaced: ${o.replaced.join('; ')})` : '';
      io.err(escapeControls(`[${done}/${total}] ${o.ok ? (o.unchanged ? 'same' : 'ok  ') : 'FAIL'} ${o.file}${replaced}`));
    }
  };
  return { opts: onFile, stop: () => (bar as cliProgress.SingleBar | null)?.stop() };
}

/** Most warnings printed per file; the rest are counted (all are in the database's warnings table). */
const MAX_WARNINGS_SHOWN = 8;

/** One line per failed file (its reason) and per warning (at most MAX_WARNINGS_SHOWN a file); returns the number of warnings. */
export function fileLines(report: BatchReport, io: Io, showWarnings = true): number {
  let nWarn = 0;
  for (const f of report.files) {
    if (!f.ok) io.err(`plandb: ${f.error}`);
    const ws = f.warnings ?? [];
    nWarn += ws.length;
    if (!showWarnings) continue;
    for (const w of ws.slice(0, MAX_WARNINGS_SHOWN)) io.err(`plandb: ${escapeControls(w.startsWith(f.file) ? w : `${f.file}: ${w}`)}`);
    if (ws.length > MAX_WARNINGS_SHOWN) io.err(`plandb: ${escapeControls(f.file)}: … and ${ws.length - MAX_WARNINGS_SHOWN} more warning(s)`);
  }
  return nWarn;
}

export function summary(report: BatchReport, dbFile: string, io: Io, verb: string, showWarnings = true): void {
  const nWarn = fileLines(report, io, showWarnings);
  const total = report.files.length;
  const notes = report.files.flatMap((f) => (f.reviewNotes ?? []).map((n) => ({ ...n, file: f.file })));
  for (const n of notes) io.err(`plandb: warning: ${escapeControls(`${n.file}: ${n.plan}: ${n.kind} correction #${n.correction} (${n.action} ${n.fact} «${n.quote}»): ${n.reason}`)}`);
  const c = report.counts;
  const ok = report.files.length - report.failed;
  const unchanged = report.files.filter((f) => f.unchanged).length;
  if (report.mode === 'none') io.out(escapeControls(`${dbFile} is up to date: ${total} files unchanged, nothing written (--force extracts every file again)`));
  else {
    const same = report.files.filter((f) => f.sameRows).length;
    const sameNote = same ? ` (${same} gave the rows stored: kept)` : '';
    const delta = report.mode === 'incremental' ? `; ${ok - unchanged} extracted${sameNote}, ${unchanged} unchanged, ${report.removed?.length ?? 0} removed` : '';
    io.out(escapeControls(`${verb} ${dbFile}: ${ok} of ${total} files ingested${report.failed ? ` (${report.failed} failed, see above)` : ''}${delta}`));
  }
  io.out(`  ${c.plans} plans, ${c.sections} sections, ${c.items} items, ${c.targets} targets, ${c.units} units, ${c.responsibilities} responsibilities`);
  const replaced = report.files.flatMap((f) => f.replaced ?? []);
  const SHOWN = 10;
  const more = replaced.length > SHOWN ? `; and ${replaced.length - SHOWN} more` : '';
  if (replaced.length) io.out(`  ${replaced.length} plan(s) replaced by a newer copy: ${escapeControls(replaced.slice(0, SHOWN).join('; '))}${more}`);
  const stale = notes.filter((n) => n.kind === 'stale').length;
  if (stale) io.out(`  ${stale} stale correction(s), see above and plandb corrections --stale`);
  if (nWarn) io.out(`  ${nWarn} warning(s); all warnings: sqlite3 ${dbFile} "SELECT source, severity, code, message FROM v_warnings"`);
  io.out(`Next: plandb plans --db ${dbFile}   |   plandb targets --unit 市卫健委 --db ${dbFile}`);
  io.out(`  or: sqlite3 ${dbFile} "SELECT unit, plan, indicator, op, value, value_unit FROM v_unit_targets WHERE body = '卫健委'"`);
}

const CACHE_HELP = "do not keep or read cache/ beside the database (the text of PDF/Word/HTML files; normalized texts; items' full-text tokens)";

/** The caches beside the database, unless --no-cache. */
const caches = (o: { db: string; cache: boolean }): Pick<BatchOptions, 'textCache' | 'tokenCache' | 'normCache'> =>
  o.cache ? { textCache: textCacheDir(o.db), tokenCache: tokenCacheDir(o.db), normCache: normCacheDir(o.db) } : {};

export function registerBuild(program: Command, state: CliState): void {
  program
    .command('rebuild')
    .description('build a new plan database from a corpus folder, swapped in only when complete')
    .option('--corpus <dir>', 'folder of plan files (.txt, .html, .pdf, .doc, .docx)', 'corpus')
    .option('--db <file>', 'database to (re)build', DEFAULT_DB)
    .option('--rules <dir>', 'extraction rules folder (default: the bundled extract-rules/)')
    .option('--corrections <dir>', 'review decisions applied after extraction (default: corrections/ beside the corpus folder)')
    .option('--force', 'extract every file again into a new database, reading no cache (default: only files, rules or decisions that changed)')
    .option('-j, --jobs <n>', `worker threads reading and extracting files (default: one per core, ${defaultJobs()} here)`, parseJobs)
    .option('--no-cache', CACHE_HELP)
    .option('-q, --quiet', 'no progress output')
    .action(async (o: { corpus: string; db: string; rules?: string; corrections?: string; quiet?: boolean; force?: boolean; jobs?: number; cache: boolean }) => {
      const { BatchError, cliProgress, rebuild } = await load();
      const p = progress(state.io, !!o.quiet, cliProgress);
      const corrections = o.corrections ?? defaultCorrectionsDir(o.corpus);
      const report = await rebuild(o.corpus, o.db, { rulesDir: o.rules, corrections, onFile: p.opts, force: o.force, jobs: o.jobs, ...caches(o) })
        .catch((e: unknown) => {
          // the old database was kept: show why each file failed, then the reason
          if (e instanceof BatchError) fileLines(e.report, state.io, false);
          throw e;
        })
        .finally(p.stop);
      summary(report, o.db, state.io, 'Built', false);
      state.exitCode = report.failed ? 1 : 0;
    });

  program
    .command('ingest')
    .description('add or replace plan files (or folders of them) in an existing database')
    .argument('<files...>', 'plan files or folders')
    .option('--db <file>', 'database to update (created if missing)', DEFAULT_DB)
    .option('--rules <dir>', 'extraction rules folder')
    .option('--corrections <dir>', 'review decisions applied after extraction', defaultCorrectionsDir('corpus'))
    .option('-j, --jobs <n>', `worker threads reading and extracting files (default: one per core, ${defaultJobs()} here)`, parseJobs)
    .option('--no-cache', CACHE_HELP)
    .option('-q, --quiet', 'no progress output')
    .action(async (files: string[], o: { db: string; rules?: string; corrections: string; quiet?: boolean; jobs?: number; cache: boolean }) => {
      const { cliProgress, ingest, loadRules } = await load();
      const rules = loadRules(o.rules);
      const p = progress(state.io, !!o.quiet, cliProgress);
      const report = await ingest(o.db, files, { rules, corrections: o.corrections, onFile: p.opts, jobs: o.jobs, ...caches(o) }).finally(p.stop);
      summary(report, o.db, state.io, 'Updated');
      if (report.aborted) state.io.err(`plandb: ingest stopped: ${report.aborted}`);
      state.exitCode = report.failed ? 1 : 0;
    });
}
