import { afterEach, describe, expect, it } from 'vitest';
import {
  parseWattTimeForecast,
  parseWattTimeSignal,
  WattTimeProvider,
} from '../../../lambdas/adapters/carbon/watttime';
import { WattTimeTokenCache } from '../../../lambdas/adapters/carbon/watttime-token-cache';
import { SecretValue } from '../../../lambdas/adapters/secrets/secret-value';
import { CarbonProviderError } from '../../../lambdas/core/carbon/provider';
import {
  providerFixture,
  type RecordedRequest,
  type ReplayServer,
  startReplayServer,
} from '../../support/replay-server';

const FETCHED = new Date('2022-07-15T00:10:00Z');
const login = providerFixture<{ token: string }>('watttime-login.json');
const historical = providerFixture<{ meta: Record<string, unknown> }>('watttime-historical.json');
const forecast = providerFixture('watttime-forecast.json');
const percentile = providerFixture('watttime-signal-index-percentile.json');

let server: ReplayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function provider(
  url: string,
  options: { clock?: () => Date; tokenCache?: WattTimeTokenCache } = {},
): WattTimeProvider {
  return new WattTimeProvider({
    baseUrl: url,
    username: 'freddo',
    password: new SecretValue('the_frog'),
    http: { timeoutMs: 2000, maxRetries: 0 },
    clock: options.clock ?? (() => FETCHED),
    ...(options.tokenCache ? { tokenCache: options.tokenCache } : {}),
  });
}

const bearer = (request: RecordedRequest) => request.headers.authorization;

