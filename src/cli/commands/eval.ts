import path from 'node:path';
import type { Command } from 'commander';
import { evaluate, formatScore, type EvalFormat } from '../../eval/index.js';
import { loadRules } from '../../rules/index.js';
import type { CliState } from '../index.js';

export function registerEval(program: Command, state: CliState): void {
  program
    .command('eval')
    .description('score extraction against gold files (FORMAT.md): headings, targets, op, year, responsibilities')
    .requiredOption('--gold <dir>', 'folder of gold .json files')
    .option('--sources <dir>', 'folder with the source file of each gold file (same stem)', 'corpus')
    .option('--format <fmt>', 'which rendering of each source to score: txt, html, pdf, doc, docx or any (first found in that order)', 'txt')
    .option('--rules <dir>', 'extraction rules folder')
    .option('--verbose', 'list every miss')
    .option('--json', 'print the report as JSON')
    .action(async (o: { gold: string; sources: string; format: EvalFormat; rules?: string; verbose?: boolean; json?: boolean }) => {
      const report = await evaluate(o.gold, o.sources, { format: o.format, rules: loadRules(o.rules) });
      if (o.json) {
        state.io.out(JSON.stringify(report, null, 1));
      } else {
        for (const f of report.files) {
          state.io.out(`== ${path.basename(f.gold)}${f.source ? ` ← ${f.source}` : ''}`);
          if (f.error) state.io.out(`  error: ${f.error}`);
          else state.io.out(formatScore(f.score!, !!o.verbose).replace(/^/gm, '  '));
        }
        state.io.out('== overall');
        state.io.out(formatScore(report.overall).replace(/^/gm, '  '));
      }
      state.exitCode = report.files.some((f) => f.error) ? 1 : 0;
    });
}
