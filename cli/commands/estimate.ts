import type { Command } from 'commander';
import { emissionsGrams } from '../../lambdas/core/accounting/energy';
import { snapshotPriceBook, withOverrides } from '../../lambdas/core/accounting/price-book';
import type { FreshnessOptions } from '../../lambdas/core/carbon/freshness';
import { type RankedRegion, rankRegions } from '../../lambdas/core/carbon/ranking';
import type { CarbonForecast, SourcedReading } from '../../lambdas/core/carbon/reading';
import { staticReading } from '../../lambdas/core/carbon/static-reading';
import { formatAgeSeconds } from '../../lambdas/core/carbon/status-row';
import type { Config } from '../../lambdas/core/config/schema';
import { bestStartSlot } from '../../lambdas/core/dispatch/best-start-slot';
import { type JobEnergy, jobEnergy } from '../../lambdas/core/dispatch/job-energy';
import type { Job } from '../../lambdas/core/dispatch/job-request';
import { instanceSpecs } from '../../lambdas/core/ec2/instance-specs';
import { loadConfig } from '../../lib/config';
import { formatDuration, InvalidDurationError, parseDuration } from '../backtest/duration';
import { type CliContext, CliError, EXIT } from '../context';
import { common, usage } from '../options';
import { parseRegionList } from '../region-option';
import { type Column, formatNumber, type Row, renderTable, visible, wrap } from '../text';
import { checkRegion, describeProviders, fetchCliCarbon } from './regions';
import { SUMMARIES } from './summaries';

/** Duration assumed for `--kwh` without `--hours`, minutes (for the best-time search only). */
export const DEFAULT_KWH_JOB_MINUTES = 60;

interface EstimateOptions {
  instanceType?: string;
  hours?: string;
  duration?: string;
  kwh?: string;
  regions?: string;
  config?: string;
  carbon?: string;
}

/** One region's figures for the job. */
export interface EstimateRegion {
  readonly region: string;
  readonly zone: string;
  readonly provider: string;
  readonly origin: string;
  readonly gCO2ePerKWh: number;
  readonly adjustedGCO2ePerKWh: number;
  /** Null for static annual factors (they have no age). */
  readonly ageSeconds: number | null;
  /** The job's energy in this region (PUE of the region), kWh. */
  readonly kWh: number;
  readonly emissionsGrams: number;
  /** On-demand Linux cost of the job in this region (instance type × hours), USD; null for `--kwh` jobs or no price. */
  readonly usd: number | null;
}

/** `estimate --json` output. */
export interface EstimateJson {
  readonly at: string;
  readonly carbon: 'static' | 'live';
  readonly job: { instanceType?: string; hours?: number; kWh?: number; durationMinutes: number };
  /** Energy in `--region`. */
  readonly energy: JobEnergy;
  /** PUE of `--region` (config `pue`). */
  readonly pue: number;
  /** Running in `--region` now. */
  readonly now: EstimateRegion;
  /** Running now in the cleanest of `--region` and the candidate regions (same ranking as the dispatcher). */
  readonly bestRegion: EstimateRegion & { readonly savingsGrams: number; readonly savingsPercent: number };
  /** Running in `--region` at the cleanest start in its forecast, or null without a forecast. */
  readonly bestTime: {
    readonly region: string;
    readonly start: string;
    readonly end: string;
    readonly meanGCO2ePerKWh: number;
    readonly kWh: number;
    readonly emissionsGrams: number;
    readonly savingsGrams: number;
    readonly savingsPercent: number;
    /** Cost of the job at that time, USD (on-demand prices do not change by the hour); null without a price. */
    readonly usd: number | null;
    /** Last point of the forecast searched, ISO-8601. */
    readonly forecastUntil: string;
  } | null;
  /** Why there is no best time, or where the forecast came from. */
  readonly bestTimeNote: string;
  /** Every region considered, cleanest first (adjusted intensity). */
  readonly ranking: (EstimateRegion & { readonly rank: number })[];
}

