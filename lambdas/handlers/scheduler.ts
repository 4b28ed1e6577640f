import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { DynamoCarbonStore } from '../adapters/dynamodb/carbon-store';
import { DynamoInstanceStateStore } from '../adapters/dynamodb/instance-state-store';
import { DynamoLease } from '../adapters/dynamodb/lease';
import { DynamoDbRecommendationStore } from '../adapters/dynamodb/recommendation-store';
import { DynamoSavingsStore } from '../adapters/dynamodb/savings-store';
import { documentClient, TABLE_NAME_ENV } from '../adapters/dynamodb/table';
import { Ec2Fleet, ec2ClientFactory } from '../adapters/ec2/fleet';
import { addCatalogMetric } from '../adapters/metrics/catalog-metric';
import { PriceListApiPriceBook } from '../adapters/pricing/price-list-api';
import { snapshotPriceBook, withOverrides } from '../core/accounting/price-book';
import { carbonLookupFromStore, forecastLookupFromStore, lookupOptionsFromConfig } from '../core/carbon/lookup';
import { type Clock, systemClock } from '../core/clock';
import type { Config } from '../core/config/schema';
import { ScheduleRegistry } from '../core/schedule';
import { decisionLogLevel } from '../core/scheduler/decision-log';
import type { ExecutedDecision, RegionCalls } from '../core/scheduler/execute-region';
import { type MetricDatum, schedulerMetrics } from '../core/scheduler/metrics';
import { planEntry } from '../core/scheduler/plan';
import { runScheduler, type SchedulerPorts, type SchedulerRunResult } from '../core/scheduler/run-scheduler';
import { runTime } from '../core/scheduler/tick';
import { baseEventSchema, InvalidEventError, parseEvent } from './shared/events';
import { loadFunctionConfig } from './shared/function-config';
import { logger as sharedLogger, metrics as sharedMetrics } from './shared/powertools';

/**
 * The scheduler event: the console's `{"dryRun": true, "at": "..."}` or an EventBridge scheduled event (whose `time`
 * is the tick). Unknown fields are rejected, so a typo such as `"dryrun"` cannot turn a dry run into a real one.
 */
export const schedulerEventSchema = baseEventSchema
  .extend({
    version: z.string().optional(),
    id: z.string().optional(),
    'detail-type': z.string().optional(),
    source: z.string().optional(),
    account: z.string().optional(),
    time: z.iso.datetime({ offset: true, error: 'time must be an ISO-8601 date-time' }).optional(),
    region: z.string().optional(),
    resources: z.array(z.string()).optional(),
    detail: z.unknown().optional(),
  })
  .strict();

export type SchedulerEvent = z.output<typeof schedulerEventSchema>;

/**
 * What the scheduler Lambda returns: the run's result (SPEC section 7 plan, totals, errors) without the internal
 * per-region detail, plus the API calls and instance-state writes of the run summed over regions.
 */
export type SchedulerHandlerResult = Omit<SchedulerRunResult, 'regions' | 'runningTotals'> & {
  readonly calls: RegionCalls;
};

