import { describe, expect, it } from 'vitest';
import { simulateDispatch } from '../../../cli/backtest/dispatch';
import { forecastViews } from '../../../cli/backtest/forecast';
import { parseTrace } from '../../../cli/trace';
import { hourlyCsv } from './support';

// Two zones, six hours from 2023-03-01 00:00 UTC:
//   hour   0    1    2    3    4    5
//   A    300  300  300  300  300  300   (home)
//   B    100  500  100  500  100  500
const trace = () =>
  parseTrace(
    hourlyCsv('2023-03-01T00:00:00Z', { A: [300, 300, 300, 300, 300, 300], B: [100, 500, 100, 500, 100, 500] }),
  );
const series = () => {
  const t = trace();
  return [t.series('A')!, t.series('B')!];
};
const jobs = { home: 'A', durationMinutes: 60, everyMinutes: 60, timezone: 'UTC', kWhPerHour: 1 };

describe('Module: dispatch', () => {
  describe('Function: simulateDispatch', () => {
    it('with a perfect forecast sends each job to the zone that is cleanest during it', () => {
      // Prepare: six 1 h jobs; baseline 6 × 300 = 1800; oracle B, A, B, A, B, A = 100+300+100+300+100+300 = 1200.
      const views = forecastViews(series(), { kind: 'perfect' }, 1);

      // Act
      const result = simulateDispatch({ views, ...jobs });

      // Assess
      expect(result.jobs).toBe(6);
      expect(result.perJob.map((j) => j.policyZone)).toEqual(['B', 'A', 'B', 'A', 'B', 'A']);
      expect(result.baselineGCO2e).toBe(1800);
      expect(result.policyGCO2e).toBe(1200);
      expect(result.oracleGCO2e).toBe(1200);
      expect(result.savingsPercent).toBeCloseTo(33.333, 3);
      expect(result.shareOfOracle).toBe(1);
      expect(result.policyZoneCounts).toEqual({ A: 3, B: 3 });
    });

    it('with the latest reading follows the last hour and, on this alternating grid, loses against home', () => {
      // Prepare: with lag 0 the newest known value is the hour that just ended. Job 0: nothing known → home (300).
      // Job 1: B was 100 → B, gets 500. Job 2: B was 500 → A, 300. Job 3: B 100 → B, 500. Job 4: A, 300. Job 5: B, 500.
      // Policy 300+500+300+500+300+500 = 2400: savings (1800 − 2400) / 1800 = −33.3%; share −600 / 600 = −1.
      const views = forecastViews(series(), { kind: 'latest' }, 1);

      // Act
      const result = simulateDispatch({ views, ...jobs });

      // Assess
      expect(result.perJob.map((j) => j.policyZone)).toEqual(['A', 'B', 'A', 'B', 'A', 'B']);
      expect(result.policyFallbacks).toBe(1);
      expect(result.policyGCO2e).toBe(2400);
      expect(result.savingsPercent).toBeCloseTo(-33.333, 3);
      expect(result.shareOfOracle).toBe(-1);
    });

    it('with a lag of 1 h decides on the hour that ended an hour before the job', () => {
      // Prepare: latest, lag 1 h → at job t the cutoff is t − 1 h, so the newest ended hour is t − 2. Jobs 0 and 1
      // know nothing (home: 300, 300); job 2 sees B = 100 (hour 0) → B, 100; job 3 sees B = 500 → A, 300;
      // job 4 → B, 100; job 5 → A, 300. Policy 1400.
      const views = forecastViews(series(), { kind: 'latest' }, 1);

      // Act
      const result = simulateDispatch({ views, ...jobs, lagMinutes: 60 });

      // Assess
      expect(result.policyGCO2e).toBe(1400);
      expect(result.policyFallbacks).toBe(2);
    });

    it('averages each zone over the job’s duration', () => {
      // Prepare: 2 h jobs every 2 h → jobs at 0, 2, 4. B's mean over any two hours is (100 + 500) / 2 = 300, equal
      // to A: no zone is cleaner, so policy = oracle = baseline = 300 per hour; 3 jobs × 2 h × 300 = 1800.
      const views = forecastViews(series(), { kind: 'perfect' }, 1);

      // Act
      const result = simulateDispatch({ views, ...jobs, durationMinutes: 120, everyMinutes: 120 });

      // Assess
      expect(result.jobs).toBe(3);
      expect(result.jobHours).toBe(6);
      expect(result.baselineGCO2e).toBe(1800);
      expect(result.policyGCO2e).toBe(1800);
      expect(result.shareOfOracle).toBeNull();
    });

    it('counts only jobs inside the period and groups them per day', () => {
      // Prepare: period 02:00–05:00 → jobs at 2, 3, 4 (a job at 5 would end at 06:00, after the period).
      const views = forecastViews(series(), { kind: 'perfect' }, 1);

      // Act
      const result = simulateDispatch({
        views,
        ...jobs,
        period: { fromMs: Date.parse('2023-03-01T02:00:00Z'), toMs: Date.parse('2023-03-01T05:00:00Z') },
      });

      // Assess: oracle B (100), A (300), B (100).
      expect(result.perJob.map((j) => j.at.slice(11, 16))).toEqual(['02:00', '03:00', '04:00']);
      expect(result.daily).toEqual([
        { date: '2023-03-01', jobs: 3, hours: 3, baselineGCO2e: 900, policyGCO2e: 500, oracleGCO2e: 500 },
      ]);
    });

    it('refuses a home zone that is not among the traces', () => {
      // Prepare
      const views = forecastViews(series(), { kind: 'perfect' }, 1);

      // Act
      const act = () => simulateDispatch({ views, ...jobs, home: 'C' });

      // Assess
      expect(act).toThrow(/--home "C".*A, B/);
    });
  });
});
