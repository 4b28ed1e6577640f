import type { Clock } from '../clock';
import type { JobCompletion } from '../dispatch/job-completion';
import type { DispatchContext } from '../dispatch/worker-invocation';
import type { JobRegistry } from './registry';
import { summariseResult } from './result-summary';

/** The job part of a worker invocation. */
export interface JobToRun {
  readonly jobId: string;
  readonly job: { readonly kind: string } & Record<string, unknown>;
  readonly dispatch?: DispatchContext;
}

/** Where the job runs. */
export interface JobEnvironment {
  /** AWS region of the worker. */
  readonly region: string;
  /** The worker's clock, read at the start and the end of the job. */
  readonly clock: Clock;
  readonly remainingTimeMs?: () => number;
}

const describeIssues = (issues: readonly { path: readonly PropertyKey[]; message: string }[]) =>
  issues.map((issue) => `job.${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`).join('; ');

/**
 * Run one job with its registered handler and describe how it went: start and end times, duration, outcome
 * `ok` with the handler's result summary, or `error` with the message (unknown kind, invalid payload, or what the
 * handler threw). Never throws: every failure becomes an `error` outcome so it can be reported home.
 */
export async function runJob(
  registry: JobRegistry,
  toRun: JobToRun,
  environment: JobEnvironment,
): Promise<JobCompletion> {
  const started = environment.clock();
  let outcome: Pick<JobCompletion, 'outcome' | 'result' | 'error'>;
  try {
    const definition = registry.require(toRun.job.kind);
    let payload: unknown = toRun.job;
    if (definition.schema) {
      const parsed = definition.schema.safeParse(toRun.job);
      if (!parsed.success) throw new Error(`invalid ${toRun.job.kind} job: ${describeIssues(parsed.error.issues)}`);
      payload = parsed.data;
    }
    const result = await definition.run(payload, {
      jobId: toRun.jobId,
      region: environment.region,
      startedAt: started,
      ...(toRun.dispatch ? { dispatch: toRun.dispatch } : {}),
      ...(environment.remainingTimeMs ? { remainingTimeMs: environment.remainingTimeMs } : {}),
    });
    outcome = { outcome: 'ok', result: summariseResult(result) };
  } catch (error) {
    outcome = { outcome: 'error', error: error instanceof Error ? error.message : String(error) };
  }
  const ended = environment.clock();
  return {
    jobId: toRun.jobId,
    kind: toRun.job.kind,
    region: environment.region,
    startedAt: started.toISOString(),
    endedAt: ended.toISOString(),
    durationMs: Math.max(0, ended.getTime() - started.getTime()),
    ...outcome,
    ...(toRun.dispatch ? { attempt: toRun.dispatch.attempt, decidedAt: toRun.dispatch.decidedAt } : {}),
  };
}
