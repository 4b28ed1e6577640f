/**
 * The routes of the HTTP API as the CDK app creates them (one API Gateway route each, AWS_IAM authorised) and the
 * handler routes them (lambdas/core/api/route-table.ts; a test checks both lists are the same). docs/api.md.
 */
export const API_ROUTES = [
  { method: 'GET', path: '/v1/health' },
  { method: 'GET', path: '/v1/regions' },
  { method: 'GET', path: '/v1/regions/{region}' },
  { method: 'GET', path: '/v1/forecast/{region}' },
  { method: 'GET', path: '/v1/instances' },
  { method: 'GET', path: '/v1/instances/{id}' },
  { method: 'GET', path: '/v1/metrics' },
  { method: 'POST', path: '/v1/estimate' },
  { method: 'POST', path: '/v1/jobs' },
  { method: 'GET', path: '/v1/jobs/{id}' },
  { method: 'GET', path: '/v1/reports' },
] as const;

export type ApiRoute = (typeof API_ROUTES)[number];

/** Throttling of the API's stage: steady requests per second and burst (API Gateway token bucket). */
export const API_THROTTLE = { rateLimit: 20, burstLimit: 40 } as const;