/** What the handler is wired with; tests replace any part. */
export interface SchedulerDeps {
  /** Environment: `LAMBDA_TASK_ROOT` (holds the bundled `config.json`), `TABLE_NAME`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock: Clock;
  /** The ports for a config (default: EC2 and the DynamoDB table `TABLE_NAME`). */
  readonly ports: (config: Config) => Omit<SchedulerPorts, 'log'>;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

let moduleDocumentClient: DynamoDBDocumentClient | undefined;
const moduleEc2Clients = ec2ClientFactory();
let modulePriceBook: PriceListApiPriceBook | undefined;

function defaultPorts(config: Config): Omit<SchedulerPorts, 'log'> {
  const tableName = process.env[TABLE_NAME_ENV];
  if (!tableName) throw new Error(`${TABLE_NAME_ENV} is not set; the scheduler needs the state table`);
  moduleDocumentClient ??= documentClient();
  const doc = moduleDocumentClient;
  modulePriceBook ??= new PriceListApiPriceBook({ fallback: snapshotPriceBook() });
  const api = modulePriceBook;
  const carbonStore = new DynamoCarbonStore(doc, tableName, { ttlMinutes: config.carbon.cacheTtlMinutes });
  return {
    fleet: new Ec2Fleet(moduleEc2Clients),
    states: new DynamoInstanceStateStore(doc, tableName),
    savings: new DynamoSavingsStore(doc, tableName),
    lease: new DynamoLease(doc, tableName),
    carbon: carbonLookupFromStore(carbonStore, lookupOptionsFromConfig(config.carbon)),
    forecast: forecastLookupFromStore(carbonStore),
    prices: withOverrides(api, config.priceOverrides),
    prefetchPrices: (pairs) => api.prefetch(pairs),
    ...(config.rightsizing.enabled ? { rightsizing: new DynamoDbRecommendationStore(doc, tableName) } : {}),
  };
}

function defaultDeps(): SchedulerDeps {
  return { env: process.env, clock: systemClock, ports: defaultPorts, metrics: sharedMetrics, logger: sharedLogger };
}

/** Publish the run's metrics as EMF, one document per dimension set (Region; Region+Action; Region+State). */
export function publishSchedulerMetrics(metrics: Metrics, data: readonly MetricDatum[]): void {
  const groups = new Map<string, MetricDatum[]>();
  for (const datum of data) {
    const key = JSON.stringify(Object.entries(datum.dimensions).sort());
    const group = groups.get(key) ?? [];
    group.push(datum);
    groups.set(key, group);
  }
  for (const group of groups.values()) {
    metrics.addDimensions({ ...group[0]!.dimensions });
    for (const datum of group) {
      addCatalogMetric(metrics, datum.name, datum.value);
    }
    metrics.publishStoredMetrics();
  }
}

/** The per-instance log line: the plan entry with the full carbon input of the decision. */
function decisionLog(decision: ExecutedDecision) {
  return { ...planEntry(decision), carbon: decision.carbon };
}

/** Minimal Lambda context the handler reads. */
export interface SchedulerContext {
  readonly awsRequestId?: string;
  readonly getRemainingTimeInMillis?: () => number;
}

/**
 * Build the scheduler handler: parse the event, fix one `now` per run (event `at`, else the scheduled event's `time`,
 * else the clock; truncated to the minute) and its tick, take the lease (real runs), decide every tagged instance
 * of every managed region, act, record state and savings, publish EMF metrics, and return the plan.
 * A dry run (`{"dryRun": true}` or config `dryRun`) only reads: no EC2 mutation, no write, no lease, no metrics.
 *
 * @throws {InvalidEventError} for a malformed event, or `at` on a real run (a real run always acts at the current time)
 * @throws {ConfigError} when the bundled `config.json` is missing or invalid (lambdas/handlers/shared/function-config.ts)
 */
export function createSchedulerHandler(overrides: Partial<SchedulerDeps> = {}) {
  return async (event: unknown, context: SchedulerContext = {}): Promise<SchedulerHandlerResult> => {
    const deps = { ...defaultDeps(), ...overrides };
    const parsed = parseEvent(schedulerEventSchema, event);
    const config = loadFunctionConfig(deps.env);
    const dryRun = parsed.dryRun === true || config.dryRun;
    if (parsed.at !== undefined && !dryRun) {
      throw new InvalidEventError('at is only allowed with "dryRun": true; a real run always acts at the current time');
    }
    const trigger = parsed.at ? new Date(parsed.at) : parsed.time ? new Date(parsed.time) : deps.clock();
    const { now, tick } = runTime(trigger, config.schedulingIntervalMinutes);
    const registry = ScheduleRegistry.fromConfig(config.schedules, config.timezone);
    const remainingMs = context.getRemainingTimeInMillis?.();
    const leaseSeconds = remainingMs !== undefined ? Math.ceil(remainingMs / 1000) + 30 : 900;
    const logger = deps.logger;

    const result = await runScheduler(
      { now, tick, dryRun, config, registry, holder: context.awsRequestId ?? randomUUID(), leaseSeconds },
      {
        ...deps.ports(config),
        log: (decision) => logger[decisionLogLevel(decision)]('scheduler decision', decisionLog(decision)),
      },
    );

    for (const error of result.errors) logger.error('scheduler region failed', error);
    for (const warning of result.warnings) logger.warn('scheduler warning', warning);
    if (result.status === 'skipped') logger.warn('scheduler run skipped', { reason: result.skippedReason, tick });
    if (!dryRun && result.status === 'completed')
      publishSchedulerMetrics(deps.metrics, schedulerMetrics(result.regions, result.runningTotals));
    const calls: RegionCalls = { describe: 0, start: 0, stop: 0, modify: 0, instanceWrites: 0 };
    for (const region of result.regions) {
      for (const key of Object.keys(calls) as (keyof RegionCalls)[]) calls[key] += region.calls[key];
    }
    logger.info('scheduler run finished', {
      at: result.at,
      tick,
      dryRun,
      status: result.status,
      totals: result.totals,
      calls,
    });
    const { regions: _regions, ...rest } = result;
    return { ...rest, calls };
  };
}

/** The Lambda entry point (EventBridge every `schedulingIntervalMinutes`, or the console with `{"dryRun": true}`). */
export const handler = createSchedulerHandler();
