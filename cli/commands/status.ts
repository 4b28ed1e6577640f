import type { Command } from 'commander';
import { type CliContext, CliError, EXIT } from '../context';

/** `carbon-scheduler status`: current carbon intensity of one region. Not implemented yet. */
export function registerStatus(program: Command, _ctx: CliContext): void {
  program
    .command('status')
    .description('current carbon intensity of one region (not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      throw new CliError('"status" is not implemented yet', EXIT.failure);
    });
}
