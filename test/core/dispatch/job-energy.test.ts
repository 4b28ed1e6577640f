import { describe, expect, it } from 'vitest';
import { jobDurationMinutes, jobEnergy, lambdaPowerWatts } from '../../../lambdas/core/dispatch/job-energy';

const options = { pue: 1.135, workerMemoryMB: 512, defaultDurationMinutes: 5 };

describe('Module: job-energy', () => {
  describe('Function: jobEnergy', () => {
    it('takes estimatedKWh as given', () => {
      // Act
      const energy = jobEnergy({ kind: 'etl', estimatedKWh: 2.5, durationMinutes: 30 }, options);

      // Assess
      expect(energy).toEqual({
        kWh: 2.5,
        basis: 'estimatedKWh',
        durationMinutes: 30,
        detail: 'energy as given (estimatedKWh)',
      });
    });

    it('uses the CCF model for instanceType + hours', () => {
      // Act: m5.large = 2 vCPU Skylake (CCF min 0.61299 W, max 4.10417 W per vCPU) at 50%:
      // 2 × (0.61299 + 0.5 × 3.49118) = 4.71716 W × 1.135 × 10 h ÷ 1000 = 0.053540 kWh.
      const energy = jobEnergy({ kind: 'render', instanceType: 'm5.large', hours: 10 }, options);

      // Assess
      expect(energy.basis).toBe('instanceType');
      expect(energy.kWh).toBeCloseTo(0.05354, 5);
      expect(energy.durationMinutes).toBe(600);
    });

    it('falls back to the worker Lambda: memory share of a vCPU × CCF AWS average watts × duration', () => {
      // Act: 512 / 1769 vCPU × (0.74 + 0.5 × 2.76) W = 0.28943 × 2.12 = 0.61359 W × 1.135 × (5/60) h ÷ 1000
      // = 0.00005804 kWh.
      const energy = jobEnergy({ kind: 'report-location' }, options);

      // Assess
      expect(energy.basis).toBe('worker-lambda');
      expect(energy.durationMinutes).toBe(5);
      expect(energy.kWh).toBeCloseTo(0.00005804, 8);
    });
  });

  describe('Function: lambdaPowerWatts', () => {
    it('gives 2.12 W for one full vCPU (1769 MB)', () => {
      // Act / Assess
      expect(lambdaPowerWatts(1769)).toBeCloseTo(2.12, 10);
    });
  });

  describe('Function: jobDurationMinutes', () => {
    it('prefers durationMinutes, then hours, then the default', () => {
      // Act / Assess
      expect(jobDurationMinutes({ kind: 'a', durationMinutes: 20, hours: 2 }, 5)).toBe(20);
      expect(jobDurationMinutes({ kind: 'a', hours: 2 }, 5)).toBe(120);
      expect(jobDurationMinutes({ kind: 'a' }, 5)).toBe(5);
    });
  });
});
