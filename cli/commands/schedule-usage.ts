import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { AccountingInputError, instanceEnergyKWh } from '../../lambdas/core/accounting/energy';
import { snapshotPriceBook, withOverrides } from '../../lambdas/core/accounting/price-book';
import { regionFacts } from '../../lambdas/core/carbon/region-facts';
import { UnknownInstanceTypeError } from '../../lambdas/core/ec2/instance-specs';
import { desiredState } from '../../lambdas/core/schedule/evaluate';
import { nextTransition } from '../../lambdas/core/schedule/next-transition';
import type { Schedule } from '../../lambdas/core/schedule/types';
import { loadConfig } from '../../lib/config';
import type { CliContext } from '../context';
import { common, parseHalfOpen, usage } from '../options';
import { checkRegion } from '../region-option';
import { type Column, formatNumber, type Row, renderCsv, renderTable, visible, wrap } from '../text';
import { resolveSchedule, type SourceOptions } from './schedule';

/** Longest period `schedule usage` accepts, days. */
export const MAX_USAGE_DAYS = 366;

/** One local day of a schedule's usage. */
export interface UsageDay {
  /** Local date in the schedule's zone, `YYYY-MM-DD`. */
  readonly date: string;
  readonly runningHours: number;
  readonly stoppedHours: number;
  /** Hours in which the schedule wants `any` (it neither starts nor stops). */
  readonly anyHours: number;
  /** Running periods, local `HH:MM–HH:MM`. */
  readonly runningPeriods: readonly string[];
  /** Cost of the running hours, USD (null without an instance type or price). */
  readonly usd: number | null;
  /** Emissions of the running hours, grams CO2e (null without an instance type). */
  readonly gCO2e: number | null;
}

/** `schedule usage --output json`. */
export interface UsageJson {
  readonly schedule: string;
  readonly timezone: string;
  readonly from: string;
  readonly to: string;
  readonly instanceType: string | null;
  readonly region: string;
  readonly usdPerHour: number | null;
  readonly kWhPerHour: number | null;
  readonly gCO2ePerKWh: number;
  readonly days: readonly UsageDay[];
  readonly totals: {
    readonly runningHours: number;
    readonly stoppedHours: number;
    readonly anyHours: number;
    readonly usd: number | null;
    readonly gCO2e: number | null;
    /** What running the whole period would cost and emit, and what the schedule avoids against that. */
    readonly alwaysOnUsd: number | null;
    readonly alwaysOnGCO2e: number | null;
    readonly usdAvoided: number | null;
    readonly gCO2eAvoided: number | null;
  };
}

const HOUR_MS = 3_600_000;

/**
 * The hours a schedule wants running, stopped or `any` in `[fromMs, toMs)`, per local day of its zone, walking its
 * transitions (the same `desiredState`/`nextTransition` the scheduler Lambda uses), like Instance Scheduler's
 * `describe-schedule-usage`.
 */
export function scheduleUsage(
  schedule: Schedule,
  fromMs: number,
  toMs: number,
): { date: string; running: number; stopped: number; any: number; periods: [number, number][] }[] {
  const days = new Map<string, { running: number; stopped: number; any: number; periods: [number, number][] }>();
  const dayOf = (ms: number) => DateTime.fromMillis(ms, { zone: schedule.timezone }).toISODate()!;
  for (let day = DateTime.fromMillis(fromMs, { zone: schedule.timezone }).startOf('day'); day.toMillis() < toMs; ) {
    days.set(day.toISODate()!, { running: 0, stopped: 0, any: 0, periods: [] });
    day = day.plus({ days: 1 }).startOf('day');
  }
  let t = fromMs;
  let state = desiredState(schedule, new Date(t)).state;
  while (t < toMs) {
    const next = nextTransition(schedule, new Date(t));
    const end = Math.min(next ? next.at.getTime() : toMs, toMs);
    // Split [t, end) at local midnights.
    let from = t;
    while (from < end) {
      const midnight = DateTime.fromMillis(from, { zone: schedule.timezone })
        .startOf('day')
        .plus({ days: 1 })
        .toMillis();
      const until = Math.min(end, midnight);
      const entry = days.get(dayOf(from))!;
      const hours = (until - from) / HOUR_MS;
      if (state === 'running') {
        entry.running += hours;
        entry.periods.push([from, until]);
      } else if (state === 'stopped') entry.stopped += hours;
      else entry.any += hours;
      from = until;
    }
    t = end;
    if (next) state = next.state;
  }
  return [...days.entries()].map(([date, v]) => ({ date, ...v }));
}

function localClock(ms: number, zone: string, dayStart: boolean): string {
  const time = DateTime.fromMillis(ms, { zone });
  // An end at the next midnight reads 24:00.
  if (!dayStart && time.hour === 0 && time.minute === 0) return '24:00';
  return time.toFormat('HH:mm');
}

