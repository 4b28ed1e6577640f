import type { Command } from 'commander';
import { type CliContext, CliError, EXIT } from '../context';

/** `carbon-scheduler schedule`: check schedules and list their next transitions. Not implemented yet. */
export function registerSchedule(program: Command, _ctx: CliContext): void {
  program
    .command('schedule')
    .description('check schedules and list their next transitions (not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      throw new CliError('"schedule" is not implemented yet', EXIT.failure);
    });
}
