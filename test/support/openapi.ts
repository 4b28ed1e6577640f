import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { repositoryRoot } from '../../lib/paths';

/**
 * Validation of responses against the committed OpenAPI document (docs/openapi.json) with ajv (JSON Schema
 * 2020-12, the dialect of OpenAPI 3.1): the contract tests of the HTTP API.
 */
type Json = Record<string, unknown>;

let document: Json | undefined;
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });

/** The committed OpenAPI document. */
export function openApi(): Json {
  document ??= JSON.parse(readFileSync(join(repositoryRoot, 'docs', 'openapi.json'), 'utf8')) as Json;
  return document;
}

function resolve(schema: Json): Json {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.replace('#/components/schemas/', '');
  return ((openApi().components as Json).schemas as Json)[name] as Json;
}

/**
 * The problems of a response against the document: its route template, status, media type and body schema.
 * @returns [] when the response matches
 */
export function openApiProblems(
  method: string,
  route: string,
  response: { statusCode: number; headers: Record<string, string>; body: string },
): string[] {
  const operation = ((openApi().paths as Json)[route] as Json | undefined)?.[method.toLowerCase()] as Json | undefined;
  if (!operation) return [`no operation ${method} ${route} in docs/openapi.json`];
  const declared = (operation.responses as Json)[String(response.statusCode)] as Json | undefined;
  if (!declared) return [`${method} ${route} does not declare status ${response.statusCode}`];
  const type = (response.headers['content-type'] ?? '').split(';')[0]!.trim();
  const media = (declared.content as Json)[type] as Json | undefined;
  if (!media) return [`${method} ${route} ${response.statusCode} does not declare ${type}`];
  const schema = resolve(media.schema as Json);
  const body = type.endsWith('json') ? JSON.parse(response.body) : response.body;
  const validate = ajv.compile(schema);
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message}`);
}