/**
 * `schedule usage (--schedule NAME | --periods JSON) --from TIME --to TIME [--instance-type T] [--region R]`: per
 * local day, the hours the schedule keeps an instance running and stopped, and the dollars (on-demand Linux price)
 * and CO2e (Cloud Carbon Footprint energy at 50% CPU × the region's static annual average) of the running hours.
 */
export function registerScheduleUsage(schedule: Command, ctx: CliContext): void {
  schedule
    .command('usage')
    .description('running and stopped hours per day of a schedule, with the dollars and CO2e for an instance type')
    .option('--schedule <name>', 'a built-in or configured schedule (as in the Schedule tag)')
    .option('--periods <json>', 'periods as JSON: a list of periods, one period, or a whole schedule definition')
    .option('--config <file>', 'configuration file (default: carbon-scheduler.config.json if present)')
    .option('--timezone <tz>', 'IANA time zone for --periods (default: the configuration timezone)')
    .option('--from <time>', "first day (included), in the schedule's zone (default: today)")
    .option('--to <time>', 'end (excluded; default: 7 days after --from)')
    .option('--instance-type <type>', 'price and energy of this EC2 instance type, e.g. m5.large')
    .action(
      async (options: SourceOptions & { from?: string; to?: string; instanceType?: string }, command: Command) => {
        const opts = common(ctx, command, ['table', 'json', 'csv']);
        const resolved = resolveSchedule(ctx, options);
        const zone = resolved.timezone;
        const bounds = parseHalfOpen(options.from, options.to, zone);
        const fromMs = bounds.fromMs ?? DateTime.fromJSDate(ctx.clock(), { zone }).startOf('day').toMillis();
        const toMs = bounds.toMs ?? DateTime.fromMillis(fromMs, { zone }).plus({ days: 7 }).toMillis();
        if (toMs <= fromMs) throw usage('--to must be after --from (--from is included, --to excluded)');
        if (toMs - fromMs > MAX_USAGE_DAYS * 86_400_000) {
          throw usage(`the period is longer than ${MAX_USAGE_DAYS} days; choose a shorter --from/--to`);
        }
        const { config } = loadConfig(options.config, ctx.cwd);
        const region = checkRegion(
          opts.region ?? config.homeRegion,
          opts.regionFromOption ? '--region' : opts.region ? 'AWS_REGION' : 'config homeRegion',
        );
        const intensity = regionFacts(region)!.staticGCO2ePerKWh;
        let usdPerHour: number | null = null;
        let kWhPerHour: number | null = null;
        if (options.instanceType !== undefined) {
          try {
            kWhPerHour = instanceEnergyKWh(options.instanceType, 1, { pue: config.pueFor(region) });
          } catch (error) {
            if (error instanceof UnknownInstanceTypeError || error instanceof AccountingInputError) {
              throw usage(`--instance-type ${JSON.stringify(visible(options.instanceType))}: ${error.message}`);
            }
            throw error;
          }
          const price = withOverrides(snapshotPriceBook(), config.priceOverrides).usdPerHour(
            region,
            options.instanceType,
          );
          usdPerHour = price?.usdPerHour ?? null;
        }
        const round = (value: number, digits: number) => Number(value.toFixed(digits));
        const days: UsageDay[] = scheduleUsage(resolved, fromMs, toMs).map((d) => ({
          date: d.date,
          runningHours: round(d.running, 4),
          stoppedHours: round(d.stopped, 4),
          anyHours: round(d.any, 4),
          runningPeriods: d.periods.map(([a, b]) => `${localClock(a, zone, true)}–${localClock(b, zone, false)}`),
          usd: usdPerHour === null ? null : round(d.running * usdPerHour, 6),
          gCO2e: kWhPerHour === null ? null : round(d.running * kWhPerHour * intensity, 3),
        }));
        const sum = (pick: (d: UsageDay) => number) => days.reduce((total, d) => total + pick(d), 0);
        const running = sum((d) => d.runningHours);
        const totalHours = (toMs - fromMs) / HOUR_MS;
        const result: UsageJson = {
          schedule: resolved.name,
          timezone: zone,
          from: new Date(fromMs).toISOString(),
          to: new Date(toMs).toISOString(),
          instanceType: options.instanceType ?? null,
          region,
          usdPerHour,
          kWhPerHour: kWhPerHour === null ? null : round(kWhPerHour, 6),
          gCO2ePerKWh: intensity,
          days,
          totals: {
            runningHours: round(running, 4),
            stoppedHours: round(
              sum((d) => d.stoppedHours),
              4,
            ),
            anyHours: round(
              sum((d) => d.anyHours),
              4,
            ),
            usd: usdPerHour === null ? null : round(running * usdPerHour, 6),
            gCO2e: kWhPerHour === null ? null : round(running * kWhPerHour * intensity, 3),
            alwaysOnUsd: usdPerHour === null ? null : round(totalHours * usdPerHour, 6),
            alwaysOnGCO2e: kWhPerHour === null ? null : round(totalHours * kWhPerHour * intensity, 3),
            usdAvoided: usdPerHour === null ? null : round((totalHours - running) * usdPerHour, 6),
            gCO2eAvoided: kWhPerHour === null ? null : round((totalHours - running) * kWhPerHour * intensity, 3),
          },
        };
        if (opts.output === 'json') {
          ctx.out(`${JSON.stringify(result, null, 2)}\n`);
          return;
        }
        if (opts.output === 'csv') {
          ctx.out(
            renderCsv(
              ['date', 'running_hours', 'stopped_hours', 'any_hours', 'running_periods', 'usd', 'gco2e'],
              days.map((d) => [
                d.date,
                d.runningHours,
                d.stoppedHours,
                d.anyHours,
                d.runningPeriods.join(' '),
                d.usd,
                d.gCO2e,
              ]),
            ),
          );
          return;
        }
        ctx.out(renderUsage(result, opts.columns));
      },
    );
}