function positiveNumber(text: string | undefined, option: string, unit: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new CliError(`${option} ${JSON.stringify(text)} is not a number of ${unit} greater than 0`, EXIT.usage);
  }
  return value;
}

/**
 * The job from the options: `--instance-type T --hours H` or `--kwh X [--hours H]`.
 * @throws {CliError} (usage) naming the missing or conflicting option
 */
function jobFromOptions(options: EstimateOptions): Job {
  if (options.hours !== undefined && options.duration !== undefined) {
    throw usage('give --duration or --hours, not both');
  }
  // --hours takes a number of hours (1.5) or a duration (1h30m); --duration a duration.
  let hours: number | undefined;
  if (options.duration !== undefined) hours = durationMinutes(options.duration, '--duration') / 60;
  else if (options.hours !== undefined) {
    hours = /^\d+(\.\d+)?$/.test(options.hours.trim())
      ? positiveNumber(options.hours, '--hours', 'hours')
      : durationMinutes(options.hours, '--hours') / 60;
  }
  if (hours !== undefined && hours <= 0) throw usage('the job must run for more than 0 minutes');
  const kWh = positiveNumber(options.kwh, '--kwh', 'kWh');
  if (options.instanceType !== undefined && kWh !== undefined) {
    throw usage('give either --instance-type with --duration, or --kwh, not both');
  }
  if (options.instanceType !== undefined) {
    if (!instanceSpecs(options.instanceType)) {
      throw usage(
        `--instance-type ${JSON.stringify(visible(options.instanceType))} is not a known EC2 instance type (e.g. m5.large)`,
      );
    }
    if (hours === undefined) throw usage('--instance-type needs --duration (how long the job runs, e.g. 4h)');
    return { kind: 'estimate', instanceType: options.instanceType, hours };
  }
  if (kWh !== undefined) {
    return {
      kind: 'estimate',
      estimatedKWh: kWh,
      ...(hours !== undefined ? { hours } : {}),
      durationMinutes: (hours ?? DEFAULT_KWH_JOB_MINUTES / 60) * 60,
    };
  }
  throw usage('say what the job uses: --instance-type T --duration 4h, or --kwh X');
}

function durationMinutes(text: string, option: string): number {
  try {
    return parseDuration(text, option);
  } catch (error) {
    if (error instanceof InvalidDurationError) throw usage(error.message);
    throw error;
  }
}

function parseCarbonMode(value: string | undefined): 'static' | 'live' {
  const mode = value ?? 'live';
  if (mode !== 'static' && mode !== 'live') {
    throw new CliError(`--carbon ${JSON.stringify(mode)} is not allowed; allowed: static, live`, EXIT.usage);
  }
  return mode;
}

interface CarbonData {
  readonly readings: ReadonlyMap<string, SourcedReading>;
  readonly forecasts: ReadonlyMap<string, CarbonForecast>;
  /** Why a region has no forecast (live mode). */
  readonly forecastFailures: ReadonlyMap<string, string>;
  readonly providersLine?: string;
  /** Live providers enabled in this run (none in static mode). */
  readonly liveProviders: readonly string[];
  readonly freshness: FreshnessOptions;
}

async function carbonData(
  ctx: CliContext,
  config: Config,
  regions: readonly string[],
  mode: 'static' | 'live',
  now: Date,
): Promise<CarbonData> {
  const freshness = {
    graceSeconds: config.carbon.graceSeconds,
    estimatedPenaltyGCO2ePerKWh: config.carbon.estimatedPenaltyGCO2ePerKWh,
  };
  if (mode === 'static') {
    const readings = new Map<string, SourcedReading>(
      regions.map((region) => [
        region,
        { reading: staticReading(region, now, config.carbon.zoneOverrides), origin: 'static' } as const,
      ]),
    );
    return { readings, forecasts: new Map(), forecastFailures: new Map(), liveProviders: [], freshness };
  }
  const carbon = await fetchCliCarbon(ctx, config, regions, { includeForecasts: true });
  const forecasts = new Map<string, CarbonForecast>();
  const forecastFailures = new Map<string, string>();
  for (const outcome of carbon.result.regions) {
    if (outcome.forecast) forecasts.set(outcome.region, outcome.forecast);
    else if (outcome.forecastFailure) forecastFailures.set(outcome.region, outcome.forecastFailure);
  }
  return {
    readings: carbon.result.readings,
    forecasts,
    forecastFailures,
    providersLine: describeProviders(carbon),
    liveProviders: carbon.live,
    freshness: carbon.freshness,
  };
}

