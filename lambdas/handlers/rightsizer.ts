import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import * as z from 'zod';
import { fetchMetricData } from '../adapters/cloudwatch/metric-data';
import { DynamoDbRecommendationStore } from '../adapters/dynamodb/recommendation-store';
import { documentClient, TABLE_NAME_ENV } from '../adapters/dynamodb/table';
import { instancesFromDocument } from '../adapters/ec2/instance-facts';
import { InstanceTypeCatalog } from '../adapters/ec2/instance-types';
import { addCatalogMetric } from '../adapters/metrics/catalog-metric';
import { PriceListApiPriceBook } from '../adapters/pricing/price-list-api';
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
import { baseEventSchema, InvalidEventError, parseEvent } from './shared/events';
import { loadFunctionConfig } from './shared/function-config';
import { logger, metrics } from './shared/powertools';

/**
 * The rightsizer Lambda (docs/rightsizing.md), daily on EventBridge. Event: `{ dryRun?, at?, regions?, instanceIds? }`
 * (`regions` ⊆ config.managedRegions; default all of them). Returns the per-region summary and, on a dry run, the
 * recommendations (a scheduled run returns only counts to keep the response small).
 *
 * Environment: `LAMBDA_TASK_ROOT` (holds the bundled `config.json`), `TABLE_NAME`, optional `PRICE_SOURCE` =
 * `price-list-api` (default) | `snapshot`.
 * Emits EMF metrics `RightsizingRecommendations` (Count) and `RightsizingMonthlySavings` (None, USD per month), one
 * set per region with the dimensions `service` and `Region`.
 */
export const eventSchema = baseEventSchema.extend({
  regions: z.array(z.string().min(1)).min(1).optional(),
  instanceIds: z
    .array(z.string().regex(/^i-[0-9a-f]{8,17}$/, 'expected an instance id such as i-0123456789abcdef0'))
    .optional(),
});

/** What the handler needs from the outside; tests pass their own. */
export interface RightsizerDeps {
  readonly config: Config;
  readonly ec2: (region: string) => EC2Client;
  readonly cloudWatch: (region: string) => CloudWatchClient;
  readonly catalog: InstanceTypeCatalog;
  readonly priceBook: PriceListApiPriceBook | undefined;
  readonly store: RecommendationStore | undefined;
  readonly clock: Clock;
}

function clientCache<T>(make: (region: string) => T): (region: string) => T {
  const clients = new Map<string, T>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      client = make(region);
      clients.set(region, client);
    }
    return client;
  };
}

let defaultDeps: RightsizerDeps | undefined;

function productionDeps(): RightsizerDeps {
  if (defaultDeps) return defaultDeps;
  const config = loadFunctionConfig(process.env);
  const ec2 = clientCache((region) => new EC2Client({ region }));
  const tableName = process.env[TABLE_NAME_ENV];
  defaultDeps = {
    config,
    ec2,
    cloudWatch: clientCache((region) => new CloudWatchClient({ region })),
    catalog: new InstanceTypeCatalog({ clientFor: ec2 }),
    priceBook: process.env.PRICE_SOURCE === 'snapshot' ? undefined : new PriceListApiPriceBook(),
    store: tableName ? new DynamoDbRecommendationStore(documentClient(), tableName) : undefined,
    clock: systemClock,
  };
  return defaultDeps;
}

/** Every instance of `region` with a `Schedule` or `Rightsize` tag key (DescribeInstances, paginated). */
export async function discoverInstances(client: EC2Client, region: string): Promise<DiscoveredInstance[]> {
  const found: DiscoveredInstance[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new DescribeInstancesCommand({
        Filters: [{ Name: 'tag-key', Values: ['Schedule', 'Rightsize'] }],
        MaxResults: 1000,
        ...(nextToken ? { NextToken: nextToken } : {}),
      }),
    );
    const { instances, errors } = instancesFromDocument(page, region);
    for (const error of errors) logger.warn('instance skipped', { region, error });
    found.push(...instances);
    nextToken = page.NextToken;
  } while (nextToken);
  return found;
}