function renderUsage(result: UsageJson, width: number): string {
  const priced = result.usdPerHour !== null;
  const energy = result.kWhPerHour !== null;
  const columns: Column[] = [
    { header: ['', 'DAY'] },
    { header: ['', 'WEEKDAY'] },
    { header: ['RUNNING', 'hours'], align: 'right' },
    { header: ['STOPPED', 'hours'], align: 'right' },
    ...(result.totals.anyHours > 0 ? [{ header: ['ANY', 'hours'], align: 'right' } as Column] : []),
    { header: ['RUNNING', `local time (${result.timezone})`], minWidth: 11 },
    ...(priced ? [{ header: ['COST', '$ running'], align: 'right' } as Column] : []),
    ...(energy ? [{ header: ['EMISSIONS', 'gCO2e'], align: 'right' } as Column] : []),
  ];
  const shownUsd = (v: number | null) => (v === null ? 0 : Number(v.toFixed(2)));
  const shownG = (v: number | null) => (v === null ? 0 : Number(v.toFixed(1)));
  const rows: Row[] = result.days.map((d) => ({
    cells: [
      d.date,
      DateTime.fromISO(d.date).setLocale('en-US').toFormat('ccc'),
      d.runningHours.toFixed(2),
      d.stoppedHours.toFixed(2),
      ...(result.totals.anyHours > 0 ? [d.anyHours.toFixed(2)] : []),
      d.runningPeriods.length > 0 ? d.runningPeriods.join(', ') : '-',
      ...(priced ? [formatNumber(shownUsd(d.usd), 2)] : []),
      ...(energy ? [formatNumber(shownG(d.gCO2e), 1)] : []),
    ],
  }));
  const sum = (pick: (d: UsageDay) => number) => result.days.reduce((t, d) => t + pick(d), 0);
  rows.push({
    cells: [
      `Total (${result.days.length} days)`,
      '',
      sum((d) => d.runningHours).toFixed(2),
      sum((d) => d.stoppedHours).toFixed(2),
      ...(result.totals.anyHours > 0 ? [sum((d) => d.anyHours).toFixed(2)] : []),
      '',
      ...(priced
        ? [
            formatNumber(
              sum((d) => shownUsd(d.usd)),
              2,
            ),
          ]
        : []),
      ...(energy
        ? [
            formatNumber(
              sum((d) => shownG(d.gCO2e)),
              1,
            ),
          ]
        : []),
    ],
    rule: true,
  });
  const lines = [
    ...wrap(
      `Schedule ${visible(result.schedule)} (${result.timezone}) from ${result.from} to ${result.to} (to excluded)`,
      width,
    ),
    '',
    renderTable(columns, rows, { width }),
    '',
  ];
  const t = result.totals;
  if (priced || energy) {
    lines.push(
      ...wrap(
        `${result.instanceType} in ${result.region}: ` +
          (priced ? `$${result.usdPerHour} per hour on demand (Linux)` : 'no on-demand price known') +
          (energy
            ? `; ${formatNumber(result.kWhPerHour! * 1000, 3)} Wh per hour (Cloud Carbon Footprint, 50% CPU, PUE ` +
              `included) at ${result.gCO2ePerKWh} gCO2e/kWh (the region's static annual average)`
            : '') +
          '.',
        width,
      ),
      ...wrap(
        'Against running all the time the schedule avoids ' +
          [
            priced ? `$${formatNumber(t.usdAvoided!, 2)} of $${formatNumber(t.alwaysOnUsd!, 2)}` : undefined,
            energy
              ? `${formatNumber(t.gCO2eAvoided!, 1)} of ${formatNumber(t.alwaysOnGCO2e!, 1)} gCO2e (CPU energy only)`
              : undefined,
          ]
            .filter((x) => x !== undefined)
            .join(' and ') +
          '. Carbon pauses are not included: see backtest --scenario pause.',
        width,
      ),
    );
  } else {
    lines.push(...wrap('Add --instance-type T (and --region R) for the dollars and CO2e of the running hours.', width));
  }
  return `${lines.join('\n')}\n`;
}
