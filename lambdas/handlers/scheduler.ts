import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { DynamoCarbonStore } from '../adapters/dynamodb/carbon-store';
import { DynamoInstanceStateStore } from '../adapters/dynamodb/instance-state-store';
import { DynamoLease } from '../adapters/dynamodb/lease';
import { DynamoDbRecommendationStore } from '../adapters/dynamodb/recommendation-store';
import { DynamoSavingsStore } from '../adapters/dynamodb/savings-store';
import { documentClient } from '../adapters/dynamodb/table';
import { Ec2Fleet, ec2ClientFactory } from '../adapters/ec2/fleet';
import { publishMetrics } from '../adapters/metrics/publish';
import { PriceListApiPriceBook } from '../adapters/pricing/price-list-api';
import { SCHEDULED_EVENT_DETAIL_TYPE, SCHEDULED_EVENT_SOURCE, TABLE_NAME_ENV } from '../contract';
import { snapshotPriceBook, withOverrides } from '../core/accounting/price-book';
import { carbonLookupFromStore, forecastLookupFromStore, lookupOptionsFromConfig } from '../core/carbon/lookup';
import { type Clock, systemClock } from '../core/clock';
import type { Config } from '../core/config/schema';
import { ScheduleRegistry } from '../core/schedule';
import { decisionLogLevel } from '../core/scheduler/decision-log';
import type { ExecutedDecision, RegionCalls } from '../core/scheduler/execute-region';
import { schedulerMetrics } from '../core/scheduler/metrics';
import { planEntry } from '../core/scheduler/plan';
import { runScheduler, type SchedulerPorts, type SchedulerRunResult } from '../core/scheduler/run-scheduler';
import { runTime } from '../core/scheduler/tick';
import { type Environment, requiredVariable } from './shared/environment';
import { consoleEventSchema, isEventBridgeEvent, parseEvent, parseEventBridgeEvent, runMode } from './shared/events';
import { loadFunctionConfig } from './shared/function-config';
import { defaultTelemetry, oncePerContainer, type Telemetry } from './shared/telemetry';

/**
 * A parsed scheduler event: the console's `{"dryRun": true, "at": "..."}`, or the EventBridge scheduled event of
 * its rule, whose `time` is the tick.
 */
export interface SchedulerEvent {
  readonly dryRun?: boolean;
  readonly at?: string;
  /** The scheduled event's `time`. */
  readonly time?: string;
}

/**
 * Parse a scheduler event: the scheduled event of its EventBridge rule (Powertools' EventBridge envelope), or the
 * console event. Unknown console fields are rejected, so a typo such as `"dryrun"` cannot turn a dry run into a
 * real one.
 * @throws {InvalidEventError} naming each bad field
 */
export function parseSchedulerEvent(event: unknown): SchedulerEvent {
  if (isEventBridgeEvent(event)) {
    const { metadata } = parseEventBridgeEvent(event, {
      source: SCHEDULED_EVENT_SOURCE,
      detailType: SCHEDULED_EVENT_DETAIL_TYPE,
      detail: z.record(z.string(), z.unknown()),
    });
    return { time: metadata.time };
  }
  return parseEvent(consoleEventSchema, event);
}

/**
 * What the scheduler Lambda returns: the run's result (the plan, totals, errors) without the internal per-region
 * detail, plus the API calls and instance-state writes of the run summed over regions.
 */
export type SchedulerHandlerResult = Omit<SchedulerRunResult, 'regions' | 'runningTotals'> & {
  readonly calls: RegionCalls;
};

/** What the handler is wired with: built once per container by {@link schedulerWiringFromEnvironment}. */
export interface SchedulerWiring {
  readonly config: Config;
  /** The configured schedules and the built-ins, parsed once. */
  readonly registry: ScheduleRegistry;
  readonly clock: Clock;
  readonly telemetry: Telemetry;
  /** EC2, the state table, carbon readings and prices. */
  readonly ports: Omit<SchedulerPorts, 'log'>;
}

/** Replacements for tests, benchmarks and local runs. */
export interface SchedulerWiringOverrides {
  readonly doc?: DynamoDBDocumentClient;
  readonly clock?: Clock;
  readonly telemetry?: Telemetry;
  /** Ports that replace the default ones (EC2 and the table), given the configuration. */
  readonly ports?: (config: Config) => Partial<Omit<SchedulerPorts, 'log'>>;
}

