import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { buildProviders } from '../adapters/carbon/build-providers';
import { type ProviderEndpoints, providerEndpointsFromEnv } from '../adapters/carbon/endpoints';
import type { HttpOptions } from '../adapters/carbon/http-client';
import { WattTimeTokenCache } from '../adapters/carbon/watttime-token-cache';
import { DynamoCarbonStore } from '../adapters/dynamodb/carbon-store';
import { documentClient } from '../adapters/dynamodb/table';
import { publishMetrics } from '../adapters/metrics/publish';
import {
  loadProviderCredentials,
  powertoolsSecretReader,
  type SecretReader,
} from '../adapters/secrets/provider-credentials';
import { SCHEDULED_EVENT_DETAIL_TYPE, SCHEDULED_EVENT_SOURCE, TABLE_NAME_ENV } from '../contract';
import { carbonMetrics } from '../core/carbon/carbon-metrics';
import type { CarbonStore } from '../core/carbon/carbon-store';
import { fetchCarbon, type UnavailableProvider } from '../core/carbon/fetch-carbon';
import { ageSeconds } from '../core/carbon/freshness';
import type { CarbonReading, ProviderName, ReadingOrigin, Signal } from '../core/carbon/reading';
import { type Clock, systemClock } from '../core/clock';
import type { Config } from '../core/config/schema';
import { type Environment, requiredVariable } from './shared/environment';
import { consoleEventSchema, isEventBridgeEvent, parseEvent, parseEventBridgeEvent, runMode } from './shared/events';
import { loadFunctionConfig } from './shared/function-config';
import { defaultTelemetry, oncePerContainer, type Telemetry } from './shared/telemetry';

/** The fetcher's console event: `{ "dryRun"?: boolean, "at"?: ISO-8601 }` (`at` on dry runs only). */
export type CarbonFetcherEvent = z.output<typeof consoleEventSchema>;

/**
 * Parse a fetcher event: the scheduled event of its EventBridge rule (Powertools' EventBridge envelope; a real run
 * at the current time), or the console event.
 * @throws {InvalidEventError} naming each bad field
 */
export function parseCarbonFetcherEvent(event: unknown): CarbonFetcherEvent {
  if (isEventBridgeEvent(event)) {
    parseEventBridgeEvent(event, {
      source: SCHEDULED_EVENT_SOURCE,
      detailType: SCHEDULED_EVENT_DETAIL_TYPE,
      detail: z.record(z.string(), z.unknown()),
    });
    return {};
  }
  return parseEvent(consoleEventSchema, event);
}

/** One region of the fetcher's summary. */
export interface CarbonFetcherRegion {
  readonly region: string;
  readonly zone: string;
  readonly provider: ProviderName;
  readonly signal: Signal;
  readonly gCO2ePerKWh: number;
  readonly observedAt: string;
  readonly ageSeconds: number;
  /** live, cached or static. */
  readonly origin: ReadingOrigin;
  /** Why the chain fell back past live data (or past the first provider), if it did. */
  readonly fallbackReason?: string;
  /** Number of forecast points obtained, if any. */
  readonly forecastPoints?: number;
  readonly forecastFailure?: string;
}

/** What the carbon fetcher returns (and logs). */
export interface CarbonFetcherResult {
  readonly at: string;
  readonly dryRun: boolean;
  readonly regions: readonly CarbonFetcherRegion[];
  /** Live readings stored, or that a dry run would store. */
  readonly readings: readonly CarbonReading[];
  /** Forecasts stored, or that a dry run would store (points counted, not listed). */
  readonly forecasts: readonly { region: string; provider: ProviderName; generatedAt: string; points: number }[];
  /** True when readings and forecasts were written to the table. */
  readonly stored: boolean;
  readonly providers: { readonly used: readonly ProviderName[]; readonly unavailable: readonly UnavailableProvider[] };
  /** Failed distinct current-reading requests in this run, per provider (the `ProviderFailures` metric). */
  readonly providerFailures: Readonly<Partial<Record<ProviderName, number>>>;
  /** Failed distinct forecast requests in this run, per provider (logged, not a metric). */
  readonly forecastFailures: Readonly<Partial<Record<ProviderName, number>>>;
}

/** Time kept back from the Lambda's remaining time for storing, metrics and logs, ms. */
export const FINISH_RESERVE_MS = 10_000;

/** Provider time budget when no Lambda context tells the remaining time (console tests, local runs), ms. */
export const DEFAULT_PROVIDER_BUDGET_MS = 45_000;

/** The part of the Lambda context the handler uses. */
export interface FetcherContext {
  getRemainingTimeInMillis(): number;
}