const percent = (saved: number, base: number) => (base > 0 ? (saved / base) * 100 : 0);

/** Grams for display: `0.214 g`, `12.35 g`, `346.9 g`, `5.02 kg`. */
function jobGrams(grams: number): string {
  const abs = Math.abs(grams);
  if (abs >= 1000) return `${(grams / 1000).toFixed(2)} kg`;
  if (abs >= 100) return `${grams.toFixed(1)} g`;
  if (abs >= 1) return `${grams.toFixed(2)} g`;
  return `${grams.toFixed(3)} g`;
}

/**
 * Compute the estimate: emissions of the job now in `region`, now in the best region (the
 * dispatcher's ranking: `rankRegions` over `region` ∪ candidates), and in `region` at the best start of its
 * forecast (`bestStartSlot` over the job's duration, the same search the dispatcher defers with).
 */
export function buildEstimate(input: {
  readonly at: Date;
  readonly region: string;
  readonly candidates: readonly string[];
  readonly job: Job;
  readonly mode: 'static' | 'live';
  readonly data: CarbonData;
  readonly config: Config;
}): EstimateJson {
  const { at, region, job, data, config } = input;
  const regions = [...new Set([region, ...input.candidates])];
  const energyIn = (r: string) =>
    jobEnergy(job, { pue: config.pueFor(r), workerMemoryMB: 0, defaultDurationMinutes: DEFAULT_KWH_JOB_MINUTES });
  const prices = withOverrides(snapshotPriceBook(), config.priceOverrides);
  const costIn = (r: string): number | null => {
    if (!job.instanceType || job.hours === undefined) return null;
    const price = prices.usdPerHour(r, job.instanceType);
    return price ? price.usdPerHour * job.hours : null;
  };
  const ranked = rankRegions(
    regions.map((r) => data.readings.get(r) ?? { reading: staticReading(r, at), origin: 'static' }),
    at,
    data.freshness,
  );
  const figures = (entry: RankedRegion): EstimateRegion => {
    const kWh = energyIn(entry.region).kWh;
    return {
      region: entry.region,
      zone: entry.sourced.reading.zone,
      provider: entry.sourced.reading.provider,
      origin: entry.sourced.origin,
      gCO2ePerKWh: entry.gCO2ePerKWh,
      adjustedGCO2ePerKWh: entry.adjustedGCO2ePerKWh,
      ageSeconds: entry.sourced.origin === 'static' || !Number.isFinite(entry.ageSeconds) ? null : entry.ageSeconds,
      kWh,
      emissionsGrams: emissionsGrams(kWh, entry.gCO2ePerKWh),
      usd: costIn(entry.region),
    };
  };
  const ranking = ranked.map((entry, index) => ({ rank: index + 1, ...figures(entry) }));
  const now = ranking.find((entry) => entry.region === region)!;
  const best = ranking[0]!;
  const energy = energyIn(region);

  let bestTime: EstimateJson['bestTime'] = null;
  let bestTimeNote: string;
  const forecast = data.forecasts.get(region);
  if (input.mode === 'static') {
    bestTimeNote = 'no forecast: static carbon data has none (use --carbon live with provider credentials)';
  } else if (data.liveProviders.length === 0) {
    bestTimeNote = 'no forecast: no live provider is enabled, and static factors have none';
  } else if (!forecast || forecast.points.length === 0) {
    const why = data.forecastFailures.get(region);
    bestTimeNote = `no forecast for ${region}${why ? `: ${why}` : ' from the live providers'}`;
  } else {
    const last = forecast.points[forecast.points.length - 1]!;
    const slot = bestStartSlot(forecast.points, {
      earliest: at,
      latest: new Date(last.observedAt),
      durationMinutes: energy.durationMinutes,
    });
    if (!slot) {
      bestTimeNote = `the ${forecast.provider} forecast for ${region} (until ${last.observedAt}) is shorter than the job`;
    } else {
      const emissions = emissionsGrams(energy.kWh, slot.meanGCO2ePerKWh);
      bestTime = {
        region,
        start: slot.start.toISOString(),
        end: slot.end.toISOString(),
        meanGCO2ePerKWh: slot.meanGCO2ePerKWh,
        kWh: energy.kWh,
        emissionsGrams: emissions,
        savingsGrams: now.emissionsGrams - emissions,
        savingsPercent: percent(now.emissionsGrams - emissions, now.emissionsGrams),
        usd: costIn(region),
        forecastUntil: last.observedAt,
      };
      bestTimeNote = `${forecast.provider} forecast generated ${forecast.generatedAt}, ${forecast.points.length} points`;
    }
  }
  return {
    at: at.toISOString(),
    carbon: input.mode,
    job: {
      ...(job.instanceType ? { instanceType: job.instanceType } : {}),
      ...(job.hours !== undefined ? { hours: job.hours } : {}),
      ...(job.estimatedKWh !== undefined ? { kWh: job.estimatedKWh } : {}),
      durationMinutes: energy.durationMinutes,
    },
    energy,
    pue: config.pueFor(region),
    now,
    bestRegion: {
      ...best,
      savingsGrams: now.emissionsGrams - best.emissionsGrams,
      savingsPercent: percent(now.emissionsGrams - best.emissionsGrams, now.emissionsGrams),
    },
    bestTime,
    bestTimeNote,
    ranking,
  };
}

