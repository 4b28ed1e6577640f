import { randomUUID } from 'node:crypto';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { DynamoCarbonStore } from '../adapters/dynamodb/carbon-store';
import { DynamoJobStore } from '../adapters/dynamodb/job-store';
import { documentClient } from '../adapters/dynamodb/table';
import { LambdaWorkerInvoker } from '../adapters/lambda/worker-invoker';
import { publishMetrics } from '../adapters/metrics/publish';
import { EventBridgeDeferralScheduler } from '../adapters/scheduler/deferral-scheduler';
import {
  DISPATCH_EVENT_SOURCE,
  DISPATCH_SCHEDULE_GROUP_ENV,
  DISPATCH_SCHEDULER_ROLE_ARN_ENV,
  DISPATCHER_FUNCTION_ARN_ENV,
  JOB_REQUESTED_DETAIL_TYPE,
  type MetricDatum,
  TABLE_NAME_ENV,
  WORKER_FUNCTIONS_ENV,
  WORKER_MEMORY_MB,
  WORKER_TIMEOUT_SECONDS,
} from '../contract';
import { carbonLookupFromStore, forecastLookupFromStore, lookupOptionsFromConfig } from '../core/carbon/lookup';
import { type Clock, systemClock } from '../core/clock';
import type { Config } from '../core/config/schema';
import { DispatchValidationError } from '../core/dispatch/candidate-regions';
import type { DispatchDecision } from '../core/dispatch/decision';
import {
  type DispatchDependencies,
  DispatchFailedError,
  dispatchJob,
  JobReplayedError,
} from '../core/dispatch/dispatch-job';
import { type DispatchRequest, dispatchRequestSchema } from '../core/dispatch/job-request';
import type { DispatchSettings } from '../core/dispatch/plan-dispatch';
import { type Environment, parseWorkerFunctions, requiredVariable } from './shared/environment';
import { InvalidEventError, isEventBridgeEvent, parseEvent, parseEventBridgeEvent, runMode } from './shared/events';
import { loadFunctionConfig } from './shared/function-config';
import { defaultTelemetry, oncePerContainer, type Telemetry } from './shared/telemetry';

/**
 * What the dispatcher returns: the decision (`action` `dispatched`, `deferred`, `planned` on a dry run, or `failed`
 * when no worker accepted the job), and whether it was written to the table.
 */
export type DispatcherResponse = DispatchDecision & { readonly recorded: boolean; readonly recordError?: string };

/** Everything the handler is wired with; built once per container from the environment. */
export interface DispatcherWiring {
  readonly config: Config;
  readonly settings: DispatchSettings;
  readonly clock: Clock;
  readonly telemetry: Telemetry;
  /** Dependencies of one invocation (the Lambda context gives the dispatcher's own ARN for deferrals). */
  readonly dependencies: (context: Pick<Context, 'invokedFunctionArn'> | undefined) => DispatchDependencies;
}

/** Replacements for tests and local runs. */
export interface DispatcherWiringOverrides {
  readonly doc?: DynamoDBDocumentClient;
  readonly clock?: Clock;
  readonly telemetry?: Telemetry;
  readonly newJobId?: () => string;
}