/** The cache could not be written; the run's readings were still chosen and published as metrics. */
export class CarbonCacheWriteError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`carbon cache write failed: ${problems.join('; ')}`);
    this.name = 'CarbonCacheWriteError';
  }
}

/** What the handler is wired with: built once per container by {@link carbonFetcherWiringFromEnvironment}. */
export interface CarbonFetcherWiring {
  readonly config: Config;
  readonly clock: Clock;
  readonly telemetry: Telemetry;
  /** The cache of readings and forecasts (the state table). */
  readonly store: CarbonStore;
  /** Reads Secrets Manager secrets (Powertools `getSecret`, cached 5 minutes). */
  readonly readSecret: SecretReader;
  /** Base URLs of the providers (the public endpoints unless the environment overrides them). */
  readonly endpoints: ProviderEndpoints;
  /** Overrides of the HTTP behaviour (tests inject `sleep`, `random`). */
  readonly http?: Partial<HttpOptions>;
  /** WattTime tokens, kept across invocations. */
  readonly tokenCache: WattTimeTokenCache;
}

/** Replacements for tests and local runs. */
export interface CarbonFetcherWiringOverrides {
  readonly doc?: DynamoDBDocumentClient;
  /** Replaces the DynamoDB cache. */
  readonly store?: CarbonStore;
  readonly readSecret?: SecretReader;
  readonly clock?: Clock;
  readonly telemetry?: Telemetry;
  readonly http?: Partial<HttpOptions>;
  readonly tokenCache?: WattTimeTokenCache;
}

/**
 * Wire the fetcher from its environment, once per container: `LAMBDA_TASK_ROOT` (the bundled `config.json`),
 * `TABLE_NAME`, and the optional provider base URLs (`ELECTRICITYMAPS_API_URL`, `WATTTIME_API_URL`,
 * `UK_CARBON_INTENSITY_API_URL`).
 * @throws {ConfigError} when `config.json` is missing or invalid
 * @throws {EnvironmentError} when `TABLE_NAME` is not set
 * @throws {InvalidEndpointError} when a base URL is not an http(s) URL
 */
export function carbonFetcherWiringFromEnvironment(
  env: Environment = process.env,
  overrides: CarbonFetcherWiringOverrides = {},
): CarbonFetcherWiring {
  const config = loadFunctionConfig(env);
  const tableName = requiredVariable(env, TABLE_NAME_ENV, 'the state table name');
  const endpoints = providerEndpointsFromEnv(env);
  return {
    config,
    clock: overrides.clock ?? systemClock,
    telemetry: overrides.telemetry ?? defaultTelemetry(),
    store:
      overrides.store ??
      new DynamoCarbonStore(overrides.doc ?? documentClient(), tableName, {
        ttlMinutes: config.carbon.cacheTtlMinutes,
      }),
    readSecret: overrides.readSecret ?? powertoolsSecretReader(),
    endpoints,
    ...(overrides.http ? { http: overrides.http } : {}),
    tokenCache: overrides.tokenCache ?? new WattTimeTokenCache(),
  };
}

/** Time providers may take in this invocation: the Lambda's remaining time minus {@link FINISH_RESERVE_MS}. */
function providerBudgetMs(context: FetcherContext | undefined): number {
  const remaining = context?.getRemainingTimeInMillis?.();
  if (remaining === undefined || !Number.isFinite(remaining)) return DEFAULT_PROVIDER_BUDGET_MS;
  return Math.max(1000, remaining - FINISH_RESERVE_MS);
}

/**
 * Build the carbon fetcher handler: parse the event, read credentials, fetch every `config.carbonRegions` region
 * through the fallback chain (live → last good cached → static), store live readings and forecasts (not in a dry
 * run), publish EMF metrics (not in a dry run) and return a summary per region. A dry run (event or config
 * `dryRun`) fetches and reports only; `at` is accepted on dry runs only. A failing provider is an operational
 * failure: the region falls back, and the result and the log say why.
 *
 * @throws {InvalidEventError} for a malformed event, or `at` on a real run
 * @throws {CarbonCacheWriteError} when the table could not be written (after logging and publishing the metrics),
 *   so the function's Errors alarm fires
 */
