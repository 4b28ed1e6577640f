import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Context } from 'aws-lambda';
import { EventBridgeCompletionReporter } from '../adapters/eventbridge/completion-reporter';
import { type Clock, systemClock } from '../core/clock';
import type { JobCompletion } from '../core/dispatch/job-completion';
import type { CompletionReporter } from '../core/dispatch/ports';
import { workerInvocationSchema } from '../core/dispatch/worker-invocation';
import { createJobRegistry, type JobRegistry } from '../core/jobs/registry';
import { runJob } from '../core/jobs/run-job';
import { registeredJobs } from '../jobs';
import { DispatchEnvironmentError, eventBusRegion, HOME_EVENT_BUS_ARN_ENV } from './shared/dispatch-env';
import { parseEvent } from './shared/events';
import { logger } from './shared/powertools';

/** The worker's answer: the completion, and whether it reached the home event bus. */
export type WorkerResponse =
  | (JobCompletion & { readonly reported: boolean; readonly reportError?: string })
  | {
      readonly dryRun: true;
      readonly region: string;
      readonly kinds: string[];
      readonly wouldRun?: string;
      readonly known?: boolean;
    };

/** What the worker is wired with. */
export interface WorkerWiring {
  /** Region the worker runs in (AWS_REGION). */
  readonly region: string;
  readonly registry: JobRegistry;
  readonly reporter: CompletionReporter;
  readonly clock: Clock;
}

/**
 * Wire the worker from its environment: `AWS_REGION` (set by Lambda) and `HOME_EVENT_BUS_ARN` (the home region's
 * default bus; the EventBridge client is created in that bus's region).
 * @throws {DispatchEnvironmentError} when AWS_REGION or HOME_EVENT_BUS_ARN is missing or malformed
 */
export function workerWiringFromEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
  clock: Clock = systemClock,
): WorkerWiring {
  const region = env.AWS_REGION;
  if (!region) throw new DispatchEnvironmentError('AWS_REGION', 'is not set (Lambda sets it)');
  const eventBusArn = env[HOME_EVENT_BUS_ARN_ENV];
  const busRegion = eventBusRegion(eventBusArn);
  return {
    region,
    registry: createJobRegistry(registeredJobs),
    reporter: new EventBridgeCompletionReporter({
      client: new EventBridgeClient({ region: busRegion }),
      eventBusArn: eventBusArn!,
    }),
    clock,
  };
}

/**
 * Build the worker handler: validate the invocation, run the job with its registered handler (never throws for a
 * job failure: it becomes outcome `error`), report the completion home, return it. A failed report is logged and
 * returned, not thrown, so Lambda's asynchronous retry never runs the job a second time.
 */
export function createWorkerHandler(
  wiring: () => WorkerWiring,
): (event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<WorkerResponse> {
  return async (event, context) => {
    const invocation = parseEvent(workerInvocationSchema, event);
    const wired = wiring();
    if (invocation.dryRun === true) {
      const kind = invocation.job?.kind;
      return {
        dryRun: true,
        region: wired.region,
        kinds: wired.registry.kinds(),
        ...(kind ? { wouldRun: kind, known: wired.registry.get(kind) !== undefined } : {}),
      };
    }
    const completion = await runJob(
      wired.registry,
      {
        jobId: invocation.jobId!,
        job: invocation.job!,
        ...(invocation.dispatch ? { dispatch: invocation.dispatch } : {}),
      },
      {
        region: wired.region,
        clock: wired.clock,
        ...(context ? { remainingTimeMs: () => context.getRemainingTimeInMillis() } : {}),
      },
    );
    logger.info('job finished', { completion });
    try {
      await wired.reporter.report(completion);
      return { ...completion, reported: true };
    } catch (error) {
      const reportError = error instanceof Error ? error.message : String(error);
      logger.error('the job completion could not be reported home', { jobId: completion.jobId, error: reportError });
      return { ...completion, reported: false, reportError };
    }
  };
}

let wired: WorkerWiring | undefined;

/** The worker Lambda (one per worker region). */
export const handler = createWorkerHandler(() => {
  wired ??= workerWiringFromEnvironment();
  return wired;
});
