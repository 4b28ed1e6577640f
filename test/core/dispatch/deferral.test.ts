import { describe, expect, it } from 'vitest';
import { chooseDeferral, type DeferralInput } from '../../../lambdas/core/dispatch/deferral';
import { forecast } from './support';

const now = new Date('2026-11-21T12:00:00Z');

function input(overrides: Partial<DeferralInput> = {}): DeferralInput {
  return {
    forecasts: [{ region: 'eu-north-1', forecast: forecast('eu-north-1', '2026-11-21T12:00:00Z', [40, 40, 20, 40]) }],
    baseline: { region: 'eu-north-1', gCO2ePerKWh: 40 },
    now,
    maxDeferMinutes: 240,
    requested: true,
    durationMinutes: 60,
    minImprovementPercent: 5,
    ...overrides,
  };
}

describe('Module: deferral', () => {
  describe('Function: chooseDeferral', () => {
    it('defers to a forecast slot that is cleaner by at least the minimum improvement', () => {
      // Act: 14:00 is forecast at 20 g against 40 g now: 50% cleaner.
      const choice = chooseDeferral(input());

      // Assess
      expect(choice.defer).toBe(true);
      expect(choice.slot).toEqual({
        region: 'eu-north-1',
        start: '2026-11-21T14:00:00.000Z',
        end: '2026-11-21T15:00:00.000Z',
        meanGCO2ePerKWh: 20,
        improvementPercent: 50,
      });
      expect(choice.latestStart).toBe('2026-11-21T16:00:00.000Z');
      expect(choice.note).toMatch(/^deferred: eu-north-1 from 2026-11-21T14:00Z .* 50% cleaner than 40 g now/);
    });

    it('does not defer when the best slot is less than the minimum improvement cleaner', () => {
      // Prepare: 38.5 g against 40 g now is 3.75% cleaner; the minimum is 5%.
      const forecasts = [
        { region: 'eu-north-1', forecast: forecast('eu-north-1', '2026-11-21T12:00:00Z', [40, 40, 38.5]) },
      ];

      // Act
      const choice = chooseDeferral(input({ forecasts }));

      // Assess
      expect(choice.defer).toBe(false);
      expect(choice.slot?.improvementPercent).toBeCloseTo(3.75, 9);
      expect(choice.note).toMatch(/3\.8% cleaner .* deferral needs at least 5%/);
    });

    it('does not defer to a slot that would finish after the deadline', () => {
      // Prepare: deadline 14:30 for a 60-minute job → latest start 13:30; the clean 14:00 slot is out of reach.
      const choice = chooseDeferral(input({ deadline: new Date('2026-11-21T14:30:00Z') }));

      // Assess: the best start within 12:00-13:30 is now (12:00, 40 g): nothing to gain.
      expect(choice.defer).toBe(false);
      expect(choice.latestStart).toBe('2026-11-21T13:30:00.000Z');
      expect(choice.note).toMatch(/cleanest forecast slot is now/);
    });

    it('bounds the window by maxDeferMinutes as well as the deadline', () => {
      // Prepare: a late deadline, but at most 60 minutes of delay → latest start 13:00.
      const choice = chooseDeferral(input({ deadline: new Date('2026-11-22T00:00:00Z'), maxDeferMinutes: 60 }));

      // Assess
      expect(choice.defer).toBe(false);
      expect(choice.latestStart).toBe('2026-11-21T13:00:00.000Z');
    });

    it('runs now when the deadline leaves no room for the job', () => {
      // Act: a 60-minute job due at 12:30.
      const choice = chooseDeferral(input({ deadline: new Date('2026-11-21T12:30:00Z') }));

      // Assess
      expect(choice).toEqual({
        defer: false,
        note: 'runs now: deadline 2026-11-21T12:30Z leaves no room to delay a 60-minute job',
      });
    });

    it('searches every candidate region and keeps the region of the cleanest slot', () => {
      // Prepare: eu-west-3 has a 10 g hour at 13:00, cleaner than eu-north-1's 20 g at 14:00.
      const forecasts = [
        { region: 'eu-north-1', forecast: forecast('eu-north-1', '2026-11-21T12:00:00Z', [40, 40, 20, 40]) },
        { region: 'eu-west-3', forecast: forecast('eu-west-3', '2026-11-21T12:00:00Z', [60, 10, 60]) },
      ];

      // Act
      const choice = chooseDeferral(input({ forecasts }));

      // Assess: (40 − 10) / 40 = 75%.
      expect(choice.defer).toBe(true);
      expect(choice.slot).toMatchObject({
        region: 'eu-west-3',
        start: '2026-11-21T13:00:00.000Z',
        improvementPercent: 75,
      });
    });

    it('says why when there is nothing to search or deferral is not wanted', () => {
      // Act
      const notRequested = chooseDeferral(input({ requested: false }));
      const noDefer = chooseDeferral(input({ noDefer: true }));
      const unavailable = chooseDeferral(input({ unavailableReason: 'no forecast source is configured' }));
      const noForecast = chooseDeferral(input({ forecasts: [{ region: 'eu-north-1', forecast: undefined }] }));

      // Assess
      expect(notRequested).toEqual({ defer: false, note: 'runs now: no deadline or maxDeferMinutes in the request' });
      expect(noDefer.note).toMatch(/noDefer is set/);
      expect(unavailable.note).toBe('runs now: no forecast source is configured');
      expect(noForecast.defer).toBe(false);
      expect(noForecast.note).toBe('runs now: no forecast for eu-north-1');
    });
  });
});
