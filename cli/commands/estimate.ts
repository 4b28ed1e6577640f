import type { Command } from 'commander';
import { type CliContext, CliError, EXIT } from '../context';

/** `carbon-scheduler estimate`: estimate the emissions of a job now, elsewhere and later. Not implemented yet. */
export function registerEstimate(program: Command, _ctx: CliContext): void {
  program
    .command('estimate')
    .description('estimate the emissions of a job now, elsewhere and later (not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      throw new CliError('"estimate" is not implemented yet', EXIT.failure);
    });
}
