import * as z from 'zod';
import { JOB_ID_PATTERN, JOB_KIND_PATTERN } from './job-request';

/**
 * What the dispatcher sends to a worker (asynchronous Lambda invoke) and the worker validates: the job plus the
 * dispatch context, because a worker in a remote region has no access to the home table.
 */

/** The carbon data the dispatcher decided on, for the region the job runs in. */
export const dispatchContextSchema = z.object({
  /** When the dispatcher decided, ISO-8601. */
  decidedAt: z.iso.datetime({ offset: true }),
  /** Region the dispatcher sent the job to. */
  region: z.string().min(1),
  homeRegion: z.string().min(1),
  zone: z.string(),
  provider: z.string(),
  /** `live`, `cached` or `static`. */
  origin: z.string(),
  signal: z.string(),
  /** Intensity of the chosen region at decision time, gCO2e/kWh. */
  gCO2ePerKWh: z.number().nonnegative(),
  adjustedGCO2ePerKWh: z.number().nonnegative(),
  observedAt: z.string(),
  /** Intensity at home at decision time, gCO2e/kWh. */
  homeGCO2ePerKWh: z.number().nonnegative(),
  /** 1 for the cleanest region, 2 for the first fallback, ... */
  attempt: z.number().int().min(1),
});

/** The dispatch context carried by a worker invocation. */
export type DispatchContext = z.output<typeof dispatchContextSchema>;

/**
 * The worker's event. The job is validated loosely here (`kind` is what selects the handler); each job handler
 * validates its own fields. `{ "dryRun": true }` alone is accepted (console test: lists the registered kinds).
 */
export const workerInvocationSchema = z
  .object({
    jobId: z
      .string()
      .regex(JOB_ID_PATTERN, { error: 'jobId may use 1-60 letters, digits, ".", "_" and "-"' })
      .optional(),
    job: z
      .looseObject({
        kind: z
          .string({ error: 'job.kind is required: the name of a registered job handler, e.g. "report-location"' })
          .regex(JOB_KIND_PATTERN, { error: 'job.kind may use 1-64 letters, digits, ".", "_", ":" and "-"' }),
      })
      .optional(),
    dispatch: dispatchContextSchema.optional(),
    dryRun: z.boolean().optional(),
  })
  .superRefine((event, ctx) => {
    if (event.dryRun === true) return;
    if (event.jobId === undefined) ctx.addIssue({ code: 'custom', path: ['jobId'], message: 'jobId is required' });
    if (event.job === undefined) ctx.addIssue({ code: 'custom', path: ['job'], message: 'job is required' });
  });

/** A validated worker event. */
export type WorkerInvocation = z.output<typeof workerInvocationSchema>;
