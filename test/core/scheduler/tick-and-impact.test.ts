import { describe, expect, it } from 'vitest';
import { staticPriceBook } from '../../../lambdas/core/accounting/price-book';
import { estimateImpact } from '../../../lambdas/core/scheduler/impact';
import { runTime } from '../../../lambdas/core/scheduler/tick';
import { setup } from './fixtures';

/** m5.large: CCF 2 × (0.6130 + 0.5 × 3.4912) = 4.7172 W × PUE 1.135 → kWh per hour. */
const M5_LARGE_KWH_PER_HOUR = (4.7172 * 1.135) / 1000;

describe('Module: tick', () => {
  describe('Function: runTime', () => {
    it('truncates now to the minute and the tick to the scheduling interval', () => {
      // Act
      const { now, tick } = runTime(new Date('2026-03-02T09:07:42.123Z'), 5);
      const hourly = runTime(new Date('2026-03-02T09:59:59Z'), 60);

      // Assess
      expect(now.toISOString()).toBe('2026-03-02T09:07:00.000Z');
      expect(tick).toBe('2026-03-02T09:05:00.000Z');
      expect(hourly.tick).toBe('2026-03-02T09:00:00.000Z');
    });

    it('rejects a bad time or interval', () => {
      // Act & Assess
      expect(() => runTime(new Date('nope'), 5)).toThrow(RangeError);
      expect(() => runTime(new Date(), 0)).toThrow(/intervalMinutes = 0/);
    });
  });
});

describe('Module: impact', () => {
  describe('Function: estimateImpact', () => {
    const prices = staticPriceBook({ 'eu-central-1': { 'm5.large': 0.115 } });
    const base = { instanceType: 'm5.large', region: 'eu-central-1', pue: 1.135, prices, gCO2ePerKWh: 300 };

    it('counts the hours office-hours keeps an instance stopped, at the given intensity', () => {
      // Prepare
      const { registry } = setup();
      const schedule = registry.resolve('office-hours');
      if (!schedule.ok) throw new Error('built-in missing');

      // Act: Friday 2026-03-06 09:00 for 72 h: stopped Fri 18:00 → Mon 08:00 = 62 h, then running until Mon 09:00
      const impact = estimateImpact({
        ...base,
        schedule: schedule.schedule,
        from: new Date('2026-03-06T09:00:00Z'),
        hours: 72,
      });

      // Assess
      expect(impact.stoppedHours).toBeCloseTo(62, 9);
      expect(impact.usd).toBeCloseTo(62 * 0.115, 9);
      expect(impact.gCO2e).toBeCloseTo(62 * M5_LARGE_KWH_PER_HOUR * 300, 2);
    });

    it('simulates pause-when-dirty over a series: 6 h above 300, then 200', () => {
      // Prepare
      const { registry } = setup();
      const schedule = registry.resolve('carbon-aware');
      if (!schedule.ok) throw new Error('built-in missing');
      const from = new Date('2026-03-02T00:00:00Z');
      const series = (atMs: number) => (atMs < from.getTime() + 6 * 3_600_000 ? 400 : 200);

      // Act
      const impact = estimateImpact({
        ...base,
        schedule: schedule.schedule,
        from,
        hours: 12,
        stepMinutes: 60,
        intensityAt: series,
        pause: { thresholdGCO2ePerKWh: 300, hysteresisGCO2ePerKWh: 30, minRunMinutes: 0, minStopMinutes: 0 },
      });

      // Assess
      expect(impact.stoppedHours).toBe(6);
      expect(impact.usd).toBeCloseTo(0.69, 9);
      expect(impact.gCO2e).toBeCloseTo(6 * 400 * M5_LARGE_KWH_PER_HOUR, 3);
    });

    it('counts an active stopped override until it expires, but never for always-on', () => {
      // Prepare
      const { registry } = setup();
      const office = registry.resolve('office-hours');
      const alwaysOn = registry.resolve('always-on');
      if (!office.ok || !alwaysOn.ok) throw new Error('built-in missing');
      const override = { state: 'stopped' as const, until: new Date('2026-03-02T11:00:00Z') };
      const from = new Date('2026-03-02T08:00:00Z');

      // Act
      const officeImpact = estimateImpact({ ...base, schedule: office.schedule, override, from, hours: 24 });
      const alwaysOnImpact = estimateImpact({ ...base, schedule: alwaysOn.schedule, override, from, hours: 24 });

      // Assess: Monday 08:00–11:00 by the override, 18:00–08:00 by the schedule = 3 + 14 h
      expect(officeImpact.stoppedHours).toBeCloseTo(17, 9);
      expect(alwaysOnImpact.stoppedHours).toBe(0);
    });
  });
});
