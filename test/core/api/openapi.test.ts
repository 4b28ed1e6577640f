import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../../lambdas/contract';
import { apiRoutes } from '../../../lambdas/core/api/route-table';
import { repositoryRoot } from '../../../lib/paths';
import { openApiText } from '../../../scripts/openapi';

const committed = JSON.parse(readFileSync(join(repositoryRoot, 'docs', 'openapi.json'), 'utf8')) as {
  openapi: string;
  paths: Record<string, Record<string, { security: unknown; responses: Record<string, unknown> }>>;
};

describe('Module: API OpenAPI document', () => {
  it('docs/openapi.json is the document generated from the zod schemas (run npm run openapi when this fails)', () => {
    // Assess
    expect(committed).toEqual(JSON.parse(openApiText()));
  });

  it('declares every route of the contract, each with SigV4 security and a problem response for 400 and 500', () => {
    // Act
    const declared = Object.entries(committed.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );

    // Assess
    expect(committed.openapi).toBe('3.1.0');
    expect(declared.sort()).toEqual(API_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    for (const operations of Object.values(committed.paths)) {
      for (const operation of Object.values(operations)) {
        expect(operation.security).toEqual([{ sigv4: [] }]);
        expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['400', '500']));
      }
    }
  });

  it('routes exactly the routes the CDK app creates (lambdas/contract/api.ts)', () => {
    // Act
    const routed = apiRoutes({ workerMemoryMB: 512, workerTimeoutMinutes: 5 }).map((r) => `${r.method} ${r.path}`);

    // Assess
    expect(routed.sort()).toEqual(API_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('has schemas that compile as JSON Schema 2020-12', () => {
    // Prepare
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const schemas: unknown[] = [];
    const collect = (value: unknown): void => {
      if (value && typeof value === 'object') {
        const record = value as Record<string, unknown>;
        if (record.schema && typeof record.schema === 'object' && !('$ref' in (record.schema as object))) {
          schemas.push(record.schema);
        }
        for (const child of Object.values(record)) collect(child);
      }
    };
    collect(committed.paths);

    // Act / Assess
    expect(schemas.length).toBeGreaterThan(20);
    for (const schema of schemas) expect(() => ajv.compile(schema as object)).not.toThrow();
  });
});
