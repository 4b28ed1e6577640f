import type { Command } from 'commander';
import { type CliContext, CliError, EXIT } from '../context';

/** `carbon-scheduler backtest`: replay historical carbon data through the policies. Not implemented yet. */
export function registerBacktest(program: Command, _ctx: CliContext): void {
  program
    .command('backtest')
    .description('replay historical carbon data through the policies (not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      throw new CliError('"backtest" is not implemented yet', EXIT.failure);
    });
}