/** The dispatch settings a configuration implies. */
function dispatchSettings(config: Config): DispatchSettings {
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
 * Wire the dispatcher from its environment, once per container: `LAMBDA_TASK_ROOT` (holds the bundled
 * `config.json`), `TABLE_NAME`, `WORKER_FUNCTIONS`, and for time shifting `DISPATCH_SCHEDULE_GROUP` +
 * `DISPATCH_SCHEDULER_ROLE_ARN` (+ optional `DISPATCHER_FUNCTION_ARN`, default the function's own ARN). Without the
 * scheduler variables jobs are never deferred and decisions say why.
 * @throws {ConfigError} when `config.json` is missing or invalid
 * @throws {EnvironmentError} when `TABLE_NAME` is unset or `WORKER_FUNCTIONS` is invalid
 */
export function dispatcherWiringFromEnvironment(
  env: Environment = process.env,
  overrides: DispatcherWiringOverrides = {},
): DispatcherWiring {
  const config = loadFunctionConfig(env);
  const tableName = requiredVariable(env, TABLE_NAME_ENV, 'the state table name');
  const workers = parseWorkerFunctions(env[WORKER_FUNCTIONS_ENV]);
  const telemetry = overrides.telemetry ?? defaultTelemetry();
  const missing = config.dispatch.allowedRegions.filter((region) => !workers[region]);
  if (missing.length > 0) {
    telemetry.logger.warn('allowed dispatch regions without a worker function; invokes there will fail over', {
      missing,
    });
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
  const configuredTarget = env[DISPATCHER_FUNCTION_ARN_ENV];
  const newJobId = overrides.newJobId ?? randomUUID;
  return {
    config,
    settings: dispatchSettings(config),
    clock: overrides.clock ?? systemClock,
    telemetry,
    dependencies: (context) => {
      const targetArn = configuredTarget || context?.invokedFunctionArn;
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
 * Parse a dispatcher event: an EventBridge `carbon-aware-scheduler` / `JobRequested` event (Powertools' EventBridge
 * envelope; the request is its `detail`), or the request itself (direct invocation, console, deferral schedule).
 * @throws {InvalidEventError} naming each bad field
 */
export function parseDispatcherEvent(event: unknown): DispatchRequest {
  if (isEventBridgeEvent(event)) {
    return parseEventBridgeEvent(event, {
      source: DISPATCH_EVENT_SOURCE,
      detailType: JOB_REQUESTED_DETAIL_TYPE,
      detail: dispatchRequestSchema,
    }).detail;
  }
  return parseEvent(dispatchRequestSchema, event);
}

/**
 * The metrics of one real decision (catalogue: lambdas/contract/metrics.ts): `DispatchInvokeErrors` by Region for
 * each failed invoke (including ones that fell back), `DispatchedJobs` by Region and `DispatchCarbonSaved` (grams
 * CO2e, estimated against running at home now) for a dispatched job, `DeferredJobs` for a deferral and
 * `DispatchFailures` for a job no worker accepted.
 */
export function dispatchMetrics(decision: DispatchDecision): MetricDatum[] {
  const data: MetricDatum[] = decision.attempts
    .filter((attempt) => attempt.outcome === 'failed')
    .map((attempt) => ({ name: 'DispatchInvokeErrors', value: 1, dimensions: { Region: attempt.region } }));
  if (decision.action === 'dispatched' && decision.chosenRegion) {
    data.push({ name: 'DispatchedJobs', value: 1, dimensions: { Region: decision.chosenRegion } });
    if (decision.emissions) {
      data.push({ name: 'DispatchCarbonSaved', value: decision.emissions.savedGrams, dimensions: {} });
    }
  }
  if (decision.action === 'deferred') data.push({ name: 'DeferredJobs', value: 1, dimensions: {} });
  if (decision.action === 'failed') data.push({ name: 'DispatchFailures', value: 1, dimensions: {} });
  return data;
}

/**
 * Build the dispatcher handler. The event is a dispatch request — `{ job, regions?, deadline?, maxDeferMinutes?,
 * minImprovementPercent?, dryRun?, at? }` — sent directly, as the `detail` of an EventBridge `JobRequested` event,
 * or by a deferral schedule (with `noDefer` and `deferredFrom`). A dry run (event or config `dryRun`) ranks and
 * plans only; `at` is accepted on dry runs only. A job that no worker accepted is an operational failure: the
 * decision (`action: "failed"`, every attempt with its error) is recorded, logged, counted and returned.
 *
 * @throws {InvalidEventError} for a malformed request, an unknown or unallowed region, a payload above
 *   `dispatch.maxPayloadBytes`, or `at` on a real run (nothing invoked, nothing written)
 * @throws {ConfigError} / {EnvironmentError} from the wiring
 */
export function createDispatcherHandler(
  wiring: DispatcherWiring | (() => DispatcherWiring),
): (event: unknown, context?: Pick<Context, 'invokedFunctionArn'>) => Promise<DispatcherResponse> {
  return async (event, context) => {
    const parsed = parseDispatcherEvent(event);
    const wired = typeof wiring === 'function' ? wiring() : wiring;
    const { logger, metrics } = wired.telemetry;
    const { dryRun, now } = runMode(parsed, wired.config, wired.clock);
    const request: DispatchRequest = { ...parsed, dryRun };
    let decision: DispatchDecision;
    let recorded: boolean;
    let recordError: string | undefined;
    try {
      const result = await dispatchJob(request, now, wired.dependencies(context), wired.settings);
      ({ decision, recorded, recordError } = result);
    } catch (error) {
      if (error instanceof DispatchValidationError) throw new InvalidEventError(error.message);
      if (error instanceof JobReplayedError) {
        logger.warn('job request refused: its job id was already claimed', { jobId: error.jobId });
        throw new InvalidEventError(error.message);
      }
      if (!(error instanceof DispatchFailedError)) throw error;
      decision = error.decision;
      recorded = error.recorded;
      logger.error('job could not be dispatched', { jobId: decision.jobId, error: error.message, decision });
    }
    if (decision.action !== 'failed') {
      logger.info('dispatch decision', { jobId: decision.jobId, action: decision.action, decision });
    }
    if (recordError) {
      logger.error('the dispatch decision could not be recorded', { jobId: decision.jobId, error: recordError });
    }
    if (!decision.dryRun) publishMetrics(metrics, dispatchMetrics(decision));
    return { ...decision, recorded, ...(recordError ? { recordError } : {}) };
  };
}

/** The dispatcher Lambda (home region). */
export const handler = createDispatcherHandler(oncePerContainer(() => dispatcherWiringFromEnvironment()));
