import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { describePeriod } from '../../lambdas/core/schedule/describe';
import { desiredState } from '../../lambdas/core/schedule/evaluate';
import { nextTransition } from '../../lambdas/core/schedule/next-transition';
import { parseScheduleDefinition, ScheduleDefinitionError } from '../../lambdas/core/schedule/parse';
import { ScheduleRegistry } from '../../lambdas/core/schedule/registry';
import type { Schedule } from '../../lambdas/core/schedule/types';
import { isValidTimeZone } from '../../lambdas/core/schedule/zone-time';
import { loadConfig } from '../../lib/config';
import { type CliContext, CliError, EXIT } from '../context';
import { common, parseTime, usage as usageError } from '../options';
import { renderCsv, visible } from '../text';
import { registerScheduleUsage } from './schedule-usage';
import { SUMMARIES } from './summaries';

export interface SourceOptions {
  schedule?: string;
  periods?: string;
  config?: string;
  timezone?: string;
}

/** Name given to a schedule built from `--periods`. */
const PERIODS_SCHEDULE_NAME = 'periods';

function loadRegistry(
  ctx: CliContext,
  configPath: string | undefined,
): { registry: ScheduleRegistry; timezone: string } {
  const { config } = loadConfig(configPath, ctx.cwd);
  try {
    return { registry: ScheduleRegistry.fromConfig(config.schedules, config.timezone), timezone: config.timezone };
  } catch (error) {
    if (error instanceof ScheduleDefinitionError) throw new CliError(error.message, EXIT.usage);
    throw error;
  }
}

/** The schedule named by `--schedule` (from the config) or built from `--periods` JSON. */
export function resolveSchedule(ctx: CliContext, options: SourceOptions): Schedule {
  if ((options.schedule === undefined) === (options.periods === undefined)) {
    throw usageError('give exactly one of --schedule NAME or --periods JSON');
  }
  if (options.timezone !== undefined && !isValidTimeZone(options.timezone)) {
    throw new CliError(`--timezone "${options.timezone}" is not an IANA time zone (e.g. "Europe/Berlin")`, EXIT.usage);
  }
  const { registry, timezone } = loadRegistry(ctx, options.config);
  if (options.schedule !== undefined) {
    if (options.timezone !== undefined) throw new CliError('--timezone goes with --periods only', EXIT.usage);
    const found = registry.resolve(options.schedule);
    if (!found.ok) throw new CliError(found.reason, EXIT.usage);
    return found.schedule;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(options.periods as string);
  } catch (error) {
    throw new CliError(`--periods is not valid JSON: ${(error as Error).message}`, EXIT.usage);
  }
  // A list of periods, one period, or a whole schedule definition.
  const keys =
    typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? Object.keys(raw).map((k) => k.toLowerCase()) : [];
  let definition: Record<string, unknown>;
  if (Array.isArray(raw)) definition = { name: PERIODS_SCHEDULE_NAME, periods: raw };
  else if (keys.includes('periods') || keys.includes('overridestatus') || keys.includes('override_status')) {
    definition = keys.includes('name') ? { ...(raw as object) } : { name: PERIODS_SCHEDULE_NAME, ...(raw as object) };
  } else definition = { name: PERIODS_SCHEDULE_NAME, periods: [raw] };
  if (options.timezone !== undefined) definition.timezone = options.timezone;
  const parsed = parseScheduleDefinition(definition, timezone);
  if (!parsed.ok) throw new CliError(`invalid --periods:\n${parsed.errors.map((e) => `  - ${e}`).join('\n')}`);
  return parsed.schedule;
}

/** An ISO-8601 time (strict); without an offset it is read as local time in the schedule's zone. */
function parseScheduleTime(text: string | undefined, option: string, schedule: Schedule, ctx: CliContext): Date {
  if (text === undefined) return ctx.clock();
  return new Date(parseTime(text, option, schedule.timezone));
}

const localIso = (at: Date, zone: string): string =>
  DateTime.fromJSDate(at, { zone }).toISO({ suppressMilliseconds: true }) ?? at.toISOString();

/** e.g. `Mon 2026-03-30 08:00:00 +02:00` (fixed English weekday names and numeric offsets, whatever the locale). */
const localText = (at: Date, zone: string): string =>
  DateTime.fromJSDate(at, { zone }).setLocale('en-US').toFormat('ccc yyyy-MM-dd HH:mm:ss ZZ');

function header(schedule: Schedule): string {
  const periods = schedule.overrideStatus
    ? `overrideStatus ${schedule.overrideStatus}`
    : schedule.periods.map((p) => `${p.label}: ${describePeriod(p)}`).join('; ');
  return `schedule ${schedule.name} (${schedule.timezone}, carbonPolicy ${schedule.carbonPolicy}): ${periods}`;
}

function parseCount(text: string): number {
  const count = Number(text);
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw new CliError(`--count "${text}" must be a whole number from 1 to 1000`, EXIT.usage);
  }
  return count;
}

/**
 * `carbon-scheduler schedule`: check what a schedule wants at a time and list its next transitions.
 * - `schedule check (--schedule NAME [--config F] | --periods JSON [--timezone TZ]) [--at ISO]` prints the reason,
 *   then `running`, `stopped` or `any` as its last line (`--json`: one object).
 * - `schedule next (--schedule NAME | --periods JSON) [--after ISO] [--count N]` lists the next state changes.
 * - `schedule list [--config F]` lists the known schedules.
 * Times default to the context clock; a time without an offset is local time in the schedule's zone.
 */
