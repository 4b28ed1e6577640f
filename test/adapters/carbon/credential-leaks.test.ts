import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ElectricityMapsProvider } from '../../../lambdas/adapters/carbon/electricity-maps';
import { InvalidEndpointError, providerEndpointsFromEnv } from '../../../lambdas/adapters/carbon/endpoints';
import { HttpJsonClient } from '../../../lambdas/adapters/carbon/http-client';
import { redactCredentials } from '../../../lambdas/adapters/carbon/redact';
import { WattTimeProvider } from '../../../lambdas/adapters/carbon/watttime';
import { WattTimeTokenCache } from '../../../lambdas/adapters/carbon/watttime-token-cache';
import { SecretValue } from '../../../lambdas/adapters/secrets/secret-value';
import { CarbonProviderError } from '../../../lambdas/core/carbon/provider';
import { type ReplayServer, startReplayServer } from '../../support/replay-server';

const EM_KEY = 'em-key-4f1d9c2ab7e3';
const WT_PASSWORD = 'wt-pass-8c3e1f';
const WT_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.wt-token-5b7a.sig';
const HTTP = { timeoutMs: 2000, maxRetries: 0 };

let servers: ReplayServer[] = [];
let raw: Server | undefined;
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  await new Promise<void>((resolve) => (raw ? raw.close(() => resolve()) : resolve()));
  raw = undefined;
});

async function failure(promise: Promise<unknown>): Promise<CarbonProviderError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CarbonProviderError) return error;
    throw error;
  }
  throw new Error('expected a CarbonProviderError');
}

/** Everything a leak could reach: the message, the JSON form a logger prints, and the stack. */
const everything = (error: CarbonProviderError): string =>
  `${error.message}\n${JSON.stringify(error)}\n${error.stack ?? ''}`;

describe('Adversarial: credentials never leave a provider client', () => {
  it('an Electricity Maps server echoing the request headers in a 400 body leaks no key', async () => {
    // Prepare: the echo holds the key as a header line, as JSON and as a query-style pair.
    const echo = (request: { headers: Record<string, unknown> }) => ({
      status: 400,
      body: {
        message: `bad zone; you sent auth-token: ${String(request.headers['auth-token'])} and headers ${JSON.stringify(request.headers)}`,
      },
    });
    const server = await startReplayServer([{ path: /.*/, respond: echo }]);
    servers.push(server);
    const em = new ElectricityMapsProvider({ baseUrl: server.url, apiKey: new SecretValue(EM_KEY), http: HTTP });

    // Act
    const error = await failure(em.latest('DE', new Date('2024-03-06T19:20:00Z')));

    // Assess: the key did go out (so the echo held it) but reached no part of the error.
    expect(server.requests[0]?.headers['auth-token']).toBe(EM_KEY);
    expect(error.kind).toBe('unknown-zone');
    expect(everything(error)).not.toContain(EM_KEY);
    expect(error.message).toContain('[redacted]');
    expect(error.message.length).toBeLessThan(400);
  });

  it('a WattTime server echoing the Basic login and the Bearer token leaks neither password nor token', async () => {
    // Prepare: login succeeds with a token, the signal call echoes the authorization header in a 400.
    const server = await startReplayServer([
      { path: '/login', responses: [{ body: { token: WT_TOKEN } }] },
      {
        path: /.*/,
        respond: (request) => ({
          status: 400,
          raw: `{"error":"invalid region","echo":{"authorization":"${String(request.headers.authorization)}","token":"${WT_TOKEN}"}}`,
        }),
      },
    ]);
    servers.push(server);
    const wt = new WattTimeProvider({
      baseUrl: server.url,
      username: 'freddo',
      password: new SecretValue(WT_PASSWORD),
      http: HTTP,
      tokenCache: new WattTimeTokenCache(),
    });

    // Act
    const error = await failure(wt.latest('CAISO_NORTH', new Date('2024-03-06T19:20:00Z')));

    // Assess
    expect(everything(error)).not.toContain(WT_TOKEN);
    expect(everything(error)).not.toContain(WT_PASSWORD);
  });

  it('a WattTime login answering 403 with the Basic credentials echoed leaks no password', async () => {
    // Prepare
    const basic = Buffer.from(`freddo:${WT_PASSWORD}`).toString('base64');
    const server = await startReplayServer([
      { path: '/login', responses: [{ status: 403, raw: `denied for Basic ${basic} (freddo:${WT_PASSWORD})` }] },
    ]);
    servers.push(server);
    const client = new HttpJsonClient('watttime', HTTP);

    // Act
    const error = await failure(client.getJson(new URL(`${server.url}/login`), { authorization: `Basic ${basic}` }));

    // Assess
    expect(error.kind).toBe('auth');
    expect(everything(error)).not.toContain(WT_PASSWORD);
    expect(everything(error)).not.toContain(basic);
  });

  it('a 200 body that is not JSON but echoes the key does not leak it through the parse error', async () => {
    // Prepare
    const server = await startReplayServer([{ path: '/x', responses: [{ raw: `${EM_KEY} is your key` }] }]);
    servers.push(server);
    const client = new HttpJsonClient('electricitymaps', HTTP);

    // Act
    const error = await failure(client.getJson(new URL(`${server.url}/x`), { 'auth-token': EM_KEY }));

    // Assess
    expect(error.kind).toBe('malformed');
    expect(everything(error)).not.toContain(EM_KEY);
  });

  it('a redirecting provider is refused: the credential never reaches the other origin', async () => {
    // Prepare: the "other origin" records every request; the provider answers 302 to it.
    const other = await startReplayServer([{ path: /.*/, responses: [{ body: { carbonIntensity: 1 } }] }]);
    servers.push(other);
    raw = createServer((_req, res) => {
      res.writeHead(302, { location: `${other.url}/steal` });
      res.end();
    });
    await new Promise<void>((resolve) => raw?.listen(0, '127.0.0.1', resolve));
    const port = (raw.address() as AddressInfo).port;
    const client = new HttpJsonClient('electricitymaps', HTTP);

    // Act
    const error = await failure(
      client.getJson(new URL(`http://127.0.0.1:${port}/v3/latest`), { 'auth-token': EM_KEY }),
    );

    // Assess
    expect(error.kind).toBe('network');
    expect(error.message).toBe(
      'GET /v3/latest was redirected; redirects are refused so credentials never reach another origin',
    );
    expect(other.requests).toHaveLength(0);
  });
});

