import { describe, expect, it } from 'vitest';
import {
  chooseDeferredStart,
  deferStartDecision,
  INITIAL_PAUSE_STATE,
  type PauseParams,
  type PauseState,
  pausePolicyStep,
} from '../../../lambdas/core/scheduler/carbon-policy';

const NO_MINIMUMS: PauseParams = {
  thresholdGCO2ePerKWh: 300,
  hysteresisGCO2ePerKWh: 30,
  minRunMinutes: 0,
  minStopMinutes: 0,
};

/** Feed a series of hourly readings starting at 2026-03-02T00:00Z; return `paused` after each step. */
function run(values: number[], params: PauseParams, start: PauseState = INITIAL_PAUSE_STATE): boolean[] {
  let state = start;
  return values.map((g, hour) => {
    const step = pausePolicyStep(state, { gCO2ePerKWh: g, at: Date.UTC(2026, 2, 2, hour) }, params);
    state = step.state;
    return step.paused;
  });
}

describe('Module: carbon-policy', () => {
  describe('Function: pausePolicyStep', () => {
    it('pauses above the threshold and resumes only below threshold − hysteresis (300/30: 310, 290, 270, 269)', () => {
      // Act
      const paused = run([310, 290, 270, 269], NO_MINIMUMS);

      // Assess: 310 > 300 → pause; 290 and 270 are not < 270 → stay; 269 < 270 → resume
      expect(paused).toEqual([true, true, true, false]);
    });

    it('does not pause at exactly the threshold', () => {
      // Act
      const paused = run([300, 300.1], NO_MINIMUMS);

      // Assess
      expect(paused).toEqual([false, true]);
    });

    it('keeps a running instance up until minRunMinutes have passed since it started', () => {
      // Prepare: started at 00:00, minimum run 90 min; dirty from 01:00
      const params = { ...NO_MINIMUMS, minRunMinutes: 90 };
      const started: PauseState = { paused: false, since: '2026-03-02T00:00:00.000Z' };

      // Act: 00:00 clean, 01:00 dirty (60 min run), 02:00 dirty (120 min run)
      const paused = run([250, 400, 400], params, started);

      // Assess
      expect(paused).toEqual([false, false, true]);
    });

    it('keeps a paused instance stopped until minStopMinutes have passed since the pause', () => {
      // Prepare: minimum stop 120 min
      const params = { ...NO_MINIMUMS, minStopMinutes: 120 };

      // Act: pause at 00:00; clean at 01:00 (60 min), 02:00 (120 min)
      const paused = run([400, 100, 100], params);

      // Assess
      expect(paused).toEqual([true, true, false]);
    });

    it('records when each phase began and says why in the reason', () => {
      // Act
      const pause = pausePolicyStep(INITIAL_PAUSE_STATE, { gCO2ePerKWh: 312, at: '2026-03-02T10:00:00Z' }, NO_MINIMUMS);
      const hold = pausePolicyStep(pause.state, { gCO2ePerKWh: 280, at: '2026-03-02T11:00:00Z' }, NO_MINIMUMS);
      const resume = pausePolicyStep(hold.state, { gCO2ePerKWh: 260, at: '2026-03-02T12:00:00Z' }, NO_MINIMUMS);

      // Assess
      expect(pause.state).toEqual({ paused: true, since: '2026-03-02T10:00:00.000Z' });
      expect(pause.changed).toBe(true);
      expect(pause.reason).toBe('312 gCO2e/kWh is above the threshold 300 → pause');
      expect(hold.changed).toBe(false);
      expect(hold.reason).toBe(
        '280 gCO2e/kWh is not below the resume level 270 (threshold 300 − hysteresis 30) → stay paused',
      );
      expect(resume.state).toEqual({ paused: false, since: '2026-03-02T12:00:00.000Z' });
      expect(resume.reason).toBe(
        '260 gCO2e/kWh is below the resume level 270 (threshold 300 − hysteresis 30) → resume',
      );
    });

    it('names the minimum in the reason when it holds the instance', () => {
      // Prepare
      const params = { ...NO_MINIMUMS, minRunMinutes: 30 };
      const state: PauseState = { paused: false, since: '2026-03-02T10:00:00Z' };

      // Act
      const step = pausePolicyStep(state, { gCO2ePerKWh: 350, at: '2026-03-02T10:10:00Z' }, params);

      // Assess
      expect(step.paused).toBe(false);
      expect(step.reason).toBe(
        '350 gCO2e/kWh is above the threshold 300, but the instance has run only 10 min of the minimum 30 min → keep running',
      );
    });

    it('rejects negative parameters and invalid times', () => {
      // Act & Assess
      expect(() =>
        pausePolicyStep(INITIAL_PAUSE_STATE, { gCO2ePerKWh: 1, at: 0 }, { ...NO_MINIMUMS, minRunMinutes: -1 }),
      ).toThrow(/minRunMinutes = -1/);
      expect(() => pausePolicyStep(INITIAL_PAUSE_STATE, { gCO2ePerKWh: 1, at: 'yesterday' }, NO_MINIMUMS)).toThrow(
        /not a valid time/,
      );
    });
  });

  describe('Function: chooseDeferredStart', () => {
    const points = [
      { at: '2026-03-02T08:00:00Z', gCO2ePerKWh: 400 },
      { at: '2026-03-02T09:00:00Z', gCO2ePerKWh: 350 },
      { at: '2026-03-02T10:00:00Z', gCO2ePerKWh: 200 },
      { at: '2026-03-02T11:00:00Z', gCO2ePerKWh: 420 },
      { at: '2026-03-02T12:00:00Z', gCO2ePerKWh: 100 },
    ];

    it('picks the cleanest point inside the window', () => {
      // Act: window 08:00 + 180 min = 11:00 (12:00 is outside)
      const choice = chooseDeferredStart(points, '2026-03-02T08:00:00Z', 180);

      // Assess
      expect(choice).toEqual({ startAt: new Date('2026-03-02T10:00:00Z'), meanGCO2ePerKWh: 200 });
    });

    it('can start between points: the window start takes the value of the point covering it', () => {
      // Act: window from 10:30 for 60 min: 10:30 (200, covered by 10:00) vs 11:00 (420)
      const choice = chooseDeferredStart(points, '2026-03-02T10:30:00Z', 60);

      // Assess
      expect(choice).toEqual({ startAt: new Date('2026-03-02T10:30:00Z'), meanGCO2ePerKWh: 200 });
    });

    it('prefers the earliest of equal slots and returns undefined without data', () => {
      // Prepare
      const flat = [
        { at: '2026-03-02T08:00:00Z', gCO2ePerKWh: 100 },
        { at: '2026-03-02T09:00:00Z', gCO2ePerKWh: 100 },
      ];

      // Act & Assess
      expect(chooseDeferredStart(flat, '2026-03-02T08:00:00Z', 60)?.startAt.toISOString()).toBe(
        '2026-03-02T08:00:00.000Z',
      );
      expect(chooseDeferredStart([], '2026-03-02T08:00:00Z', 60)).toBeUndefined();
    });
  });

  describe('Function: deferStartDecision', () => {
    const periodStart = new Date('2026-03-02T08:00:00Z');
    const forecast = [
      { at: '2026-03-02T09:00:00Z', gCO2ePerKWh: 350 },
      { at: '2026-03-02T10:00:00Z', gCO2ePerKWh: 210 },
      { at: '2026-03-02T11:00:00Z', gCO2ePerKWh: 380 },
      { at: '2026-03-02T13:00:00Z', gCO2ePerKWh: 50 },
    ];
    const base = { periodStart, maxDeferMinutes: 240, thresholdGCO2ePerKWh: 300, forecast };

    it('starts at once when the grid is at or below the threshold', () => {
      // Act
      const decision = deferStartDecision({ ...base, now: periodStart, currentGCO2ePerKWh: 300 });

      // Assess
      expect(decision).toEqual({ start: true, reason: '300 gCO2e/kWh is at or below the threshold 300 → start' });
    });

    it('defers a dirty start to the cleanest forecast slot before the deadline', () => {
      // Act: 13:00 (50 g) is after the deadline 12:00, so 10:00 (210 g) wins
      const decision = deferStartDecision({ ...base, now: periodStart, currentGCO2ePerKWh: 420 });

      // Assess
      expect(decision.start).toBe(false);
      expect(decision.plannedStartAt?.toISOString()).toBe('2026-03-02T10:00:00.000Z');
      expect(decision.reason).toBe(
        '420 gCO2e/kWh is above the threshold 300 → defer the start to the cleanest forecast slot ' +
          '2026-03-02T10:00Z (210 gCO2e/kWh), at the latest 2026-03-02T12:00Z',
      );
    });

    it('starts when the current value is the cleanest left in the window', () => {
      // Act: at 10:00 the reading is 320; the rest of the window forecasts 380
      const decision = deferStartDecision({
        ...base,
        now: new Date('2026-03-02T10:00:00Z'),
        currentGCO2ePerKWh: 320,
      });

      // Assess
      expect(decision.start).toBe(true);
    });

    it('starts regardless once maxDeferMinutes have passed', () => {
      // Act
      const decision = deferStartDecision({ ...base, now: new Date('2026-03-02T12:00:00Z'), currentGCO2ePerKWh: 900 });

      // Assess
      expect(decision.start).toBe(true);
      expect(decision.reason).toBe(
        'start deferred the maximum 240 min since the period began at 2026-03-02T08:00Z → start regardless',
      );
    });

    it('without a forecast, waits for a clean reading until the deadline', () => {
      // Act
      const decision = deferStartDecision({ ...base, forecast: [], now: periodStart, currentGCO2ePerKWh: 420 });

      // Assess
      expect(decision.start).toBe(false);
      expect(decision.plannedStartAt?.toISOString()).toBe('2026-03-02T12:00:00.000Z');
    });
  });
});
