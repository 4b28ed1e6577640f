import { randomInt } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { AccountingInputError, instanceEnergyKWh } from '../../lambdas/core/accounting/energy';
import { snapshotPriceBook, withOverrides } from '../../lambdas/core/accounting/price-book';
import { regionFacts, zoneForRegion } from '../../lambdas/core/carbon/region-facts';
import type { Config } from '../../lambdas/core/config/schema';
import { UnknownInstanceTypeError } from '../../lambdas/core/ec2/instance-specs';
import { loadConfig } from '../../lib/config';
import {
  BACKTEST_SCHEMA_VERSION,
  type BacktestReport,
  type BacktestRun,
  checkTimezone,
  cutSeries,
  type DispatchResult,
  type EnergyBasis,
  type ForecastSpec,
  forecastViews,
  formatBacktestSummary,
  formatForecastSpec,
  InvalidDurationError,
  InvalidForecastError,
  InvalidLocalTimeError,
  mergeTraces,
  type PauseResult,
  type Period,
  type ProgressCallback,
  parseClockTime,
  parseDuration,
  parseForecastSpec,
  renderBacktestHtml,
  roundNumbers,
  SCENARIOS,
  type Scenario,
  type ShiftResult,
  simulateDispatch,
  simulatePause,
  simulateShift,
  stepMinutesOf,
  type TraceFileInfo,
} from '../backtest';
import { type CliContext, CliError, EXIT } from '../context';
import { common, parseHalfOpen } from '../options';
import { checkRegion } from '../region-option';
import { visibleLines } from '../text';
import type { Trace, TraceSeries } from '../trace';
import { readTraceInput } from '../trace/read-input';
import { SUMMARIES } from './summaries';

/** Options of `carbon-scheduler backtest` as commander hands them over (all strings). */
interface BacktestOptions {
  trace?: string[];
  scenario?: string;
  forecast: string;
  seed?: string;
  lag: string;
  from?: string;
  to?: string;
  timezone: string;
  zone?: string;
  zones?: string;
  home?: string;
  region?: string;
  instanceType: string;
  duration?: string;
  start?: string;
  window?: string;
  minImprovement: string;
  every: string;
  threshold?: string;
  hysteresis?: string;
  minRun?: string;
  minStop?: string;
  config?: string;
  html?: string;
  dropBadRows?: boolean;
}

/** Instance type whose energy is used when none is given: a common general-purpose type. */
const DEFAULT_INSTANCE_TYPE = 'm5.large';

const usage = (message: string) => new CliError(message, EXIT.usage);

/** Turn the core's input errors into usage errors (exit code 2, one line). */
function asUsage<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (
      error instanceof InvalidDurationError ||
      error instanceof InvalidForecastError ||
      error instanceof InvalidLocalTimeError ||
      error instanceof UnknownInstanceTypeError ||
      error instanceof AccountingInputError ||
      error instanceof RangeError
    ) {
      throw usage(error.message);
    }
    throw error;
  }
}

function parseNumber(text: string | undefined, field: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw usage(`${field} ${JSON.stringify(text)} is not a number from ${min} to ${max}`);
  }
  return value;
}

function parseSeed(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,10}$/.test(text) || Number(text) > 0xffff_ffff) {
    throw usage(`--seed ${JSON.stringify(text)} is not a whole number from 0 to 4294967295`);
  }
  return Number(text);
}

/** A zone id or an AWS region code (mapped to its zone) → the matching series, or undefined. */
function findSeries(
  all: readonly TraceSeries[],
  zoneOrRegion: string,
  config: Config,
): { series?: TraceSeries; zone: string } {
  const direct = all.find((s) => s.zone.toUpperCase() === zoneOrRegion.toUpperCase());
  if (direct) return { series: direct, zone: direct.zone };
  const mapped = regionFacts(zoneOrRegion) ? zoneForRegion(zoneOrRegion, config.carbon.zoneOverrides) : null;
  if (mapped) {
    const series = all.find((s) => s.zone.toUpperCase() === mapped.toUpperCase());
    return series ? { series, zone: series.zone } : { zone: mapped };
  }
  return { zone: zoneOrRegion };
}

