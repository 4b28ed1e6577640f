import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { DynamoJobStore } from '../adapters/dynamodb/job-store';
import { documentClient, TABLE_NAME_ENV } from '../adapters/dynamodb/table';
import { addCatalogMetric } from '../adapters/metrics/catalog-metric';
import { type Clock, systemClock } from '../core/clock';
import { type JobCompletion, jobCompletionSchema } from '../core/dispatch/job-completion';
import type { JobStore } from '../core/dispatch/ports';
import { DISPATCH_EVENT_SOURCE, JOB_COMPLETED_DETAIL_TYPE } from './shared/dispatch-env';
import { parseEvent } from './shared/events';
import { logger, metrics } from './shared/powertools';

/**
 * The recorder's event: an EventBridge `carbon-aware-scheduler` / `JobCompleted` event put by a worker, or
 * `{ "dryRun": true, "detail"?: {...} }` from the console (validates, writes nothing).
 */
export const outcomeEventSchema = z
  .object({
    source: z
      .literal(DISPATCH_EVENT_SOURCE, { error: `source must be ${JSON.stringify(DISPATCH_EVENT_SOURCE)}` })
      .optional(),
    'detail-type': z
      .literal(JOB_COMPLETED_DETAIL_TYPE, { error: `detail-type must be ${JSON.stringify(JOB_COMPLETED_DETAIL_TYPE)}` })
      .optional(),
    detail: jobCompletionSchema.optional(),
    dryRun: z.boolean().optional(),
  })
  .superRefine((event, ctx) => {
    if (event.dryRun !== true && event.detail === undefined) {
      ctx.addIssue({ code: 'custom', path: ['detail'], message: 'detail (the job completion) is required' });
    }
  });

/** What the recorder returns. */
export interface RecorderResponse {
  readonly recorded: boolean;
  readonly dryRun: boolean;
  readonly outcome?: JobCompletion;
}

/** What the recorder is wired with. */
export interface RecorderWiring {
  readonly store: JobStore;
  readonly clock: Clock;
}

/** @throws {Error} when TABLE_NAME is not set */
export function recorderWiringFromEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
  overrides: { doc?: DynamoDBDocumentClient; clock?: Clock } = {},
): RecorderWiring {
  const tableName = env[TABLE_NAME_ENV];
  if (!tableName) throw new Error(`environment variable ${TABLE_NAME_ENV} is not set; expected the state table name`);
  return {
    store: new DynamoJobStore(overrides.doc ?? documentClient(), tableName),
    clock: overrides.clock ?? systemClock,
  };
}

/**
 * Build the outcome recorder: store the completion a worker reported as `JOB#<jobId>` / `OUTCOME` (an overwrite,
 * so EventBridge's at-least-once delivery is harmless) and count it (EMF `JobsCompleted` by Outcome and Region).
 */
export function createRecorderHandler(wiring: () => RecorderWiring): (event: unknown) => Promise<RecorderResponse> {
  return async (event) => {
    const parsed = parseEvent(outcomeEventSchema, event);
    if (parsed.dryRun === true) {
      return { recorded: false, dryRun: true, ...(parsed.detail ? { outcome: parsed.detail } : {}) };
    }
    const outcome = parsed.detail!;
    const wired = wiring();
    await wired.store.putOutcome(outcome, wired.clock());
    logger.info('job outcome recorded', { outcome });
    addCatalogMetric(
      metrics.singleMetric().addDimensions({ Outcome: outcome.outcome, Region: outcome.region }),
      'JobsCompleted',
      1,
    );
    return { recorded: true, dryRun: false, outcome };
  };
}

let wired: RecorderWiring | undefined;

/** The outcome recorder Lambda (home region), target of the `JobCompleted` rule on the default bus. */
export const handler = createRecorderHandler(() => {
  wired ??= recorderWiringFromEnvironment();
  return wired;
});