/** Wire the AWS adapters into the core's ports. */
export function awsPorts(deps: RightsizerDeps): RightsizingPorts {
  const { config } = deps;
  const snapshotOrApi = deps.priceBook;
  const prices = withOverrides(snapshotOrApi ?? snapshotPriceBook(), config.priceOverrides);
  return {
    listInstances: (region) => discoverInstances(deps.ec2(region), region),
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
    ...(deps.store ? { store: deps.store } : {}),
  };
}

/**
 * Emit the per-region EMF metrics with the catalogue's dimension set (lambdas/core/metrics-catalog.ts): `service`
 * (Powertools' default dimension, the function's service name) and `Region`, which is what the dashboard's
 * rightsizing widget searches for.
 */
function publishMetrics(result: RightsizingRunResult): void {
  for (const summary of result.regions) {
    // singleMetric() carries the default dimensions (service) over; each region is its own EMF document.
    const recommendations = metrics.singleMetric();
    recommendations.addDimension('Region', summary.region);
    addCatalogMetric(recommendations, 'RightsizingRecommendations', summary.recommendations);
    const savings = metrics.singleMetric();
    savings.addDimension('Region', summary.region);
    addCatalogMetric(savings, 'RightsizingMonthlySavings', summary.monthlySavingsUsd);
  }
}

/** What the rightsizer returns. */
export type RightsizerResponse =
  | { readonly ok: false; readonly error: string }
  | { readonly ok: true; readonly skipped: string }
  | {
      readonly ok: true;
      readonly dryRun: boolean;
      readonly window: RightsizingRunResult['window'];
      readonly regions: RightsizingRunResult['regions'];
      /** Every recommendation, on a dry run only. */
      readonly recommendations?: RightsizingRunResult['recommendations'];
    };

/**
 * Handle one invocation with explicit dependencies (tests) — see {@link handler}.
 * @returns the run's summary, `{ ok: false, error }` for a malformed event, `{ ok: true, skipped }` when disabled
 */
export async function handle(event: unknown, deps: RightsizerDeps): Promise<RightsizerResponse> {
  let parsed: z.output<typeof eventSchema>;
  try {
    parsed = parseEvent(eventSchema, event);
  } catch (error) {
    if (error instanceof InvalidEventError) return { ok: false, error: error.message };
    throw error;
  }
  const { config } = deps;
  const unknownRegions = (parsed.regions ?? []).filter((r) => !config.managedRegions.includes(r));
  if (unknownRegions.length > 0) {
    return {
      ok: false,
      error: `Invalid event: regions ${JSON.stringify(unknownRegions)} are not managed; allowed: ${JSON.stringify(config.managedRegions)}`,
    };
  }
  if (!config.rightsizing.enabled) return { ok: true, skipped: 'rightsizing.enabled is false' };
  const dryRun = parsed.dryRun ?? config.dryRun;
  const now = parsed.at ? new Date(parsed.at) : deps.clock();
  const result = await runRightsizing(awsPorts(deps), {
    regions: parsed.regions ?? config.managedRegions,
    settings: config.rightsizing,
    defaultMode: config.rightsizing.defaultMode,
    now,
    dryRun,
    ...(parsed.instanceIds ? { instanceIds: parsed.instanceIds } : {}),
  });
  for (const summary of result.regions) logger.info('rightsizing summary', { ...summary });
  if (!dryRun) publishMetrics(result);
  return {
    ok: true,
    dryRun,
    window: result.window,
    regions: result.regions,
    ...(dryRun ? { recommendations: result.recommendations } : {}),
  };
}

/** Lambda entry point. */
export const handler = async (event: unknown): Promise<RightsizerResponse> => handle(event, productionDeps());
