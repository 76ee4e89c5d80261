import path from 'node:path';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { ingest, rebuild, type BatchOptions, type BatchReport, type FileOutcome } from '../../index.js';
import { loadRules } from '../../rules/index.js';
import type { Io } from '../output.js';
import type { CliState } from '../index.js';

export const DEFAULT_DB = 'out/plans.db';

function progress(io: Io, quiet: boolean): { opts: BatchOptions['onFile']; stop: () => void } {
  let bar: cliProgress.SingleBar | null = null;
  const errors: string[] = [];
  const onFile = (o: FileOutcome, done: number, total: number) => {
    if (!o.ok) errors.push(o.error!);
    if (quiet) return;
    if (io.isTTY) {
      if (!bar) {
        bar = new cliProgress.SingleBar({ format: 'ingesting [{bar}] {value}/{total} {file}', stream: process.stderr, clearOnComplete: true, hideCursor: true }, cliProgress.Presets.shades_classic);
        bar.start(total, 0, { file: '' });
      }
      bar.update(done, { file: path.basename(o.file) });
    } else if (total > 1) {
      io.err(`[${done}/${total}] ${o.ok ? 'ok  ' : 'FAIL'} ${o.file}`);
    }
  };
  return { opts: onFile, stop: () => (bar as cliProgress.SingleBar | null)?.stop() };
}

/** Most warnings printed per file; the rest are counted (all are in the database's warnings table). */
const MAX_WARNINGS_SHOWN = 8;

export function summary(report: BatchReport, dbFile: string, io: Io, verb: string, showWarnings = true): void {
  for (const f of report.files) if (!f.ok) io.err(`plandb: ${f.error}`);
  let nWarn = 0;
  for (const f of report.files) {
    const ws = f.warnings ?? [];
    nWarn += ws.length;
    if (!showWarnings) continue;
    for (const w of ws.slice(0, MAX_WARNINGS_SHOWN)) io.err(`plandb: ${w}`);
    if (ws.length > MAX_WARNINGS_SHOWN) io.err(`plandb: ${f.file}: … and ${ws.length - MAX_WARNINGS_SHOWN} more warning(s)`);
  }
  const c = report.counts;
  const ok = report.files.length - report.failed;
  io.out(`${verb} ${dbFile}: ${ok} of ${report.files.length} files ingested${report.failed ? ` (${report.failed} failed, see above)` : ''}`);
  io.out(`  ${c.plans} plans, ${c.sections} sections, ${c.items} items, ${c.targets} targets, ${c.units} units, ${c.responsibilities} responsibilities`);
  const replaced = report.files.reduce((n, f) => n + (f.replacedPlans ?? 0), 0);
  if (replaced) io.out(`  ${replaced} plan(s) replaced by a newer copy`);
  if (nWarn) io.out(`  ${nWarn} warning(s); all warnings: sqlite3 ${dbFile} "SELECT source, severity, code, message FROM v_warnings"`);
  io.out(`Next: plandb plans --db ${dbFile}   |   plandb targets --unit 市卫健委 --db ${dbFile}`);
  io.out(`  or: sqlite3 ${dbFile} "SELECT plan, indicator, op, value, value_unit FROM v_unit_targets WHERE unit = '市卫健委'"`);
}

export function registerBuild(program: Command, state: CliState): void {
  program
    .command('rebuild')
    .description('build a new plan database from a corpus folder, swapped in only when complete')
    .option('--corpus <dir>', 'folder of plan files (.txt, .html, .pdf, .doc, .docx)', 'corpus')
    .option('--db <file>', 'database to (re)build', DEFAULT_DB)
    .option('--rules <dir>', 'extraction rules folder (default: the bundled extract-rules/)')
    .option('-q, --quiet', 'no progress output')
    .action(async (o: { corpus: string; db: string; rules?: string; quiet?: boolean }) => {
      const rules = loadRules(o.rules);
      const p = progress(state.io, !!o.quiet);
      const report = await rebuild(o.corpus, o.db, { rules, onFile: p.opts }).finally(p.stop);
      summary(report, o.db, state.io, 'Built', false);
      state.exitCode = report.failed ? 1 : 0;
    });

  program
    .command('ingest')
    .description('add or replace plan files (or folders of them) in an existing database')
    .argument('<files...>', 'plan files or folders')
    .option('--db <file>', 'database to update (created if missing)', DEFAULT_DB)
    .option('--rules <dir>', 'extraction rules folder')
    .option('-q, --quiet', 'no progress output')
    .action(async (files: string[], o: { db: string; rules?: string; quiet?: boolean }) => {
      const rules = loadRules(o.rules);
      const p = progress(state.io, !!o.quiet);
      const report = await ingest(o.db, files, { rules, onFile: p.opts }).finally(p.stop);
      summary(report, o.db, state.io, 'Updated');
      state.exitCode = report.failed ? 1 : 0;
    });
}
