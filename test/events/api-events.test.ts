import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseApiEvent } from '../../lambdas/handlers/api';

const EVENTS_DIR = join(import.meta.dirname, '../../events');
const load = (name: string): unknown => JSON.parse(readFileSync(join(EVENTS_DIR, name), 'utf8'));

describe('Module: events/ of the API function', () => {
  it('api-get-regions.json is an HTTP API v2 request for GET /v1/regions', () => {
    // Act
    const request = parseApiEvent(load('api-get-regions.json'));

    // Assess
    expect(request).toMatchObject({ method: 'GET', path: '/v1/regions', query: {} });
  });

  it('api-post-estimate.json is an HTTP API v2 request for POST /v1/estimate with a JSON body', () => {
    // Act
    const request = parseApiEvent(load('api-post-estimate.json'));

    // Assess
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body!)).toEqual({
      instanceType: 'm5.large',
      hours: 4,
      regions: ['eu-north-1', 'eu-west-3'],
    });
  });
});
