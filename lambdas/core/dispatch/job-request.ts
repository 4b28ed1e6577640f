import * as z from 'zod';
import { instanceSpecs } from '../ec2/instance-specs';

/**
 * The dispatcher's input (docs/dispatch.md): `{ job, regions?, deadline?, maxDeferMinutes?, dryRun? }`, as a direct
 * invocation payload, the `detail` of an EventBridge `JobRequested` event, or the input of a deferral schedule.
 */

/** Job ids are used in table keys and schedule names (`job-<id>`, at most 64 characters). */
export const JOB_ID_PATTERN = /^[A-Za-z0-9._-]{1,60}$/;
/** Job kinds name a registered job handler. */
export const JOB_KIND_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
/** Longest deferral window accepted in a request, minutes (7 days, as `dispatch.defaultMaxDeferMinutes`). */
export const MAX_DEFER_MINUTES_LIMIT = 60 * 24 * 7;

const iso = (field: string) =>
  z.iso.datetime({ offset: true, error: `${field} must be an ISO-8601 date-time such as 2026-11-21T18:00:00Z` });

const positive = (field: string, unit: string, max: number) =>
  z
    .number({ error: (issue) => `${field} must be a number of ${unit}, got ${JSON.stringify(issue.input)}` })
    .positive({ error: (issue) => `${field} = ${JSON.stringify(issue.input)}; expected a number of ${unit} > 0` })
    .max(max, { error: (issue) => `${field} = ${JSON.stringify(issue.input)} is above the maximum of ${max} ${unit}` });

/**
 * A job: `kind` names the handler that runs it on the worker; every other field is passed to that handler as is.
 * The dispatcher reads only the fields below, to estimate the job's energy and duration:
 * - `estimatedKWh`: the job's energy, kWh (as given: include PUE if you want it counted);
 * - `instanceType` + `hours`: the job occupies one instance of this type for that long (CCF energy model);
 * - `durationMinutes`: how long the job runs (default: `hours`, else the worker timeout), for deferral slots.
 */
export const jobSchema = z
  .looseObject({
    id: z.string().regex(JOB_ID_PATTERN, { error: 'job.id may use 1-60 letters, digits, ".", "_" and "-"' }).optional(),
    kind: z
      .string({ error: 'job.kind is required: the name of a registered job handler, e.g. "report-location"' })
      .regex(JOB_KIND_PATTERN, { error: 'job.kind may use 1-64 letters, digits, ".", "_", ":" and "-"' }),
    estimatedKWh: positive('job.estimatedKWh', 'kWh', 1_000_000).optional(),
    instanceType: z
      .string()
      .refine((value) => instanceSpecs(value) !== undefined, {
        error: (issue) =>
          `job.instanceType ${JSON.stringify(issue.input)} is not a known EC2 instance type (e.g. "m5.large")`,
      })
      .optional(),
    hours: positive('job.hours', 'hours', 24 * 366).optional(),
    durationMinutes: positive('job.durationMinutes', 'minutes', MAX_DEFER_MINUTES_LIMIT).optional(),
  })
  .superRefine((job, ctx) => {
    if (job.instanceType !== undefined && job.hours === undefined) {
      ctx.addIssue({ code: 'custom', path: ['hours'], message: 'job.hours is required with job.instanceType' });
    }
    if (job.estimatedKWh !== undefined && job.instanceType !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['estimatedKWh'],
        message: 'give either job.estimatedKWh or job.instanceType with job.hours, not both',
      });
    }
  });

/** A job as the dispatcher and the worker see it. */
export type Job = z.output<typeof jobSchema>;

/** Where a re-submitted (deferred) job came from. */
export const deferredFromSchema = z.object({
  scheduleName: z.string().min(1),
  decidedAt: iso('deferredFrom.decidedAt'),
  plannedStart: iso('deferredFrom.plannedStart'),
});

/** The dispatcher's request. Unknown top-level fields are errors, so a typo (`region`) is not silently ignored. */
export const dispatchRequestSchema = z.strictObject({
  job: jobSchema,
  /** Regions the job may run in (default: every allowed region); each must be in `dispatch.allowedRegions`. */
  regions: z
    .array(z.string({ error: 'regions must be AWS region codes such as "eu-north-1"' }))
    .min(1, { error: 'regions, when given, must list at least one region' })
    .optional(),
  /** The job must have finished by this time; enables time shifting (ISO-8601 with offset). */
  deadline: iso('deadline').optional(),
  /** Longest delay of the start, minutes (default `dispatch.defaultMaxDeferMinutes`); enables time shifting. */
  maxDeferMinutes: z
    .number()
    .int({ error: 'maxDeferMinutes must be a whole number of minutes' })
    .min(0, { error: 'maxDeferMinutes must be ≥ 0' })
    .max(MAX_DEFER_MINUTES_LIMIT, { error: `maxDeferMinutes must be ≤ ${MAX_DEFER_MINUTES_LIMIT} (7 days)` })
    .optional(),
  /** Minimum improvement in percent for a deferral (default `dispatch.minDeferImprovementPercent`). */
  minImprovementPercent: z.number().min(0).max(100).optional(),
  /** Plan and return the decision without invoking, scheduling or writing anything. */
  dryRun: z.boolean().optional(),
  /** Evaluate as of this time (dry runs only: the handler's run mode refuses it on a real run). */
  at: iso('at').optional(),
  /** Never defer (set on the re-submission made by a deferral schedule; users may set it too). */
  noDefer: z.boolean().optional(),
  deferredFrom: deferredFromSchema.optional(),
});

/** A validated dispatch request. */
export type DispatchRequest = z.output<typeof dispatchRequestSchema>;
/** A dispatch request as written by a caller. */
export type DispatchRequestInput = z.input<typeof dispatchRequestSchema>;
