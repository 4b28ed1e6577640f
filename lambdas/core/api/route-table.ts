import type * as z from 'zod';
import type { ApiDependencies } from './ports';
import type { ProblemKind } from './problem';
import {
  estimate,
  getForecast,
  getHealth,
  getInstance,
  getJob,
  getMetrics,
  getRegion,
  getReport,
  type JobDefaults,
  listInstances,
  listRegions,
  submitJob,
} from './routes';
import {
  estimateRequestSchema,
  estimateResponseSchema,
  forecastQuerySchema,
  forecastResponseSchema,
  healthResponseSchema,
  instanceDetailSchema,
  instanceParamsSchema,
  instancesQuerySchema,
  instancesResponseSchema,
  jobAcceptedSchema,
  jobParamsSchema,
  jobResponseSchema,
  jobSubmissionSchema,
  metricsResponseSchema,
  regionParamsSchema,
  regionStatusSchema,
  regionsResponseSchema,
  reportResponseSchema,
  reportsQuerySchema,
} from './schemas';

/**
 * The route table of the HTTP API: method, path, the schemas of parameters, query, body and responses, and the
 * route function. The handler routes with it, the OpenAPI document is generated from it, and the CDK construct
 * creates one API Gateway route per entry (docs/api.md).
 */

/** What a route answers: JSON (validated against its response schema in the tests) or text. */
export type RouteResult =
  | { readonly status: number; readonly json: unknown }
  | { readonly status: number; readonly text: string; readonly contentType: string };

/** One success response of a route. */
export interface RouteResponse {
  readonly status: number;
  readonly description: string;
  /** The JSON schema of the body (application/json). */
  readonly schema?: z.ZodType;
  /** Other media types the route answers with, e.g. text/csv. */
  readonly text?: readonly string[];
}

/** Everything a route function is given besides the dependencies. */
export interface RouteInput {
  readonly params: Record<string, unknown>;
  readonly query: Record<string, unknown>;
  readonly body: unknown;
}

/** One route. */
export interface RouteDefinition {
  readonly method: 'GET' | 'POST';
  /** Path template, e.g. `/v1/regions/{region}`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  readonly responses: readonly RouteResponse[];
  /** Problems this route answers besides those of every route (400 for a bad request, 500). */
  readonly problems: readonly ProblemKind[];
  readonly handle: (deps: ApiDependencies, input: RouteInput) => Promise<RouteResult>;
}

const ok = (json: unknown): RouteResult => ({ status: 200, json });

