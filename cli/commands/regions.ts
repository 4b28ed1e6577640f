import type { Command } from 'commander';
import { buildProviders } from '../../lambdas/adapters/carbon/build-providers';
import { InvalidEndpointError } from '../../lambdas/adapters/carbon/endpoints';
import { type CarbonFetchResult, fetchCarbon, type UnavailableProvider } from '../../lambdas/core/carbon/fetch-carbon';
import type { FreshnessOptions } from '../../lambdas/core/carbon/freshness';
import { InMemoryCarbonStore } from '../../lambdas/core/carbon/in-memory-carbon-store';
import { rankRegions } from '../../lambdas/core/carbon/ranking';
import { PROVIDERS, type ProviderName } from '../../lambdas/core/carbon/reading';
import { COMMERCIAL_REGIONS } from '../../lambdas/core/carbon/region-facts';
import { type CarbonStatusRow, carbonStatusRow, formatAgeSeconds } from '../../lambdas/core/carbon/status-row';
import type { Config } from '../../lambdas/core/config/schema';
import { loadConfig } from '../../lib/config';
import { apiClient, describeApiError } from '../adapters/api-mode';
import { cliProviderSetup } from '../adapters/env-setup';
import { type CliContext, CliError, EXIT } from '../context';
import { common } from '../options';
import { parseRegionList } from '../region-option';
import { type Column, renderCsv, renderTable, visible } from '../text';
import { SUMMARIES } from './summaries';

/** What the CLI fetched for a set of regions, with the providers it could and could not use. */
export interface CliCarbon {
  readonly result: CarbonFetchResult;
  readonly live: readonly ProviderName[];
  readonly unavailable: readonly UnavailableProvider[];
  readonly freshness: FreshnessOptions;
}

export { checkRegion } from '../region-option';

/**
 * Fetch carbon data for the CLI through the same `fetchCarbon` as the Lambda: live providers enabled by the
 * environment (see `cliProviderUnavailability`), no cache between runs, the static factor as the last resort.
 *
 * @param only restrict to one provider (`--provider`); a provider the environment does not enable is a usage error
 */
export async function fetchCliCarbon(
  ctx: CliContext,
  config: Config,
  regions: readonly string[],
  options: { only?: ProviderName; includeForecasts: boolean },
): Promise<CliCarbon> {
  const carbon = config.carbon;
  const order = options.only ? [options.only] : carbon.providers;
  let setup: ReturnType<typeof cliProviderSetup>;
  try {
    setup = cliProviderSetup(
      ctx.env,
      order,
      { timeoutMs: carbon.requestTimeoutMs, maxRetries: carbon.maxRetries },
      carbon.ukRegionId,
    );
  } catch (error) {
    if (error instanceof InvalidEndpointError) throw new CliError(error.message, EXIT.usage);
    throw error;
  }
  const { providers, unavailable } = buildProviders(setup);
  if (options.only && options.only !== 'static' && unavailable.length > 0) {
    throw new CliError(`--provider ${options.only} is not available: ${unavailable[0]!.reason}`, EXIT.usage);
  }
  const now = ctx.clock();
  const result = await fetchCarbon(regions, providers, new InMemoryCarbonStore(), now, {
    zoneOverrides: carbon.zoneOverrides,
    concurrency: carbon.concurrency,
    includeForecasts: options.includeForecasts,
    write: false,
    limits: { maxAgeSeconds: carbon.maxDataAgeMinutes * 60 },
    unavailable,
  });
  return {
    result,
    live: providers.map((p) => p.name).filter((name) => name !== 'static'),
    unavailable,
    freshness: { graceSeconds: carbon.graceSeconds, estimatedPenaltyGCO2ePerKWh: carbon.estimatedPenaltyGCO2ePerKWh },
  };
}

/**
 * Parse `--provider`.
 * @throws {CliError} (usage) listing the allowed providers
 */
