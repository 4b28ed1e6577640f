import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bestStartSlot, InvalidSlotWindowError } from '../../../lambdas/core/dispatch/best-start-slot';

const hourly = (start: string, values: readonly number[]) =>
  values.map((g, i) => ({ observedAt: new Date(Date.parse(start) + i * 3_600_000).toISOString(), gCO2ePerKWh: g }));
const at = (iso: string) => new Date(iso);

describe('Module: best-start-slot', () => {
  describe('Function: bestStartSlot', () => {
    it('picks the hour with the lowest intensity for a one-hour job', () => {
      // Prepare
      const points = hourly('2026-11-21T00:00:00Z', [300, 100, 200]);

      // Act
      const slot = bestStartSlot(points, {
        earliest: at('2026-11-21T00:00:00Z'),
        latest: at('2026-11-21T02:00:00Z'),
        durationMinutes: 60,
      });

      // Assess
      expect(slot).toEqual({
        start: at('2026-11-21T01:00:00Z'),
        end: at('2026-11-21T02:00:00Z'),
        meanGCO2ePerKWh: 100,
      });
    });

    it('averages over the whole duration, weighting each point by the time it covers', () => {
      // Prepare: a 90-minute job: from 00:00 (300×60 + 100×30)/90 = 233.3; from 01:00 (100×60 + 200×30)/90 = 133.3;
      // from 02:00 it would run past the last point.
      const points = hourly('2026-11-21T00:00:00Z', [300, 100, 200]);

      // Act
      const slot = bestStartSlot(points, {
        earliest: at('2026-11-21T00:00:00Z'),
        latest: at('2026-11-21T02:00:00Z'),
        durationMinutes: 90,
      });

      // Assess
      expect(slot?.start).toEqual(at('2026-11-21T01:00:00Z'));
      expect(slot?.meanGCO2ePerKWh).toBeCloseTo(133.333, 3);
    });

    it('can start at "earliest" inside an interval: 00:30 for 60 minutes sees half of 300 and half of 100', () => {
      // Prepare: from 00:30 the mean is (300×30 + 100×30)/60 = 200; from 01:00 it is 100 but 01:00 is after latest.
      const points = hourly('2026-11-21T00:00:00Z', [300, 100, 200]);

      // Act
      const slot = bestStartSlot(points, {
        earliest: at('2026-11-21T00:30:00Z'),
        latest: at('2026-11-21T00:45:00Z'),
        durationMinutes: 60,
      });

      // Assess
      expect(slot).toEqual({
        start: at('2026-11-21T00:30:00Z'),
        end: at('2026-11-21T01:30:00Z'),
        meanGCO2ePerKWh: 200,
      });
    });

    it('never considers a start after "latest" (the deadline bound)', () => {
      // Prepare: the cleanest hour (03:00, 10 g) starts after latest (02:00).
      const points = hourly('2026-11-21T00:00:00Z', [300, 250, 200, 10]);

      // Act
      const slot = bestStartSlot(points, {
        earliest: at('2026-11-21T00:00:00Z'),
        latest: at('2026-11-21T02:00:00Z'),
        durationMinutes: 60,
      });

      // Assess
      expect(slot?.start).toEqual(at('2026-11-21T02:00:00Z'));
      expect(slot?.meanGCO2ePerKWh).toBe(200);
    });

    it('prefers the earliest start on a tie', () => {
      // Prepare
      const points = hourly('2026-11-21T00:00:00Z', [100, 100, 100]);

      // Act
      const slot = bestStartSlot(points, {
        earliest: at('2026-11-21T00:00:00Z'),
        latest: at('2026-11-21T02:00:00Z'),
        durationMinutes: 60,
      });

      // Assess
      expect(slot?.start).toEqual(at('2026-11-21T00:00:00Z'));
    });

    it('treats a gap in the series as missing data, never as 0 g', () => {
      // Prepare: hourly points at 00:00 (300), 01:00 (200), then nothing until 04:00 (250); a 2-hour job from 01:00
      // would run through the gap (02:00-04:00) and must not be a candidate.
      const points = [
        { observedAt: '2026-11-21T00:00:00Z', gCO2ePerKWh: 300 },
        { observedAt: '2026-11-21T01:00:00Z', gCO2ePerKWh: 200 },
        { observedAt: '2026-11-21T04:00:00Z', gCO2ePerKWh: 250 },
        { observedAt: '2026-11-21T05:00:00Z', gCO2ePerKWh: 250 },
      ];

      // Act
      const slot = bestStartSlot(points, {
        earliest: at('2026-11-21T00:00:00Z'),
        latest: at('2026-11-21T05:00:00Z'),
        durationMinutes: 120,
      });

      // Assess: 00:00 → 250, 01:00 → gap, 04:00 → 250 (ends at 06:00, end of last point); tie → earliest.
      expect(slot).toEqual({
        start: at('2026-11-21T00:00:00Z'),
        end: at('2026-11-21T02:00:00Z'),
        meanGCO2ePerKWh: 250,
      });
    });

    it('returns undefined when no start is covered, the window is empty, or there are no points', () => {
      // Prepare
      const points = hourly('2026-11-21T00:00:00Z', [300, 100]);

      // Act
      const tooLong = bestStartSlot(points, {
        earliest: at('2026-11-21T00:00:00Z'),
        latest: at('2026-11-21T01:00:00Z'),
        durationMinutes: 180,
      });
      const emptyWindow = bestStartSlot(points, {
        earliest: at('2026-11-21T01:00:00Z'),
        latest: at('2026-11-21T00:00:00Z'),
        durationMinutes: 60,
      });
      const noPoints = bestStartSlot([], {
        earliest: at('2026-11-21T00:00:00Z'),
        latest: at('2026-11-21T01:00:00Z'),
        durationMinutes: 60,
      });
      const beforeData = bestStartSlot(points, {
        earliest: at('2026-11-20T22:00:00Z'),
        latest: at('2026-11-20T22:30:00Z'),
        durationMinutes: 60,
      });

      // Assess
      expect(tooLong).toBeUndefined();
      expect(emptyWindow).toBeUndefined();
      expect(noPoints).toBeUndefined();
      expect(beforeData).toBeUndefined();
    });

    it('uses stepMinutes when given, e.g. a single point covering 30 minutes', () => {
      // Prepare
      const points = [{ observedAt: new Date('2026-11-21T00:00:00Z'), gCO2ePerKWh: 80 }];

      // Act
      const fits = bestStartSlot(points, {
        earliest: at('2026-11-21T00:00:00Z'),
        latest: at('2026-11-21T00:00:00Z'),
        durationMinutes: 30,
        stepMinutes: 30,
      });
      const tooLong = bestStartSlot(points, {
        earliest: at('2026-11-21T00:00:00Z'),
        latest: at('2026-11-21T00:00:00Z'),
        durationMinutes: 31,
        stepMinutes: 30,
      });

      // Assess
      expect(fits?.meanGCO2ePerKWh).toBe(80);
      expect(tooLong).toBeUndefined();
    });

    it('ignores unsorted order, duplicate times and non-finite values', () => {
      // Prepare
      const points = [
        { observedAt: '2026-11-21T01:00:00Z', gCO2ePerKWh: 50 },
        { observedAt: '2026-11-21T00:00:00Z', gCO2ePerKWh: 90 },
        { observedAt: '2026-11-21T01:00:00Z', gCO2ePerKWh: 5 },
        { observedAt: '2026-11-21T02:00:00Z', gCO2ePerKWh: Number.NaN },
        { observedAt: 'not a date', gCO2ePerKWh: 1 },
      ];

      // Act
      const slot = bestStartSlot(points, {
        earliest: at('2026-11-21T00:00:00Z'),
        latest: at('2026-11-21T01:00:00Z'),
        durationMinutes: 60,
      });

      // Assess: the first 01:00 point (50) wins over its duplicate; 00:00 (90) is dirtier.
      expect(slot?.start).toEqual(at('2026-11-21T01:00:00Z'));
      expect(slot?.meanGCO2ePerKWh).toBe(50);
    });

    it('rejects a non-positive duration or step', () => {
      // Prepare
      const window = { earliest: at('2026-11-21T00:00:00Z'), latest: at('2026-11-21T01:00:00Z') };

      // Act / Assess
      expect(() => bestStartSlot([], { ...window, durationMinutes: 0 })).toThrow(InvalidSlotWindowError);
      expect(() => bestStartSlot([], { ...window, durationMinutes: 60, stepMinutes: -5 })).toThrow(/stepMinutes/);
    });

    it('never beats the best start found by brute force over every point time (property)', () => {
      // Prepare
      const arbitrary = fc.record({
        values: fc.array(fc.integer({ min: 0, max: 900 }), { minLength: 1, maxLength: 30 }),
        durationHours: fc.integer({ min: 1, max: 6 }),
        latestHour: fc.integer({ min: 0, max: 30 }),
      });

      // Act / Assess
      fc.assert(
        fc.property(arbitrary, ({ values, durationHours, latestHour }) => {
          const points = hourly('2026-11-21T00:00:00Z', values);
          const slot = bestStartSlot(points, {
            earliest: at('2026-11-21T00:00:00Z'),
            latest: new Date(Date.parse('2026-11-21T00:00:00Z') + latestHour * 3_600_000),
            durationMinutes: durationHours * 60,
          });
          let brute: { start: number; mean: number } | undefined;
          for (let s = 0; s <= Math.min(latestHour, values.length - durationHours); s++) {
            const mean = values.slice(s, s + durationHours).reduce((a, b) => a + b, 0) / durationHours;
            if (!brute || mean < brute.mean) brute = { start: s, mean };
          }
          if (!brute) {
            expect(slot).toBeUndefined();
          } else {
            expect(slot?.meanGCO2ePerKWh).toBeCloseTo(brute.mean, 9);
            expect(slot?.start.getTime()).toBe(Date.parse('2026-11-21T00:00:00Z') + brute.start * 3_600_000);
          }
        }),
      );
    });
  });
});
