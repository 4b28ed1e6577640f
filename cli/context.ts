import type { Clock } from '../lambdas/core/clock';
import { systemClock } from '../lambdas/core/clock';

/** What a command may touch, injected so tests run commands in-process with captured output and a frozen clock. */
export interface CliContext {
  readonly clock: Clock;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Write to standard output (a newline is not added). */
  readonly out: (text: string) => void;
  /** Write to standard error (a newline is not added). */
  readonly err: (text: string) => void;
  /** True when standard output is a terminal (progress bars, colours). */
  readonly isTTY: boolean;
  /** Width of standard output when it is a terminal, in columns; undefined for pipes and files. */
  readonly terminalColumns?: number;
  /** Read the whole of standard input (for `--fleet -`); absent where there is none. */
  readonly readStdin?: () => Promise<string>;
}

/** The real process: system clock, `process.env`, the working directory, stdout/stderr and their TTY state. */
export function processContext(): CliContext {
  return {
    clock: systemClock,
    env: process.env,
    cwd: process.cwd(),
    out: (text) => {
      process.stdout.write(text);
    },
    err: (text) => {
      process.stderr.write(text);
    },
    isTTY: Boolean(process.stdout.isTTY),
    ...(process.stdout.isTTY && process.stdout.columns ? { terminalColumns: process.stdout.columns } : {}),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}

/** Width used when neither `$COLUMNS` nor a terminal says otherwise. */
export const DEFAULT_COLUMNS = 120;

/**
 * The width text output fits: `$COLUMNS` when it is a whole number from 20 to 1000, else the terminal's width,
 * else {@link DEFAULT_COLUMNS}.
 */
export function outputColumns(ctx: CliContext): number {
  const fromEnv = ctx.env.COLUMNS;
  if (fromEnv !== undefined && /^\d+$/.test(fromEnv.trim())) {
    const value = Number(fromEnv);
    if (value >= 20 && value <= 1000) return value;
  }
  return ctx.terminalColumns ?? DEFAULT_COLUMNS;
}

/** Exit codes: 0 success, 1 the command ran and failed, 2 bad usage, input or configuration. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** An error the CLI reports as one clear line (no stack trace) with the given exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