export function parseProvider(value: string | undefined): ProviderName | undefined {
  if (value === undefined) return undefined;
  if (!(PROVIDERS as readonly string[]).includes(value)) {
    throw new CliError(
      `--provider ${JSON.stringify(value)} is not a provider; allowed: ${PROVIDERS.join(', ')}`,
      EXIT.usage,
    );
  }
  return value as ProviderName;
}

/** "where the value comes from" for text output: `electricitymaps (live)`, `static (annual average)`. */
export function describeSource(row: CarbonStatusRow, origin: string): string {
  return row.provider === 'static' ? 'static (annual average)' : `${row.provider} (${origin})`;
}

/** The age column: `annual average` for static factors, else `20 min`. */
export function describeAge(row: CarbonStatusRow): string {
  return row.provider === 'static' ? 'annual average' : formatAgeSeconds(row.ageSeconds);
}

/** One line listing live providers and why the others are not used. */
export function describeProviders(carbon: CliCarbon): string {
  const live = carbon.live.length > 0 ? carbon.live.join(', ') : 'none';
  const unused = carbon.unavailable.map((u) => `${u.provider} (${u.reason})`).join('; ');
  return `Live providers: ${live}.${unused ? ` Not used: ${unused}.` : ''}`;
}

const g = (value: number): string => value.toFixed(1);

interface RegionsOptions {
  config?: string;
  regions?: string;
}

/**
 * `carbon-scheduler regions [--config F] [--regions a,b]`: regions ranked by adjusted carbon intensity, with zone,
 * source, age, quality band and threshold. Default: every commercial region (the point is to see the whole map);
 * `--regions` narrows the list. `--output json` prints an array of status rows, cleanest first; `csv` one row each.
 */