export function createCarbonFetcherHandler(wiring: CarbonFetcherWiring | (() => CarbonFetcherWiring)) {
  return async (event: unknown, context?: FetcherContext): Promise<CarbonFetcherResult> => {
    const parsed = parseCarbonFetcherEvent(event);
    const deps = typeof wiring === 'function' ? wiring() : wiring;
    const { config, telemetry } = deps;
    const logger = telemetry.logger;
    const { dryRun, now } = runMode(parsed, config, deps.clock);
    const carbon = config.carbon;

    const { credentials, unavailable: secretProblems } = await loadProviderCredentials(carbon.secrets, deps.readSecret);
    const disabled: Partial<Record<ProviderName, string>> = {};
    for (const problem of secretProblems) disabled[problem.provider] = problem.reason;
    if (!carbon.secrets.electricitymaps)
      disabled.electricitymaps ??= 'no API key (config carbon.secrets.electricitymaps is not set)';
    if (!carbon.secrets.watttime) disabled.watttime ??= 'no credentials (config carbon.secrets.watttime is not set)';

    const { providers, unavailable } = buildProviders({
      order: carbon.providers,
      credentials,
      endpoints: deps.endpoints,
      http: {
        timeoutMs: carbon.requestTimeoutMs,
        maxRetries: carbon.maxRetries,
        budget: AbortSignal.timeout(providerBudgetMs(context)),
        ...deps.http,
      },
      tokenCache: deps.tokenCache,
      clock: deps.clock,
      disabled,
      ...(carbon.ukRegionId !== undefined ? { ukRegionId: carbon.ukRegionId } : {}),
    });

    const result = await fetchCarbon(config.carbonRegions, providers, deps.store, now, {
      zoneOverrides: carbon.zoneOverrides,
      concurrency: carbon.concurrency,
      includeForecasts: true,
      write: !dryRun,
      limits: { maxAgeSeconds: carbon.maxDataAgeMinutes * 60 },
      unavailable,
    });

    const used = providers.map((provider) => provider.name);
    const providerFailures: Partial<Record<ProviderName, number>> = {};
    const forecastFailures: Partial<Record<ProviderName, number>> = {};
    const failed = (name: ProviderName, kind: 'latest' | 'forecast') =>
      result.calls.filter((c) => c.provider === name && c.kind === kind && !c.ok).length;
    for (const name of used) {
      if (name === 'static') continue;
      providerFailures[name] = failed(name, 'latest');
      forecastFailures[name] = failed(name, 'forecast');
    }
    const summary: CarbonFetcherResult = {
      at: result.at,
      dryRun,
      regions: result.regions.map(({ region, sourced, forecast, forecastFailure }) => ({
        region,
        zone: sourced.reading.zone,
        provider: sourced.reading.provider,
        signal: sourced.reading.signal,
        gCO2ePerKWh: sourced.reading.gCO2ePerKWh,
        observedAt: sourced.reading.observedAt,
        ageSeconds: Math.round(ageSeconds(sourced.reading, now)),
        origin: sourced.origin,
        ...(sourced.fallbackReason ? { fallbackReason: sourced.fallbackReason } : {}),
        ...(forecast ? { forecastPoints: forecast.points.length } : {}),
        ...(forecastFailure ? { forecastFailure } : {}),
      })),
      readings: result.liveReadings,
      forecasts: result.forecasts.map((f) => ({
        region: f.region,
        provider: f.provider,
        generatedAt: f.generatedAt,
        points: f.points.length,
      })),
      stored: result.written && result.storeErrors.length === 0,
      providers: { used, unavailable },
      providerFailures,
      forecastFailures,
    };

    const forecastProblems = [
      ...new Set(summary.regions.flatMap((r) => (r.forecastFailure ? [r.forecastFailure] : []))),
    ];
    if (forecastProblems.length > 0) logger.warn('carbon forecast unavailable', { reasons: forecastProblems });
    if (result.cacheReadError) logger.error('carbon cache unreadable', { error: result.cacheReadError });
    for (const region of summary.regions) {
      if (region.origin !== 'live') {
        logger.warn('carbon fallback', {
          region: region.region,
          origin: region.origin,
          fallbackReason: region.fallbackReason,
        });
      }
    }
    logger.info('carbon fetch finished', {
      dryRun,
      regions: summary.regions.length,
      live: result.liveReadings.length,
      forecasts: result.forecasts.length,
      providerFailures,
      forecastFailures,
      unavailable,
    });

    if (!dryRun) publishMetrics(telemetry.metrics, carbonMetrics(result, now, used));
    if (result.storeErrors.length > 0) {
      logger.error('carbon cache write failed', { storeErrors: result.storeErrors });
      throw new CarbonCacheWriteError(result.storeErrors);
    }
    return summary;
  };
}

/** Lambda entry point (EventBridge rule every `carbon.fetchIntervalMinutes`, or a console test event). */
export const handler = createCarbonFetcherHandler(oncePerContainer(() => carbonFetcherWiringFromEnvironment()));
