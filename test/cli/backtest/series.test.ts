import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { actualMean, cutSeries, mergeTraces, seriesMean } from '../../../cli/backtest/series';
import { parseTrace } from '../../../cli/trace';
import { hourlyCsv, hourlySeries } from './support';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/traces/${name}`, import.meta.url), 'utf8');
const HOUR = 3_600_000;

describe('Module: series', () => {
  describe('Function: mergeTraces', () => {
    it('reads the Electricity Maps export and the generic format into one series per zone', () => {
      // Prepare: the export fixture holds 96 hourly DE rows from 2023-06-01 00:00 UTC, first LCA value 272.14 and
      // last 317.78; the generic fixture holds DE and FR, six hours each.
      const export_ = parseTrace(fixture('electricitymaps-de-2023-06-01-4days.csv'));
      const generic = parseTrace(fixture('generic-de-fr-6h.csv'));

      // Act
      const merged = mergeTraces([export_, generic]);

      // Assess: DE of both files joined (96 + 6 points, different days), FR alone.
      expect(export_.format).toBe('electricitymaps-export');
      expect(generic.format).toBe('generic');
      expect(merged.map((s) => [s.zone, s.length])).toEqual([
        ['DE', 102],
        ['FR', 6],
      ]);
      const de = merged[0]!;
      expect(de.times[0]).toBe(Date.parse('2023-03-01T00:00:00Z'));
      expect(de.valueAt(Date.parse('2023-06-01T00:00:00Z'))).toBe(272.14);
      expect(de.valueAt(Date.parse('2023-06-04T23:00:00Z'))).toBe(317.78);
      expect(de.stepMs).toBe(HOUR);
    });

    it('lets the later file win where two files hold the same zone and time, and matches zones case-insensitively', () => {
      // Prepare
      const first = parseTrace(hourlyCsv('2023-01-01T00:00:00Z', { de: [100, 200] }));
      const second = parseTrace(hourlyCsv('2023-01-01T01:00:00Z', { DE: [250, 300] }));

      // Act
      const [merged] = mergeTraces([first, second]);

      // Assess
      expect(merged!.zone).toBe('de');
      expect(Array.from(merged!.values)).toEqual([100, 250, 300]);
    });
  });

  describe('Function: cutSeries', () => {
    it('keeps the points whose interval starts in [from, to)', () => {
      // Prepare: hours 0..5 with values 0..5.
      const series = hourlySeries('X', '2023-01-01T00:00:00Z', [0, 1, 2, 3, 4, 5]);
      const t0 = Date.parse('2023-01-01T00:00:00Z');

      // Act
      const cut = cutSeries(series, t0 + 2 * HOUR, t0 + 4 * HOUR);

      // Assess
      expect(Array.from(cut.values)).toEqual([2, 3]);
      expect(cut.stepMs).toBe(HOUR);
    });
  });

  describe('Function: actualMean', () => {
    it('weights each hour by the time the job spends in it', () => {
      // Prepare: 300, 100, 200 from 00:00; a 90-minute job from 00:30 sees 30 min of 300, 60 of 100:
      // (300 × 30 + 100 × 60) / 90 = 166.67.
      const series = hourlySeries('X', '2023-01-01T00:00:00Z', [300, 100, 200]);

      // Act
      const mean = actualMean(series, Date.parse('2023-01-01T00:30:00Z'), 90);

      // Assess
      expect(mean).toBeCloseTo(166.667, 3);
    });

    it('has no value for a job that runs through a gap or past the end (never 0 g)', () => {
      // Prepare: hours 0, 1, then a gap at 2, then 3.
      const text =
        'datetime,zone,carbon_intensity\n2023-01-01T00:00Z,X,100\n2023-01-01T01:00Z,X,100\n2023-01-01T03:00Z,X,100\n';
      const series = parseTrace(text).series('X')!;

      // Act
      const throughGap = actualMean(series, Date.parse('2023-01-01T01:00:00Z'), 120);
      const pastEnd = actualMean(series, Date.parse('2023-01-01T03:00:00Z'), 120);
      const covered = actualMean(series, Date.parse('2023-01-01T00:00:00Z'), 120);

      // Assess
      expect(throughGap).toBeUndefined();
      expect(pastEnd).toBeUndefined();
      expect(covered).toBe(100);
    });
  });

  describe('Function: seriesMean', () => {
    it('is the plain mean of the values', () => {
      // Prepare
      const series = hourlySeries('X', '2023-01-01T00:00:00Z', [100, 200, 600]);

      // Act
      const mean = seriesMean(series);

      // Assess
      expect(mean).toBe(300);
    });
  });
});
