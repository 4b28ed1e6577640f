import { randomUUID } from 'node:crypto';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { DynamoCarbonStore } from '../adapters/dynamodb/carbon-store';
import { DynamoJobStore } from '../adapters/dynamodb/job-store';
import { documentClient, TABLE_NAME_ENV } from '../adapters/dynamodb/table';
import { LambdaWorkerInvoker } from '../adapters/lambda/worker-invoker';
import { addCatalogMetric } from '../adapters/metrics/catalog-metric';
import { EventBridgeDeferralScheduler } from '../adapters/scheduler/deferral-scheduler';
import { carbonLookupFromStore, forecastLookupFromStore, lookupOptionsFromConfig } from '../core/carbon/lookup';
import { type Clock, systemClock } from '../core/clock';
import type { Config } from '../core/config/schema';
import { DispatchValidationError } from '../core/dispatch/candidate-regions';
import type { DispatchDecision } from '../core/dispatch/decision';
import { type DispatchDependencies, DispatchFailedError, dispatchJob } from '../core/dispatch/dispatch-job';
import { dispatchRequestSchema, unwrapEventBridgeEnvelope } from '../core/dispatch/job-request';
import type { DispatchSettings } from '../core/dispatch/plan-dispatch';
import {
  DISPATCH_SCHEDULE_GROUP_ENV,
  DISPATCH_SCHEDULER_ROLE_ARN_ENV,
  DISPATCHER_FUNCTION_ARN_ENV,
  parseWorkerFunctions,
  WORKER_FUNCTIONS_ENV,
  WORKER_MEMORY_MB,
  WORKER_TIMEOUT_SECONDS,
} from './shared/dispatch-env';
import { InvalidEventError, parseEvent } from './shared/events';
import { loadFunctionConfig } from './shared/function-config';
import { logger, metrics } from './shared/powertools';

/** What the dispatcher returns: the decision, and whether it was written to the table. */
export type DispatcherResponse = DispatchDecision & { readonly recorded: boolean; readonly recordError?: string };

/** Everything the handler is wired with; built once per container from the environment. */
export interface DispatcherWiring {
  readonly config: Config;
  readonly settings: DispatchSettings;
  readonly clock: Clock;
  /** Dependencies of one invocation (the Lambda context gives the dispatcher's own ARN for deferrals). */
  readonly dependencies: (context: Pick<Context, 'invokedFunctionArn'> | undefined) => DispatchDependencies;
}

/** Overrides for tests and local runs. */
export interface DispatcherWiringOverrides {
  readonly doc?: DynamoDBDocumentClient;
  readonly clock?: Clock;
  readonly newJobId?: () => string;
}

/** The dispatch settings a configuration implies. */
export function dispatchSettings(config: Config): DispatchSettings {
  return {
    homeRegion: config.homeRegion,
    allowedRegions: config.dispatch.allowedRegions,
    defaultMaxDeferMinutes: config.dispatch.defaultMaxDeferMinutes,
    minDeferImprovementPercent: config.dispatch.minDeferImprovementPercent,
    maxPayloadBytes: config.dispatch.maxPayloadBytes,
    freshness: {
      graceSeconds: config.carbon.graceSeconds,
      estimatedPenaltyGCO2ePerKWh: config.carbon.estimatedPenaltyGCO2ePerKWh,
    },
    zoneOverrides: config.carbon.zoneOverrides,
    pueFor: config.pueFor,
    workerMemoryMB: WORKER_MEMORY_MB,
    workerTimeoutMinutes: WORKER_TIMEOUT_SECONDS / 60,
  };
}

/**
 * Wire the dispatcher from its environment: `LAMBDA_TASK_ROOT` (holds the bundled `config.json`), `TABLE_NAME`,
 * `WORKER_FUNCTIONS`, and for time shifting `DISPATCH_SCHEDULE_GROUP` + `DISPATCH_SCHEDULER_ROLE_ARN` (+ optional
 * `DISPATCHER_FUNCTION_ARN`, default the function's own ARN). Without the scheduler variables jobs are never deferred and decisions say why.
 * @throws {ConfigError} / {DispatchEnvironmentError} when `config.json` is missing or invalid, WORKER_FUNCTIONS is
 *   invalid, or TABLE_NAME unset
 */
