import path from 'node:path';
import type { Command } from 'commander';
import { defaultCorrectionsDir } from '../../corrections/names.js';
import { PlandbError } from '../../errors.js';
import type { EvalFormat } from '../../eval/index.js';
import type { CliState } from '../index.js';

export function registerEval(program: Command, state: CliState): void {
  program
    .command('eval')
    .description('score extraction against gold files (FORMAT.md): headings, targets, op, year, responsibilities')
    .option('--gold <dir>', 'folder of gold .json files')
    .option('--reviewed', 'score against every fully reviewed plan of the corrections folder (reviewed facts are gold)')
    .option('--corrections <dir>', 'with --reviewed: corrections folder (default: corrections/ beside --sources)')
    .option('--sources <dir>', 'folder with the source file of each gold file (same stem)', 'corpus')
    .option('--format <fmt>', 'which rendering of each source to score: txt, html, pdf, doc, docx or any (first found in that order)', 'txt')
    .option('--rules <dir>', 'extraction rules folder')
    .option('--verbose', 'list every miss')
    .option('--json', 'print the report as JSON')
    .action(async (o: { gold?: string; reviewed?: boolean; corrections?: string; sources: string; format: EvalFormat; rules?: string; verbose?: boolean; json?: boolean }) => {
      if (!o.gold === !o.reviewed) throw new PlandbError('USAGE', 'give either --gold DIR or --reviewed');
      const { evaluate, formatScore } = await import('../../eval/index.js');
      const { evaluateReviewed } = await import('../../eval/reviewed.js');
      const { loadRules } = await import('../../rules/index.js');
      const report = o.gold
        ? await evaluate(o.gold, o.sources, { format: o.format, rules: loadRules(o.rules) })
        : await evaluateReviewed(o.sources, o.corrections ?? defaultCorrectionsDir(o.sources), { rules: loadRules(o.rules) });
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