describe('Function: providerEndpointsFromEnv (https only)', () => {
  it('accepts https:// anywhere and http:// on the loopback interface only', () => {
    // Act
    const endpoints = providerEndpointsFromEnv({
      ELECTRICITYMAPS_API_URL: 'https://proxy.example.com/em',
      WATTTIME_API_URL: 'http://127.0.0.1:8080',
      UK_CARBON_INTENSITY_API_URL: 'http://localhost:9000',
    });

    // Assess
    expect(endpoints).toEqual({
      electricityMaps: 'https://proxy.example.com/em',
      wattTime: 'http://127.0.0.1:8080',
      ukCarbonIntensity: 'http://localhost:9000',
    });
  });

  it.each([
    ['http://proxy.example.com/em', 'is plain http:// to proxy.example.com, not the loopback interface'],
    ['ftp://127.0.0.1/em', 'uses ftp:'],
    ['not a url', 'is not a URL'],
  ])('refuses %s naming the variable', (value, why) => {
    // Act / Assess
    expect(() => providerEndpointsFromEnv({ ELECTRICITYMAPS_API_URL: value })).toThrow(
      new InvalidEndpointError('ELECTRICITYMAPS_API_URL', value, why),
    );
  });

  it('refuses a URL with a user or password without echoing it', () => {
    // Act
    const run = () => providerEndpointsFromEnv({ WATTTIME_API_URL: `https://freddo:${WT_PASSWORD}@wt.example.com` });

    // Assess
    expect(run).toThrow(InvalidEndpointError);
    expect(run).toThrow('WATTTIME_API_URL="https://[redacted]@wt.example.com" carries a user or password');
    expect(run).not.toThrow(WT_PASSWORD);
  });
});

describe('Function: redactCredentials', () => {
  it.each([
    ['{"token":"abc123xyz"}', [], '{"token":[redacted]}'],
    ['api_key=abc123xyz&zone=DE', [], 'api_key=[redacted]&zone=DE'],
    ['Authorization: Bearer abc.def.ghi', [], 'Authorization: [redacted] [redacted]'],
    ['your key k3y-v4lue is wrong', ['k3y-v4lue'], 'your key [redacted] is wrong'],
    ['"password": "s3cr3t!"', [], '"password": [redacted]'],
  ])('%s → %s', (text, secrets, expected) => {
    // Act / Assess
    expect(redactCredentials(text, secrets)).toBe(expected);
  });

  it('truncates to 160 characters on one line', () => {
    // Act
    const out = redactCredentials(`a\n${'b'.repeat(300)}`);

    // Assess
    expect(out).toHaveLength(160);
    expect(out.endsWith('...')).toBe(true);
    expect(out).not.toContain('\n');
  });
});
