import type { CliContext } from '../../cli/context';
import { fixedClock } from '../../lambdas/core/clock';

/** A CLI context whose output is captured, for running commands in-process with `main(argv, ctx)`. */
export interface CapturedCli {
  readonly ctx: CliContext;
  /** Everything written to standard output so far. */
  readonly out: () => string;
  /** Everything written to standard error so far. */
  readonly err: () => string;
  /** The last non-empty line of standard output. */
  readonly lastLine: () => string;
}

/** A context frozen at `now` (ISO-8601), in `cwd`, with `env` and no terminal. */
export function captureCli(options: {
  cwd: string;
  now: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** What standard input holds (for `-` inputs); none when absent. */
  stdin?: string;
  /** Width of the pretend terminal; output goes to a pipe when absent. */
  terminalColumns?: number;
}): CapturedCli {
  const out: string[] = [];
  const err: string[] = [];
  const outText = () => out.join('');
  return {
    ctx: {
      clock: fixedClock(options.now),
      env: options.env ?? {},
      cwd: options.cwd,
      out: (text) => out.push(text),
      err: (text) => err.push(text),
      isTTY: false,
      ...(options.terminalColumns !== undefined ? { terminalColumns: options.terminalColumns } : {}),
      ...(options.stdin !== undefined ? { readStdin: async () => options.stdin! } : {}),
    },
    out: outText,
    err: () => err.join(''),
    lastLine: () => outText().trimEnd().split('\n').at(-1) ?? '',
  };
}
