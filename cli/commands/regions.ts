import type { Command } from 'commander';
import { type CliContext, CliError, EXIT } from '../context';

/** `carbon-scheduler regions`: rank regions by adjusted carbon intensity. Not implemented yet. */
export function registerRegions(program: Command, _ctx: CliContext): void {
  program
    .command('regions')
    .description('rank regions by adjusted carbon intensity (not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      throw new CliError('"regions" is not implemented yet', EXIT.failure);
    });
}