export function registerRegions(program: Command, ctx: CliContext): void {
  program
    .command('regions')
    .description(SUMMARIES.regions)
    .option('--config <file>', 'configuration file (default: carbon-scheduler.config.json if present)')
    .option('--regions <list>', 'comma-separated AWS regions (default: every commercial region)')
    .action(async (options: RegionsOptions, command: Command) => {
      const opts = common(ctx, command, ['table', 'json', 'csv']);
      if (opts.api) {
        await regionsFromApi(ctx, { ...opts, api: opts.api }, options.regions);
        return;
      }
      const regions =
        options.regions === undefined ? [...COMMERCIAL_REGIONS] : parseRegionList(options.regions, '--regions');
      const { config } = loadConfig(options.config, ctx.cwd);

      const carbon = await fetchCliCarbon(ctx, config, regions, { includeForecasts: false });
      const now = new Date(carbon.result.at);
      const ranked = rankRegions([...carbon.result.readings.values()], now, carbon.freshness);
      const rows = ranked.map((entry) =>
        carbonStatusRow(entry.sourced, now, config.thresholdFor(entry.region), carbon.freshness),
      );
      if (opts.output === 'json') {
        ctx.out(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      if (opts.output === 'csv') {
        ctx.out(regionsCsv(rows, 'signal', (row) => row.signal));
        return;
      }
      const body = rows.map((row, index) => ({
        cells: regionCells(
          row,
          index,
          row.provider === 'static'
            ? 'static annual average'
            : `${describeSource(row, carbon.result.readings.get(row.region)!.origin)}, ${describeAge(row)} old`,
        ),
      }));
      ctx.out(`Regions ranked by adjusted carbon intensity at ${carbon.result.at}\n\n`);
      ctx.out(`${renderTable(REGION_COLUMNS, body, { width: opts.columns })}\n\n`);
      ctx.out("adjusted = intensity + 1 g per minute of age beyond the provider's grace (+ any estimate penalty).\n");
      ctx.out(`${describeProviders(carbon)}\n`);
      if (rows.some((row) => row.signal === 'marginal')) {
        ctx.out('Marginal (WattTime) values are not comparable with thresholds written for average intensity.\n');
      }
      const fellBack = ranked.filter((entry) => entry.sourced.origin !== 'live' && carbon.live.length > 0);
      if (fellBack.length > 0) {
        ctx.out('Fallbacks:\n');
        for (const entry of fellBack) {
          ctx.out(
            `  ${entry.region}: ${entry.sourced.origin} — ${visible(entry.sourced.fallbackReason ?? 'no reason given')}\n`,
          );
        }
      }
    });
}

/**
 * `regions --api URL`: the deployed API's ranking (`GET /v1/regions`: the regions of the deployed configuration,
 * from the fetcher's stored readings), narrowed by `--regions`; JSON prints the API's rows unchanged.
 */
async function regionsFromApi(
  ctx: CliContext,
  opts: ReturnType<typeof common> & { api: string },
  only: string | undefined,
): Promise<void> {
  const keep = only === undefined ? undefined : new Set(parseRegionList(only, '--regions'));
  const answer = await apiClient(ctx, opts)
    .regions()
    .catch((error: unknown) => Promise.reject(describeApiError(error)));
  const rows = answer.regions.filter((row) => keep === undefined || keep.has(row.region));
  if (opts.output === 'json') {
    ctx.out(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (opts.output === 'csv') {
    ctx.out(regionsCsv(rows, 'origin', (row) => row.origin));
    return;
  }
  const body = rows.map((row, index) => ({
    cells: regionCells(
      row,
      index,
      row.provider === 'static'
        ? 'static annual average'
        : `${row.provider} (${row.origin}), ${formatAgeSeconds(row.ageSeconds)} old`,
    ),
  }));
  ctx.out(`Regions ranked by adjusted carbon intensity at ${answer.at} (from ${opts.api})\n\n`);
  ctx.out(`${renderTable(REGION_COLUMNS, body, { width: opts.columns })}\n`);
}

/** What the local and the API ranking rows share (`carbonStatusRow` and the API's `/v1/regions` rows). */
interface RankedRegionRow {
  readonly region: string;
  readonly zone: string;
  readonly gCO2ePerKWh: number;
  readonly adjustedGCO2ePerKWh: number;
  readonly quality: string;
  readonly threshold: number;
  readonly aboveThreshold: boolean;
  readonly provider: string;
  readonly observedAt: string;
}

/** The ranking as CSV, cleanest first; the column before `observed_at` is `signal` (local) or `origin` (API). */
function regionsCsv<R extends RankedRegionRow>(rows: readonly R[], column: string, value: (row: R) => string): string {
  return renderCsv(
    [
      'rank',
      'region',
      'zone',
      'gco2e_per_kwh',
      'adjusted_gco2e_per_kwh',
      'quality',
      'threshold_gco2e_per_kwh',
      'above_threshold',
      'provider',
      column,
      'observed_at',
    ],
    rows.map((row, index) => [
      index + 1,
      row.region,
      row.zone,
      row.gCO2ePerKWh,
      row.adjustedGCO2ePerKWh,
      row.quality,
      row.threshold,
      row.aboveThreshold ? 'true' : 'false',
      row.provider,
      value(row),
      row.observedAt,
    ]),
  );
}

/** Columns of the ranking table. */
const REGION_COLUMNS: Column[] = [
  { header: ['', '#'], align: 'right' },
  { header: ['', 'REGION'] },
  { header: ['', 'ZONE'], minWidth: 6 },
  { header: ['INTENSITY', 'gCO2e/kWh'], align: 'right' },
  { header: ['ADJUSTED', 'gCO2e/kWh'], align: 'right' },
  { header: ['', 'QUALITY'] },
  { header: ['THRESHOLD', 'gCO2e/kWh'], align: 'right' },
  { header: ['', 'NOW'] },
  { header: ['', 'SOURCE'], minWidth: 10 },
];

/** One row of the ranking table; `source` is the SOURCE cell. */
function regionCells(row: RankedRegionRow, index: number, source: string): string[] {
  return [
    String(index + 1),
    row.region,
    row.zone,
    g(row.gCO2ePerKWh),
    g(row.adjustedGCO2ePerKWh),
    row.quality,
    String(row.threshold),
    row.aboveThreshold ? 'above' : 'below',
    source,
  ];
}
