import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simulateShift } from '../../../cli/backtest/shift';
import { parseTrace } from '../../../cli/trace';
import { day, hourlySeries, viewOf } from './support';

const realTrace = () =>
  parseTrace(
    readFileSync(new URL('../../fixtures/traces/electricitymaps-de-2023-06-01-4days.csv', import.meta.url), 'utf8'),
  ).series('DE')!;

// Two hand-made days (UTC, 250 g outside 08:00–13:00):
//   hour        08   09   10   11   12   13
//   day 1      400  300  500  450  100  150
//   day 2      200  100  500  450  300  400
// A 2 h job due at 10:00 with a ±2 h window may start at 08, 09, 10, 11 or 12 (mean of two hours):
//   day 1: 08 → 350, 09 → 400, 10 → 475 (baseline), 11 → 275, 12 → 125 (oracle)
//   day 2: 08 → 150 (oracle), 09 → 300, 10 → 475 (baseline), 11 → 375, 12 → 350
const DAY1 = day(250, { 8: 400, 9: 300, 10: 500, 11: 450, 12: 100, 13: 150 });
const DAY2 = day(250, { 8: 200, 9: 100, 10: 500, 11: 450, 12: 300, 13: 400 });
const twoDays = () => hourlySeries('X', '2023-01-01T00:00:00Z', [...DAY1, ...DAY2]);
const job = { durationMinutes: 120, startMinutes: 10 * 60, windowMinutes: 120, timezone: 'UTC', kWhPerHour: 1 };

