import { DateTime, IANAZone } from 'luxon';
import { checkZone, type TraceIssue, type TraceRow } from './quality';
import { Trace, TraceSeries, type TraceStats } from './trace';

/**
 * Reader of carbon intensity trace CSV files (docs/backtest.md), line by line so a year of hourly data for many zones
 * streams without holding the text:
 * - generic: header `datetime,zone,carbon_intensity` (any column order, extra columns ignored), times ISO-8601,
 *   values gCO2e/kWh;
 * - Electricity Maps hourly export, read as is: `Datetime (UTC)`, `Zone Id`, `Carbon Intensity gCO₂eq/kWh (LCA)`
 *   (the lifecycle value; the direct one is ignored).
 * Times without an offset are UTC unless `timezone` says otherwise. Rows with an empty value are gaps (never 0 g).
 */

/** A trace file that cannot be read: names the line, the column and what is allowed. */
export class TraceFormatError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${source}${line > 0 ? ` line ${line}` : ''}: ${detail}`);
    this.name = 'TraceFormatError';
  }
}

/** Options of the trace reader. */
export interface TraceOptions {
  /** IANA zone of times written without an offset (default `UTC`). */
  readonly timezone?: string;
  /** Name of the input for error messages (a file path). */
  readonly source?: string;
  /**
   * Drop conflicting duplicates and implausible values (they become gaps, and are reported) instead of refusing the
   * trace (see quality.ts).
   */
  readonly repair?: boolean;
}

const GENERIC = { time: 'datetime', zone: 'zone', value: 'carbon_intensity' } as const;
const EM_EXPORT = {
  time: 'datetime (utc)',
  zone: 'zone id',
  value: 'carbon intensity gco₂eq/kwh (lca)',
} as const;

const TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?$/;

/** Split one CSV line (RFC 4180 quoting; fast path when there are no quotes). */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i]!;
    if (quoted) {
      if (char === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i += 1;
        } else quoted = false;
      } else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

/**
 * Parse a trace time to epoch ms. Accepts `YYYY-MM-DD HH:MM[:SS[.fff]]`, the same with `T`, and an optional offset
 * (`Z`, `UTC`, `+01:00`, `+0100`, `+01`); a time without an offset is read in `timezone`.
 * @returns epoch ms, or undefined when the text is not such a time
 */
export function parseTraceTime(text: string, timezone: IANAZone | undefined): number | undefined {
  const match = TIME.exec(text.trim());
  if (!match) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac, offset] = match;
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  if (offset === undefined && timezone !== undefined && timezone.name !== 'UTC') {
    const local = DateTime.fromObject({ year, month, day, hour, minute, second, millisecond: ms }, { zone: timezone });
    return local.isValid ? local.toMillis() : undefined;
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (new Date(utc).getUTCDate() !== day) return undefined; // e.g. 2023-02-30
  let offsetMinutes = 0;
  if (offset !== undefined && offset !== 'Z' && offset !== 'z' && offset !== 'UTC') {
    const sign = offset.startsWith('-') ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
  }
  return utc - offsetMinutes * 60_000;
}

interface Columns {
  readonly time: number;
  readonly zone: number;
  readonly value: number;
  readonly width: number;
  readonly format: Trace['format'];
}

function findColumns(header: string[], source: string): Columns {
  const names = header.map((name) => name.trim().toLowerCase());
  for (const [format, wanted] of [
    ['generic', GENERIC],
    ['electricitymaps-export', EM_EXPORT],
  ] as const) {
    const time = names.indexOf(wanted.time);
    const zone = names.indexOf(wanted.zone);
    const value = names.indexOf(wanted.value);
    if (time >= 0 && zone >= 0 && value >= 0) return { time, zone, value, width: names.length, format };
  }
  throw new TraceFormatError(
    source,
    1,
    `unrecognised header ${JSON.stringify(header.join(','))}; expected "datetime,zone,carbon_intensity" or the ` +
      'Electricity Maps export columns "Datetime (UTC)", "Zone Id", "Carbon Intensity gCO₂eq/kWh (LCA)"',
  );
}

interface ZoneBuffer {
  rows: TraceRow[];
}

/** A streaming trace reader: feed lines with `line`, then call `finish`. */
export interface TraceParser {
  /** Read one line (without its newline; a trailing `\r` is ignored). @throws {TraceFormatError} */
  line(text: string): void;
  /** The trace read so far. @throws {TraceFormatError} when no header or no data row was read */
  finish(): Trace;
}

/**
 * Create a streaming trace reader.
 * @throws {RangeError} when `options.timezone` is not an IANA zone
 */
export function createTraceParser(options: TraceOptions = {}): TraceParser {
  const source = options.source ?? 'trace';
  const timezone = options.timezone === undefined ? undefined : IANAZone.create(options.timezone);
  if (timezone !== undefined && !timezone.isValid) {
    throw new RangeError(`${JSON.stringify(options.timezone)} is not an IANA time zone (e.g. "Europe/Berlin")`);
  }
  let columns: Columns | undefined;
  let lineNumber = 0;
  let rows = 0;
  let emptyRows = 0;
  const zones = new Map<string, ZoneBuffer>();

  return {
    line(raw: string) {
      lineNumber += 1;
      let text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (lineNumber === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.trim() === '') return;
      const fields = splitCsvLine(text);
      if (columns === undefined) {
        columns = findColumns(fields, source);
        return;
      }
      rows += 1;
      const timeText = fields[columns.time];
      const zone = fields[columns.zone]?.trim();
      const valueText = fields[columns.value]?.trim();
      if (timeText === undefined || zone === undefined || valueText === undefined) {
        throw new TraceFormatError(
          source,
          lineNumber,
          `expected ${columns.width} columns as in the header, got ${fields.length}`,
        );
      }
      const at = parseTraceTime(timeText, timezone);
      if (at === undefined) {
        throw new TraceFormatError(
          source,
          lineNumber,
          `time ${JSON.stringify(timeText)} is not ISO-8601 (e.g. "2023-01-01 00:00:00" or "2023-01-01T00:00:00Z")`,
        );
      }
      if (zone === '') throw new TraceFormatError(source, lineNumber, 'the zone is empty');
      if (valueText === '') {
        emptyRows += 1;
        return;
      }
      const value = Number(valueText);
      if (!Number.isFinite(value)) {
        throw new TraceFormatError(
          source,
          lineNumber,
          `carbon intensity ${JSON.stringify(valueText)} is not a number of gCO2e/kWh`,
        );
      }
      let buffer = zones.get(zone);
      if (buffer === undefined) {
        buffer = { rows: [] };
        zones.set(zone, buffer);
      }
      buffer.rows.push({ at, value, line: lineNumber });
    },

    finish() {
      if (columns === undefined) throw new TraceFormatError(source, 0, 'the trace is empty (no header)');
      if (zones.size === 0) throw new TraceFormatError(source, 0, 'the trace has a header but no data rows');
      const series = new Map<string, TraceSeries>();
      const issues: TraceIssue[] = [];
      for (const [zone, buffer] of zones) {
        const checked = checkZone(zone, buffer.rows, options.repair === true);
        issues.push(...checked.issues);
        series.set(zone, new TraceSeries(zone, checked.times, checked.values, checked.stepMs));
      }
      const refused = issues.filter((i) => i.action === 'refused');
      if (refused.length > 0) {
        const fixable = refused.some((i) => i.kind !== 'gap');
        throw new TraceFormatError(
          source,
          0,
          `${refused.map((i) => i.message).join('; ')}` +
            (fixable ? '. Fix these rows, or pass --drop-bad-rows to leave them out (they become gaps)' : ''),
        );
      }
      const duplicateRows = issues
        .filter((i) => i.kind === 'duplicate' || i.kind === 'conflicting-duplicate')
        .reduce((n, i) => n + i.lines.length, 0);
      const stats: TraceStats = { rows, emptyRows, duplicateRows };
      return new Trace(series, columns.format, stats, issues);
    },
  };
}

/** Parse a whole trace held in memory. @throws {TraceFormatError} */
export function parseTrace(text: string, options: TraceOptions = {}): Trace {
  const parser = createTraceParser(options);
  let start = 0;
  while (start <= text.length) {
    const end = text.indexOf('\n', start);
    if (end < 0) {
      parser.line(text.slice(start));
      break;
    }
    parser.line(text.slice(start, end));
    start = end + 1;
  }
  return parser.finish();
}

/**
 * Read a trace from lines (e.g. `readline.createInterface({ input: createReadStream(path) })` in the CLI).
 * @throws {TraceFormatError}
 */
export async function readTrace(
  lines: Iterable<string> | AsyncIterable<string>,
  options: TraceOptions = {},
): Promise<Trace> {
  const parser = createTraceParser(options);
  for await (const line of lines) parser.line(line);
  return parser.finish();
}
