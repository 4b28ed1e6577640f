import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { summarizeForecast, upcomingPoints } from '../../../lambdas/core/carbon/forecast-summary';
import type { CarbonForecast } from '../../../lambdas/core/carbon/reading';

interface EmForecast {
  zone: string;
  forecast: { carbonIntensity: number; datetime: string }[];
  updatedAt: string;
}

const recorded = JSON.parse(
  readFileSync(new URL('../../fixtures/providers/electricitymaps-forecast-de.json', import.meta.url), 'utf8'),
) as EmForecast;

const forecast: CarbonForecast = {
  region: 'eu-central-1',
  zone: 'DE',
  provider: 'electricitymaps',
  signal: 'average',
  generatedAt: recorded.updatedAt,
  points: recorded.forecast.map((p) => ({
    region: 'eu-central-1',
    zone: 'DE',
    provider: 'electricitymaps',
    signal: 'average',
    gCO2ePerKWh: p.carbonIntensity,
    observedAt: new Date(p.datetime).toISOString(),
    fetchedAt: recorded.updatedAt,
    isEstimated: true,
    isForecast: true,
  })),
};

describe('Module: forecast-summary', () => {
  describe('Function: upcomingPoints', () => {
    it('keeps the point whose hour contains now and everything after it', () => {
      // Prepare: the recorded DE forecast runs hourly from 2023-05-02T20:00Z to 2023-05-04T19:00Z (48 points).
      const now = new Date('2023-05-04T17:30:00Z');

      // Act
      const points = upcomingPoints(forecast.points, now);

      // Assess
      expect(points.map((p) => p.observedAt)).toEqual([
        '2023-05-04T17:00:00.000Z',
        '2023-05-04T18:00:00.000Z',
        '2023-05-04T19:00:00.000Z',
      ]);
    });

    it('keeps the last point until its hour is over', () => {
      // Assess
      expect(upcomingPoints(forecast.points, new Date('2023-05-04T19:59:00Z'))).toHaveLength(1);
      expect(upcomingPoints(forecast.points, new Date('2023-05-04T20:00:00Z'))).toHaveLength(0);
    });
  });

  describe('Function: summarizeForecast', () => {
    it('gives minimum, maximum and mean of the recorded forecast from now on', () => {
      // Prepare: at 2023-05-03T06:30Z the upcoming values start 487 (06:00) ... the minimum of the recorded series
      // is 323 at 2023-05-03T10:00Z and 10:00 on 2023-05-04; the maximum 590 at 19:00 both days.
      const now = new Date('2023-05-03T06:30:00Z');

      // Act
      const summary = summarizeForecast(forecast, now);

      // Assess
      expect(summary).toMatchObject({
        provider: 'electricitymaps',
        from: '2023-05-03T06:00:00.000Z',
        to: '2023-05-04T19:00:00.000Z',
        points: 38,
        minGCO2ePerKWh: 323,
        minAt: '2023-05-03T10:00:00.000Z',
        maxGCO2ePerKWh: 590,
        maxAt: '2023-05-03T19:00:00.000Z',
      });
    });

    it('is undefined when the forecast is over', () => {
      // Assess
      expect(summarizeForecast(forecast, new Date('2023-05-05T00:00:00Z'))).toBeUndefined();
    });
  });
});
