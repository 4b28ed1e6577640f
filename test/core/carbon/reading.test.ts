import { describe, expect, it } from 'vitest';
import { LBS_PER_MWH_TO_G_PER_KWH, lbsPerMWhToGPerKWh } from '../../../lambdas/core/carbon/reading';

describe('Module: reading', () => {
  describe('Function: lbsPerMWhToGPerKWh', () => {
    it('converts lbs CO2/MWh to g/kWh with 1 lb = 453.592 g and 1 MWh = 1000 kWh', () => {
      // Prepare: 870 lbs/MWh (WattTime's documented example) = 870 × 453.592 g / 1000 kWh = 394.62504 g/kWh.
      const byHand = (870 * 453.592) / 1000;

      // Act
      const grams = lbsPerMWhToGPerKWh(870);

      // Assess
      expect(byHand).toBeCloseTo(394.62504, 9);
      expect(grams).toBeCloseTo(394.62504, 9);
      expect(lbsPerMWhToGPerKWh(1000)).toBeCloseTo(453.592, 9);
      expect(LBS_PER_MWH_TO_G_PER_KWH).toBe(0.453592);
    });
  });
});