function source(entry: EstimateRegion): string {
  if (entry.provider === 'static') return 'static (annual average)';
  return `${entry.provider} (${entry.origin}, ${entry.ageSeconds === null ? '?' : formatAgeSeconds(entry.ageSeconds)})`;
}

function renderText(estimate: EstimateJson, providersLine: string | undefined, width: number): string {
  const { job, energy } = estimate;
  const what = job.instanceType
    ? `${job.instanceType} for ${formatDuration(Math.round(job.hours! * 60))} (Cloud Carbon Footprint model, 50% CPU, PUE ${estimate.pue})`
    : `${job.kWh} kWh over ${formatDuration(job.durationMinutes)} (--kwh)`;
  const change = (saved: number, base: number) =>
    base > 0 ? `${saved >= 0 ? '-' : '+'}${Math.abs(percent(saved, base)).toFixed(1)}%` : '';
  const usd = (value: number | null) => (value === null ? 'n/a' : `$${formatNumber(value, 2)}`);
  const columns: Column[] = [
    { header: ['', 'WHEN / WHERE'] },
    { header: ['', 'REGION'] },
    { header: ['INTENSITY', 'gCO2e/kWh'], align: 'right' },
    { header: ['', 'SOURCE'], minWidth: 12 },
    { header: ['JOB', 'emissions'], align: 'right' },
    { header: ['CHANGE', 'vs now'], align: 'right' },
    { header: ['JOB COST', 'on-demand'], align: 'right' },
  ];
  const rows: Row[] = [
    {
      cells: [
        'now',
        estimate.now.region,
        estimate.now.gCO2ePerKWh.toFixed(1),
        source(estimate.now),
        jobGrams(estimate.now.emissionsGrams),
        '',
        usd(estimate.now.usd),
      ],
    },
    {
      cells: [
        'best region now',
        estimate.bestRegion.region,
        estimate.bestRegion.gCO2ePerKWh.toFixed(1),
        source(estimate.bestRegion),
        jobGrams(estimate.bestRegion.emissionsGrams),
        change(estimate.bestRegion.savingsGrams, estimate.now.emissionsGrams),
        usd(estimate.bestRegion.usd),
      ],
    },
  ];
  const bestTime = estimate.bestTime;
  if (bestTime) {
    rows.push({
      cells: [
        'best time',
        bestTime.region,
        bestTime.meanGCO2ePerKWh.toFixed(1),
        `forecast, start ${bestTime.start.slice(0, 16)}Z`,
        jobGrams(bestTime.emissionsGrams),
        change(bestTime.savingsGrams, estimate.now.emissionsGrams),
        usd(bestTime.usd),
      ],
    });
  }
  const lines = [
    ...wrap(`Estimate at ${estimate.at}: ${what} = ${energy.kWh.toPrecision(4)} kWh in ${estimate.now.region}`, width),
    '',
    renderTable(columns, rows, { width }),
    '',
    ...wrap(`Best time: ${visible(estimate.bestTimeNote)}.`, width),
    ...wrap(
      `Ranking (adjusted gCO2e/kWh): ${estimate.ranking.map((r) => `${r.rank}. ${r.region} ${r.adjustedGCO2ePerKWh.toFixed(1)}`).join(', ')}`,
      width,
    ),
    ...wrap(
      'Job cost: on-demand Linux price of the instance type in that region × the duration (bundled price snapshot ' +
        'plus config priceOverrides); emissions are CPU energy only.',
      width,
    ),
  ];
  if (providersLine) lines.push(...wrap(visible(providersLine), width));
  return `${lines.join('\n')}\n`;
}

