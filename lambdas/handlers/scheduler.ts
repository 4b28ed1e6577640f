import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { DynamoCarbonStore } from '../adapters/dynamodb/carbon-store';
import { DynamoInstanceStateStore } from '../adapters/dynamodb/instance-state-store';
import { DynamoLease, leaseTiming, renewingLease } from '../adapters/dynamodb/lease';
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
import { schedulerMetrics } from '../core/scheduler/metrics';
import { type PlanEntry, planEntry, planTotals } from '../core/scheduler/plan';
import type { ExecutedDecision, RegionCalls } from '../core/scheduler/region-types';
import { runScheduler, type SchedulerPorts, type SchedulerRunResult } from '../core/scheduler/run-scheduler';
import { NO_SAVINGS } from '../core/scheduler/savings';
import { runTime } from '../core/scheduler/tick';
import { confirmedConsoleEventSchema, deliveryAge } from './shared/delivery';
import { type Environment, requiredVariable } from './shared/environment';
import { isEventBridgeEvent, parseEvent, parseEventBridgeEvent, runMode } from './shared/events';
import { loadFunctionConfig } from './shared/function-config';
import { resourcePortsFromEnvironment } from './shared/resource-ports';
import { defaultTelemetry, oncePerContainer, type Telemetry } from './shared/telemetry';

/**
 * A parsed scheduler event: the console's `{"dryRun": true, "at"?: "..."}` or `{"dryRun": false, "confirmRealRun":
 * true}`, or the EventBridge scheduled event of its rule (`time` set). The event's `time` never sets the run's time:
 * it only tells a stale delivery (docs/run-safety.md, "Time").
 */
export interface SchedulerEvent {
  readonly dryRun?: boolean;
  readonly at?: string;
  /** Console only: the explicit request for a real run. */
  readonly confirmRealRun?: true;
  /** The scheduled event's `time` (EventBridge deliveries only). */
  readonly time?: string;
}

/**
 * Parse a scheduler event: the scheduled event of its EventBridge rule (Powertools' EventBridge envelope), or the
 * console event. Unknown console fields are rejected, so a typo such as `"dryrun"` cannot turn a dry run into a
 * real one, and a console event must say `"dryRun": true`, or `"confirmRealRun": true` for a real run.
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
  return parseEvent(confirmedConsoleEventSchema, event);
}

/** Plan entries the handler returns; the rest are in the log (docs/run-safety.md, "Bounded output"). */
export const PLAN_ENTRIES_RETURNED = 500;
/** Errors and warnings the handler returns (all of them are logged). */
export const MESSAGES_RETURNED = 50;
/** The saved Logs Insights query (lib/constructs/observability.ts) that lists one run's decisions. */
export const RUN_DECISIONS_QUERY = 'carbon-aware-scheduler/scheduler-run-decisions';
/** Time kept back from the Lambda's remaining time for recording, metrics, logs and the lease release, ms. */
export const RUN_DEADLINE_MARGIN_MS = 20_000;

/** Counts of one region's plan entries per action, and the failed ones. */
export type ActionCounts = Readonly<Record<'start' | 'stop' | 'resize' | 'none' | 'failed', number>>;

/**
 * What the scheduler Lambda returns, bounded whatever the fleet size (docs/run-safety.md, "Bounded output"): the
 * run's totals, counts per region and action, the first {@link PLAN_ENTRIES_RETURNED} plan entries, the first
 * {@link MESSAGES_RETURNED} errors and warnings, the API calls summed over regions, and where to read the rest (one
 * `scheduler decision` log line per instance, and the saved Logs Insights query).
 */
