import * as z from 'zod';
import { PROVIDERS } from '../carbon/reading';
import { JOB_ID_PATTERN, jobSchema, MAX_DEFER_MINUTES_LIMIT } from '../dispatch/job-request';

/**
 * The zod schemas of every request and response of the HTTP API (docs/api.md). They validate requests in the
 * handler and generate the OpenAPI document (`npm run openapi` → docs/openapi.json), so the two cannot drift.
 * Units are in the field names: `gCO2ePerKWh`, `kWh`, `usd`, `ageSeconds`, `durationMinutes`; times are ISO-8601 UTC.
 */

const iso = z.string().describe('ISO-8601 date-time, UTC');
const region = z
  .string()
  .regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, { error: 'must be an AWS region code such as eu-north-1' });
const gPerKWh = z.number().describe('gCO2e/kWh');
const quality = z.enum(['excellent', 'good', 'moderate', 'poor', 'very poor']);
const origin = z.enum(['live', 'cached', 'static']);

/** Problem details (RFC 9457), the body of every error response (`application/problem+json`). */
export const problemSchema = z.object({
  type: z.string().describe('URI of the problem type (an anchor of docs/api.md)'),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().describe('what was wrong, naming the field or the thing not found'),
  instance: z.string().optional().describe('the request path'),
  requestId: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

// Path and query parameters ----------------------------------------------------------------------------------------

/** `{region}` of `/v1/regions/{region}` and `/v1/forecast/{region}`. */
export const regionParamsSchema = z.strictObject({ region });
/** `{id}` of `/v1/instances/{id}`. */
export const instanceParamsSchema = z.strictObject({
  id: z.string().regex(/^i-[0-9a-f]{8,17}$/, { error: 'must be an EC2 instance id such as i-0123456789abcdef0' }),
});
/** `{id}` of `/v1/jobs/{id}`. */
export const jobParamsSchema = z.strictObject({
  id: z.string().regex(JOB_ID_PATTERN, { error: 'must be a job id: 1-60 letters, digits, ".", "_" and "-"' }),
});

const intFromQuery = (field: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${field} must be a whole number from ${min} to ${max}` })
    .int({ error: `${field} must be a whole number from ${min} to ${max}` })
    .min(min, { error: `${field} must be at least ${min}` })
    .max(max, { error: `${field} must be at most ${max}` });

/** Query of `GET /v1/forecast/{region}`. */
export const forecastQuerySchema = z.strictObject({
  durationMinutes: intFromQuery('durationMinutes', 1, MAX_DEFER_MINUTES_LIMIT)
    .default(60)
    .describe('how long the job runs, minutes (default 60): the best window is the cleanest start for this long'),
});

/** Query of `GET /v1/instances`. */
export const instancesQuerySchema = z.strictObject({
  region: region.optional().describe('only instances of this managed region'),
  schedule: z.string().min(1).max(256).optional().describe('only instances under this schedule'),
  limit: intFromQuery('limit', 1, 200).default(50).describe('items per page (default 50, at most 200)'),
  nextToken: z.string().max(2048).optional().describe('the nextToken of the previous page'),
});

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** Query of `GET /v1/reports`. */
export const reportsQuerySchema = z.strictObject({
  from: z
    .string()
    .regex(DAY, { error: 'must be a day YYYY-MM-DD (UTC), e.g. 2026-11-01' })
    .describe('first day, UTC, included'),
  to: z
    .string()
    .regex(DAY, { error: 'must be a day YYYY-MM-DD (UTC), e.g. 2026-12-01' })
    .describe('end day, UTC, excluded (to=2026-12-01 ends with November 30)'),
  format: z.enum(['json', 'csv'], { error: 'must be json or csv' }).default('json'),
});

// Bodies -----------------------------------------------------------------------------------------------------------

/** Body of `POST /v1/estimate`: the CLI's `estimate`. Give `instanceType` + `hours`, or `kWh`. */
export const estimateRequestSchema = z
  .strictObject({
    instanceType: z.string().min(1).max(64).optional().describe('EC2 instance type, e.g. m5.large'),
    hours: z
      .number()
      .positive()
      .max(24 * 366)
      .optional()
      .describe('how long the job runs, hours'),
    kWh: z.number().positive().max(1_000_000).optional().describe('the job energy, kWh (instead of instanceType)'),
    region: region.optional().describe('where the job would run now (default: the home region)'),
    regions: z.array(region).min(1).max(40).optional().describe('candidate regions (default: the dispatch regions)'),
    windowHours: z
      .number()
      .positive()
      .max(MAX_DEFER_MINUTES_LIMIT / 60)
      .optional()
      .describe('search the stored forecast of `region` for the cleanest start within this many hours'),
  })
  .superRefine((body, ctx) => {
    if (body.kWh === undefined && body.instanceType === undefined) {
      ctx.addIssue({ code: 'custom', path: ['instanceType'], message: 'give instanceType with hours, or kWh' });
    }
    if (body.kWh !== undefined && body.instanceType !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['kWh'], message: 'give either kWh or instanceType with hours, not both' });
    }
    if (body.instanceType !== undefined && body.hours === undefined) {
      ctx.addIssue({ code: 'custom', path: ['hours'], message: 'hours is required with instanceType' });
    }
  });

/** Body of `POST /v1/jobs`: the dispatcher's request (docs/dispatch.md) with an idempotency key. */
export const jobSubmissionSchema = z.strictObject({
  job: jobSchema.describe('the job: kind, and estimatedKWh or instanceType + hours; other fields go to the handler'),
  idempotencyKey: z
    .string()
    .regex(/^[\x21-\x7e]{1,128}$/, { error: 'must be 1-128 printable ASCII characters without spaces' })
    .optional()
    .describe('the same key always gives the same job id, and a job already decided is not submitted again'),
  regions: z.array(region).min(1).max(40).optional().describe('regions the job may run in (each allowed by dispatch)'),
  deadline: z.iso
    .datetime({ offset: true, error: 'must be an ISO-8601 date-time such as 2026-11-21T18:00:00Z' })
    .optional(),
  maxDeferMinutes: z.number().int().min(0).max(MAX_DEFER_MINUTES_LIMIT).optional(),
  minImprovementPercent: z.number().min(0).max(100).optional(),
});

// Responses --------------------------------------------------------------------------------------------------------

/** One region's current reading. */
export const regionStatusSchema = z.object({
  region: z.string(),
  zone: z.string(),
  provider: z.enum(PROVIDERS),
  signal: z.enum(['average', 'marginal']),
  origin: origin.describe('live or cached reading of the fetcher, or the static annual factor (fallback)'),
  gCO2ePerKWh: gPerKWh,
  adjustedGCO2ePerKWh: gPerKWh.describe('after the freshness and estimate penalties, gCO2e/kWh (used for ranking)'),
  observedAt: iso,
  ageSeconds: z.number().int(),
  isEstimated: z.boolean(),
  quality,
  threshold: gPerKWh.describe('the configured threshold of the region, gCO2e/kWh'),
  aboveThreshold: z.boolean(),
  fallbackReason: z.string().optional(),
});

/** `GET /v1/regions`. */
export const regionsResponseSchema = z.object({
  at: iso,
  regions: z.array(regionStatusSchema).describe('every region the product reads, cleanest (adjusted) first'),
});

/** `GET /v1/forecast/{region}`. */
export const forecastResponseSchema = z.object({
  region: z.string(),
  at: iso,
  zone: z.string(),
  provider: z.enum(PROVIDERS),
  signal: z.enum(['average', 'marginal']),
  generatedAt: iso,
  points: z.array(z.object({ observedAt: iso, gCO2ePerKWh: gPerKWh })).describe('upcoming points, in time order'),
  durationMinutes: z.number().int(),
  bestWindow: z
    .object({
      start: iso,
      end: iso,
      meanGCO2ePerKWh: gPerKWh,
      nowGCO2ePerKWh: gPerKWh.describe('mean if started now'),
      savingsPercent: z.number().describe('(now − best) ÷ now × 100'),
    })
    .nullable()
    .describe('the cleanest start within the forecast; null when the forecast is shorter than the job'),
});

const savedSchema = z.object({
  usd: z.number(),
  gCO2e: z.number(),
  kWh: z.number(),
  stoppedHours: z.number(),
});

/** One managed instance. */
export const instanceSchema = z.object({
  instanceId: z.string(),
  region: z.string(),
  schedule: z.string(),
  instanceType: z.string(),
  state: z.string().describe('the transition-rule state the scheduler stored: running, stopped, …'),
  lastAction: z.string().optional(),
  lastActionAt: iso.optional(),
  lastReason: z.string().optional(),
  lastError: z.string().optional(),
  stoppedAt: iso.optional(),
  updatedAt: iso,
  footprint: z.object({
    kWhPerDayRunning: z.number().describe('Cloud Carbon Footprint model, 50% CPU, the region PUE'),
    gCO2ePerDayRunning: z.number().describe('kWhPerDayRunning × the region current gCO2e/kWh'),
    usdPerDayRunning: z.number().nullable().describe('on-demand Linux price × 24 h; null without a price'),
    gCO2ePerKWh: gPerKWh,
    avoided: savedSchema.describe('closed stopped stretches so far'),
  }),
});

/** `GET /v1/instances`. */
export const instancesResponseSchema = z.object({
  items: z.array(instanceSchema),
  nextToken: z.string().optional().describe('pass as nextToken for the next page; absent on the last page'),
});

/** `GET /v1/instances/{id}`. */
export const instanceDetailSchema = instanceSchema.extend({
  history: z
    .array(
      z.looseObject({
        at: iso,
        action: z.string(),
        outcome: z.string(),
        reason: z.string(),
        instanceType: z.string(),
        gCO2ePerKWh: z.number(),
      }),
    )
    .describe('the last actions, newest first (kept 90 days)'),
});

const totalsSchema = z.object({
  usdSaved: z.number(),
  gCO2eAvoided: z.number(),
  actions: z.number().int().describe('scheduler actions on managed instances (history, kept 90 days)'),
  jobs: z.number().int().describe('dispatch decisions (kept 90 days)'),
});

/** `GET /v1/metrics`. */
export const metricsResponseSchema = z.object({
  at: iso,
  today: totalsSchema,
  month: totalsSchema,
  allTime: totalsSchema.describe('usdSaved and gCO2eAvoided since deployment; actions and jobs since countsSince'),
  countsSince: iso.describe('start of the window of actions and jobs (their records are kept 90 days)'),
});

const estimateRegionSchema = z.object({
  region: z.string(),
  zone: z.string(),
  provider: z.string(),
  origin,
  gCO2ePerKWh: gPerKWh,
  adjustedGCO2ePerKWh: gPerKWh,
  kWh: z.number().describe('the job energy in this region (its PUE)'),
  emissionsGrams: z.number(),
  usd: z.number().nullable().describe('on-demand cost (instanceType × hours); null for kWh jobs or without a price'),
});

/** `POST /v1/estimate`. */
export const estimateResponseSchema = z.object({
  at: iso,
  energyBasis: z.enum(['estimatedKWh', 'instanceType', 'worker-lambda']),
  durationMinutes: z.number(),
  now: estimateRegionSchema.describe('running in `region` now'),
  regions: z.array(estimateRegionSchema).describe('every candidate, cleanest (adjusted) first'),
  bestRegion: estimateRegionSchema.extend({ savingsGrams: z.number(), savingsPercent: z.number() }),
  bestTime: z
    .object({
      region: z.string(),
      start: iso,
      end: iso,
      meanGCO2ePerKWh: gPerKWh,
      emissionsGrams: z.number(),
      savingsGrams: z.number(),
      savingsPercent: z.number(),
    })
    .nullable()
    .describe('the cleanest start in the stored forecast of `region` within windowHours; null without one'),
});

/** `POST /v1/jobs` (202). */
export const jobAcceptedSchema = z.object({
  jobId: z.string(),
  status: z.enum(['submitted', 'exists']).describe('exists: a job with this idempotency key was already decided'),
  location: z.string().describe('GET this path for the decision'),
  eventId: z.string().optional().describe('the EventBridge event id of the JobRequested event'),
});

/** `GET /v1/jobs/{id}`. */
export const jobResponseSchema = z.object({
  jobId: z.string(),
  status: z
    .enum(['dispatched', 'deferred', 'failed', 'planned', 'succeeded', 'error'])
    .describe('the outcome when the worker reported one, else the decision'),
  kind: z.string(),
  decidedAt: iso,
  region: z.string().nullable().describe('where it runs or ran'),
  runAt: iso.nullable(),
  reason: z.string(),
  deferral: z.object({ start: iso, end: iso, scheduleName: z.string() }).loose().nullable(),
  emissions: z.looseObject({ homeGrams: z.number(), chosenGrams: z.number(), savedGrams: z.number() }).nullable(),
  outcome: z.looseObject({ outcome: z.string(), region: z.string() }).nullable(),
});

/** `GET /v1/reports?format=json`: the report model of `carbon-scheduler report --json` (docs/report.md). */
export const reportResponseSchema = z.looseObject({
  schemaVersion: z.number().int(),
  title: z.string(),
  generatedAt: iso,
  period: z.looseObject({ from: z.string(), to: z.string() }),
  totals: z.looseObject({ usdSaved: z.number(), gCO2eAvoidedBySchedules: z.number(), dispatchedJobs: z.number() }),
});

/** `GET /v1/health`. */
export const healthResponseSchema = z.object({
  at: iso,
  status: z
    .enum(['ok', 'degraded'])
    .describe('degraded when a region is stale, a scheduler run is late or an alarm is open'),
  regions: z.array(
    z.object({
      region: z.string(),
      provider: z.string().nullable(),
      observedAt: iso.nullable(),
      ageSeconds: z.number().int().nullable(),
      fresh: z.boolean().describe('a stored reading no older than carbon.maxDataAgeMinutes'),
    }),
  ),
  scheduler: z.array(
    z.object({
      region: z.string(),
      lastRunAt: iso.nullable(),
      onTime: z.boolean().describe('last run within two scheduling intervals'),
    }),
  ),
  alarms: z.array(z.object({ name: z.string(), state: z.string(), reason: z.string(), since: iso.nullable() })),
});

export type ProblemJson = z.output<typeof problemSchema>;
export type RegionStatus = z.output<typeof regionStatusSchema>;
export type RegionsResponse = z.output<typeof regionsResponseSchema>;
export type ForecastResponse = z.output<typeof forecastResponseSchema>;
export type InstanceJson = z.output<typeof instanceSchema>;
export type InstancesResponse = z.output<typeof instancesResponseSchema>;
export type InstanceDetail = z.output<typeof instanceDetailSchema>;
export type MetricsResponse = z.output<typeof metricsResponseSchema>;
export type EstimateRequest = z.input<typeof estimateRequestSchema>;
export type EstimateResponse = z.output<typeof estimateResponseSchema>;
export type JobSubmission = z.input<typeof jobSubmissionSchema>;
export type JobAccepted = z.output<typeof jobAcceptedSchema>;
export type JobResponse = z.output<typeof jobResponseSchema>;
export type ReportResponse = z.output<typeof reportResponseSchema>;
export type HealthResponse = z.output<typeof healthResponseSchema>;
