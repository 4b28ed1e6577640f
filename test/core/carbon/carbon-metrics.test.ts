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
    it('writes EMF lines: intensity and data age per Region, failures per Provider', () => {
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

      // Assess
      const lines = stdout.lines();
      const byRegion = Object.fromEntries(lines.filter((l) => l.Region).map((l) => [l.Region, l]));
      expect(byRegion['eu-central-1']).toMatchObject({
        CarbonIntensity: 250,
        CarbonDataAge: 1200,
        service: 'carbon-fetcher',
      });
      // Static factor 301 g; data age of the rejected cached reading, 4 h = 14,400 s.
      expect(byRegion['eu-west-1']).toMatchObject({ CarbonIntensity: 301, CarbonDataAge: 14400 });
      expect(byRegion['eu-north-1']).toMatchObject({ CarbonIntensity: 20 });
      expect(byRegion['eu-north-1']).not.toHaveProperty('CarbonDataAge');
      const aws = byRegion['eu-central-1']?._aws as {
        CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
      };
      expect(aws.CloudWatchMetrics[0]?.Namespace).toBe('CarbonAwareScheduler');
      expect(aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'Region']]);
      expect(aws.CloudWatchMetrics[0]?.Metrics).toEqual([
        { Name: 'CarbonIntensity', Unit: 'None' },
        { Name: 'CarbonDataAge', Unit: 'Seconds' },
      ]);
      // The failed forecast of watttime is not a ProviderFailure.
      const byProvider = Object.fromEntries(
        lines.filter((l) => l.Provider).map((l) => [l.Provider, l.ProviderFailures]),
      );
      expect(byProvider).toEqual({ electricitymaps: 2, watttime: 0 });
    });
  });
});
