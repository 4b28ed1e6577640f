import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { regionalClients } from '../adapters/aws-client';
import { fetchMetricData } from '../adapters/cloudwatch/metric-data';
import { DynamoDbRecommendationStore } from '../adapters/dynamodb/recommendation-store';
import { documentClient } from '../adapters/dynamodb/table';
import { Ec2Fleet, ec2ClientFactory } from '../adapters/ec2/fleet';
import { InstanceTypeCatalog } from '../adapters/ec2/instance-types';
import { publishMetrics } from '../adapters/metrics/publish';
import { PriceListApiPriceBook } from '../adapters/pricing/price-list-api';
import {
  type MetricDatum,
  PRICE_SOURCE_ENV,
  RIGHTSIZE_TAG,
  SCHEDULE_TAG,
  SCHEDULED_EVENT_DETAIL_TYPE,
  SCHEDULED_EVENT_SOURCE,
  TABLE_NAME_ENV,
} from '../contract';
import { snapshotPriceBook, withOverrides } from '../core/accounting/price-book';
import { regionFacts } from '../core/carbon/region-facts';
import { type Clock, systemClock } from '../core/clock';
import type { Config } from '../core/config/schema';
import type { RecommendationStore } from '../core/rightsizing/recommendation-store';
import {
  type DiscoveredInstance,
  type RightsizingPorts,
  type RightsizingRunResult,
  runRightsizing,
} from '../core/rightsizing/run';
import { ScheduleRegistry } from '../core/schedule';
import { deliveryAge } from './shared/delivery';
import { type Environment, EnvironmentError, requiredVariable } from './shared/environment';
import {
  consoleEventFields,
  InvalidEventError,
  isEventBridgeEvent,
  parseEvent,
  parseEventBridgeEvent,
  runMode,
} from './shared/events';
import { loadFunctionConfig } from './shared/function-config';
import { defaultTelemetry, oncePerContainer, type Telemetry } from './shared/telemetry';

/**
 * The rightsizer's console event: `{ dryRun?, at?, regions?, instanceIds? }` (`regions` ⊆ config.managedRegions,
 * default all of them; `at` on dry runs only). Unknown fields are rejected.
 */
const rightsizerConsoleEventSchema = z
  .object({
    ...consoleEventFields,
    regions: z.array(z.string().min(1)).min(1).optional(),
    instanceIds: z
      .array(z.string().regex(/^i-[0-9a-f]{8,17}$/, 'expected an instance id such as i-0123456789abcdef0'))
      .optional(),
  })
  .strict();

/** A parsed rightsizer event; `time` is set for EventBridge deliveries only (docs/run-safety.md, "Time"). */
export type RightsizerEvent = z.output<typeof rightsizerConsoleEventSchema> & { readonly time?: string };

/** A scheduled delivery older (or further ahead) than this is skipped: the rule's maximum event age, minutes. */
export const RIGHTSIZER_STALE_MINUTES = 60;

/**
 * Parse a rightsizer event: the daily scheduled event of its EventBridge rule (Powertools' EventBridge envelope; a
 * real run over every managed region at the current time), or the console event.
 * @throws {InvalidEventError} naming each bad field
 */
export function parseRightsizerEvent(event: unknown): RightsizerEvent {
  if (isEventBridgeEvent(event)) {
    const { metadata } = parseEventBridgeEvent(event, {
      source: SCHEDULED_EVENT_SOURCE,
      detailType: SCHEDULED_EVENT_DETAIL_TYPE,
      detail: z.record(z.string(), z.unknown()),
    });
    return { time: metadata.time };
  }
  return parseEvent(rightsizerConsoleEventSchema, event);
}

/** What the handler is wired with: built once per container by {@link rightsizerWiringFromEnvironment}. */
export interface RightsizerWiring {
  readonly config: Config;
  readonly clock: Clock;
  readonly telemetry: Telemetry;
  readonly ec2: (region: string) => EC2Client;
  readonly cloudWatch: (region: string) => CloudWatchClient;
  readonly catalog: InstanceTypeCatalog;
  /** Live prices (Price List API), or undefined for the bundled snapshot only. */
  readonly priceBook: PriceListApiPriceBook | undefined;
  readonly store: RecommendationStore;
}

