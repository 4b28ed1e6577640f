import type { DispatchDecision } from './decision';
import type { JobCompletion } from './job-completion';
import type { DispatchRequestInput, Job } from './job-request';
import type { DispatchContext } from './worker-invocation';

/**
 * The outside world the dispatch core depends on; adapters implement these (Lambda, EventBridge Scheduler,
 * DynamoDB), tests use in-memory fakes.
 */

/** What the dispatcher sends to a worker. */
export interface WorkerPayload {
  readonly jobId: string;
  readonly job: Job;
  readonly dispatch: DispatchContext;
}

/** Starts a job on the worker of a region (asynchronous Lambda invoke). */
export interface WorkerInvoker {
  /**
   * Hand `payload` to the worker of `region` without waiting for the job.
   * @throws when the worker did not accept the invocation (the message says why)
   */
  invoke(region: string, payload: WorkerPayload): Promise<void>;
}

/** A one-time re-submission of a job to the dispatcher. */
export interface DeferralRequest {
  /** Schedule name, unique per job (`job-<jobId>`). */
  readonly name: string;
  /** When to re-submit. */
  readonly at: Date;
  /** The request the dispatcher receives then (with `noDefer: true`). */
  readonly request: DispatchRequestInput;
  readonly description: string;
}

/** Creates and removes deferral schedules (EventBridge Scheduler). */
export interface DeferralScheduler {
  /** @throws when the schedule could not be created (e.g. one with this name exists) */
  schedule(deferral: DeferralRequest): Promise<void>;
  /** Remove a schedule (used to undo a deferral whose decision could not be recorded). */
  cancel(name: string): Promise<void>;
}

/** A job's records. */
export interface JobRecords {
  readonly decision?: DispatchDecision;
  readonly outcome?: JobCompletion & { readonly recordedAt: string };
}

/** Stores dispatch decisions and job outcomes (`JOB#<jobId>` / `DECISION` and `OUTCOME`). */
export interface JobStore {
  /** Write (or overwrite) the decision of `decision.jobId`. */
  putDecision(decision: DispatchDecision): Promise<void>;
  /** Write (or overwrite) the outcome a worker reported; `recordedAt` is when the recorder stored it. */
  putOutcome(outcome: JobCompletion, recordedAt: Date): Promise<void>;
  /** Both records of a job (either may be absent). */
  getJob(jobId: string): Promise<JobRecords>;
  /**
   * Claim a job id before anything runs (docs/security.md, "Jobs"): the job id is the idempotency key. A new request
   * claims an id never seen (conditional write `attribute_not_exists`); the re-submission of a deferred job
   * (`resubmission`) claims an id whose claim is `deferred`, once.
   * @returns false when the id is taken (a replayed request): nothing may run
   */
  claim?(jobId: string, resubmission: boolean, at: Date): Promise<boolean>;
  /** Mark a claimed job as deferred, so its one re-submission can claim it again. */
  markDeferred?(jobId: string): Promise<void>;
  /** Give a claim back when nothing ran (every invoke failed), so a retry of the same request may run it. */
  release?(jobId: string): Promise<void>;
  /**
   * Record an outcome only if none is recorded yet (conditional write `attribute_not_exists`).
   * @returns false when the job already has an outcome
   */
  putFirstOutcome?(outcome: JobCompletion, recordedAt: Date): Promise<boolean>;
}

/** Reports a job's completion to the control plane (EventBridge PutEvents to the home bus). */
export interface CompletionReporter {
  /** @throws when the report was not accepted */
  report(completion: JobCompletion): Promise<void>;
}
