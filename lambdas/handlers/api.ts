import { randomUUID } from 'node:crypto';
import { parse } from '@aws-lambda-powertools/parser';
import { APIGatewayProxyEventV2Schema } from '@aws-lambda-powertools/parser/schemas/api-gatewayv2';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsClient } from '../adapters/aws-client';
import { cloudWatchOpenAlarms } from '../adapters/cloudwatch/open-alarms';
import { DynamoApiReads } from '../adapters/dynamodb/api-reads';
import { documentClient } from '../adapters/dynamodb/table';
import { EventBridgeJobRequestPublisher } from '../adapters/eventbridge/job-request-publisher';
import { API_ALARM_NAME_PREFIX_ENV, TABLE_NAME_ENV, WORKER_MEMORY_MB, WORKER_TIMEOUT_SECONDS } from '../contract';
import { snapshotPriceBook, withOverrides } from '../core/accounting/price-book';
import type { ApiDependencies, ApiReadPorts, JobRequestPublisher } from '../core/api/ports';
import { apiRoutes } from '../core/api/route-table';
import { type ApiRequest, type ApiResponse, createRouter } from '../core/api/router';
import { type Clock, systemClock } from '../core/clock';
import type { Config } from '../core/config/schema';
import { type Environment, requiredVariable } from './shared/environment';
import { describeIssues, InvalidEventError } from './shared/events';
import { loadFunctionConfig } from './shared/function-config';
import { defaultTelemetry, oncePerContainer, type Telemetry } from './shared/telemetry';

/**
 * Parse an API Gateway HTTP API (payload format 2.0) event with Powertools' `APIGatewayProxyEventV2Schema` into the
 * request the router takes: method, path without the stage, query, lower-case headers, the body (base64 decoded).
 * @throws {InvalidEventError} naming each bad field when the event is not an HTTP API v2 event
 */
export function parseApiEvent(event: unknown): ApiRequest {
  const result = parse(event, undefined, APIGatewayProxyEventV2Schema, true);
  if (!result.success) {
    const cause = result.error.cause as { issues?: { path?: PropertyKey[]; message: string }[] } | undefined;
    throw new InvalidEventError(describeIssues(cause?.issues ?? [{ message: result.error.message }]));
  }
  const data = result.data;
  const stage = data.requestContext.stage;
  const path =
    stage !== '$default' && data.rawPath.startsWith(`/${stage}/`) ? data.rawPath.slice(stage.length + 1) : data.rawPath;
  const headers = Object.fromEntries(
    Object.entries(data.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const body =
    data.body === undefined
      ? undefined
      : data.isBase64Encoded
        ? Buffer.from(data.body, 'base64').toString('utf8')
        : data.body;
  return {
    method: data.requestContext.http.method,
    path,
    query: { ...(data.queryStringParameters ?? {}) },
    headers,
    ...(body !== undefined ? { body } : {}),
    requestId: data.requestContext.requestId,
  };
}

/** What the API is wired with. */
export interface ApiWiring {
  readonly config: Config;
  readonly reads: ApiReadPorts;
  readonly jobs: JobRequestPublisher;
  readonly clock: Clock;
  readonly telemetry: Telemetry;
  readonly newJobId: () => string;
}

/** Replacements for tests and local runs. */
export interface ApiWiringOverrides {
  readonly doc?: DynamoDBDocumentClient;
  readonly eventBridge?: EventBridgeClient;
  readonly cloudWatch?: CloudWatchClient;
  readonly clock?: Clock;
  readonly telemetry?: Telemetry;
  readonly newJobId?: () => string;
}

/**
 * Wire the API from its environment, once per container: `LAMBDA_TASK_ROOT` (the bundled `config.json`),
 * `TABLE_NAME` and `API_ALARM_NAME_PREFIX`. The AWS clients use the function's region (the home region).
 * @throws {ConfigError} when `config.json` is missing or invalid
 * @throws {EnvironmentError} when `TABLE_NAME` or `API_ALARM_NAME_PREFIX` is missing
 */
export function apiWiringFromEnvironment(
  env: Environment = process.env,
  overrides: ApiWiringOverrides = {},
): ApiWiring {
  const config = loadFunctionConfig(env);
  const tableName = requiredVariable(env, TABLE_NAME_ENV, 'the state table name');
  const alarmPrefix = requiredVariable(env, API_ALARM_NAME_PREFIX_ENV, "the name prefix of the product's alarms");
  const cloudWatch = overrides.cloudWatch ?? awsClient(CloudWatchClient, {});
  return {
    config,
    reads: new DynamoApiReads(overrides.doc ?? documentClient(), tableName, {
      openAlarms: cloudWatchOpenAlarms(cloudWatch, alarmPrefix),
    }),
    jobs: new EventBridgeJobRequestPublisher(overrides.eventBridge ?? new EventBridgeClient({})),
    clock: overrides.clock ?? systemClock,
    telemetry: overrides.telemetry ?? defaultTelemetry(),
    newJobId: overrides.newJobId ?? (() => `api-${randomUUID()}`),
  };
}

const router = createRouter(
  apiRoutes({ workerMemoryMB: WORKER_MEMORY_MB, workerTimeoutMinutes: WORKER_TIMEOUT_SECONDS / 60 }),
);

/**
 * Build the API handler: parse the HTTP API event, route it (lambdas/core/api/router.ts), log one line per request
 * (method, path, route, status) and answer. Problems are answered as problem details (RFC 9457); an unexpected error
 * is logged at ERROR with its stack and answered as a 500 naming only the request id, never the stack.
 * The API reads only, except `POST /v1/jobs`, which puts one `JobRequested` event.
 * @throws {InvalidEventError} for an event that is not an HTTP API v2 event (nothing read)
 */
export function createApiHandler(wiring: ApiWiring | (() => ApiWiring)): (event: unknown) => Promise<ApiResponse> {
  return async (event) => {
    const request = parseApiEvent(event);
    const wired = typeof wiring === 'function' ? wiring() : wiring;
    const { logger } = wired.telemetry;
    const deps: ApiDependencies = {
      config: wired.config,
      reads: wired.reads,
      jobs: wired.jobs,
      prices: withOverrides(snapshotPriceBook(), wired.config.priceOverrides),
      clock: wired.clock,
      newJobId: wired.newJobId,
    };
    const routed = await router(deps, request);
    const fields = {
      method: request.method,
      path: request.path,
      route: routed.route ? `${routed.route.method} ${routed.route.path}` : null,
      status: routed.response.statusCode,
      requestId: request.requestId,
    };
    if (routed.unexpected !== undefined) {
      const error = routed.unexpected;
      logger.error('API request failed', { ...fields, error: error instanceof Error ? error : String(error) });
    } else if (routed.response.statusCode >= 400) {
      logger.warn('API request refused', { ...fields, detail: JSON.parse(routed.response.body).detail });
    } else {
      logger.info('API request', fields);
    }
    return routed.response;
  };
}

/** The API Lambda (home region), behind the HTTP API's routes. */
export const handler = createApiHandler(oncePerContainer(() => apiWiringFromEnvironment()));
