/**
 * Options every command shares, and the parsers of the values all commands read the same way: output format, AWS
 * region, profile and endpoint, colour, times and dates (strict ISO-8601), half-open `--from`/`--to` periods,
 * durations, and input files (`-` is standard input). Kept free of heavy imports: `--help` loads this module.
 * Reference: docs/cli.md.
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { type CliContext, CliError, EXIT, outputColumns } from './context';
import { checkRegion } from './region-option';
import { visible } from './text';

/** `--output` values (the aws CLI's names; `table` is the text form). */
export const OUTPUTS = ['table', 'json', 'csv'] as const;
export type Output = (typeof OUTPUTS)[number];

/** The common options as a command sees them. */
export interface Common {
  readonly output: Output;
  /** `--region`, else `$AWS_REGION`, else `$AWS_DEFAULT_REGION`; undefined when none is set. */
  readonly region?: string;
  /** True when the region came from `--region` (not from the environment). */
  readonly regionFromOption: boolean;
  readonly profile?: string;
  readonly endpointUrl?: string;
  /** `--api URL`: read from the deployed HTTP API (docs/api.md) instead of AWS or the providers directly. */
  readonly api?: string;
  /** Colour in text output (terminal, no `--no-color`, no `NO_COLOR`). */
  readonly color: boolean;
  /** Width text output fits. */
  readonly columns: number;
}

export const usage = (message: string): CliError => new CliError(message, EXIT.usage);

/** Register the common options on the program (they are accepted before or after the command name). */
export function addCommonOptions(program: Command): Command {
  return program
    .option('--output <format>', `output format: ${OUTPUTS.join(', ')} (default: table, the text form)`)
    .option('--json', 'same as --output json')
    .option('--region <region>', 'AWS region (default: $AWS_REGION, then $AWS_DEFAULT_REGION)')
    .option('--profile <name>', 'AWS named profile for commands that call AWS (default: $AWS_PROFILE)')
    .option('--endpoint-url <url>', 'AWS endpoint for commands that call AWS, e.g. http://localhost:4566')
    .option('--api <url>', 'read from the deployed HTTP API at this URL (stack output ApiUrl; docs/api.md)')
    .option('--no-color', 'no colours in text output (also: NO_COLOR set)');
}

const PROFILE = /^[\w.+@-]{1,128}$/;

/**
 * Validate an endpoint URL: http or https, a host, no credentials, query or fragment.
 * @throws {CliError} (usage) naming the option and the value
 */
export function checkEndpointUrl(text: string, option = '--endpoint-url'): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  const problem =
    url === undefined
      ? 'is not a URL'
      : url.protocol !== 'http:' && url.protocol !== 'https:'
        ? `has the scheme ${url.protocol.replace(':', '')}; use http or https`
        : url.hostname === ''
          ? 'has no host'
          : url.username !== '' || url.password !== ''
            ? 'carries credentials; pass them through the AWS credential chain instead'
            : url.search !== '' || url.hash !== ''
              ? 'has a query or fragment'
              : undefined;
  if (problem) {
    throw usage(`${option} ${JSON.stringify(visible(text))} ${problem} (e.g. http://localhost:4566)`);
  }
  return text;
}

/**
 * The common options of `command`, validated. `allowed` lists the outputs the command supports.
 * @throws {CliError} (usage) for an unknown or unsupported output, `--json` with another output, a bad profile name
 *   or endpoint URL
 */