describe('Module: shift', () => {
  describe('Function: simulateShift', () => {
    it('with a perfect forecast starts every job where the oracle does', () => {
      // Prepare
      const view = viewOf(twoDays());

      // Act
      const result = simulateShift({ view, ...job });

      // Assess: baseline 475 + 475 = 950, oracle 125 + 150 = 275 (see the table above); grams = g × 2 h × 1 kWh/h.
      expect(result.jobs).toBe(2);
      expect(result.perJob.map((j) => j.policyStart)).toEqual(['2023-01-01T12:00:00.000Z', '2023-01-02T08:00:00.000Z']);
      expect(result.baselineIntensity).toBe(475);
      expect(result.policyIntensity).toBe(137.5);
      expect(result.oracleIntensity).toBe(137.5);
      expect(result.baselineGCO2e).toBe(1900);
      expect(result.oracleGCO2e).toBe(550);
      expect(result.savingsPercent).toBeCloseTo((675 / 950) * 100, 10);
      expect(result.shareOfOracle).toBe(1);
    });

    it('with persistence chooses on yesterday’s values and is judged on today’s', () => {
      // Prepare: day 1 has no yesterday → runs at its due time (475). Day 2 follows day 1's best slot, 12:00, which
      // on day 2 is (300 + 400) / 2 = 350. Policy 475 + 350 = 825 vs baseline 950 and oracle 275:
      // savings 125 / 950 = 13.16%, oracle 675 / 950 = 71.05%, share 125 / 675 = 0.1852.
      const view = viewOf(twoDays(), { kind: 'persistence' });

      // Act
      const result = simulateShift({ view, ...job });

      // Assess
      expect(result.perJob.map((j) => j.policyStart)).toEqual(['2023-01-01T10:00:00.000Z', '2023-01-02T12:00:00.000Z']);
      expect(result.policyFallbacks).toBe(1);
      expect(result.policyGCO2e).toBe(1650);
      expect(result.savingsPercent).toBeCloseTo(13.158, 3);
      expect(result.oracleSavingsPercent).toBeCloseTo(71.053, 3);
      expect(result.shareOfOracle).toBeCloseTo(0.18519, 5);
    });

    it('moves a job only for the minimum forecast gain when asked', () => {
      // Prepare: perfect forecast, 80% minimum gain: day 1 gains (475 − 125) / 475 = 73.7% → stays at 10:00;
      // day 2 gains (475 − 150) / 475 = 68.4% → stays too. With 70%: day 1 moves, day 2 stays.
      const view = viewOf(twoDays());

      // Act
      const strict = simulateShift({ view, ...job, minImprovementPercent: 80 });
      const looser = simulateShift({ view, ...job, minImprovementPercent: 70 });

      // Assess
      expect(strict.policyIntensity).toBe(475);
      expect(looser.perJob.map((j) => j.policyStart.slice(11, 16))).toEqual(['12:00', '10:00']);
      expect(looser.policyIntensity).toBe((125 + 475) / 2);
    });

    it('skips days whose window the trace does not cover', () => {
      // Prepare: a ±13 h window of a 2 h job due at 10:00 needs 21:00 the day before to 01:00 the day after: day 1
      // lacks the evening before, day 2 the night after (the trace ends on 2023-01-03 at 00:00).
      const view = viewOf(twoDays());

      // Act
      const result = simulateShift({ view, ...job, windowMinutes: 13 * 60 });

      // Assess
      expect(result.jobs).toBe(0);
      expect(result.skippedDays).toBe(2);
      expect(result.shareOfOracle).toBeNull();
    });

    it('counts only the days inside the period, while the forecast still reads the history before it', () => {
      // Prepare: period = day 2 only; persistence still sees day 1, so the day-2 job goes to 12:00 (350).
      const view = viewOf(twoDays(), { kind: 'persistence' });

      // Act
      const result = simulateShift({ view, ...job, period: { fromMs: Date.parse('2023-01-02T00:00:00Z') } });

      // Assess
      expect(result.jobs).toBe(1);
      expect(result.policyIntensity).toBe(350);
      expect(result.policyFallbacks).toBe(0);
    });

    it('reads the due time in the given time zone', () => {
      // Prepare: 11:00 in Europe/Berlin (UTC+1 in January) is 10:00 UTC: the same jobs as above.
      const view = viewOf(twoDays());

      // Act
      const result = simulateShift({ view, ...job, startMinutes: 11 * 60, timezone: 'Europe/Berlin' });

      // Assess
      expect(result.perJob.map((j) => j.due)).toEqual(['2023-01-01T10:00:00.000Z', '2023-01-02T10:00:00.000Z']);
      expect(result.daily.map((d) => d.date)).toEqual(['2023-01-01', '2023-01-02']);
    });

    it('on real data with a perfect forecast equals the oracle for every job', () => {
      // Prepare: Electricity Maps DE, 2023-06-01 to 06-04 (fixture), several jobs and windows.
      const view = viewOf(realTrace());
      const cases = [
        { durationMinutes: 60, startMinutes: 17 * 60, windowMinutes: 120 },
        { durationMinutes: 90, startMinutes: 9 * 60 + 30, windowMinutes: 240 },
        { durationMinutes: 240, startMinutes: 12 * 60, windowMinutes: 360 },
      ];

      for (const c of cases) {
        // Act
        const result = simulateShift({ view, ...c, timezone: 'UTC', kWhPerHour: 1 });

        // Assess
        expect(result.jobs).toBeGreaterThan(0);
        for (const j of result.perJob) {
          expect(j.policyStart).toBe(j.oracleStart);
          expect(j.policyIntensity).toBe(j.oracleIntensity);
        }
        expect(result.policyGCO2e).toBe(result.oracleGCO2e);
      }
    });

    it('on real data with persistence picks 15:00 on 06-04 for a 1 h job due at 17:00 ± 2 h', () => {
      // Prepare: 06-03 15:00–19:00 read 195.62, 228.53, 265.06, 299.45, 301.67 → yesterday says 15:00. On 06-04 the
      // same hours are 203.52, 246.59, 301.11, 333.5, 332.39: the policy gets 203.52 (also the oracle), the baseline
      // 301.11 → savings (301.11 − 203.52) / 301.11 = 32.41%.
      const view = viewOf(realTrace(), { kind: 'persistence' });

      // Act
      const result = simulateShift({
        view,
        durationMinutes: 60,
        startMinutes: 17 * 60,
        windowMinutes: 120,
        timezone: 'UTC',
        kWhPerHour: 1,
        period: { fromMs: Date.parse('2023-06-04T00:00:00Z') },
      });

      // Assess
      expect(result.perJob).toEqual([
        {
          due: '2023-06-04T17:00:00.000Z',
          baselineStart: '2023-06-04T17:00:00.000Z',
          policyStart: '2023-06-04T15:00:00.000Z',
          oracleStart: '2023-06-04T15:00:00.000Z',
          baselineIntensity: 301.11,
          policyIntensity: 203.52,
          oracleIntensity: 203.52,
        },
      ]);
      expect(result.savingsPercent).toBeCloseTo(32.41, 2);
    });

    it('refuses a job of no duration', () => {
      // Prepare
      const act = () => simulateShift({ view: viewOf(twoDays()), ...job, durationMinutes: 0 });

      // Act & Assess
      expect(act).toThrow(/--duration/);
    });
  });
});
