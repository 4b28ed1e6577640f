import type { Command } from 'commander';
import { type CliContext, CliError, EXIT } from '../context';

/** `carbon-scheduler rightsizing`: rightsizing recommendations from a fleet and a metrics export. Not implemented yet. */
export function registerRightsizing(program: Command, _ctx: CliContext): void {
  program
    .command('rightsizing')
    .description('rightsizing recommendations from a fleet and a metrics export (not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      throw new CliError('"rightsizing" is not implemented yet', EXIT.failure);
    });
}
