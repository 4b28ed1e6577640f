import type { Command } from 'commander';
import { type CliContext, CliError, EXIT } from '../context';

/** `carbon-scheduler report`: write a cost and carbon report. Not implemented yet. */
export function registerReport(program: Command, _ctx: CliContext): void {
  program
    .command('report')
    .description('write a cost and carbon report (not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      throw new CliError('"report" is not implemented yet', EXIT.failure);
    });
}
