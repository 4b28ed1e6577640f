import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { publishMetrics } from '../../../lambdas/adapters/metrics/publish';
import { carbonMetrics } from '../../../lambdas/core/carbon/carbon-metrics';
import type { CarbonFetchResult } from '../../../lambdas/core/carbon/fetch-carbon';
import type { CarbonReading } from '../../../lambdas/core/carbon/reading';
import { staticReading } from '../../../lambdas/core/carbon/static-reading';

const NOW = new Date('2024-03-06T19:20:00Z');

function live(region: string, grams: number, observedAt: string): CarbonReading {
  return {
    region,
    zone: 'Z',
    provider: 'electricitymaps',
    signal: 'average',
    gCO2ePerKWh: grams,
    observedAt,
    fetchedAt: NOW.toISOString(),
    isEstimated: false,
    isForecast: false,
  };
}

function captureStdout(): { lines: () => Record<string, unknown>[]; restore: () => void } {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  });
  return {
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.trim().startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    restore: () => spy.mockRestore(),
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Module: carbon-metrics', () => {
  describe('Function: carbonMetrics, published by publishMetrics', () => {
    it('writes data age per Region as EMF, intensity per Region and failures per Provider as log fields', () => {
      // Prepare
      const metrics = new Metrics({ namespace: 'CarbonAwareScheduler', serviceName: 'carbon-fetcher' });
      const cached = live('eu-west-1', 280, '2024-03-06T15:20:00.000Z');
      const result: CarbonFetchResult = {
        at: NOW.toISOString(),
        regions: [
          {
            region: 'eu-central-1',
            sourced: { reading: live('eu-central-1', 250, '2024-03-06T19:00:00.000Z'), origin: 'live' },
            attempts: [],
          },
          {
            region: 'eu-west-1',
            sourced: { reading: staticReading('eu-west-1', NOW), origin: 'static' },
            attempts: [],
            cached,
          },
          {
            region: 'eu-north-1',
            sourced: { reading: staticReading('eu-north-1', NOW), origin: 'static' },
            attempts: [],
          },
        ],
        readings: new Map(),
        liveReadings: [],
        forecasts: [],
        calls: [
          { provider: 'electricitymaps', zone: 'DE', kind: 'latest', ok: true },
          { provider: 'electricitymaps', zone: 'IE', kind: 'latest', ok: false },
          { provider: 'electricitymaps', zone: 'SE-SE3', kind: 'latest', ok: false },
          { provider: 'watttime', zone: 'DE', kind: 'forecast', ok: false },
        ],
        written: true,
        storeErrors: [],
      };
      const stdout = captureStdout();

      // Act
      publishMetrics(metrics, carbonMetrics(result, NOW, ['electricitymaps', 'watttime', 'static']));
      stdout.restore();

      // Assess: CarbonDataAge (an alarm reads it) is EMF; intensity and provider failures are `metrics` log lines.
      const lines = stdout.lines();
      const emf = lines.filter((l) => '_aws' in l);
      const logged = lines.filter((l) => l.message === 'metrics');
      const intensity = Object.fromEntries(logged.filter((l) => l.Region).map((l) => [l.Region, l.CarbonIntensity]));
      // Static factors: eu-west-1 301 g, eu-north-1 20 g.
      expect(intensity).toEqual({ 'eu-central-1': 250, 'eu-west-1': 301, 'eu-north-1': 20 });
      const age = Object.fromEntries(emf.map((l) => [l.Region, l.CarbonDataAge]));
      // 19:00 → 19:20 is 1,200 s; the rejected cached reading of eu-west-1 is 4 h old = 14,400 s; eu-north-1 has
      // no reading with an age, so no data point.
      expect(age).toEqual({ 'eu-central-1': 1200, 'eu-west-1': 14400 });
      const aws = emf[0]?._aws as {
        CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
      };
      expect(emf[0]).toMatchObject({ service: 'carbon-fetcher' });
      expect(aws.CloudWatchMetrics[0]?.Namespace).toBe('CarbonAwareScheduler');
      expect(aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'Region']]);
      expect(aws.CloudWatchMetrics[0]?.Metrics).toEqual([{ Name: 'CarbonDataAge', Unit: 'Seconds' }]);
      // The failed forecast of watttime is not a ProviderFailure; watttime's 0 is left out of the log line.
      const byProvider = Object.fromEntries(
        logged.filter((l) => l.Provider).map((l) => [l.Provider, l.ProviderFailures]),
      );
      expect(byProvider).toEqual({ electricitymaps: 2 });
    });
  });
});