/** The one zone `shift` and `pause` run on: `--zone`, else `--region`'s zone, else the only zone of the traces. */
function singleZone(all: readonly TraceSeries[], options: BacktestOptions, config: Config): TraceSeries {
  const zones = all.map((s) => s.zone).join(', ');
  if (options.zone !== undefined) {
    const found = findSeries(all, options.zone, config).series;
    if (!found) throw usage(`--zone ${JSON.stringify(options.zone)} is not in the traces; zones: ${zones}`);
    return found;
  }
  if (options.region !== undefined) {
    const zone = zoneForRegion(options.region, config.carbon.zoneOverrides);
    const found = zone === null ? undefined : all.find((s) => s.zone.toUpperCase() === zone.toUpperCase());
    if (found) return found;
    if (all.length > 1 || zone !== null) {
      throw usage(
        `--region ${options.region} is grid zone ${zone ?? '(none)'}, which the traces do not hold (zones: ${zones}); ` +
          'pass --zone ZONE to use that zone’s data for this region',
      );
    }
  }
  if (all.length === 1) return all[0]!;
  throw usage(`the traces hold several zones (${zones}); choose one with --zone (or --region)`);
}

function required(value: string | undefined, option: string, scenario: string): string {
  if (value === undefined) throw usage(`--scenario ${scenario} needs ${option}`);
  return value;
}

