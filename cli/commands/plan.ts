import type { Command } from 'commander';
import { type CliContext, CliError, EXIT } from '../context';

/** `carbon-scheduler plan`: show what the scheduler would do for a fleet. Not implemented yet. */
export function registerPlan(program: Command, _ctx: CliContext): void {
  program
    .command('plan')
    .description('show what the scheduler would do for a fleet (not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      throw new CliError('"plan" is not implemented yet', EXIT.failure);
    });
}
