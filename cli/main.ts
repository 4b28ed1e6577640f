import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../lambdas/core/config/resolve';
import { commands } from './commands';
import { type CliContext, CliError, EXIT, processContext } from './context';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Build the `carbon-scheduler` program; each command registers itself from `cli/commands/`. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('carbon-scheduler')
    .description('Preview, check and backtest carbon-aware EC2 schedules and cleanest-region dispatch.')
    .version(packageVersion(), '-V, --version')
    .option('--json', 'print machine-readable JSON instead of text')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: ctx.out, writeErr: ctx.err })
    .exitOverride();
  for (const register of commands) register(program, ctx);
  return program;
}

/**
 * Run the CLI with `argv` (without `node` and the script path) and return the exit code:
 * 0 success, 1 the command failed, 2 bad usage, input or configuration.
 */
export async function main(argv: readonly string[], ctx: CliContext = processContext()): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors were already printed by commander.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof ConfigError) {
      ctx.err(`carbon-scheduler: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof CliError) {
      ctx.err(`carbon-scheduler: ${error.message}\n`);
      return error.exitCode;
    }
    ctx.err(`carbon-scheduler: ${(error as Error).message ?? String(error)}\n`);
    return EXIT.failure;
  }
}