/**
 * `carbon-scheduler estimate --region R (--instance-type T --duration D | --kwh X [--duration D]) [--regions a,b]
 * [--config F] [--carbon live|static]`: the job's emissions and cost now in R, now in the best region (R and the
 * candidate regions, default `dispatch.allowedRegions`), and in R at the best start of its forecast. `--carbon live`
 * (default) uses the providers the environment enables (static factors otherwise, which have no forecast);
 * `--carbon static` never touches the network.
 */
export function registerEstimate(program: Command, ctx: CliContext): void {
  program
    .command('estimate')
    .description(SUMMARIES.estimate)
    .option('--instance-type <type>', 'EC2 instance type the job occupies (with --duration), e.g. m5.large')
    .option('--duration <duration>', 'how long the job runs, e.g. 4h or 1h30m')
    .option('--hours <hours>', 'the same as --duration, also as a number of hours (1.5)')
    .option('--kwh <kWh>', 'energy of the job, kWh (instead of --instance-type)')
    .option('--regions <list>', 'comma-separated candidate regions (default: config dispatch.allowedRegions)')
    .option('--config <file>', 'configuration file (default: carbon-scheduler.config.json if present)')
    .option('--carbon <mode>', 'live (providers the environment enables, else static) or static (no network)', 'live')
    .action(async (options: EstimateOptions, command: Command) => {
      const opts = common(ctx, command);
      if (opts.region === undefined) throw usage('estimate needs --region R (or AWS_REGION), e.g. --region us-east-1');
      const region = checkRegion(opts.region, opts.regionFromOption ? '--region' : 'AWS_REGION');
      const job = jobFromOptions(options);
      const mode = parseCarbonMode(options.carbon);
      const { config } = loadConfig(options.config, ctx.cwd);
      const candidates =
        options.regions === undefined
          ? [...config.dispatch.allowedRegions]
          : parseRegionList(options.regions, '--regions');
      const at = ctx.clock();
      const regions = [...new Set([region, ...candidates])];
      const data = await carbonData(ctx, config, regions, mode, at);
      const estimate = buildEstimate({ at, region, candidates, job, mode, data, config });
      ctx.out(
        opts.output === 'json'
          ? `${JSON.stringify(estimate, null, 2)}\n`
          : renderText(estimate, data.providersLine, opts.columns),
      );
    });
}