export function common(ctx: CliContext, command: Command, allowed: readonly Output[] = ['table', 'json']): Common {
  const o = command.optsWithGlobals() as {
    output?: string;
    json?: boolean;
    region?: string;
    profile?: string;
    endpointUrl?: string;
    api?: string;
    color?: boolean;
  };
  const written = o.output?.toLowerCase();
  if (written !== undefined && !(OUTPUTS as readonly string[]).includes(written)) {
    throw usage(`--output ${JSON.stringify(visible(o.output!))} is not a format; allowed: ${OUTPUTS.join(', ')}`);
  }
  if (o.json && written !== undefined && written !== 'json') {
    throw usage(`--json and --output ${written} contradict each other; give one`);
  }
  const output = (o.json ? 'json' : (written ?? 'table')) as Output;
  if (!allowed.includes(output)) {
    throw usage(`${command.name()} does not print --output ${output}; allowed: ${allowed.join(', ')}`);
  }
  const profile = o.profile ?? ctx.env.AWS_PROFILE;
  if (profile !== undefined && !PROFILE.test(profile)) {
    throw usage(`--profile ${JSON.stringify(visible(profile))} is not a profile name (letters, digits, _ . + @ -)`);
  }
  const endpointUrl = o.endpointUrl === undefined ? undefined : checkEndpointUrl(o.endpointUrl);
  // A misspelt --region is an error on every command, even one that does not call AWS with it.
  if (o.region !== undefined) checkRegion(o.region, '--region');
  const region = o.region ?? ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION;
  const noColorEnv = ctx.env.NO_COLOR !== undefined && ctx.env.NO_COLOR !== '';
  const force = ctx.env.FORCE_COLOR !== undefined && ctx.env.FORCE_COLOR !== '0';
  const color = o.color !== false && !noColorEnv && ctx.env.TERM !== 'dumb' && (ctx.isTTY || force);
  return {
    output,
    ...(region !== undefined && region !== '' ? { region } : {}),
    regionFromOption: o.region !== undefined,
    ...(profile !== undefined ? { profile } : {}),
    ...(endpointUrl !== undefined ? { endpointUrl } : {}),
    ...(o.api !== undefined ? { api: checkEndpointUrl(o.api, '--api') } : {}),
    color,
    columns: outputColumns(ctx),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Times and dates

const ISO_SHAPE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** What is wrong with the calendar fields of a matched ISO text, or undefined. */
function calendarProblem(match: RegExpExecArray): string | undefined {
  const [, y, m, d, hh, mm, ss] = match;
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12) return `month ${m} does not exist`;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > days) return `${MONTHS[month - 1]} ${year} has ${days} days`;
  if (hh !== undefined && Number(hh) > 23) return `hour ${hh} does not exist (00–23)`;
  if (mm !== undefined && Number(mm) > 59) return `minute ${mm} does not exist (00–59)`;
  if (ss !== undefined && Number(ss) > 59) return `second ${ss} does not exist (00–59)`;
  return undefined;
}

/**
 * Parse a time strictly: `YYYY-MM-DD` (midnight) or `YYYY-MM-DDTHH:MM[:SS[.fff]]` with an optional `Z` or offset;
 * without one the time is local in `zone` (UTC by default). Impossible dates (`2026-02-30`) and times (`24:00`,
 * `09:60`) are errors, never rolled over.
 * @returns epoch milliseconds
 * @throws {CliError} (usage) naming the option, the value and what is wrong
 */
export function parseTime(text: string, option: string, zone = 'UTC'): number {
  const trimmed = text.trim();
  const match = ISO_SHAPE.exec(trimmed);
  const example = 'e.g. 2026-11-23, 2026-11-23T09:00Z or 2026-11-23T10:00+01:00';
  if (!match) throw usage(`${option} ${JSON.stringify(visible(text))} is not an ISO-8601 date or time (${example})`);
  const problem = calendarProblem(match);
  if (problem) throw usage(`${option} ${JSON.stringify(visible(text))} is not a real date or time: ${problem}`);
  const parsed = DateTime.fromISO(trimmed, { zone, setZone: false });
  if (!parsed.isValid) {
    throw usage(
      `${option} ${JSON.stringify(visible(text))} is not a valid time: ${parsed.invalidExplanation ?? parsed.invalidReason}`,
    );
  }
  return parsed.toMillis();
}

