import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { BacktestReport } from '../../../cli/backtest/report';
import {
  backtestPeriod,
  type backtestResultSchema,
  InvalidBacktestResultError,
  isBacktestResult,
  reportFromBacktest,
} from '../../../cli/report/backtest-adapter';
import { reportPeriod } from '../../../lambdas/core/report/period';

/** The schema's input without the index signatures of its loose objects, so field types are compared. */
type StripIndex<T> = T extends readonly (infer U)[]
  ? StripIndex<U>[]
  : T extends object
    ? { [K in keyof T as string extends K ? never : K]: StripIndex<T[K]> }
    : T;
/** Compile-time check: every document `backtest --json` prints has the fields the adapter reads, with their types. */
const backtestShapeFits = (report: BacktestReport): StripIndex<z.input<typeof backtestResultSchema>> => report;
void backtestShapeFits;

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/report/${name}`, import.meta.url), 'utf8'));
const generatedAt = new Date('2026-11-26T00:00:00.000Z');

describe('Module: backtest-adapter', () => {
  describe('Function: reportFromBacktest', () => {
    it('turns a pause result into schedule savings per day: baseline − policy grams, hours paused × USD/h', () => {
      // Prepare
      const raw = fixture('backtest-pause.json');

      // Act
      const model = reportFromBacktest(raw, backtestPeriod(raw), 'pause.json', { generatedAt });

      // Assess
      // daily rows: 32.2335−32.2335 = 0; 30.6116−25.911 = 4.7006; 29.845−25.1596 = 4.6854; 31.773−19.8113 = 11.9617
      expect(model.days.map((d) => d.gCO2eAvoidedBySchedules.toFixed(4))).toEqual([
        '0.0000',
        '4.7006',
        '4.6854',
        '11.9617',
      ]);
      expect(model.days.map((d) => d.usdSaved.toFixed(3))).toEqual(['0.000', '0.345', '0.345', '0.805']);
      expect(model.totals.usdSaved).toBeCloseTo(1.495, 9);
      expect(model.totals.stoppedInstanceHours).toBe(13);
      // 13 h × 0.00535398 kWh/h = 0.06960174 kWh
      expect(model.totals.kWhAvoided).toBeCloseTo(0.06960174, 8);
      expect(model.totals.gCO2eSavedByDispatch).toBe(0);
      expect(model.regions).toEqual(['DE']);
      expect(model.backtest).toMatchObject({
        scenario: 'pause',
        jobs: 96,
        savingsPercent: 17.1518,
        shareOfOracle: 0.987757,
      });
      expect(model.backtest?.parameters).toContainEqual({ name: 'Pause above', value: '300 gCO2e/kWh' });
      expect(model.backtest?.parameters).toContainEqual({ name: 'Instance-hours simulated', value: '96' });
      // No internal words, key names or local paths reach the reader.
      const text = JSON.stringify([model.backtest, model.methodology, model.warnings, model.narrative, model.source]);
      expect(text).not.toMatch(/SPEC|section \d|kWhPerHour|jobHours|\/fixtures\/|test\//);
      expect(model.narrative[0]).toMatch(/^Simulated on historical grid data for 2023-06-01 to 2023-06-04 \(4 days\)/);
      expect(model.methodology.formulas[0]?.name).toBe('Backtest savings');
    });

    it('turns a dispatch result into dispatch savings and job counts', () => {
      // Prepare
      const raw = fixture('backtest-dispatch.json');

      // Act
      const model = reportFromBacktest(raw, reportPeriod('2023-03-01', '2023-03-02'), 'dispatch.json', { generatedAt });

      // Assess
      // 4.81858 − 1.60619 = 3.21239 g on 2023-03-01; no row for 2023-03-02
      expect(model.days.map((d) => d.gCO2eSavedByDispatch)).toEqual([4.81858 - 1.60619, 0]);
      expect(model.totals.dispatchedJobs).toBe(3);
      expect(model.totals.usdSaved).toBe(0);
      expect(model.backtest?.destinations).toEqual([
        { zone: 'FR', policyJobs: 3, oracleJobs: 3 },
        { zone: 'DE', policyJobs: 0, oracleJobs: 0 },
      ]);
      expect(model.warnings).toContain(
        'the same energy is counted in every zone (PUE differences between regions are not modelled)',
      );
    });

    it('rejects a file whose fields have the wrong type', () => {
      // Prepare
      const raw = { scenario: 'pause', daily: [{ date: '2023-06-01', baselineGCO2e: 'x', policyGCO2e: 1 }] };

      // Act
      const act = () => reportFromBacktest(raw, reportPeriod('2023-06-01', '2023-06-01'), 'f', { generatedAt });

      // Assess
      expect(act).toThrow(InvalidBacktestResultError);
      expect(act).toThrow(/daily\.0\.baselineGCO2e/);
    });
  });

  describe('Function: backtestPeriod and isBacktestResult', () => {
    it('covers the days of the simulated period, the exclusive end excluded', () => {
      // Prepare
      const raw = { scenario: 'shift', period: { from: '2023-06-01T00:00:00.000Z', to: '2023-06-05T00:00:00.000Z' } };

      // Act
      const period = backtestPeriod(raw);

      // Assess
      expect([period.from, period.to]).toEqual(['2023-06-01', '2023-06-04']);
      expect(isBacktestResult(raw)).toBe(true);
      expect(isBacktestResult({ Items: [] })).toBe(false);
      expect(() => backtestPeriod({ scenario: 'x' })).toThrow(/give --from and --to/);
    });
  });
});