/**
 * Wire the scheduler from its environment, once per container: `LAMBDA_TASK_ROOT` (the bundled `config.json`) and
 * `TABLE_NAME`.
 * @throws {ConfigError} when `config.json` is missing or invalid
 * @throws {EnvironmentError} when `TABLE_NAME` is not set
 */
export function schedulerWiringFromEnvironment(
  env: Environment = process.env,
  overrides: SchedulerWiringOverrides = {},
): SchedulerWiring {
  const config = loadFunctionConfig(env);
  const tableName = requiredVariable(env, TABLE_NAME_ENV, 'the state table name');
  const doc = overrides.doc ?? documentClient();
  const priceList = new PriceListApiPriceBook({ fallback: snapshotPriceBook() });
  const carbonStore = new DynamoCarbonStore(doc, tableName, { ttlMinutes: config.carbon.cacheTtlMinutes });
  const ports: Omit<SchedulerPorts, 'log'> = {
    fleet: new Ec2Fleet(ec2ClientFactory()),
    states: new DynamoInstanceStateStore(doc, tableName),
    savings: new DynamoSavingsStore(doc, tableName),
    lease: new DynamoLease(doc, tableName),
    carbon: carbonLookupFromStore(carbonStore, lookupOptionsFromConfig(config.carbon)),
    forecast: forecastLookupFromStore(carbonStore),
    prices: withOverrides(priceList, config.priceOverrides),
    prefetchPrices: (pairs) => priceList.prefetch(pairs),
    ...(config.rightsizing.enabled ? { rightsizing: new DynamoDbRecommendationStore(doc, tableName) } : {}),
    ...overrides.ports?.(config),
  };
  return {
    config,
    registry: ScheduleRegistry.fromConfig(config.schedules, config.timezone),
    clock: overrides.clock ?? systemClock,
    telemetry: overrides.telemetry ?? defaultTelemetry(),
    ports,
  };
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
 * A dry run (event or config `dryRun`) only reads: no EC2 mutation, no write, no lease, no metrics; `at` is accepted
 * on dry runs only. A failing region or EC2 action is an operational failure: in the result's `errors`, logged,
 * counted in `ActionErrors` / `ActionFailures`.
 *
 * @throws {InvalidEventError} for a malformed event, or `at` on a real run (a real run always acts at the current time)
 */
export function createSchedulerHandler(wiring: SchedulerWiring | (() => SchedulerWiring)) {
  return async (event: unknown, context: SchedulerContext = {}): Promise<SchedulerHandlerResult> => {
    const parsed = parseSchedulerEvent(event);
    const wired = typeof wiring === 'function' ? wiring() : wiring;
    const { config, registry, telemetry } = wired;
    const logger = telemetry.logger;
    const mode = runMode(parsed, config, wired.clock);
    const dryRun = mode.dryRun;
    const trigger = parsed.at ? mode.now : parsed.time ? new Date(parsed.time) : mode.now;
    const { now, tick } = runTime(trigger, config.schedulingIntervalMinutes);
    const remainingMs = context.getRemainingTimeInMillis?.();
    const leaseSeconds = remainingMs !== undefined ? Math.ceil(remainingMs / 1000) + 30 : 900;
    // Bad tags that change nothing are logged at INFO once an hour, not on every run (decisionLogLevel).
    const firstRunOfHour = now.getUTCMinutes() < config.schedulingIntervalMinutes;

    const result = await runScheduler(
      { now, tick, dryRun, config, registry, holder: context.awsRequestId ?? randomUUID(), leaseSeconds },
      {
        ...wired.ports,
        log: (decision) =>
          logger[decisionLogLevel(decision, firstRunOfHour)]('scheduler decision', decisionLog(decision)),
      },
    );

    for (const error of result.errors) logger.error('scheduler region failed', error);
    for (const warning of result.warnings) logger.warn('scheduler warning', warning);
    if (result.status === 'skipped') logger.warn('scheduler run skipped', { reason: result.skippedReason, tick });
    if (!dryRun && result.status === 'completed') {
      publishMetrics(telemetry.metrics, schedulerMetrics(result.regions, result.runningTotals));
    }
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
export const handler = createSchedulerHandler(oncePerContainer(() => schedulerWiringFromEnvironment()));