/** A progress bar on standard error, only on a terminal and without --json. */
function progressBar(ctx: CliContext, json: boolean, label: string): { update: ProgressCallback; stop: () => void } {
  if (!ctx.isTTY || json) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total}`,
      stream: process.stderr,
      clearOnComplete: true,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update: (done, total) => {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

/** Chart.js's UMD build, inlined into the HTML page so it works offline. */
function chartJsSource(): string {
  const main = createRequire(import.meta.url).resolve('chart.js');
  return readFileSync(join(dirname(main), 'chart.umd.js'), 'utf8');
}

/** Does the configuration file set `hysteresis` (else it is 10% of the threshold in use)? */
function configuredHysteresis(config: Config, region: string): number | undefined {
  const written = (config.input as { hysteresis?: number | Record<string, number> } | undefined)?.hysteresis;
  if (typeof written === 'number') return written;
  return written?.[region];
}

/** Everything a scenario needs besides its own options. */
interface RunSetup {
  readonly options: BacktestOptions;
  readonly config: Config;
  /** Every zone of the traces, whole (history included). */
  readonly all: readonly TraceSeries[];
  readonly forecast: ForecastSpec;
  readonly seed: number;
  readonly lagMinutes: number;
  readonly timezone: string;
  readonly period: Period;
  readonly region: string | undefined;
  readonly kWhPerHour: number;
  readonly notes: string[];
  readonly onProgress: ProgressCallback;
}

/** What a scenario ran: the series used, its settings as understood, its result and the timeline to chart. */
interface ScenarioRun {
  readonly used: readonly TraceSeries[];
  readonly settings: Record<string, unknown>;
  readonly result: ShiftResult | DispatchResult | PauseResult;
  readonly timeline?: TraceSeries;
}

function durationOption(value: string | undefined, option: string, scenario: Scenario): number {
  return asUsage(() => parseDuration(required(value, option, scenario), option));
}

function runShift(setup: RunSetup): ScenarioRun {
  const { options, notes } = setup;
  const series = singleZone(setup.all, options, setup.config);
  const durationMinutes = durationOption(options.duration, '--duration', 'shift');
  const start = required(options.start, '--start HH:MM', 'shift');
  const startMinutes = asUsage(() => parseClockTime(start));
  const windowMinutes = durationOption(options.window, '--window', 'shift');
  const minImprovementPercent = parseNumber(options.minImprovement, '--min-improvement', 0, 100)!;
  const [view] = forecastViews([series], setup.forecast, setup.seed);
  const result = asUsage(() =>
    simulateShift({
      view: view!,
      durationMinutes,
      startMinutes,
      windowMinutes,
      timezone: setup.timezone,
      lagMinutes: setup.lagMinutes,
      minImprovementPercent,
      kWhPerHour: setup.kWhPerHour,
      period: setup.period,
      onProgress: setup.onProgress,
    }),
  );
  if (result.skippedDays > 0) {
    notes.push(`${result.skippedDays} day(s) not simulated: the trace does not cover the whole window`);
  }
  if (result.policyFallbacks > 0) {
    notes.push(`${result.policyFallbacks} job(s) ran at the due time: the forecast did not cover the window`);
  }
  return {
    used: [series],
    settings: { durationMinutes, start, windowMinutes, minImprovementPercent },
    result,
    timeline: cutSeries(series, setup.period.fromMs, setup.period.toMs),
  };
}

function runDispatch(setup: RunSetup): ScenarioRun {
  const { options, config, all, notes } = setup;
  const zoneList = all.map((s) => s.zone).join(', ');
  const durationMinutes = durationOption(options.duration, '--duration', 'dispatch');
  const everyMinutes = asUsage(() => parseDuration(options.every, '--every'));
  let candidates = [...all];
  if (options.zones !== undefined) {
    const chosen = options.zones
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
      .map((item) => {
        const found = findSeries(all, item, config).series;
        if (!found) throw usage(`--zones: ${JSON.stringify(item)} is not a zone of the traces; zones: ${zoneList}`);
        return found;
      });
    candidates = [...new Set(chosen)];
  }
  const homeText = options.home ?? config.homeRegion;
  const home = findSeries(all, homeText, config);
  if (!home.series) {
    const what = options.home === undefined ? `the home region ${homeText} (config homeRegion)` : `--home ${homeText}`;
    throw usage(`${what} is zone ${home.zone}, which the traces do not hold; pass --home with one of: ${zoneList}`);
  }
  if (!candidates.includes(home.series)) candidates = [home.series, ...candidates];
  const result = asUsage(() =>
    simulateDispatch({
      views: forecastViews(candidates, setup.forecast, setup.seed),
      home: home.series!.zone,
      durationMinutes,
      everyMinutes,
      lagMinutes: setup.lagMinutes,
      timezone: setup.timezone,
      kWhPerHour: setup.kWhPerHour,
      period: setup.period,
      onProgress: setup.onProgress,
    }),
  );
  if (result.skippedJobs > 0) notes.push(`${result.skippedJobs} job(s) not simulated: the home zone has no data then`);
  if (result.policyFallbacks > 0) {
    notes.push(`${result.policyFallbacks} job(s) ran at home: the policy knew nothing of any zone then`);
  }
  notes.push('the same energy is counted in every zone (PUE differences between regions are not modelled)');
  return {
    used: candidates,
    settings: { durationMinutes, everyMinutes, zones: result.zones, home: result.home },
    result,
  };
}

function runPause(setup: RunSetup): ScenarioRun {
  const { options, config, region, notes } = setup;
  if (region === undefined) throw usage('--scenario pause needs --region (threshold, price and zone of the instance)');
  const series = singleZone(setup.all, options, config);
  const thresholdGCO2ePerKWh = parseNumber(options.threshold, '--threshold', 0, 5000) ?? config.thresholdFor(region);
  if (!Number.isFinite(thresholdGCO2ePerKWh)) {
    throw usage(`no threshold is configured or known for ${region}; pass --threshold`);
  }
  const hysteresisGCO2ePerKWh =
    parseNumber(options.hysteresis, '--hysteresis', 0, 5000) ??
    configuredHysteresis(config, region) ??
    0.1 * thresholdGCO2ePerKWh;
  const minRunMinutes =
    options.minRun === undefined ? config.minRunMinutes : asUsage(() => parseDuration(options.minRun!, '--min-run'));
  const minStopMinutes =
    options.minStop === undefined
      ? config.minStopMinutes
      : asUsage(() => parseDuration(options.minStop!, '--min-stop'));
  const instanceType = options.instanceType;
  const price = withOverrides(snapshotPriceBook(), config.priceOverrides).usdPerHour(region, instanceType);
  if (!price) notes.push(`no on-demand price for ${instanceType} in ${region}: usdSaved is null`);
  const [view] = forecastViews([series], setup.forecast, setup.seed);
  const result = asUsage(() =>
    simulatePause({
      view: view!,
      params: { thresholdGCO2ePerKWh, hysteresisGCO2ePerKWh, minRunMinutes, minStopMinutes },
      lagMinutes: setup.lagMinutes,
      timezone: setup.timezone,
      kWhPerHour: setup.kWhPerHour,
      ...(price ? { usdPerHour: price.usdPerHour } : {}),
      period: setup.period,
      onProgress: setup.onProgress,
    }),
  );
  if (result.unknownReadings > 0) {
    notes.push(`${result.unknownReadings} step(s) without a reading for the policy: the state was held`);
  }
  const ownZone = zoneForRegion(region, config.carbon.zoneOverrides);
  if (series.zone.toUpperCase() !== (ownZone ?? '').toUpperCase()) {
    notes.push(`zone ${series.zone} used for ${region} (its own zone is ${ownZone ?? 'unknown'})`);
  }
  return {
    used: [series],
    settings: {
      region,
      thresholdGCO2ePerKWh,
      hysteresisGCO2ePerKWh,
      minRunMinutes,
      minStopMinutes,
      priceSource: price ? `${price.source}${price.asOf ? ` ${price.asOf}` : ''}` : null,
    },
    result,
    timeline: cutSeries(series, setup.period.fromMs, setup.period.toMs),
  };
}

/**
 * `carbon-scheduler backtest --trace FILE... --scenario shift|dispatch|pause [...]`: replay historical carbon
 * intensity through the product's own decision code and compare the policy with the baseline and
 * with the oracle (perfect knowledge). See docs/backtest.md.
 */
export function registerBacktest(program: Command, ctx: CliContext): void {
  program
    .command('backtest')
    .description(SUMMARIES.backtest)
    .option(
      '--trace <files...>',
      'trace CSV files (datetime,zone,carbon_intensity or the Electricity Maps export); repeatable',
    )
    .option('--scenario <name>', `one of ${SCENARIOS.join(', ')}`)
    .option(
      '--forecast <spec>',
      'what the policy knows of the future: perfect, persistence, latest, noise:PCT',
      'perfect',
    )
    .option('--seed <n>', 'seed of the noise forecast (default: random, printed in the output)')
    .option('--lag <duration>', 'age of the newest data when the policy decides, e.g. 1h', '0')
    .option('--from <time>', 'start of the period (included), e.g. 2023-01-01')
    .option('--to <time>', 'end of the period (excluded), e.g. 2024-01-01')
    .option(
      '--drop-bad-rows',
      'leave out conflicting duplicates and implausible values (reported) instead of refusing the trace',
    )
    .option(
      '--timezone <tz>',
      'IANA zone of --start, --from/--to, daily rows and generic trace times without offset',
      'UTC',
    )
    .option('--zone <zone>', 'shift, pause: the grid zone of the traces to use')
    .option('--instance-type <type>', 'instance type whose energy is counted', DEFAULT_INSTANCE_TYPE)
    .option('--duration <duration>', 'shift, dispatch: how long a job runs, e.g. 2h, 1h30m')
    .option('--start <HH:MM>', 'shift: daily due time')
    .option('--window <duration>', 'shift: the job may start this much before or after the due time')
    .option('--min-improvement <percent>', 'shift: move a job only for at least this forecast gain', '0')
    .option('--every <duration>', 'dispatch: a job is submitted this often', '1h')
    .option(
      '--zones <list>',
      'dispatch: comma-separated candidate zones or regions (default: every zone of the traces)',
    )
    .option('--home <zone>', 'dispatch: the zone (or region) of the baseline (default: the config home region’s zone)')
    .option('--threshold <gCO2ePerKWh>', 'pause: pause above this (default: the configured threshold of --region)')
    .option('--hysteresis <gCO2ePerKWh>', 'pause: resume below threshold − hysteresis (default: configured, else 10%)')
    .option('--min-run <duration>', 'pause: minimum running time before a pause (default: config minRunMinutes)')
    .option('--min-stop <duration>', 'pause: minimum paused time before a resume (default: config minStopMinutes)')
    .option('--config <file>', 'configuration file (default: carbon-scheduler.config.json if present)')
    .option('--html <file>', 'also write a self-contained HTML page with charts')
    .action(async (options: BacktestOptions, command: Command) => {
      const opts = common(ctx, command);
      const json = opts.output === 'json';
      // The instance's region (pause: threshold, price, PUE, zone); only when given, not from AWS_REGION.
      options.region = opts.regionFromOption ? opts.region : undefined;
      const scenario = options.scenario as Scenario | undefined;
      if (scenario === undefined || !SCENARIOS.includes(scenario)) {
        throw usage(
          `--scenario ${JSON.stringify(options.scenario ?? '')} is not allowed; expected one of ${SCENARIOS.join(', ')}`,
        );
      }
      if (!options.trace || options.trace.length === 0)
        throw usage('--trace FILE is required (repeat it for several files)');
      const timezone = asUsage(() => checkTimezone(options.timezone));
      const forecast = asUsage(() => parseForecastSpec(options.forecast));
      const lagMinutes = asUsage(() => parseDuration(options.lag, '--lag'));
      const seedOption = parseSeed(options.seed);
      const seed = forecast.kind === 'noise' ? (seedOption ?? randomInt(0, 2 ** 31)) : null;
      const bounds = parseHalfOpen(options.from, options.to, timezone);
      const from = bounds.fromMs;
      const to = bounds.toMs;
      const region = options.region === undefined ? undefined : checkRegion(options.region, '--region');
      const { config } = loadConfig(options.config, ctx.cwd);

      const traces: Trace[] = [];
      const traceInfo: TraceFileInfo[] = [];
      const notes: string[] = [];
      if (options.trace.filter((f) => f === '-').length > 1)
        throw usage('only one --trace can read standard input (-)');
      for (const file of options.trace) {
        const read = await readTraceInput(ctx, '--trace', file, timezone, options.dropBadRows === true);
        const trace = read.trace;
        notes.push(...read.notes);
        traces.push(trace);
        traceInfo.push({ file, format: trace.format, zones: trace.zones, rows: trace.stats.rows });
      }
      // The whole traces stay known to the policy (history); --from/--to only choose what is counted.
      const all = mergeTraces(traces);
      if (!all.some((s) => cutSeries(s, from, to).length > 0)) {
        throw usage('the traces hold no data between --from and --to');
      }
      const period = { ...(from === undefined ? {} : { fromMs: from }), ...(to === undefined ? {} : { toMs: to }) };

      const instanceType = options.instanceType;
      const pue = region ? config.pueFor(region) : config.pue.default;
      const kWhPerHour = asUsage(() => instanceEnergyKWh(instanceType, 1, { pue }));
      const energy: EnergyBasis = { instanceType, region: region ?? null, pue, kWhPerHour };
      const bar = progressBar(ctx, json, `backtest ${scenario}`);
      const setup: RunSetup = {
        options,
        config,
        all,
        forecast,
        seed: seed ?? 0,
        lagMinutes,
        timezone,
        period,
        region,
        kWhPerHour,
        notes,
        onProgress: bar.update,
      };
      let run: ScenarioRun;
      try {
        run = scenario === 'shift' ? runShift(setup) : scenario === 'dispatch' ? runDispatch(setup) : runPause(setup);
      } finally {
        bar.stop();
      }
      const starts = run.used.map((s) => Math.max(s.span!.startMs, from ?? Number.NEGATIVE_INFINITY));
      const ends = run.used.map((s) => Math.min(s.span!.endMs, to ?? Number.POSITIVE_INFINITY));
      const runInfo: BacktestRun = {
        schemaVersion: BACKTEST_SCHEMA_VERSION,
        forecast: formatForecastSpec(forecast),
        seed,
        lagMinutes,
        timezone,
        traces: traceInfo,
        period: { from: new Date(Math.min(...starts)).toISOString(), to: new Date(Math.max(...ends)).toISOString() },
        stepMinutes: Math.min(...run.used.map(stepMinutesOf)),
        energy,
        settings: run.settings,
        notes,
      };
      const report: BacktestReport = { ...runInfo, ...run.result };
      const timeline = run.timeline;

      const rounded = roundNumbers(report);
      if (options.html !== undefined) {
        writeFileSync(resolve(ctx.cwd, options.html), renderBacktestHtml(rounded, chartJsSource(), timeline));
      }
      if (json) {
        ctx.out(`${JSON.stringify(rounded, null, 2)}\n`);
      } else {
        // Zone names and notes come from the trace files: shown with control characters escaped.
        ctx.out(visibleLines(formatBacktestSummary(rounded)));
        if (options.html !== undefined) ctx.out(`HTML report written to ${visibleLines(options.html)}\n`);
      }
    });
}
