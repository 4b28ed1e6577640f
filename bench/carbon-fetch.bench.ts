import { ElectricityMapsProvider } from '../lambdas/adapters/carbon/electricity-maps';
import { SecretValue } from '../lambdas/adapters/secrets/secret-value';
import { fetchCarbon } from '../lambdas/core/carbon/fetch-carbon';
import { InMemoryCarbonStore } from '../lambdas/core/carbon/in-memory-carbon-store';
import { COMMERCIAL_REGIONS, zoneForRegion } from '../lambdas/core/carbon/region-facts';
import { resolveConfig } from '../lambdas/core/config/resolve';
import { providerFixture, startReplayServer } from '../test/support/replay-server';
import type { BenchFigure } from './figure';

const LATENCY_MS = 200;
const WALL_LIMIT_MS = 3000;

/**
 * Carbon fetch for 30 regions against a loopback Electricity Maps replay answering every request after 200 ms, with
 * the default config (concurrency 6, timeout 4 s). First the live readings alone (the required figures: under 3 s,
 * at most one request per distinct zone), then the fetcher's real run with forecasts (one more request per zone).
 */
export async function bench(): Promise<BenchFigure[]> {
  const latest = providerFixture<Record<string, unknown>>('electricitymaps-latest.json');
  const forecast = providerFixture<{ forecast: { carbonIntensity: number }[] }>('electricitymaps-forecast-de.json');
  const server = await startReplayServer([
    {
      path: '/v3/carbon-intensity/latest',
      respond: (request) => ({
        delayMs: LATENCY_MS,
        body: { ...latest, zone: request.query.zone, datetime: '2026-01-15T12:00:00.000Z' },
      }),
    },
    {
      path: '/v3/carbon-intensity/forecast',
      respond: (request) => ({
        delayMs: LATENCY_MS,
        body: {
          zone: request.query.zone,
          forecast: forecast.forecast.map((p, hour) => ({
            carbonIntensity: p.carbonIntensity,
            datetime: new Date(Date.parse('2026-01-15T12:00:00Z') + hour * 3_600_000).toISOString(),
          })),
          updatedAt: '2026-01-15T11:52:00.000Z',
        },
      }),
    },
  ]);
  try {
    const config = resolveConfig({});
    // 30 of the 33 commercial regions (the three newest left out), us-east-1 and us-east-2 sharing US-MIDA-PJM.
    const regions = COMMERCIAL_REGIONS.filter(
      (r) => !['ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7'].includes(r),
    );
    if (regions.length !== 30) throw new Error(`expected 30 regions, got ${regions.length}`);
    const zones = new Set(regions.map((region) => zoneForRegion(region)));
    const provider = new ElectricityMapsProvider({
      baseUrl: server.url,
      apiKey: new SecretValue('bench'),
      http: { timeoutMs: config.carbon.requestTimeoutMs, maxRetries: config.carbon.maxRetries },
    });
    const now = new Date('2026-01-15T12:10:00Z');
    const run = async (includeForecasts: boolean) => {
      const before = server.requests.length;
      const started = performance.now();
      const result = await fetchCarbon(regions, [provider], new InMemoryCarbonStore(), now, {
        concurrency: config.carbon.concurrency,
        includeForecasts,
      });
      const wallMs = performance.now() - started;
      const requests = server.requests.slice(before);
      const keys = requests.map((r) => `${r.path}?${r.query.zone}`);
      if (new Set(keys).size !== keys.length) throw new Error('a zone was requested twice from the same endpoint');
      if ([...result.readings.values()].some((s) => s.origin !== 'live')) throw new Error('a region was not live');
      return { wallMs, requests: requests.length };
    };
    const live = await run(false);
    if (live.wallMs >= WALL_LIMIT_MS)
      throw new Error(`fetch took ${Math.round(live.wallMs)} ms, limit ${WALL_LIMIT_MS} ms`);
    if (live.requests > zones.size) throw new Error(`${live.requests} requests for ${zones.size} distinct zones`);
    const withForecasts = await run(true);
    return [
      { name: 'carbon_fetch_30_regions_wall', value: Math.round(live.wallMs), unit: 'ms' },
      { name: 'carbon_fetch_30_regions_requests', value: live.requests, unit: 'requests' },
      { name: 'carbon_fetch_30_regions_distinct_zones', value: zones.size, unit: 'zones' },
      { name: 'carbon_fetch_30_regions_with_forecasts_wall', value: Math.round(withForecasts.wallMs), unit: 'ms' },
      { name: 'carbon_fetch_30_regions_with_forecasts_requests', value: withForecasts.requests, unit: 'requests' },
    ];
  } finally {
    await server.close();
  }
}
