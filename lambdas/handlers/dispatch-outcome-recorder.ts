import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { DynamoJobStore } from '../adapters/dynamodb/job-store';
import { documentClient } from '../adapters/dynamodb/table';
import { publishMetrics } from '../adapters/metrics/publish';
import { DISPATCH_EVENT_SOURCE, JOB_COMPLETED_DETAIL_TYPE, TABLE_NAME_ENV } from '../contract';
import { type Clock, systemClock } from '../core/clock';
import type { Config } from '../core/config/schema';
import { completionRefusal, type JobCompletion, jobCompletionSchema } from '../core/dispatch/job-completion';
import type { JobStore } from '../core/dispatch/ports';
import { type Environment, requiredVariable } from './shared/environment';
import { isEventBridgeEvent, parseEvent, parseEventBridgeEvent } from './shared/events';
import { loadFunctionConfig } from './shared/function-config';
import { defaultTelemetry, oncePerContainer, type Telemetry } from './shared/telemetry';

/**
 * The recorder's direct (console) event: `{ "dryRun": true, "detail"?: {...} }` validates a completion and writes
 * nothing; `{ "detail": {...} }` records it like a `JobCompleted` event.
 */
const recorderConsoleEventSchema = z
  .object({ detail: jobCompletionSchema.optional(), dryRun: z.boolean().optional() })
  .strict()
  .superRefine((event, ctx) => {
    if (event.dryRun !== true && event.detail === undefined) {
      ctx.addIssue({ code: 'custom', path: ['detail'], message: 'detail (the job completion) is required' });
    }
  });

/** A parsed recorder event: the completion (absent only on a console dry run) and whether the event asked for a dry run. */
export interface RecorderEvent {
  readonly completion?: JobCompletion;
  readonly dryRun: boolean;
}

/**
 * Parse a recorder event: an EventBridge `carbon-aware-scheduler` / `JobCompleted` event put by a worker (Powertools'
 * EventBridge envelope; the completion is its `detail`), or the console event.
 * @throws {InvalidEventError} naming each bad field
 */
export function parseDispatchOutcomeRecorderEvent(event: unknown): RecorderEvent {
  if (isEventBridgeEvent(event)) {
    const { detail } = parseEventBridgeEvent(event, {
      source: DISPATCH_EVENT_SOURCE,
      detailType: JOB_COMPLETED_DETAIL_TYPE,
      detail: jobCompletionSchema,
    });
    return { completion: detail, dryRun: false };
  }
  const parsed = parseEvent(recorderConsoleEventSchema, event);
  return { dryRun: parsed.dryRun === true, ...(parsed.detail ? { completion: parsed.detail } : {}) };
}

/** What the recorder returns. */
export interface RecorderResponse {
  readonly recorded: boolean;
  readonly dryRun: boolean;
  readonly outcome?: JobCompletion;
  /** Why the outcome was not recorded (a forged, misplaced or repeated report). */
  readonly refused?: string;
}

/** An outcome that cannot be accepted yet (no dispatch decision): thrown so Lambda retries the event. */
export class OutcomeNotAcceptedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutcomeNotAcceptedError';
  }
}

/** What the recorder is wired with. */
export interface DispatchOutcomeRecorderWiring {
  readonly config: Config;
  readonly store: JobStore;
  readonly clock: Clock;
  readonly telemetry: Telemetry;
}

/**
 * Wire the recorder from its environment, once per container: `LAMBDA_TASK_ROOT` (the bundled `config.json`) and
 * `TABLE_NAME`.
 * @throws {ConfigError} when `config.json` is missing or invalid
 * @throws {EnvironmentError} when `TABLE_NAME` is not set
 */
export function dispatchOutcomeRecorderWiringFromEnvironment(
  env: Environment = process.env,
  overrides: { doc?: DynamoDBDocumentClient; clock?: Clock; telemetry?: Telemetry } = {},
): DispatchOutcomeRecorderWiring {
  const config = loadFunctionConfig(env);
  const tableName = requiredVariable(env, TABLE_NAME_ENV, 'the state table name');
  return {
    config,
    store: new DynamoJobStore(overrides.doc ?? documentClient(), tableName),
    clock: overrides.clock ?? systemClock,
    telemetry: overrides.telemetry ?? defaultTelemetry(),
  };
}

/**
 * Build the outcome recorder: store the completion a worker reported as `JOB#<jobId>` / `OUTCOME` and count it
 * (EMF `JobsCompleted` by Outcome and Region). A dry run (console `dryRun` or config `dryRun`) validates and writes
 * nothing. The recorder has no `at`: it decides nothing by time.
 *
 * When the outcome cannot be written, the handler logs and rethrows: the event is the only copy of the outcome,
 * so Lambda's asynchronous retries, and then the dead-letter queue, must keep it (docs/architecture.md, "Errors").
 *
 * @throws {InvalidEventError} for a malformed event (nothing written)
 */
export function createDispatchOutcomeRecorderHandler(
  wiring: DispatchOutcomeRecorderWiring | (() => DispatchOutcomeRecorderWiring),
): (event: unknown) => Promise<RecorderResponse> {
  return async (event) => {
    const parsed = parseDispatchOutcomeRecorderEvent(event);
    const wired = typeof wiring === 'function' ? wiring() : wiring;
    const { logger, metrics } = wired.telemetry;
    const outcome = parsed.completion;
    if (parsed.dryRun || wired.config.dryRun || !outcome) {
      return { recorded: false, dryRun: true, ...(outcome ? { outcome } : {}) };
    }
    // Accept only an outcome of a dispatched job from its region, once (docs/security.md, "Jobs").
    const records = await wired.store.getJob(outcome.jobId);
    if (!records.decision) {
      // The worker may report before the dispatcher's decision write lands: retried (async retries, then the
      // dead-letter queue, where a forged completion for a job that never existed ends up, alarmed).
      throw new OutcomeNotAcceptedError(`job ${outcome.jobId} has no dispatch decision (yet); not recorded`);
    }
    const refusal = completionRefusal(outcome, records.decision, records.outcome !== undefined);
    if (refusal) {
      logger.warn('job outcome refused', { jobId: outcome.jobId, reason: refusal });
      return { recorded: false, dryRun: false, outcome, refused: refusal };
    }
    try {
      let first = true;
      if (wired.store.putFirstOutcome) first = await wired.store.putFirstOutcome(outcome, wired.clock());
      else await wired.store.putOutcome(outcome, wired.clock());
      if (!first) {
        const reason = `job ${outcome.jobId} already has an outcome`;
        logger.warn('job outcome refused', { jobId: outcome.jobId, reason });
        return { recorded: false, dryRun: false, outcome, refused: reason };
      }
    } catch (error) {
      logger.error('the job outcome could not be recorded; the event will be retried', {
        jobId: outcome.jobId,
        error: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }
    logger.info('job outcome recorded', { outcome });
    publishMetrics(metrics, [
      { name: 'JobsCompleted', value: 1, dimensions: { Outcome: outcome.outcome, Region: outcome.region } },
    ]);
    return { recorded: true, dryRun: false, outcome };
  };
}

/** The outcome recorder Lambda (home region), target of the `JobCompleted` rule. */
export const handler = createDispatchOutcomeRecorderHandler(
  oncePerContainer(() => dispatchOutcomeRecorderWiringFromEnvironment()),
);
