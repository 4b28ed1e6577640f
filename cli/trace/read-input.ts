import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { CliContext } from '../context';
import { checkInputFile, inputLabel, readStdin, usage } from '../options';
import { visible } from '../text';
import { createTraceParser, TraceFormatError } from './parse-trace';
import type { Trace } from './trace';

/**
 * Read a trace file given on the command line (`-` is standard input), line by line: both formats (parse-trace.ts),
 * with the quality checks (quality.ts). Times without an offset are in `timezone`, except in the Electricity Maps
 * export, whose `Datetime (UTC)` column is UTC by definition.
 * @param option how the file was named, for messages, e.g. `--trace` or `--carbon trace:`
 * @param repair `--drop-bad-rows`: drop conflicting duplicates and implausible values instead of refusing them
 * @returns the trace, and one note per quality issue (what was found and what was done)
 * @throws {CliError} (usage) for a missing or unreadable file, a malformed trace, or an issue the checks refuse
 */
export async function readTraceInput(
  ctx: CliContext,
  option: string,
  path: string,
  timezone: string,
  repair = false,
): Promise<{ trace: Trace; notes: string[] }> {
  const lines: AsyncIterable<string> | Iterable<string> =
    path === '-'
      ? (await readStdin(ctx, option)).split('\n')
      : createInterface({
          input: createReadStream(checkInputFile(ctx, option, path)),
          crlfDelay: Number.POSITIVE_INFINITY,
        });
  const source = inputLabel(option, path);
  let parser: ReturnType<typeof createTraceParser> | undefined;
  try {
    for await (const line of lines) {
      if (parser === undefined) {
        const utcColumn = line.toLowerCase().includes('datetime (utc)');
        parser = createTraceParser({ source, timezone: utcColumn ? 'UTC' : timezone, repair });
      }
      parser.line(line);
    }
    if (parser === undefined) throw new TraceFormatError(source, 0, 'the file is empty');
    const trace = parser.finish();
    const notes = trace.issues.map((issue) => `${visible(path)}: ${issue.message} (${issue.action})`);
    return { trace, notes };
  } catch (error) {
    if (error instanceof TraceFormatError) throw usage(visible(error.message));
    throw error;
  }
}