/** A half-open period `[fromMs, toMs)`. */
export interface HalfOpen {
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * Parse `--from`/`--to` as a half-open period: `--from` included, `--to` excluded (so `--from 2026-11-01
 * --to 2026-12-01` is November). Either may be missing when the command has a default.
 * @throws {CliError} (usage) when a bound is not a time, or `--to` is not after `--from`
 */
export function parseHalfOpen(
  from: string | undefined,
  to: string | undefined,
  zone = 'UTC',
): { fromMs?: number; toMs?: number } {
  const fromMs = from === undefined ? undefined : parseTime(from, '--from', zone);
  const toMs = to === undefined ? undefined : parseTime(to, '--to', zone);
  if (fromMs !== undefined && toMs !== undefined && toMs <= fromMs) {
    throw usage(`--to ${to} is not after --from ${from}; --from is included and --to excluded, so --to must be later`);
  }
  return { ...(fromMs !== undefined ? { fromMs } : {}), ...(toMs !== undefined ? { toMs } : {}) };
}

// ---------------------------------------------------------------------------------------------------------------
// Input files

/** How an input is named in messages: `--fleet x.json`, `--carbon trace:x.csv`. */
export function inputLabel(option: string, path: string): string {
  return `${option}${option.endsWith(':') ? '' : ' '}${visible(path)}`;
}

/**
 * The absolute path of an input file after checking that it can be read.
 * @throws {CliError} (usage) naming the option and the file when it is missing, a directory or unreadable
 */
export function checkInputFile(ctx: CliContext, option: string, path: string): string {
  const absolute = resolve(ctx.cwd, path);
  const shown = inputLabel(option, path);
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw usage(`${shown}: no such file`);
    throw usage(`${shown}: cannot be read (${code ?? (error as Error).message})`);
  }
  if (stats.isDirectory()) throw usage(`${shown}: is a directory; give a file`);
  if (!stats.isFile() && !stats.isFIFO() && !stats.isCharacterDevice()) throw usage(`${shown}: is not a regular file`);
  try {
    accessSync(absolute, constants.R_OK);
  } catch {
    throw usage(`${shown}: cannot be read (permission denied)`);
  }
  return absolute;
}

/**
 * The whole of standard input, for an input given as `-`.
 * @throws {CliError} (usage) when there is no standard input to read
 */
export async function readStdin(ctx: CliContext, option: string): Promise<string> {
  if (ctx.readStdin === undefined) throw usage(`${option} -: there is no standard input to read`);
  return ctx.readStdin();
}

/**
 * The text of an input file, or of standard input for `-`.
 * @throws {CliError} (usage) naming the option and the file when it is missing, a directory or unreadable
 */
export async function readInputText(ctx: CliContext, option: string, path: string): Promise<string> {
  if (path === '-') return readStdin(ctx, option);
  const absolute = checkInputFile(ctx, option, path);
  try {
    return readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw usage(
      `${option} ${visible(path)}: cannot be read (${code === 'EACCES' ? 'permission denied' : (code ?? 'error')})`,
    );
  }
}

/**
 * Parse JSON read from `option`.
 * @throws {CliError} (usage) with the parser's message
 */
export function parseJsonInput(text: string, option: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw usage(`${option} ${visible(path)}: not valid JSON (${(error as Error).message})`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Names

/** Levenshtein distance of two short strings. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/**
 * The names of `known` nearest to `name` (case-insensitive edit distance at most 3, or a third of the name), best
 * first, at most `limit`.
 */
export function nearestNames(name: string, known: readonly string[], limit = 3): string[] {
  const lower = name.toLowerCase();
  const max = Math.max(3, Math.floor(lower.length / 3));
  return known
    .map((k) => ({ k, d: editDistance(lower, k.toLowerCase()) }))
    .filter((c) => c.d <= max)
    .sort((x, y) => x.d - y.d || x.k.localeCompare(y.k))
    .slice(0, limit)
    .map((c) => c.k);
}

/** ` Did you mean eu-central-1?` or `` when nothing is near. */
export function didYouMean(name: string, known: readonly string[]): string {
  const near = nearestNames(name, known);
  if (near.length === 0) return '';
  return ` Did you mean ${near.length === 1 ? near[0] : `${near.slice(0, -1).join(', ')} or ${near.at(-1)}`}?`;
}
