import type * as z from 'zod';
import type { DispatchContext } from '../dispatch/worker-invocation';

/** What a job handler gets besides its payload. */
export interface JobContext {
  readonly jobId: string;
  /** AWS region the worker runs in. */
  readonly region: string;
  /** When the job started (the worker's clock). */
  readonly startedAt: Date;
  /** The carbon data the dispatcher decided on; absent when the worker was invoked directly. */
  readonly dispatch?: DispatchContext;
  /** Milliseconds left before the worker Lambda times out (from the Lambda context), if known. */
  readonly remainingTimeMs?: () => number;
}

/** A job's result summary: a small JSON object reported home with the completion (bounded by the worker). */
export type JobResult = Record<string, unknown>;

/**
 * A kind of job the worker can run. `kind` is matched against the job payload's `kind`; `schema`, when given,
 * validates the payload first (an invalid payload ends the job with outcome `error` naming the field).
 * `run` may do anything the worker's role allows; what it returns is reported as the result summary, and what it
 * throws is reported as outcome `error` with the message.
 */
export interface JobDefinition<P = Record<string, unknown>> {
  readonly kind: string;
  /** One line shown in the worker's dry run and in docs. */
  readonly description: string;
  readonly schema?: z.ZodType<P>;
  run(job: P, context: JobContext): Promise<JobResult> | JobResult;
}

/** Identity helper that infers the payload type from the schema: `defineJob({ kind, schema, run })`. */
export function defineJob<P>(definition: JobDefinition<P>): JobDefinition<P> {
  return definition;
}

/**
 * A job definition of any payload type, as the registry holds them (each validates its own payload).
 */
// biome-ignore lint/suspicious/noExplicitAny: a registry holds definitions of different payload types
export type AnyJobDefinition = JobDefinition<any>;