/**
 * Wire the rightsizer from its environment, once per container: `LAMBDA_TASK_ROOT` (the bundled `config.json`),
 * `TABLE_NAME`, optional `PRICE_SOURCE` = `price-list-api` (default) | `snapshot`.
 * @throws {ConfigError} when `config.json` is missing or invalid
 * @throws {EnvironmentError} when `TABLE_NAME` is not set or `PRICE_SOURCE` has another value
 */
export function rightsizerWiringFromEnvironment(
  env: Environment = process.env,
  overrides: { doc?: DynamoDBDocumentClient; clock?: Clock; telemetry?: Telemetry } = {},
): RightsizerWiring {
  const config = loadFunctionConfig(env);
  const tableName = requiredVariable(env, TABLE_NAME_ENV, 'the state table name');
  const priceSource = env[PRICE_SOURCE_ENV] ?? 'price-list-api';
  if (priceSource !== 'price-list-api' && priceSource !== 'snapshot') {
    throw new EnvironmentError(PRICE_SOURCE_ENV, `${JSON.stringify(priceSource)}; expected price-list-api or snapshot`);
  }
  const ec2 = ec2ClientFactory();
  return {
    config,
    clock: overrides.clock ?? systemClock,
    telemetry: overrides.telemetry ?? defaultTelemetry(),
    ec2,
    cloudWatch: regionalClients(CloudWatchClient),
    catalog: new InstanceTypeCatalog({ clientFor: ec2 }),
    priceBook: priceSource === 'snapshot' ? undefined : new PriceListApiPriceBook(),
    store: new DynamoDbRecommendationStore(overrides.doc ?? documentClient(), tableName),
  };
}

/**
 * Every instance of `region` with a `Schedule` or `Rightsize` tag key, through the fleet adapter's one paginated
 * DescribeInstances loop (`Ec2Fleet.describeTagged`).
 */
async function discoverInstances(
  clientFor: (region: string) => EC2Client,
  region: string,
  logger: Telemetry['logger'],
): Promise<DiscoveredInstance[]> {
  const { instances, errors } = await new Ec2Fleet(clientFor).describeTagged(region, [SCHEDULE_TAG, RIGHTSIZE_TAG]);
  for (const error of errors) logger.warn('instance skipped', { region, error });
  return instances;
}

/** Wire the AWS adapters into the core's ports. */
function awsPorts(deps: RightsizerWiring): RightsizingPorts {
  const { config } = deps;
  const { logger } = deps.telemetry;
  const snapshotOrApi = deps.priceBook;
  const prices = withOverrides(snapshotOrApi ?? snapshotPriceBook(), config.priceOverrides);
  return {
    listInstances: (region) => discoverInstances(deps.ec2, region, logger),
    instanceTypes: async (region, families) => {
      const report = await deps.catalog.load(region, families);
      if (report.fallback) logger.warn('instance types from the bundled snapshot', { region, ...report.fallback });
      return {
        familySizes: (family) => deps.catalog.familySizes(region, family),
        specs: (type) => deps.catalog.specs(region, type),
        ...(report.fallback ? { note: report.fallback.reason } : {}),
      };
    },
    fetchMetrics: async (region, queries, window) => {
      const result = await fetchMetricData(deps.cloudWatch(region), queries, window.start, window.end);
      logger.info('metrics fetched', {
        region,
        queries: queries.length,
        calls: result.calls,
        failures: result.failures.size,
      });
      return result;
    },
    prices,
    ...(snapshotOrApi
      ? {
          prefetchPrices: async (pairs) => {
            const report = await snapshotOrApi.prefetch(pairs);
            if (report.fellBack.length > 0) {
              logger.warn('prices from the bundled snapshot', {
                fellBack: report.fellBack.slice(0, 20),
                count: report.fellBack.length,
              });
            }
          },
        }
      : {}),
    carbonIntensity: (region) => {
      const facts = regionFacts(region);
      return facts
        ? { gCO2ePerKWh: facts.staticGCO2ePerKWh, source: `static annual average (${facts.staticSource})` }
        : { gCO2ePerKWh: 0, source: 'unknown region: no carbon factor' };
    },
    pueFor: (region) => config.pueFor(region),
    store: deps.store,
  };
}

