import { afterEach, describe, expect, it } from 'vitest';
import { buildUrl, HttpJsonClient } from '../../../lambdas/adapters/carbon/http-client';
import { CarbonProviderError } from '../../../lambdas/core/carbon/provider';
import { fixedClock } from '../../../lambdas/core/clock';
import { type ReplayServer, recordingSleep, refusedUrl, startReplayServer } from '../../support/replay-server';

let server: ReplayServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
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

describe('Module: http-client', () => {
  describe('Function: buildUrl', () => {
    it('keeps a base path prefix and adds the query', () => {
      // Act
      const url = buildUrl('http://proxy.local/em/', '/v3/carbon-intensity/latest', { zone: 'DE' });

      // Assess
      expect(url.toString()).toBe('http://proxy.local/em/v3/carbon-intensity/latest?zone=DE');
    });
  });

  describe('Class: HttpJsonClient', () => {
    it('retries HTTP 500 with full-jitter backoff and returns the body of the success', async () => {
      // Prepare
      server = await startReplayServer([
        { path: '/data', responses: [{ status: 500 }, { status: 503 }, { body: { ok: 1 } }] },
      ]);
      const { sleep, waits } = recordingSleep();
      const client = new HttpJsonClient('electricitymaps', {
        timeoutMs: 2000,
        maxRetries: 2,
        sleep,
        random: () => 0.5,
      });

      // Act
      const body = await client.getJson(new URL(`${server.url}/data`));

      // Assess: jitter ceilings 250 and 500 ms, random 0.5 → 125 and 250 ms.
      expect(body).toEqual({ ok: 1 });
      expect(waits).toEqual([125, 250]);
      expect(server.count('/data')).toBe(3);
    });

    it('honours Retry-After in seconds and as an HTTP date', async () => {
      // Prepare
      server = await startReplayServer([
        {
          path: '/data',
          responses: [
            { status: 429, headers: { 'retry-after': '3' } },
            { status: 503, headers: { 'retry-after': 'Wed, 21 Oct 2015 07:28:07 GMT' } },
            { body: [1] },
          ],
        },
      ]);
      const { sleep, waits } = recordingSleep();
      const client = new HttpJsonClient('watttime', {
        timeoutMs: 2000,
        maxRetries: 3,
        sleep,
        clock: fixedClock('2015-10-21T07:28:00Z'),
      });

      // Act
      await client.getJson(new URL(`${server.url}/data`));

      // Assess
      expect(waits).toEqual([3000, 7000]);
    });

    it('does not wait for a Retry-After above the cap and fails at once', async () => {
      // Prepare
      server = await startReplayServer([
        { path: '/data', responses: [{ status: 429, headers: { 'retry-after': '120' } }] },
      ]);
      const { sleep, waits } = recordingSleep();
      const client = new HttpJsonClient('electricitymaps', { timeoutMs: 2000, maxRetries: 2, sleep });

      // Act
      const error = await failure(client.getJson(new URL(`${server.url}/data`)));

      // Assess
      expect(error.kind).toBe('rate-limited');
      expect(error.message).toBe(
        'GET /data → HTTP 429 Too Many Requests; Retry-After 120 s exceeds the 10 s cap, not retried',
      );
      expect(waits).toEqual([]);
      expect(server.count()).toBe(1);
    });

    it('gives up after maxRetries retries of HTTP 429', async () => {
      // Prepare
      server = await startReplayServer([{ path: '/data', responses: [{ status: 429 }] }]);
      const { sleep, waits } = recordingSleep();
      const client = new HttpJsonClient('electricitymaps', { timeoutMs: 2000, maxRetries: 2, sleep, random: () => 0 });

      // Act
      const error = await failure(client.getJson(new URL(`${server.url}/data`)));

      // Assess
      expect(error).toMatchObject({ kind: 'rate-limited', status: 429 });
      expect(error.message).toBe('GET /data → HTTP 429 Too Many Requests after 3 attempts');
      expect(waits).toHaveLength(2);
      expect(server.count()).toBe(3);
    });

    it.each([
      [401, 'auth'],
      [403, 'auth'],
      [404, 'http'],
    ])('does not retry HTTP %d (%s) and quotes the error message of the body', async (status, kind) => {
      // Prepare
      server = await startReplayServer([
        { path: '/data', responses: [{ status, body: { message: 'Zone X unknown' } }] },
      ]);
      const client = new HttpJsonClient('electricitymaps', {
        timeoutMs: 2000,
        maxRetries: 2,
        sleep: recordingSleep().sleep,
      });

      // Act
      const error = await failure(client.getJson(new URL(`${server.url}/data`)));

      // Assess
      expect(error).toMatchObject({ kind, status });
      expect(error.message).toContain(`HTTP ${status}`);
      expect(error.message).toContain(': Zone X unknown');
      expect(server.count()).toBe(1);
    });

    it('times out a slow answer', async () => {
      // Prepare
      server = await startReplayServer([{ path: '/slow', responses: [{ delayMs: 2000, body: {} }] }]);
      const client = new HttpJsonClient('uk-carbon-intensity', { timeoutMs: 100, maxRetries: 2 });

      // Act
      const error = await failure(client.getJson(new URL(`${server.url}/slow`)));

      // Assess
      expect(error.kind).toBe('timeout');
      expect(error.message).toBe('GET /slow timed out after 100 ms');
    });

    it('stops a request when the run time budget runs out, and starts none after', async () => {
      // Prepare
      server = await startReplayServer([{ path: '/slow', responses: [{ delayMs: 2000, body: {} }] }]);
      const budget = AbortSignal.timeout(100);
      const client = new HttpJsonClient('electricitymaps', { timeoutMs: 2000, maxRetries: 2, budget });

      // Act
      const first = await failure(client.getJson(new URL(`${server.url}/slow`)));
      const second = await failure(client.getJson(new URL(`${server.url}/slow`)));

      // Assess
      expect(first).toMatchObject({
        kind: 'timeout',
        message: "GET /slow not completed: the run's time budget is used up",
      });
      expect(second.message).toBe("GET /slow not completed: the run's time budget is used up");
      expect(server.count()).toBe(1);
    });

    it('reports a refused connection', async () => {
      // Prepare
      const url = await refusedUrl();
      const client = new HttpJsonClient('electricitymaps', { timeoutMs: 2000, maxRetries: 2 });

      // Act
      const error = await failure(client.getJson(new URL(`${url}/data`)));

      // Assess
      expect(error.kind).toBe('network');
      expect(error.message).toBe('GET /data failed to connect (ECONNREFUSED)');
    });

    it('reports a body that is not JSON', async () => {
      // Prepare
      server = await startReplayServer([{ path: '/data', responses: [{ raw: '<html>maintenance</html>' }] }]);
      const client = new HttpJsonClient('electricitymaps', { timeoutMs: 2000, maxRetries: 0 });

      // Act
      const error = await failure(client.getJson(new URL(`${server.url}/data`)));

      // Assess
      expect(error.kind).toBe('malformed');
      expect(error.message).toMatch(/^GET \/data returned a body that is not JSON/);
    });
  });
});