export function wiringFromEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
  overrides: DispatcherWiringOverrides = {},
): DispatcherWiring {
  const config = loadFunctionConfig(env);
  const tableName = env[TABLE_NAME_ENV];
  if (!tableName) throw new Error(`environment variable ${TABLE_NAME_ENV} is not set; expected the state table name`);
  const workers = parseWorkerFunctions(env[WORKER_FUNCTIONS_ENV]);
  const missing = config.dispatch.allowedRegions.filter((region) => !workers[region]);
  if (missing.length > 0) {
    logger.warn('allowed dispatch regions without a worker function; invokes there will fail over', { missing });
  }
  const doc = overrides.doc ?? documentClient();
  const carbonStore = new DynamoCarbonStore(doc, tableName, { ttlMinutes: config.carbon.cacheTtlMinutes });
  const carbon = carbonLookupFromStore(carbonStore, lookupOptionsFromConfig(config.carbon));
  const forecasts = forecastLookupFromStore(carbonStore);
  const store = new DynamoJobStore(doc, tableName);
  const invoker = new LambdaWorkerInvoker({ workers });
  const scheduler = new SchedulerClient({});
  const groupName = env[DISPATCH_SCHEDULE_GROUP_ENV];
  const roleArn = env[DISPATCH_SCHEDULER_ROLE_ARN_ENV];
  const newJobId = overrides.newJobId ?? randomUUID;
  return {
    config,
    settings: dispatchSettings(config),
    clock: overrides.clock ?? systemClock,
    dependencies: (context) => {
      const targetArn = env[DISPATCHER_FUNCTION_ARN_ENV] || context?.invokedFunctionArn;
      const unset = [
        groupName ? undefined : DISPATCH_SCHEDULE_GROUP_ENV,
        roleArn ? undefined : DISPATCH_SCHEDULER_ROLE_ARN_ENV,
        targetArn ? undefined : `${DISPATCHER_FUNCTION_ARN_ENV} (and no Lambda context)`,
      ].filter(Boolean);
      const base = { carbon, forecasts, invoker, store, newJobId };
      if (unset.length > 0 || !groupName || !roleArn || !targetArn) {
        return { ...base, deferralsUnavailableReason: `${unset.join(', ')} not set` };
      }
      return {
        ...base,
        deferrals: new EventBridgeDeferralScheduler({ client: scheduler, groupName, roleArn, targetArn }),
      };
    },
  };
}

/**
 * EMF metrics of one decision (names and dimensions as in lambdas/core/metrics-catalog.ts): `DispatchedJobs` by
 * Region, `DispatchCarbonSaved` (grams CO2e, estimated against running at home now), `DispatchFailures` (jobs no
 * worker accepted); plus `DispatchInvokeErrors` by Region (each failed invoke, including ones that fell back) and
 * `DeferredJobs`.
 */
function publishDecisionMetrics(decision: DispatchDecision): void {
  for (const attempt of decision.attempts.filter((a) => a.outcome === 'failed')) {
    addCatalogMetric(metrics.singleMetric().addDimension('Region', attempt.region), 'DispatchInvokeErrors', 1);
  }
  if (decision.action === 'dispatched' && decision.chosenRegion) {
    addCatalogMetric(metrics.singleMetric().addDimension('Region', decision.chosenRegion), 'DispatchedJobs', 1);
    if (decision.emissions) addCatalogMetric(metrics, 'DispatchCarbonSaved', decision.emissions.savedGrams);
  }
  if (decision.action === 'deferred') addCatalogMetric(metrics, 'DeferredJobs', 1);
  if (decision.action === 'failed') addCatalogMetric(metrics, 'DispatchFailures', 1);
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}

/**
 * Build the dispatcher handler. The event is a dispatch request — `{ job, regions?, deadline?, maxDeferMinutes?,
 * minImprovementPercent?, dryRun?, at? }` — sent directly, as the `detail` of an EventBridge `JobRequested` event,
 * or by a deferral schedule (with `noDefer` and `deferredFrom`).
 */
export function createDispatcherHandler(
  wiring: () => DispatcherWiring,
): (event: unknown, context?: Pick<Context, 'invokedFunctionArn'>) => Promise<DispatcherResponse> {
  return async (event, context) => {
    const request = parseEvent(dispatchRequestSchema, unwrapEventBridgeEnvelope(event));
    const wired = wiring();
    const now = request.at ? new Date(request.at) : wired.clock();
    try {
      const result = await dispatchJob(request, now, wired.dependencies(context), wired.settings);
      const decision = result.decision;
      logger.info('dispatch decision', { jobId: decision.jobId, action: decision.action, decision });
      if (result.recordError) {
        logger.error('the dispatch decision could not be recorded; the job was dispatched', {
          jobId: decision.jobId,
          error: result.recordError,
        });
      }
      if (!decision.dryRun) publishDecisionMetrics(decision);
      return {
        ...decision,
        recorded: result.recorded,
        ...(result.recordError ? { recordError: result.recordError } : {}),
      };
    } catch (error) {
      if (error instanceof DispatchValidationError) throw new InvalidEventError(error.message);
      if (error instanceof DispatchFailedError) {
        logger.error('job could not be dispatched', { jobId: error.decision.jobId, decision: error.decision });
        publishDecisionMetrics(error.decision);
      }
      throw error;
    }
  };
}

let wired: DispatcherWiring | undefined;

/** The dispatcher Lambda (home region). */
export const handler = createDispatcherHandler(() => {
  wired ??= wiringFromEnvironment();
  return wired;
});