export function registerSchedule(program: Command, ctx: CliContext): void {
  const schedule = program.command('schedule').description(SUMMARIES.schedule).showHelpAfterError();

  schedule
    .command('check')
    .description('print the desired state (running, stopped or any) of a schedule at a time, as the last line')
    .option('--schedule <name>', 'a built-in or configured schedule (as in the Schedule tag)')
    .option('--periods <json>', 'periods as JSON: a list of periods, one period, or a whole schedule definition')
    .option('--config <file>', 'configuration file (default: carbon-scheduler.config.json if present)')
    .option('--timezone <tz>', 'IANA time zone for --periods (default: the configuration timezone)')
    .option('--at <iso>', 'time to evaluate (ISO-8601; default: now)')
    .action((options: SourceOptions & { at?: string }, command: Command) => {
      const json = common(ctx, command).output === 'json';
      const resolved = resolveSchedule(ctx, options);
      const at = parseScheduleTime(options.at, '--at', resolved, ctx);
      const evaluation = desiredState(resolved, at);
      if (json) {
        const result = {
          schedule: resolved.name,
          timezone: resolved.timezone,
          at: at.toISOString(),
          localTime: localIso(at, resolved.timezone),
          state: evaluation.state,
          period: evaluation.period ?? null,
          instanceType: evaluation.instanceType ?? null,
          carbonPolicy: resolved.carbonPolicy,
          reason: evaluation.reason,
        };
        ctx.out(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      ctx.out(`${visible(header(resolved))}\n`);
      ctx.out(`at ${at.toISOString()} = ${localText(at, resolved.timezone)}\n`);
      ctx.out(
        `${visible(evaluation.reason)}${evaluation.instanceType ? ` (instance type ${evaluation.instanceType})` : ''}\n`,
      );
      ctx.out(`${evaluation.state}\n`);
    });

  schedule
    .command('next')
    .description('list the next times the desired state of a schedule changes (searching up to 366 days ahead)')
    .option('--schedule <name>', 'a built-in or configured schedule (as in the Schedule tag)')
    .option('--periods <json>', 'periods as JSON: a list of periods, one period, or a whole schedule definition')
    .option('--config <file>', 'configuration file (default: carbon-scheduler.config.json if present)')
    .option('--timezone <tz>', 'IANA time zone for --periods (default: the configuration timezone)')
    .option('--after <iso>', 'start of the search (ISO-8601; default: now)')
    .option('--count <n>', 'number of transitions to list', '5')
    .action((options: SourceOptions & { after?: string; count: string }, command: Command) => {
      const output = common(ctx, command, ['table', 'json', 'csv']).output;
      const json = output === 'json';
      const resolved = resolveSchedule(ctx, options);
      const count = parseCount(options.count);
      const after = parseScheduleTime(options.after, '--after', resolved, ctx);
      const current = desiredState(resolved, after).state;
      const transitions: { at: Date; state: string }[] = [];
      let from = after;
      while (transitions.length < count) {
        const next = nextTransition(resolved, from);
        if (!next) break;
        transitions.push(next);
        from = next.at;
      }
      if (json) {
        const result = {
          schedule: resolved.name,
          timezone: resolved.timezone,
          after: after.toISOString(),
          state: current,
          transitions: transitions.map((t) => ({
            at: t.at.toISOString(),
            localTime: localIso(t.at, resolved.timezone),
            state: t.state,
          })),
        };
        ctx.out(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      if (output === 'csv') {
        ctx.out(
          renderCsv(
            ['at', 'local_time', 'state'],
            transitions.map((t) => [t.at.toISOString(), localIso(t.at, resolved.timezone), t.state]),
          ),
        );
        return;
      }
      ctx.out(`${visible(header(resolved))}\n`);
      ctx.out(`${current} at ${after.toISOString()} (${localText(after, resolved.timezone)})\n`);
      for (const t of transitions) {
        ctx.out(`${t.at.toISOString()}  ${localText(t.at, resolved.timezone)}  ${t.state}\n`);
      }
      if (transitions.length < count) ctx.out('no further change within 366 days\n');
    });

  schedule
    .command('list')
    .description('list the built-in and configured schedules')
    .option('--config <file>', 'configuration file (default: carbon-scheduler.config.json if present)')
    .action((options: { config?: string }, command: Command) => {
      const output = common(ctx, command, ['table', 'json', 'csv']).output;
      const { registry } = loadRegistry(ctx, options.config);
      const rows = registry.schedules().map((s) => ({
        name: s.name,
        builtIn: s.builtIn === true,
        timezone: s.timezone,
        carbonPolicy: s.carbonPolicy,
        periods: s.overrideStatus ? [`overrideStatus ${s.overrideStatus}`] : s.periods.map(describePeriod),
        description: s.description ?? null,
      }));
      if (output === 'json') {
        ctx.out(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      if (output === 'csv') {
        ctx.out(
          renderCsv(
            ['name', 'built_in', 'timezone', 'carbon_policy', 'periods', 'description'],
            rows.map((r) => [
              r.name,
              r.builtIn ? 'true' : 'false',
              r.timezone,
              r.carbonPolicy,
              r.periods.join('; '),
              r.description,
            ]),
          ),
        );
        return;
      }
      for (const row of rows) {
        ctx.out(
          `${visible(
            `${row.name}${row.builtIn ? ' (built-in)' : ''}  ${row.timezone}  carbonPolicy ${row.carbonPolicy}  ` +
              `${row.periods.join('; ')}`,
          )}\n`,
        );
      }
    });

  registerScheduleUsage(schedule, ctx);
}
