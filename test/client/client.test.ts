import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, NodeSha256, SustainabilityApiClient } from '../../client';

/** The client against a loopback server that checks each request's SigV4 signature by signing it again. */
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const verifier = new SignatureV4({ service: 'execute-api', region: 'eu-central-1', credentials, sha256: NodeSha256 });

interface Seen {
  method: string;
  url: string;
  body: string;
  signatureValid: boolean;
  authorization: string;
}
let seen: Seen[] = [];
let answers: { status: number; body: unknown; headers?: Record<string, string> }[] = [];
let server: Server;
let baseUrl: string;

async function read(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Re-sign the request as received with the same time: a valid signature gives the same Authorization. */
async function signatureValid(request: IncomingMessage, body: string): Promise<boolean> {
  const url = new URL(request.url!, baseUrl);
  const date = String(request.headers['x-amz-date']);
  const signingDate = new Date(
    `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
  );
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(String(request.headers.authorization))?.[1]?.split(';') ?? [];
  const headers = Object.fromEntries(signedHeaders.map((name) => [name, String(request.headers[name])]));
  const again = await verifier.sign(
    {
      method: request.method!,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      ...(body ? { body } : {}),
    },
    { signingDate },
  );
  return again.headers.authorization === request.headers.authorization;
}

function client(overrides: Partial<ConstructorParameters<typeof SustainabilityApiClient>[0]> = {}) {
  return new SustainabilityApiClient({
    baseUrl,
    region: 'eu-central-1',
    credentials,
    sleep: async () => {},
    random: () => 0.5,
    ...overrides,
  });
}

describe('Client: SustainabilityApiClient', () => {
  beforeAll(async () => {
    server = createServer(async (request, response) => {
      const body = await read(request);
      seen.push({
        method: request.method!,
        url: request.url!,
        body,
        signatureValid: await signatureValid(request, body),
        authorization: String(request.headers.authorization),
      });
      const answer = answers.shift() ?? { status: 200, body: {} };
      const isText = typeof answer.body === 'string';
      response.writeHead(answer.status, {
        'content-type': answer.status >= 400 ? 'application/problem+json' : isText ? 'text/csv' : 'application/json',
        ...answer.headers,
      });
      response.end(isText ? (answer.body as string) : JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    seen = [];
    answers = [];
  });

  it('signs every request with SigV4 for execute-api in the API region, query and body included', async () => {
    // Prepare
    answers = [
      { status: 200, body: { items: [] } },
      { status: 202, body: { jobId: 'api-1', status: 'submitted', location: '/v1/jobs/api-1' } },
    ];

    // Act
    await client().instances({ region: 'eu-central-1', limit: 5 });
    const accepted = await client().submitJob({
      job: { kind: 'report-location', estimatedKWh: 1 },
      idempotencyKey: 'k-1',
    });

    // Assess
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET /v1/instances?region=eu-central-1&limit=5',
      'POST /v1/jobs',
    ]);
    expect(seen.every((s) => s.signatureValid)).toBe(true);
    expect(seen[0]!.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-central-1\/execute-api\/aws4_request/,
    );
    expect(JSON.parse(seen[1]!.body)).toEqual({
      job: { kind: 'report-location', estimatedKWh: 1 },
      idempotencyKey: 'k-1',
    });
    expect(accepted.jobId).toBe('api-1');
  });

  it('retries 429 and 5xx with backoff (Retry-After when given) and signs each attempt again', async () => {
    // Prepare
    const waits: number[] = [];
    answers = [
      { status: 429, body: { title: 'Too Many Requests' }, headers: { 'retry-after': '2' } },
      { status: 503, body: { title: 'Service unavailable' } },
      { status: 200, body: { at: 'x', regions: [] } },
    ];

    // Act
    const result = await client({ sleep: async (ms) => void waits.push(ms) }).regions();

    // Assess: Retry-After 2 s, then full jitter 0.5 × 200 ms × 2^1 = 200 ms
    expect(result.regions).toEqual([]);
    expect(seen).toHaveLength(3);
    expect(waits).toEqual([2000, 200]);
    expect(seen.every((s) => s.signatureValid)).toBe(true);
  });

  it('gives up after maxAttempts and never retries a 4xx other than 429; the error carries the problem', async () => {
    // Prepare
    answers = [
      { status: 500, body: { title: 'Internal error', status: 500, detail: 'request id r-1' } },
      { status: 500, body: { title: 'Internal error', status: 500, detail: 'request id r-2' } },
      { status: 404, body: { title: 'Not found', status: 404, detail: 'instance "i-1" was not found' } },
    ];

    // Act
    const exhausted = await client({ maxAttempts: 2 })
      .metrics()
      .catch((e: unknown) => e);
    const missing = await client()
      .instance('i-1')
      .catch((e: unknown) => e);

    // Assess
    expect(exhausted).toBeInstanceOf(ApiError);
    expect((exhausted as ApiError).status).toBe(500);
    expect((exhausted as ApiError).problem?.detail).toBe('request id r-2');
    expect(missing).toBeInstanceOf(ApiError);
    expect((missing as ApiError).message).toBe('GET /v1/instances/i-1 → 404: instance "i-1" was not found');
    expect(seen).toHaveLength(3);
  });

  it('reads the CSV report as text', async () => {
    // Prepare
    answers = [{ status: 200, body: 'day,region\n2026-11-01,eu-central-1\n' }];

    // Act
    const csv = await client().reportCsv({ from: '2026-11-01', to: '2026-11-02' });

    // Assess
    expect(csv).toBe('day,region\n2026-11-01,eu-central-1\n');
    expect(seen[0]!.url).toBe('/v1/reports?from=2026-11-01&to=2026-11-02&format=csv');
  });
});
