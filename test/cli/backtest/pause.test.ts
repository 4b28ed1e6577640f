import { describe, expect, it } from 'vitest';
import { simulatePause } from '../../../cli/backtest/pause';
import { hourlySeries, viewOf } from './support';

// Eight hours from 2023-06-01 00:00 UTC, threshold 300, hysteresis 30 (resume below 270), no minimum times:
//   hour      0    1    2    3    4    5    6    7
//   g       250  310  290  280  260  295  200  310
//   policy  run  PAUSE (310 > 300)
//                    stay (290 ≥ 270)
//                         stay (280 ≥ 270)
//                              run (260 < 270)
//                                   run (295 ≤ 300)
//                                        run
//                                             PAUSE
// Paused hours 1, 2, 3, 7 → 4 h, avoided 310 + 290 + 280 + 310 = 1190 of 2195 (sum of all hours).
// Oracle (the 4 dirtiest hours): 310, 310, 295, 290 = 1205. Threshold alone (> 300): hours 1 and 7, 620.
const VALUES = [250, 310, 290, 280, 260, 295, 200, 310];
const series = () => hourlySeries('DE', '2023-06-01T00:00:00Z', VALUES);
const params = { thresholdGCO2ePerKWh: 300, hysteresisGCO2ePerKWh: 30, minRunMinutes: 0, minStopMinutes: 0 };

describe('Module: pause', () => {
  describe('Function: simulatePause', () => {
    it('pauses above the threshold and resumes below threshold − hysteresis, as the scheduler does', () => {
      // Prepare
      const view = viewOf(series());

      // Act
      const result = simulatePause({ view, params, timezone: 'UTC', kWhPerHour: 1, usdPerHour: 0.1 });

      // Assess
      expect(result.hoursPaused).toBe(4);
      expect(result.pauses).toBe(2);
      expect(result.pausedPeriods).toEqual([
        { from: '2023-06-01T01:00:00.000Z', to: '2023-06-01T04:00:00.000Z', hours: 3 },
        { from: '2023-06-01T07:00:00.000Z', to: '2023-06-01T08:00:00.000Z', hours: 1 },
      ]);
      expect(result.baselineGCO2e).toBe(2195);
      expect(result.gCO2eAvoided).toBe(1190);
      expect(result.policyGCO2e).toBe(1005);
      expect(result.usdSaved).toBeCloseTo(0.4, 10);
    });

    it('compares with the oracle that pauses the same hours, the dirtiest ones', () => {
      // Prepare
      const view = viewOf(series());

      // Act
      const result = simulatePause({ view, params, timezone: 'UTC', kWhPerHour: 1 });

      // Assess: savings 1190 / 2195 = 54.21%, oracle 1205 / 2195 = 54.90%, share 1190 / 1205 = 0.98755.
      // Mean intensity while running: baseline 2195 / 8 = 274.375; policy (250+260+295+200) / 4 = 251.25;
      // oracle (250+280+260+200) / 4 = 247.5.
      expect(result.oracleHoursPaused).toBe(4);
      expect(result.oracleGCO2eAvoided).toBe(1205);
      expect(result.savingsPercent).toBeCloseTo(54.214, 3);
      expect(result.oracleSavingsPercent).toBeCloseTo(54.897, 3);
      expect(result.shareOfOracle).toBeCloseTo(0.98755, 5);
      expect(result.baselineIntensity).toBe(274.375);
      expect(result.policyIntensity).toBe(251.25);
      expect(result.oracleIntensity).toBe(247.5);
      expect(result.thresholdOracle).toEqual({ hoursPaused: 2, gCO2eAvoided: 620 });
      expect(result.usdSaved).toBeNull();
    });

    it('honours the minimum stop time', () => {
      // Prepare: min stop 4 h: paused at 01:00, 260 at 04:00 is only 3 h later → stay; 05:00 (295) is not below
      // 270; 06:00 (200) after 5 h → resume; 07:00 (310) → pause. Paused 1–5 and 7: 6 h,
      // avoided 310+290+280+260+295+310 = 1745.
      const view = viewOf(series());

      // Act
      const result = simulatePause({
        view,
        params: { ...params, minStopMinutes: 240 },
        timezone: 'UTC',
        kWhPerHour: 1,
      });

      // Assess
      expect(result.hoursPaused).toBe(6);
      expect(result.gCO2eAvoided).toBe(1745);
    });

    it('with the latest reading decides on the hour that just ended', () => {
      // Prepare: readings 0:—, 1:250, 2:310, 3:290, 4:280, 5:260, 6:295, 7:200 → hour 0 unknown (state held:
      // running), pause at 2, stay at 3 and 4, resume at 5. Paused hours 2, 3, 4: avoided 290 + 280 + 260 = 830.
      const view = viewOf(series(), { kind: 'latest' });

      // Act
      const result = simulatePause({ view, params, timezone: 'UTC', kWhPerHour: 1 });

      // Assess
      expect(result.unknownReadings).toBe(1);
      expect(result.hoursPaused).toBe(3);
      expect(result.gCO2eAvoided).toBe(830);
    });

    it('counts energy per hour of the trace step: kWh × g', () => {
      // Prepare: an m5.large-like 0.005354 kWh per hour (docs/accounting.md worked example).
      const view = viewOf(series());

      // Act
      const result = simulatePause({ view, params, timezone: 'UTC', kWhPerHour: 0.005354 });

      // Assess: 1190 g·h/kWh × 0.005354 = 6.3713 g; 4 h × 0.005354 = 0.021416 kWh.
      expect(result.gCO2eAvoided).toBeCloseTo(6.3713, 4);
      expect(result.kWhAvoided).toBeCloseTo(0.021416, 6);
    });

    it('keeps the state from before the period but counts only the period', () => {
      // Prepare: period from 02:00: the pause begun at 01:00 continues (no new pause counted); counted hours 2–7:
      // paused 2, 3, 7 → 3 h, avoided 290 + 280 + 310 = 880 of 290+280+260+295+200+310 = 1635. The oracle pauses
      // the 3 dirtiest counted hours: 310 + 295 + 290 = 895.
      const view = viewOf(series());

      // Act
      const result = simulatePause({
        view,
        params,
        timezone: 'UTC',
        kWhPerHour: 1,
        period: { fromMs: Date.parse('2023-06-01T02:00:00Z') },
      });

      // Assess
      expect(result.jobs).toBe(6);
      expect(result.hoursPaused).toBe(3);
      expect(result.pauses).toBe(1);
      expect(result.baselineGCO2e).toBe(1635);
      expect(result.gCO2eAvoided).toBe(880);
      expect(result.pausedPeriods[0]).toEqual({
        from: '2023-06-01T02:00:00.000Z',
        to: '2023-06-01T04:00:00.000Z',
        hours: 2,
      });
      expect(result.daily).toEqual([
        {
          date: '2023-06-01',
          jobs: 6,
          hours: 6,
          baselineGCO2e: 1635,
          policyGCO2e: 755,
          oracleGCO2e: 1635 - 895,
          hoursPaused: 3,
        },
      ]);
    });
  });
});
