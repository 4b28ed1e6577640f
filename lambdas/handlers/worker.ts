import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Context } from 'aws-lambda';
import { EventBridgeCompletionReporter } from '../adapters/eventbridge/completion-reporter';
import { AWS_REGION_ENV, HOME_EVENT_BUS_ARN_ENV } from '../contract';
import { type Clock, systemClock } from '../core/clock';
import type { JobCompletion } from '../core/dispatch/job-completion';
import type { CompletionReporter } from '../core/dispatch/ports';
import { type WorkerInvocation, workerInvocationSchema } from '../core/dispatch/worker-invocation';
import { createJobRegistry, type JobRegistry } from '../core/jobs/registry';
import { runJob } from '../core/jobs/run-job';
import { registeredJobs } from '../jobs';
import { type Environment, eventBusRegion, requiredVariable } from './shared/environment';
import { parseEvent } from './shared/events';
import { defaultTelemetry, oncePerContainer, type Telemetry } from './shared/telemetry';

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
  readonly telemetry: Telemetry;
}

/**
 * Wire the worker from its environment, once per container: `AWS_REGION` (set by Lambda) and `HOME_EVENT_BUS_ARN`
 * (the home region's event bus; the EventBridge client is created in that bus's region). The worker runs in a
 * worker region and reads no configuration file.
 * @throws {EnvironmentError} when AWS_REGION or HOME_EVENT_BUS_ARN is missing or malformed
 */
export function workerWiringFromEnvironment(
  env: Environment = process.env,
  overrides: { clock?: Clock; telemetry?: Telemetry; reporter?: CompletionReporter } = {},
): WorkerWiring {
  const region = requiredVariable(env, AWS_REGION_ENV, 'the region the worker runs in (Lambda sets it)');
  const eventBusArn = env[HOME_EVENT_BUS_ARN_ENV];
  const busRegion = eventBusRegion(eventBusArn);
  return {
    region,
    registry: createJobRegistry(registeredJobs),
    reporter:
      overrides.reporter ??
      new EventBridgeCompletionReporter({
        client: new EventBridgeClient({ region: busRegion }),
        eventBusArn: eventBusArn!,
      }),
    clock: overrides.clock ?? systemClock,
    telemetry: overrides.telemetry ?? defaultTelemetry(),
  };
}

/**
 * Parse a worker invocation (the dispatcher's asynchronous invoke, or `{ "dryRun": true }` from the console).
 * @throws {InvalidEventError} naming each bad field
 */
export function parseWorkerEvent(event: unknown): WorkerInvocation {
  return parseEvent(workerInvocationSchema, event);
}

/**
 * Build the worker handler: validate the invocation, run the job with its registered handler (a job failure is an
 * operational failure: it becomes outcome `error`), report the completion home, return it. A failed report is
 * logged and returned, not thrown, so Lambda's asynchronous retry never runs the job a second time.
 * A dry run (`{"dryRun": true}`) lists the registered job kinds and runs nothing. The worker takes no `at` and no
 * configuration: a configured dry run stops jobs at the dispatcher, which then invokes no worker.
 *
 * @throws {InvalidEventError} for a malformed invocation (nothing run)
 */
export function createWorkerHandler(
  wiring: WorkerWiring | (() => WorkerWiring),
): (event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<WorkerResponse> {
  return async (event, context) => {
    const invocation = parseWorkerEvent(event);
    const wired = typeof wiring === 'function' ? wiring() : wiring;
    const { logger } = wired.telemetry;
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

/** The worker Lambda (one per worker region). */
export const handler = createWorkerHandler(oncePerContainer(() => workerWiringFromEnvironment()));