export type SchedulerHandlerResult = Omit<SchedulerRunResult, 'regions' | 'runningTotals'> & {
  readonly calls: RegionCalls;
  /** Plan entries of the run (the `plan` holds the first {@link PLAN_ENTRIES_RETURNED}). */
  readonly planEntries: number;
  /** Per managed region: plan entries per action and failed actions. */
  readonly countsByRegion: Readonly<Record<string, ActionCounts>>;
  readonly errorCount: number;
  readonly warningCount: number;
  /** Present when `plan`, `errors` or `warnings` were cut: where every entry is. */
  readonly truncated?: { readonly logMessage: 'scheduler decision'; readonly tick: string; readonly query: string };
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
    ...withResources(resourcePortsFromEnvironment(env, doc, tableName, config)),
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

const withResources = (resources: SchedulerPorts['resources']) => (resources ? { resources } : {});

/** The per-instance log line: the plan entry with the full carbon input of the decision and the run's tick. */
function decisionLog(decision: ExecutedDecision, tick: string) {
  return { ...planEntry(decision), carbon: decision.carbon, tick };
}

/** Minimal Lambda context the handler reads. */
export interface SchedulerContext {
  readonly awsRequestId?: string;
  readonly getRemainingTimeInMillis?: () => number;
}

function countsByRegion(
  plan: readonly Pick<PlanEntry, 'region' | 'action' | 'result'>[],
  regions: readonly string[],
): Record<string, ActionCounts> {
  const counts: Record<string, { start: number; stop: number; resize: number; none: number; failed: number }> = {};
  const of = (region: string) => {
    counts[region] ??= { start: 0, stop: 0, resize: 0, none: 0, failed: 0 };
    return counts[region];
  };
  for (const region of regions) of(region);
  for (const entry of plan) {
    const c = of(entry.region);
    if (entry.action in c) c[entry.action as keyof ActionCounts] += 1;
    if (entry.result === 'failed') c.failed += 1;
  }
  return counts;
}

/** The prices that fell back to the bundled snapshot in one run (from `prefetch` reports). */
function fallbackOf(report: unknown): readonly { region: string; instanceType: string; reason: string }[] {
  const fellBack = (report as { fellBack?: unknown } | undefined)?.fellBack;
  return Array.isArray(fellBack) ? fellBack : [];
}

/**
 * Build the scheduler handler: parse the event, fix one `now` per run from the clock (`at` on dry runs; never the
 * event's `time`), truncated to the minute, and its tick; skip a stale delivery (event `time` older than one
 * interval: `StaleEventsSkipped`); take the lease for real runs (from the clock, half an interval, renewed while the
 * run lasts, with a fencing token); decide every tagged instance of every managed region, act until the run
 * deadline, record state and savings, publish EMF metrics, and return a bounded summary (docs/run-safety.md).
 * A dry run (event or config `dryRun`) only reads: no EC2 mutation, no write, no lease, no metrics; `at` is accepted
 * on dry runs only. A failing region or EC2 action is an operational failure: in the result's `errors`, logged
 * under `error`, counted in `ActionErrors` / `ActionFailures`.
 *
 * @throws {InvalidEventError} for a malformed event, a console event that is neither a dry run nor a confirmed real
 * run, or `at` on a real run (a real run always acts at the current time)
 */
export function createSchedulerHandler(wiring: SchedulerWiring | (() => SchedulerWiring)) {
  return async (event: unknown, context: SchedulerContext = {}): Promise<SchedulerHandlerResult> => {
    const parsed = parseSchedulerEvent(event);
    const wired = typeof wiring === 'function' ? wiring() : wiring;
    const { config, registry, telemetry } = wired;
    const logger = telemetry.logger;
    const mode = runMode(parsed, config, wired.clock);
    const dryRun = mode.dryRun;
    const intervalMinutes = config.schedulingIntervalMinutes;
    const { now, tick } = runTime(mode.now, intervalMinutes);
    const emptyCounts = countsByRegion([], config.managedRegions);

    if (parsed.time !== undefined) {
      const age = deliveryAge(parsed.time, wired.clock(), intervalMinutes);
      if (age.stale) {
        const skippedReason = age.future
          ? `stale delivery: the event time ${age.eventTime} is ${-age.ageSeconds} s ahead of the clock, more than one interval (${intervalMinutes} min); nothing done`
          : `stale delivery: the event time ${age.eventTime} is ${age.ageSeconds} s old, more than one interval (${intervalMinutes} min); nothing done`;
        logger.warn('scheduler run skipped', { reason: skippedReason, tick, ...age });
        if (!dryRun) publishMetrics(telemetry.metrics, [{ name: 'StaleEventsSkipped', value: 1, dimensions: {} }]);
        return {
          at: now.toISOString(),
          tick,
          dryRun,
          status: 'skipped',
          skippedReason,
          plan: [],
          totals: { ...planTotals([]), savings: NO_SAVINGS },
          errors: [],
          warnings: [],
          calls: { describe: 0, start: 0, stop: 0, modify: 0, instanceWrites: 0 },
          planEntries: 0,
          countsByRegion: emptyCounts,
          errorCount: 0,
          warningCount: 0,
        };
      }
    }

    const remainingMs = context.getRemainingTimeInMillis?.();
    // Bad tags that change nothing are logged at INFO once an hour, not on every run (decisionLogLevel).
    const firstRunOfHour = now.getUTCMinutes() < intervalMinutes;
    const timing = leaseTiming(intervalMinutes);
    const lease = wired.ports.lease ? renewingLease(wired.ports.lease, wired.clock, timing) : undefined;
    const priceFallbacks: { region: string; instanceType: string; reason: string }[] = [];
    const prefetch = wired.ports.prefetchPrices;
    const input = {
      now,
      tick,
      dryRun,
      config,
      registry,
      holder: context.awsRequestId ?? randomUUID(),
      leaseSeconds: timing.ttlSeconds,
      // Wall-clock epoch ms at which the run stops acting (docs/run-safety.md, "Deadlines").
      deadline:
        Date.now() + (remainingMs !== undefined ? remainingMs : intervalMinutes * 60_000) - RUN_DEADLINE_MARGIN_MS,
    };
    // The EC2 fleet stops waiting for throttled starts and stops at the run deadline and carries the rest.
    if (wired.ports.fleet instanceof Ec2Fleet) wired.ports.fleet.deadlineMs = input.deadline;
    const result = await runScheduler(input, {
      ...wired.ports,
      ...(lease ? { lease } : {}),
      ...(prefetch
        ? {
            prefetchPrices: async (pairs: readonly { region: string; instanceType: string }[]) => {
              const report = await prefetch(pairs);
              priceFallbacks.push(...fallbackOf(report));
              return report;
            },
          }
        : {}),
      log: (decision) =>
        logger[decisionLogLevel(decision, firstRunOfHour)]('scheduler decision', decisionLog(decision, tick)),
    });

    for (const error of result.errors) {
      logger.error('scheduler region failed', { region: error.region, error: error.message, tick });
    }
    for (const warning of result.warnings) {
      logger.warn('scheduler warning', { region: warning.region, detail: warning.message, tick });
    }
    for (const fallback of priceFallbacks) {
      logger.warn('price from the bundled snapshot', { ...fallback, detail: fallback.reason, tick });
    }
    if (lease && (lease.watch.lost || lease.watch.renewalErrors.length > 0)) {
      logger.error('scheduler lease renewal', { ...lease.watch, tick });
    }
    if (result.status === 'skipped') logger.warn('scheduler run skipped', { reason: result.skippedReason, tick });
    if (!dryRun && result.status === 'completed') {
      const fallbackCounts = new Map<string, number>();
      for (const f of priceFallbacks) fallbackCounts.set(f.region, (fallbackCounts.get(f.region) ?? 0) + 1);
      publishMetrics(telemetry.metrics, [
        ...schedulerMetrics(result.regions, result.runningTotals),
        ...[...fallbackCounts].map(([Region, value]) => ({
          name: 'PriceFallbacks' as const,
          value,
          dimensions: { Region },
        })),
      ]);
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
    const { regions: _regions, runningTotals: _totals, plan, errors, warnings, ...rest } = result;
    const cut =
      plan.length > PLAN_ENTRIES_RETURNED || errors.length > MESSAGES_RETURNED || warnings.length > MESSAGES_RETURNED;
    return {
      ...rest,
      plan: plan.slice(0, PLAN_ENTRIES_RETURNED),
      errors: errors.slice(0, MESSAGES_RETURNED),
      warnings: warnings.slice(0, MESSAGES_RETURNED),
      calls,
      planEntries: plan.length,
      countsByRegion: countsByRegion(plan, config.managedRegions),
      errorCount: errors.length,
      warningCount: warnings.length,
      ...(cut ? { truncated: { logMessage: 'scheduler decision' as const, tick, query: RUN_DECISIONS_QUERY } } : {}),
    };
  };
}

/**
 * The Lambda entry point (EventBridge every `schedulingIntervalMinutes`, or the console with `{"dryRun": true}`, or
 * `{"dryRun": false, "confirmRealRun": true}` for a real run).
 */
export const handler = createSchedulerHandler(oncePerContainer(() => schedulerWiringFromEnvironment()));