/**
 * The metrics of a real run, per region with the catalogue's dimension set (lambdas/contract/metrics.ts): `service`
 * (added by Powertools) and `Region`, which is what the dashboard's rightsizing widget searches for.
 */
export function rightsizingMetrics(result: RightsizingRunResult): MetricDatum[] {
  return result.regions.flatMap((summary) => {
    const dimensions = { Region: summary.region };
    return [
      { name: 'RightsizingRecommendations', value: summary.recommendations, dimensions },
      { name: 'RightsizingMonthlySavings', value: summary.monthlySavingsUsd, dimensions },
    ] satisfies MetricDatum[];
  });
}

/** What the rightsizer returns. */
export type RightsizerResponse =
  | { readonly dryRun: boolean; readonly skipped: string }
  | {
      readonly dryRun: boolean;
      readonly window: RightsizingRunResult['window'];
      readonly regions: RightsizingRunResult['regions'];
      /** Every recommendation, on a dry run only. */
      readonly recommendations?: RightsizingRunResult['recommendations'];
    };

/**
 * Build the rightsizer handler (docs/rightsizing.md), daily on EventBridge: analyse the tagged instances of the
 * managed regions, store the recommendations and publish the per-region metrics. A dry run (event or config
 * `dryRun`) analyses and returns every recommendation, and writes and publishes nothing; `at` is accepted on dry
 * runs only. A scheduled run returns only the per-region summary, to keep the response small. Failing metrics or
 * instance-type reads are operational failures: reported in the region's notes and the recommendation's reason.
 *
 * @throws {InvalidEventError} for a malformed event, `at` on a real run, or a region that is not managed
 */
export function createRightsizerHandler(
  wiring: RightsizerWiring | (() => RightsizerWiring),
): (event: unknown) => Promise<RightsizerResponse> {
  return async (event) => {
    const parsed = parseRightsizerEvent(event);
    const deps = typeof wiring === 'function' ? wiring() : wiring;
    const { config, telemetry } = deps;
    const unknownRegions = (parsed.regions ?? []).filter((r) => !config.managedRegions.includes(r));
    if (unknownRegions.length > 0) {
      throw new InvalidEventError(
        `regions ${JSON.stringify(unknownRegions)} are not managed; allowed: ${JSON.stringify(config.managedRegions)}`,
      );
    }
    const { dryRun, now } = runMode(parsed, config, deps.clock);
    if (!config.rightsizing.enabled) return { dryRun, skipped: 'rightsizing.enabled is false' };
    if (parsed.time !== undefined) {
      const age = deliveryAge(parsed.time, deps.clock(), RIGHTSIZER_STALE_MINUTES);
      if (age.stale) {
        const skipped = `stale delivery: the event time ${age.eventTime} is ${age.ageSeconds} s from the clock, more than ${RIGHTSIZER_STALE_MINUTES} min; nothing done`;
        telemetry.logger.warn('rightsizer run skipped', { reason: skipped, ...age });
        return { dryRun, skipped };
      }
    }
    const result = await runRightsizing(awsPorts(deps), {
      regions: parsed.regions ?? config.managedRegions,
      settings: config.rightsizing,
      defaultMode: config.rightsizing.defaultMode,
      now,
      dryRun,
      registry: ScheduleRegistry.fromConfig(config.schedules, config.timezone),
      ...(parsed.instanceIds ? { instanceIds: parsed.instanceIds } : {}),
    });
    for (const summary of result.regions) telemetry.logger.info('rightsizing summary', { ...summary });
    if (!dryRun) publishMetrics(telemetry.metrics, rightsizingMetrics(result));
    return {
      dryRun,
      window: result.window,
      regions: result.regions,
      ...(dryRun ? { recommendations: result.recommendations } : {}),
    };
  };
}

/** The rightsizer Lambda (home region). */
export const handler = createRightsizerHandler(oncePerContainer(() => rightsizerWiringFromEnvironment()));
