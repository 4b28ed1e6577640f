import * as z from 'zod';
import { JOB_ID_PATTERN } from './job-request';

/**
 * What a worker reports when a job ends (EventBridge `carbon-aware-scheduler` / `JobCompleted` event detail),
 * and what the outcome recorder stores as `JOB#<jobId>` / `OUTCOME`.
 */
export const jobCompletionSchema = z.object({
  jobId: z.string().regex(JOB_ID_PATTERN, { error: 'jobId may use 1-60 letters, digits, ".", "_" and "-"' }),
  kind: z.string().min(1),
  /** Region the job ran in. */
  region: z.string().min(1),
  startedAt: z.iso.datetime({ offset: true }),
  endedAt: z.iso.datetime({ offset: true }),
  durationMs: z.number().nonnegative(),
  outcome: z.enum(['ok', 'error']),
  /** The job handler's result summary (JSON, bounded in size by the worker). */
  result: z.record(z.string(), z.unknown()).optional(),
  /** Error message when `outcome` is `error`. */
  error: z.string().optional(),
  /** Which dispatch attempt ran (1 = the cleanest region). */
  attempt: z.number().int().min(1).optional(),
  /** When the dispatcher decided, ISO-8601 (links the outcome to its decision). */
  decidedAt: z.iso.datetime({ offset: true }).optional(),
});

/** A job's completion report. */
export type JobCompletion = z.output<typeof jobCompletionSchema>;

/**
 * Why a reported completion must not be recorded, or undefined when it may (docs/security.md, "Jobs"): an outcome
 * is accepted only for a job the dispatcher dispatched, from the region it was sent to, and only while the job has
 * no outcome yet (the write itself is conditional too, so two reports racing cannot both win).
 * @param decision the job's decision record, read with a consistent read (undefined: none)
 * @param hasOutcome whether an outcome is already recorded
 */
export function completionRefusal(
  completion: JobCompletion,
  decision: { readonly action: string; readonly chosenRegion?: string } | undefined,
  hasOutcome: boolean,
): string | undefined {
  if (!decision) return `job ${completion.jobId} has no dispatch decision`;
  if (decision.action !== 'dispatched') {
    return `job ${completion.jobId} was not dispatched (its decision is "${decision.action}")`;
  }
  if (decision.chosenRegion !== completion.region) {
    return `job ${completion.jobId} was sent to ${decision.chosenRegion}, not ${completion.region}`;
  }
  if (hasOutcome) return `job ${completion.jobId} already has an outcome`;
  return undefined;
}