/** The routes of the API, given the worker size assumed for jobs that give no energy. */
export function apiRoutes(defaults: JobDefaults): readonly RouteDefinition[] {
  return [
    {
      method: 'GET',
      path: '/v1/health',
      operationId: 'getHealth',
      summary: 'Data freshness per region, last scheduler run per managed region, open alarms',
      responses: [{ status: 200, description: 'health', schema: healthResponseSchema }],
      problems: [],
      handle: async (deps) => ok(await getHealth(deps)),
    },
    {
      method: 'GET',
      path: '/v1/regions',
      operationId: 'listRegions',
      summary: 'Current carbon intensity of every region the product reads, cleanest first',
      responses: [{ status: 200, description: 'regions ranked by adjusted intensity', schema: regionsResponseSchema }],
      problems: [],
      handle: async (deps) => ok(await listRegions(deps)),
    },
    {
      method: 'GET',
      path: '/v1/regions/{region}',
      operationId: 'getRegion',
      summary: 'Current reading of one region: zone, provider, signal, intensity, age, quality, threshold',
      params: regionParamsSchema,
      responses: [{ status: 200, description: 'the region', schema: regionStatusSchema }],
      problems: ['not-found'],
      handle: async (deps, { params }) => ok(await getRegion(deps, params.region as string)),
    },
    {
      method: 'GET',
      path: '/v1/forecast/{region}',
      operationId: 'getForecast',
      summary: 'The stored forecast of a region and the cleanest window for a job of durationMinutes',
      params: regionParamsSchema,
      query: forecastQuerySchema,
      responses: [{ status: 200, description: 'the forecast', schema: forecastResponseSchema }],
      problems: ['not-found'],
      handle: async (deps, { params, query }) =>
        ok(await getForecast(deps, params.region as string, query.durationMinutes as number)),
    },
    {
      method: 'GET',
      path: '/v1/instances',
      operationId: 'listInstances',
      summary: 'Managed instances with state, schedule, last action and footprint (paginated)',
      query: instancesQuerySchema,
      responses: [{ status: 200, description: 'one page of instances', schema: instancesResponseSchema }],
      problems: [],
      handle: async (deps, { query }) => ok(await listInstances(deps, query as Parameters<typeof listInstances>[1])),
    },
    {
      method: 'GET',
      path: '/v1/instances/{id}',
      operationId: 'getInstance',
      summary: 'One managed instance with its footprint and last actions',
      params: instanceParamsSchema,
      responses: [{ status: 200, description: 'the instance', schema: instanceDetailSchema }],
      problems: ['not-found'],
      handle: async (deps, { params }) => ok(await getInstance(deps, params.id as string)),
    },
    {
      method: 'GET',
      path: '/v1/metrics',
      operationId: 'getMetrics',
      summary: 'Totals today, this month and all time: dollars saved, CO2e avoided, actions, jobs',
      responses: [{ status: 200, description: 'totals', schema: metricsResponseSchema }],
      problems: [],
      handle: async (deps) => ok(await getMetrics(deps)),
    },
    {
      method: 'POST',
      path: '/v1/estimate',
      operationId: 'estimate',
      summary: "A job's energy, emissions and cost per region now, and its cleanest start (the CLI's estimate)",
      body: estimateRequestSchema,
      responses: [{ status: 200, description: 'the estimate', schema: estimateResponseSchema }],
      problems: ['payload-too-large', 'unsupported-media-type'],
      handle: async (deps, { body }) => ok(await estimate(deps, body as Parameters<typeof estimate>[1], defaults)),
    },
    {
      method: 'POST',
      path: '/v1/jobs',
      operationId: 'submitJob',
      summary: 'Submit a carbon-aware job to the dispatcher (a JobRequested event)',
      body: jobSubmissionSchema,
      responses: [
        { status: 202, description: 'submitted: GET location for the decision', schema: jobAcceptedSchema },
        { status: 200, description: 'a job with this idempotency key was already decided', schema: jobAcceptedSchema },
      ],
      problems: ['payload-too-large', 'unsupported-media-type'],
      handle: async (deps, { body }) => {
        const result = await submitJob(deps, body as Parameters<typeof submitJob>[1]);
        return { status: result.status, json: result.body };
      },
    },
    {
      method: 'GET',
      path: '/v1/jobs/{id}',
      operationId: 'getJob',
      summary: "A job's decision, region, deferral and outcome",
      params: jobParamsSchema,
      responses: [{ status: 200, description: 'the job', schema: jobResponseSchema }],
      problems: ['not-found'],
      handle: async (deps, { params }) => ok(await getJob(deps, params.id as string)),
    },
    {
      method: 'GET',
      path: '/v1/reports',
      operationId: 'getReport',
      summary: 'The cost and carbon report of [from, to), as JSON or CSV',
      query: reportsQuerySchema,
      responses: [
        {
          status: 200,
          description: 'the report model (json) or its CSV',
          schema: reportResponseSchema,
          text: ['text/csv'],
        },
      ],
      problems: [],
      handle: async (deps, { query }) => {
        const report = await getReport(deps, query as Parameters<typeof getReport>[1]);
        return 'csv' in report
          ? { status: 200, text: report.csv, contentType: 'text/csv; charset=utf-8' }
          : ok(report.json);
      },
    },
  ];
}