describe('Module: watttime', () => {
  describe('Function: parseWattTimeSignal', () => {
    it('converts the documented lbs_co2_per_mwh body: latest point 860 lbs/MWh = 390.08912 g/kWh, marginal', () => {
      // Act: 860 × 0.453592 = 390.08912.
      const reading = parseWattTimeSignal(historical, 'CAISO_NORTH', FETCHED);

      // Assess
      expect(reading.gCO2ePerKWh).toBeCloseTo(390.08912, 9);
      expect(reading).toMatchObject({
        zone: 'CAISO_NORTH',
        provider: 'watttime',
        signal: 'marginal',
        observedAt: '2022-07-15T00:05:00.000Z',
        isForecast: false,
      });
    });

    it('reads kg_co2_per_mwh as g/kWh unchanged', () => {
      // Act
      const reading = parseWattTimeSignal(
        { ...historical, meta: { ...historical.meta, units: 'kg_co2_per_mwh' } },
        'CAISO_NORTH',
        FETCHED,
      );

      // Assess
      expect(reading.gCO2ePerKWh).toBe(860);
    });

    it.each([
      [percentile, 'unsupported-units', 'reports units "percentile"'],
      [{ ...historical, meta: { ...historical.meta, region: 'PJM_DC' } }, 'unknown-zone', 'answered for region PJM_DC'],
      [{ data: [], meta: { units: 'lbs_co2_per_mwh' } }, 'malformed', 'no data points'],
      [
        { data: [{ point_time: '2022-07-15T00:00:00Z', value: 9000 }], meta: { units: 'lbs_co2_per_mwh' } },
        'invalid-value',
        'above 3000',
      ],
      [
        { data: [{ point_time: '2022-07-15T00:00:00Z' }], meta: { units: 'lbs_co2_per_mwh' } },
        'invalid-value',
        'is missing',
      ],
      [{ data: [{ point_time: '2022-07-15T00:00:00Z', value: 5 }] }, 'malformed', 'meta'],
    ])('rejects a bad body (%#: %s)', (body, kind, message) => {
      // Act
      let error: CarbonProviderError | undefined;
      try {
        parseWattTimeSignal(body, 'CAISO_NORTH', FETCHED);
      } catch (caught) {
        error = caught as CarbonProviderError;
      }

      // Assess
      expect(error).toBeInstanceOf(CarbonProviderError);
      expect(error?.kind).toBe(kind);
      expect(error?.message).toContain(message);
    });
  });

  describe('Function: parseWattTimeForecast', () => {
    it('reads the documented forecast: 5-minute points of 870 lbs/MWh = 394.62504 g/kWh', () => {
      // Act
      const parsed = parseWattTimeForecast(forecast, 'CAISO_NORTH', FETCHED);

      // Assess
      expect(parsed.generatedAt).toBe('2022-07-15T00:00:00.000Z');
      expect(parsed.points).toHaveLength(12);
      expect(parsed.points[1]?.observedAt).toBe('2022-07-15T00:05:00.000Z');
      for (const point of parsed.points) expect(point.gCO2ePerKWh).toBeCloseTo(394.62504, 9);
    });
  });

  describe('Class: WattTimeProvider', () => {
    it('logs in with HTTP Basic once and reuses the bearer token across requests', async () => {
      // Prepare
      server = await startReplayServer([
        { path: '/login', responses: [{ body: login }] },
        { path: '/v3/signal-index', responses: [{ body: historical }] },
        { path: '/v3/forecast', responses: [{ body: forecast }] },
      ]);
      const wt = provider(server.url);

      // Act
      await Promise.all([wt.latest('CAISO_NORTH', FETCHED), wt.latest('CAISO_NORTH', FETCHED)]);
      await wt.forecast('CAISO_NORTH', FETCHED);

      // Assess: base64("freddo:the_frog") = ZnJlZGRvOnRoZV9mcm9n.
      expect(server.count('/login')).toBe(1);
      expect(server.requests[0]?.headers.authorization).toBe('Basic ZnJlZGRvOnRoZV9mcm9n');
      const data = server.requests.filter((r) => r.path !== '/login');
      expect(data.map(bearer)).toEqual(Array(3).fill('Bearer abcdef0123456789fedcabc'));
      expect(data[0]?.query).toEqual({ region: 'CAISO_NORTH', signal_type: 'co2_moer' });
      expect(data[2]?.query).toEqual({ region: 'CAISO_NORTH', signal_type: 'co2_moer', horizon_hours: '24' });
    });

    it('logs in again once the 30-minute token is about to expire', async () => {
      // Prepare
      server = await startReplayServer([
        { path: '/login', responses: [{ body: { token: 't1' } }, { body: { token: 't2' } }] },
        { path: '/v3/signal-index', responses: [{ body: historical }] },
      ]);
      let now = new Date('2022-07-15T00:00:00Z');
      const wt = provider(server.url, { clock: () => now });

      // Act
      await wt.latest('CAISO_NORTH', FETCHED);
      now = new Date('2022-07-15T00:28:00Z');
      await wt.latest('CAISO_NORTH', FETCHED);
      now = new Date('2022-07-15T00:29:30Z');
      await wt.latest('CAISO_NORTH', FETCHED);

      // Assess: valid at 28 min; within the 60 s margin of expiry at 29 min 30 s.
      expect(server.count('/login')).toBe(2);
      expect(server.requests.filter((r) => r.path === '/v3/signal-index').map(bearer)).toEqual([
        'Bearer t1',
        'Bearer t1',
        'Bearer t2',
      ]);
    });

    it('refreshes the token exactly once on HTTP 401 and retries the request', async () => {
      // Prepare: the first token is rejected, the second accepted.
      server = await startReplayServer([
        { path: '/login', responses: [{ body: { token: 'expired' } }, { body: { token: 'fresh' } }] },
        {
          path: '/v3/signal-index',
          respond: (request) => (bearer(request) === 'Bearer fresh' ? { body: historical } : { status: 401 }),
        },
      ]);
      const wt = provider(server.url);

      // Act
      const reading = await wt.latest('CAISO_NORTH', FETCHED);

      // Assess
      expect(reading.gCO2ePerKWh).toBeCloseTo(390.08912, 9);
      expect(server.count('/login')).toBe(2);
      expect(server.count('/v3/signal-index')).toBe(2);
    });

    it('fails with auth after one refresh when the new token is rejected too (no loop)', async () => {
      // Prepare
      server = await startReplayServer([
        { path: '/login', responses: [{ body: { token: 'a' } }, { body: { token: 'b' } }] },
        { path: '/v3/signal-index', responses: [{ status: 401 }] },
      ]);
      const wt = provider(server.url);

      // Act
      const error = (await wt.latest('CAISO_NORTH', FETCHED).catch((e: unknown) => e)) as CarbonProviderError;

      // Assess
      expect(error.kind).toBe('auth');
      expect(server.count('/login')).toBe(2);
      expect(server.count('/v3/signal-index')).toBe(2);
    });

    it('shares tokens between providers through the token cache (Lambda invocations)', async () => {
      // Prepare
      server = await startReplayServer([
        { path: '/login', responses: [{ body: login }] },
        { path: '/v3/signal-index', responses: [{ body: historical }] },
      ]);
      const cache = new WattTimeTokenCache();

      // Act
      await provider(server.url, { tokenCache: cache }).latest('CAISO_NORTH', FETCHED);
      await provider(server.url, { tokenCache: cache }).latest('CAISO_NORTH', FETCHED);

      // Assess
      expect(server.count('/login')).toBe(1);
    });

    it('reports a rejected login without the password', async () => {
      // Prepare
      server = await startReplayServer([
        { path: '/login', responses: [{ status: 403, body: { message: 'bad credentials' } }] },
      ]);

      // Act
      const error = (await provider(server.url)
        .latest('CAISO_NORTH', FETCHED)
        .catch((e: unknown) => e)) as CarbonProviderError;

      // Assess
      expect(error.kind).toBe('auth');
      expect(error.message).toBe('login rejected (HTTP 403): check the WattTime username and password');
      expect(error.message).not.toContain('the_frog');
    });

    it('reads the current MOER from /v3/forecast?horizon_hours=0 when the signal index is only a percentile', async () => {
      // Prepare
      server = await startReplayServer([
        { path: '/login', responses: [{ body: login }] },
        { path: '/v3/signal-index', responses: [{ body: percentile }] },
        { path: '/v3/forecast', query: { horizon_hours: '0' }, responses: [{ body: forecast }] },
      ]);

      // Act
      const reading = await provider(server.url).latest('CAISO_NORTH', FETCHED);

      // Assess
      expect(reading.gCO2ePerKWh).toBeCloseTo(394.62504, 9);
      expect(reading).toMatchObject({ observedAt: '2022-07-15T00:00:00.000Z', isForecast: false, isEstimated: true });
    });

    it('explains a percentile-only account without a data plan', async () => {
      // Prepare
      server = await startReplayServer([
        { path: '/login', responses: [{ body: login }] },
        { path: '/v3/signal-index', responses: [{ body: percentile }] },
        { path: '/v3/forecast', responses: [{ status: 403, body: providerFixture('watttime-error.json') }] },
      ]);

      // Act
      const error = (await provider(server.url)
        .latest('CAISO_NORTH', FETCHED)
        .catch((e: unknown) => e)) as CarbonProviderError;

      // Assess
      expect(error.kind).toBe('auth');
      expect(error.message).toContain('signal-index gives "percentile" (not an intensity)');
      expect(error.message).toContain('HTTP 403');
    });

    it('uses the WattTime region of the region table', () => {
      // Prepare
      const wt = provider('http://127.0.0.1:9');

      // Assess
      expect(wt.zoneFor('us-east-1')).toBe('PJM_DC');
      expect(wt.zoneFor('us-east-2')).toBe('PJM_SOUTHWEST_OH');
      expect(wt.zoneFor('ca-west-1')).toBeNull();
    });
  });
});
