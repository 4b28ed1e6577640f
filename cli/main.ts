import { Command, CommanderError } from 'commander';
import packageJson from '../package.json';
import { COMMANDS } from './commands';
import { type CommandName, SUMMARIES } from './commands/summaries';
import { type CliContext, CliError, EXIT, processContext } from './context';
import { addCommonOptions } from './options';
import { visibleLines } from './text';

/** Shown after the command list of `carbon-scheduler --help`; the same conventions are in the README ("CLI"). */
const CONVENTIONS = `
Common options (every command; before or after the command name):
  --output table|json|csv   table is the text form (default); --json is --output json; csv where a command
                            prints rows (regions, plan, rightsizing, schedule list|next|usage)
  --region R                AWS region (else $AWS_REGION, then $AWS_DEFAULT_REGION); unknown names get suggestions
  --profile P               AWS named profile for commands that call AWS (report --table); else $AWS_PROFILE
  --endpoint-url URL        AWS endpoint (http or https URL) for commands that call AWS, e.g. a local emulator
  --no-color                no colours (also when NO_COLOR is set, or output is not a terminal)

Values read the same way everywhere:
  times      ISO-8601: 2026-11-23, 2026-11-23T09:00Z, 2026-11-23T10:00+01:00 (no offset: UTC, or the schedule's
             zone for schedule commands); impossible dates such as 2026-02-30 are errors
  periods    --from is included, --to excluded: --from 2026-11-01 --to 2026-12-01 is November
  durations  whole days, hours and minutes in this order: 30m, 2h, 1h30m, 1d (0 for none)
  files      - reads standard input (e.g. aws ec2 describe-instances | carbon-scheduler plan --fleet -)

Text output fits $COLUMNS, else the terminal's width, else 120 columns; control characters from external data are
shown escaped (\\x1b). Exit codes: 0 ok, 1 the command failed, 2 bad usage, input or configuration.
`;

/** The command name in `argv` (skipping the common options and their values), and whether help is asked for it. */
function commandNameOf(argv: readonly string[]): string | undefined {
  const withValue = new Set(['--output', '--region', '--profile', '--endpoint-url']);
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--') return argv[i + 1];
    if (arg.startsWith('-')) {
      if (withValue.has(arg)) i += 1;
      continue;
    }
    if (arg === 'help') return argv.slice(i + 1).find((a) => !a.startsWith('-'));
    return arg;
  }
  return undefined;
}

/**
 * Build the `carbon-scheduler` program. Only the command named in `argv` is loaded and registered in full; the
 * others are listed by name and summary (enough for `--help` and for commander's "did you mean").
 */
export async function buildProgram(ctx: CliContext, argv: readonly string[] = []): Promise<Command> {
  const program = new Command('carbon-scheduler')
    .description('Preview, check and backtest carbon-aware EC2 schedules and cleanest-region dispatch.')
    .version(packageJson.version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({ writeOut: ctx.out, writeErr: ctx.err })
    .exitOverride();
  addCommonOptions(program);
  program.addHelpText('after', CONVENTIONS);
  const name = commandNameOf(argv);
  for (const entry of COMMANDS) {
    if (entry.name === name) (await entry.load())(program, ctx);
    else program.command(entry.name).description(SUMMARIES[entry.name as CommandName]);
  }
  return program;
}

/**
 * Run the CLI with `argv` (without `node` and the script path) and return the exit code:
 * 0 success, 1 the command failed, 2 bad usage, input or configuration. Never throws; messages carry no stack
 * trace (set CARBON_SCHEDULER_DEBUG=1 to add it for an unexpected error).
 */
export async function main(argv: readonly string[], ctx: CliContext = processContext()): Promise<number> {
  try {
    const program = await buildProgram(ctx, argv);
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors were already printed by commander.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if ((error as { name?: string }).name === 'ConfigError') {
      ctx.err(`carbon-scheduler: ${visibleLines((error as Error).message)}\n`);
      return EXIT.usage;
    }
    if (error instanceof CliError) {
      ctx.err(`carbon-scheduler: ${visibleLines(error.message)}\n`);
      return error.exitCode;
    }
    const message = (error as Error)?.message ?? String(error);
    ctx.err(`carbon-scheduler: unexpected error: ${visibleLines(message)}\n`);
    if (ctx.env.CARBON_SCHEDULER_DEBUG) ctx.err(`${(error as Error)?.stack ?? ''}\n`);
    return EXIT.failure;
  }
}
