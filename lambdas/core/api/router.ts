import type * as z from 'zod';
import type { ApiDependencies } from './ports';
import { ApiProblem, type FieldProblem, problemBody } from './problem';
import type { RouteDefinition } from './route-table';

/**
 * Routing of one HTTP request through the route table: match the path, validate path parameters, query and body
 * with the route's schemas, call the route, and answer JSON or problem details (docs/api.md, "Errors").
 */

/** Largest request body accepted, bytes (a job request is far smaller; the dispatcher caps job payloads). */
export const MAX_BODY_BYTES = 65_536;

/** One HTTP request as the handler hands it over (from an API Gateway HTTP API payload v2 event). */
export interface ApiRequest {
  readonly method: string;
  /** The request path without the stage, e.g. `/v1/regions/eu-north-1`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body?: string;
  readonly requestId?: string;
}

/** The response, ready for API Gateway. */
export interface ApiResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** What the router did: the response, the matched route, and the unexpected error behind a 500 (for the log). */
export interface RoutedResponse {
  readonly response: ApiResponse;
  readonly route?: RouteDefinition;
  readonly unexpected?: unknown;
}

interface CompiledRoute {
  readonly route: RouteDefinition;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

function compile(route: RouteDefinition): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((part) => {
      const match = /^\{(\w+)\}$/.exec(part);
      if (!match) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(match[1]!);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`), names };
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

function problemResponse(problem: ApiProblem, request: ApiRequest): ApiResponse {
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...problem.headers },
    body: JSON.stringify(problem.body(request.path, request.requestId)),
  };
}

function fieldProblems(prefix: string, error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const field = path ? `${prefix}.${path}` : prefix;
    const unknown =
      issue.code === 'unrecognized_keys' ? ` (${issue.keys.map((k) => `${prefix}.${k}`).join(', ')})` : '';
    return { field, message: `${issue.message}${unknown}` };
  });
}

function validate<T>(schema: z.ZodType<T> | undefined, prefix: string, value: unknown): T {
  if (!schema) return value as T;
  const result = schema.safeParse(value);
  if (!result.success) {
    const errors = fieldProblems(prefix, result.error);
    throw new ApiProblem('bad-request', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
  }
  return result.data;
}

function parseBody(route: RouteDefinition, request: ApiRequest): unknown {
  if (!route.body) return undefined;
  const text = request.body ?? '';
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_BODY_BYTES) {
    throw new ApiProblem('payload-too-large', `the body has ${bytes} bytes; at most ${MAX_BODY_BYTES} are accepted`);
  }
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new ApiProblem(
      'unsupported-media-type',
      `content-type ${JSON.stringify(type || '(none)')} is not accepted; send the body as application/json`,
    );
  }
  if (text.trim() === '')
    throw new ApiProblem('bad-request', 'body: missing; send a JSON object', [{ field: 'body', message: 'missing' }]);
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = `not valid JSON (${(error as Error).message})`;
    throw new ApiProblem('bad-request', `body: ${message}`, [{ field: 'body', message }]);
  }
}

/** A router over `routes`. */
export function createRouter(routes: readonly RouteDefinition[]) {
  const compiled = routes.map(compile);
  return async (deps: ApiDependencies, request: ApiRequest): Promise<RoutedResponse> => {
    const path = request.path.length > 1 ? request.path.replace(/\/+$/, '') : request.path;
    const matching = compiled
      .map((entry) => ({ entry, match: entry.pattern.exec(path) }))
      .filter((m): m is { entry: CompiledRoute; match: RegExpExecArray } => m.match !== null);
    try {
      if (matching.length === 0) {
        throw new ApiProblem(
          'not-found',
          `no route ${request.method} ${path}; the API's routes: ${routes.map((r) => `${r.method} ${r.path}`).join(', ')}`,
        );
      }
      const found = matching.find((m) => m.entry.route.method === request.method.toUpperCase());
      if (!found) {
        const allow = matching.map((m) => m.entry.route.method).join(', ');
        throw new ApiProblem(
          'method-not-allowed',
          `${request.method} is not allowed on ${path}; allowed: ${allow}`,
          [],
          {
            allow,
          },
        );
      }
      const { route, names } = found.entry;
      let params: Record<string, string>;
      try {
        params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found.match[i + 1]!)]));
      } catch {
        throw new ApiProblem('bad-request', `path: ${path} is not a valid URL path (bad percent-encoding)`);
      }
      const input = {
        params: validate(route.params, 'path', params) as Record<string, unknown>,
        query: validate(route.query, 'query', { ...request.query }) as Record<string, unknown>,
        body: route.body ? validate(route.body, 'body', parseBody(route, request)) : undefined,
      };
      if (!route.query) {
        const extra = Object.keys(request.query);
        if (extra.length > 0)
          throw new ApiProblem('bad-request', `query: ${route.path} takes no query parameters (${extra.join(', ')})`);
      }
      const result = await route.handle(deps, input);
      const response: ApiResponse =
        'json' in result
          ? { statusCode: result.status, headers: { ...JSON_HEADERS }, body: JSON.stringify(result.json) }
          : {
              statusCode: result.status,
              headers: { 'content-type': result.contentType, 'cache-control': 'no-store' },
              body: result.text,
            };
      return { response, route };
    } catch (error) {
      if (error instanceof ApiProblem)
        return { response: problemResponse(error, request), ...found(matching, request) };
      const detail = `the request could not be answered; quote request id ${request.requestId ?? '(none)'} to the operator`;
      return {
        response: {
          statusCode: 500,
          headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
          body: JSON.stringify(
            problemBody('internal-error', detail, {
              instance: request.path,
              ...(request.requestId ? { requestId: request.requestId } : {}),
            }),
          ),
        },
        unexpected: error,
      };
    }
  };
}

function found(matching: readonly { entry: CompiledRoute }[], request: ApiRequest): { route?: RouteDefinition } {
  const route = matching.find((m) => m.entry.route.method === request.method.toUpperCase())?.entry.route;
  return route ? { route } : {};
}
