import { describe, expect, it } from 'vitest';
import { parseMaintenanceWindow } from '../../../lambdas/core/resources/maintenance-window';
import { estimateResourceImpact } from '../../../lambdas/core/resources/plan';
import { ScheduleRegistry } from '../../../lambdas/core/schedule';

const registry = ScheduleRegistry.fromConfig(
  [
    {
      name: 'db-office',
      periods: [{ begintime: '08:00', endtime: '18:00', weekdays: 'mon-fri' }],
      useMaintenanceWindow: true,
    },
  ],
  'UTC',
);
const schedule = (name: string) => {
  const resolved = registry.resolve(name);
  if (!resolved.ok) throw new Error(resolved.reason);
  return resolved.schedule;
};
const window = parseMaintenanceWindow('mon:20:30-mon:21:00');
const hour = { usdPerHour: 0.212, kWhPerHour: 0.005354, notes: [] };

describe('Module: resources plan', () => {
  describe('Function: estimateResourceImpact', () => {
    it('counts the maintenance window (from 10 min before) as running', () => {
      // Act: Monday 09:00 → Tuesday 09:00, stopped 18:00–08:00 = 14 h minus 20:20–21:00 = 13 h 20 min
      const impact = estimateResourceImpact({
        schedule: schedule('db-office'),
        ...(window.ok ? { maintenanceWindow: window.window } : {}),
        from: new Date('2026-03-02T09:00:00Z'),
        hours: 24,
        hour,
        gCO2ePerKWh: 300,
      });

      // Assess: USD 0.212 × 13.3333; kWh 0.005354 × 13.3333; g = kWh × 300
      expect(impact.stoppedHours).toBeCloseTo(13 + 1 / 3, 9);
      expect(impact.usd).toBeCloseTo(0.212 * (40 / 3), 9);
      expect(impact.gCO2e).toBeCloseTo(0.005354 * (40 / 3) * 300, 9);
      expect(impact).toMatchObject({ priced: true, energyEstimated: true });
    });

    it('follows an override until it expires and reports unknown prices as not priced', () => {
      // Act: stopped until Monday 12:00 (3 h of the period), then office-hours: 3 + 14 h
      const impact = estimateResourceImpact({
        schedule: schedule('office-hours'),
        override: { state: 'stopped', until: new Date('2026-03-02T12:00:00Z') },
        from: new Date('2026-03-02T09:00:00Z'),
        hours: 24,
        hour: { notes: ['no price'] },
        gCO2ePerKWh: 300,
      });

      // Assess
      expect(impact.stoppedHours).toBeCloseTo(17, 9);
      expect(impact).toMatchObject({
        usd: 0,
        kWh: 0,
        gCO2e: 0,
        priced: false,
        energyEstimated: false,
        notes: ['no price'],
      });
    });

    it('never counts always-on as stopped', () => {
      // Act
      const impact = estimateResourceImpact({
        schedule: schedule('always-on'),
        from: new Date('2026-03-02T09:00:00Z'),
        hours: 24,
        hour,
        gCO2ePerKWh: 300,
      });

      // Assess
      expect(impact.stoppedHours).toBe(0);
    });
  });
});
