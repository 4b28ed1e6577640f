import * as z from 'zod';
import { PROBLEMS, type ProblemKind } from './problem';
import type { RouteDefinition } from './route-table';
import { problemSchema } from './schemas';

/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the route table and its zod schemas (`z.toJSONSchema`,
 * JSON Schema 2020-12, the dialect of OpenAPI 3.1). `npm run openapi` writes it to docs/openapi.json; a test fails
 * when the committed file differs (docs/api.md).
 */

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
};

/** Problems every route can answer. */
const COMMON_PROBLEMS: readonly ProblemKind[] = ['bad-request', 'internal-error'];

function parameters(route: RouteDefinition): JsonSchema[] {
  const of = (schema: z.ZodObject | undefined, where: 'path' | 'query'): JsonSchema[] => {
    if (!schema) return [];
    const output = toSchema(schema, 'output') as { properties?: Record<string, JsonSchema> };
    const input = toSchema(schema, 'input') as { required?: string[] };
    return Object.entries(output.properties ?? {}).map(([name, property]) => {
      const { description, ...rest } = property;
      return {
        name,
        in: where,
        required: where === 'path' || (input.required ?? []).includes(name),
        ...(description ? { description } : {}),
        schema: rest,
      };
    });
  };
  return [...of(route.params, 'path'), ...of(route.query, 'query')];
}

/** The OpenAPI 3.1 document of `routes`. */
export function openApiDocument(routes: readonly RouteDefinition[], version: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const responses: Record<string, unknown> = {};
    for (const response of route.responses) {
      const content: Record<string, unknown> = {};
      if (response.schema) content['application/json'] = { schema: toSchema(response.schema, 'output') };
      for (const type of response.text ?? []) content[type] = { schema: { type: 'string' } };
      responses[String(response.status)] = { description: response.description, content };
    }
    for (const kind of [...COMMON_PROBLEMS, ...route.problems]) {
      responses[String(PROBLEMS[kind].status)] = {
        description: PROBLEMS[kind].title,
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      };
    }
    const params = parameters(route);
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      security: [{ sigv4: [] }],
      ...(params.length > 0 ? { parameters: params } : {}),
      ...(route.body
        ? {
            requestBody: { required: true, content: { 'application/json': { schema: toSchema(route.body, 'input') } } },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'carbon-aware-scheduler sustainability API',
      version,
      description:
        'Carbon data and decisions of carbon-aware-scheduler: regions, forecasts, instances, totals, estimates, jobs, reports and health. Every route is authorised with AWS IAM (SigV4, service execute-api). See docs/api.md.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
        variables: { apiId: { default: 'example' }, region: { default: 'eu-central-1' } },
      },
    ],
    paths,
    components: {
      schemas: { Problem: toSchema(problemSchema, 'output') },
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description:
            'AWS Signature Version 4 (service execute-api); the caller needs execute-api:Invoke on the route.',
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
      },
    },
  };
}
