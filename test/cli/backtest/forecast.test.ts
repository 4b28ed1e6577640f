import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ForecastView,
  forecastViews,
  formatForecastSpec,
  InvalidForecastError,
  parseForecastSpec,
} from '../../../cli/backtest/forecast';
import { hourlySeries } from './support';

const HOUR = 3_600_000;
const T0 = '2023-01-01T00:00:00Z';
const t0 = Date.parse(T0);

describe('Module: forecast', () => {
  describe('Function: parseForecastSpec', () => {
    it.each([
      ['perfect', { kind: 'perfect' }],
      ['persistence', { kind: 'persistence' }],
      ['latest', { kind: 'latest' }],
      ['noise:5', { kind: 'noise', percent: 5 }],
      ['noise:2.5', { kind: 'noise', percent: 2.5 }],
      ['NOISE:10%', { kind: 'noise', percent: 10 }],
    ])('reads %s', (text, spec) => {
      // Prepare: docs/backtest.md names.

      // Act
      const parsed = parseForecastSpec(text);

      // Assess
      expect(parsed).toEqual(spec);
      expect(parseForecastSpec(formatForecastSpec(parsed))).toEqual(spec);
    });

    it.each(['', 'oracle', 'noise', 'noise:', 'noise:-5', 'noise:101', 'noise:five'])('refuses %j', (text) => {
      // Prepare
      const act = () => parseForecastSpec(text);

      // Act & Assess
      expect(act).toThrow(InvalidForecastError);
      expect(act).toThrow(/perfect.*persistence.*noise:PCT/);
    });

    it('either reads or refuses with InvalidForecastError any text', () => {
      // Prepare
      const text = fc.oneof(fc.string(), fc.stringMatching(/^noise:[0-9.%-]{0,6}$/));

      // Act & Assess
      fc.assert(
        fc.property(text, (input) => {
          try {
            const spec = parseForecastSpec(input);
            if (spec.kind === 'noise') expect(spec.percent >= 0 && spec.percent <= 100).toBe(true);
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidForecastError);
          }
        }),
      );
    });
  });

  describe('Class: ForecastView', () => {
    // 72 hourly values: hour h has value 100 + h, so "the value 24 h earlier" is the value minus 24.
    const series = hourlySeries(
      'DE',
      T0,
      Array.from({ length: 72 }, (_, h) => 100 + h),
    );

    it('knows the actual values of the intervals that ended by the cutoff, whatever the forecast', () => {
      // Prepare: cutoff 10:00 → the interval 09:00–10:00 (index 9) has ended, 10:00–11:00 has not.
      const view = new ForecastView(series, { kind: 'persistence' });

      // Act
      const known = view.valueAt(9, t0 + 10 * HOUR);
      const forecast = view.valueAt(10, t0 + 10 * HOUR);

      // Assess
      expect(known).toBe(109);
      expect(forecast).toBeUndefined(); // persistence: 24 h before 10:00 on the first day is before the trace
    });

    it('persistence gives the value 24 h earlier', () => {
      // Prepare: decide at day 2 (index 24) 06:00 about 14:00 (index 38): 24 h earlier is index 14 → 114.
      const view = new ForecastView(series, { kind: 'persistence' });

      // Act
      const value = view.valueAt(38, t0 + 30 * HOUR);

      // Assess
      expect(value).toBe(114);
    });

    it('persistence reaches back 48 h for a point whose value 24 h earlier is not known yet', () => {
      // Prepare: cutoff index 30 (day 2, 06:00); point index 60 (day 3, 12:00): 24 h earlier is index 36, which ends
      // at 13:00 on day 2, after the cutoff → 48 h earlier, index 12 → 112.
      const view = new ForecastView(series, { kind: 'persistence' });

      // Act
      const value = view.valueAt(60, t0 + 30 * HOUR);

      // Assess
      expect(value).toBe(112);
    });

    it('latest holds the value of the last interval that ended by the cutoff', () => {
      // Prepare: cutoff 05:30 → last ended interval 04:00–05:00 (index 4) → 104, for any later point.
      const view = new ForecastView(series, { kind: 'latest' });

      // Act
      const values = [view.valueAt(6, t0 + 5.5 * HOUR), view.valueAt(50, t0 + 5.5 * HOUR)];

      // Assess
      expect(values).toEqual([104, 104]);
    });

    it('perfect gives the trace itself', () => {
      // Prepare
      const view = new ForecastView(series, { kind: 'perfect' });

      // Act
      const value = view.valueAt(70, t0);

      // Assess
      expect(value).toBe(170);
    });
  });

  describe('Function: forecastViews', () => {
    it('noise has the standard deviation PCT% of the trace mean and mean 0', () => {
      // Prepare: a constant trace of 400 g over 20,000 hours, noise:5 → sd 0.05 × 400 = 20 g. With n = 20,000 the
      // sample sd has a standard error of 20 / √(2n) = 0.1 g and the sample mean 20 / √n = 0.14 g.
      const series = hourlySeries('X', T0, new Array(20_000).fill(400));
      const [view] = forecastViews([series], { kind: 'noise', percent: 5 }, 99);

      // Act
      const errors = Array.from({ length: series.length }, (_, i) => view!.valueAt(i, t0 - HOUR)! - 400);
      const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
      const sd = Math.sqrt(errors.reduce((a, e) => a + (e - mean) ** 2, 0) / errors.length);

      // Assess
      expect(Math.abs(mean)).toBeLessThan(0.6);
      expect(sd).toBeGreaterThan(19.5);
      expect(sd).toBeLessThan(20.5);
    });

    it('uses each zone’s own mean for the standard deviation', () => {
      // Prepare: zone A 100 g, zone B 1000 g, noise:10 → sd 10 g and 100 g.
      const a = hourlySeries('A', T0, new Array(5000).fill(100));
      const b = hourlySeries('B', T0, new Array(5000).fill(1000));
      const views = forecastViews([a, b], { kind: 'noise', percent: 10 }, 5);

      // Act
      const sd = (index: number, base: number) => {
        const view = views[index]!;
        const errors = Array.from({ length: 5000 }, (_, i) => view.valueAt(i, t0 - HOUR)! - base);
        return Math.sqrt(errors.reduce((acc, e) => acc + e * e, 0) / errors.length);
      };

      // Assess: standard error of the sample sd ≈ sd / √(2 × 5000) = 1%.
      expect(sd(0, 100)).toBeGreaterThan(9.5);
      expect(sd(0, 100)).toBeLessThan(10.5);
      expect(sd(1, 1000)).toBeGreaterThan(95);
      expect(sd(1, 1000)).toBeLessThan(105);
    });

    it('repeats the same noise for the same seed, whatever the order of the zones, and differs for another seed', () => {
      // Prepare
      const a = hourlySeries('A', T0, new Array(48).fill(300));
      const b = hourlySeries('B', T0, new Array(48).fill(300));
      const values = (views: ForecastView[], zone: string) => {
        const view = views.find((v) => v.actual.zone === zone)!;
        return Array.from({ length: 48 }, (_, i) => view.valueAt(i, t0 - HOUR));
      };

      // Act
      const first = forecastViews([a, b], { kind: 'noise', percent: 5 }, 42);
      const again = forecastViews([b, a], { kind: 'noise', percent: 5 }, 42);
      const other = forecastViews([a, b], { kind: 'noise', percent: 5 }, 43);

      // Assess
      expect(values(again, 'A')).toEqual(values(first, 'A'));
      expect(values(again, 'B')).toEqual(values(first, 'B'));
      expect(values(other, 'A')).not.toEqual(values(first, 'A'));
      expect(values(first, 'A')).not.toEqual(values(first, 'B'));
    });

    it('never forecasts a negative intensity', () => {
      // Prepare: values of 1 g with noise:100 (sd 1 g): about half the draws would be negative unclamped.
      const series = hourlySeries('X', T0, new Array(1000).fill(1));
      const [view] = forecastViews([series], { kind: 'noise', percent: 100 }, 3);

      // Act
      const values = Array.from({ length: 1000 }, (_, i) => view!.valueAt(i, t0 - HOUR)!);

      // Assess
      expect(Math.min(...values)).toBe(0);
      expect(values.every((v) => v >= 0)).toBe(true);
    });
  });
});
