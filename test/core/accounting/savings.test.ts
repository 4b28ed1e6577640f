import { describe, expect, it } from 'vitest';
import { dispatchSavingsGrams, stoppedSavings } from '../../../lambdas/core/accounting/savings';

describe('Module: savings', () => {
  describe('Function: stoppedSavings', () => {
    it('counts cost, energy and emissions of 10 stopped hours of m5.large in us-east-1', () => {
      // Prepare
      // kWh = 4.717159 W × 1.135 × 10 h ÷ 1000 = 0.0535398; g = 0.0535398 × 400 = 21.4159; usd = 0.096 × 10 = 0.96
      const price = { usdPerHour: 0.096, source: 'snapshot' as const, asOf: '2026-07-20' };

      // Act
      const savings = stoppedSavings({
        instanceType: 'm5.large',
        region: 'us-east-1',
        hours: 10,
        gCO2ePerKWh: 400,
        pue: 1.135,
        price,
      });

      // Assess
      expect(savings.usd).toBeCloseTo(0.96, 10);
      expect(savings.kWh).toBeCloseTo(0.0535398, 6);
      expect(savings.gCO2e).toBeCloseTo(21.4159, 3);
      expect(savings.priced).toBe(true);
    });

    it('uses the given utilisation: m6g.large at 10% for 1 h, PUE 1.2, 300 g/kWh', () => {
      // Prepare
      // W = 2 × (0.474262 + 0.1 × 1.218699) = 2 × 0.596132 = 1.192264; kWh = 1.192264 × 1.2 ÷ 1000 = 0.00143072
      // g = 0.00143072 × 300 = 0.429215

      // Act
      const savings = stoppedSavings({
        instanceType: 'm6g.large',
        region: 'eu-central-1',
        hours: 1,
        gCO2ePerKWh: 300,
        pue: 1.2,
        price: { usdPerHour: 0.092, source: 'override' },
        utilisation: 0.1,
      });

      // Assess
      expect(savings.kWh).toBeCloseTo(0.00143072, 7);
      expect(savings.gCO2e).toBeCloseTo(0.429215, 5);
      expect(savings.usd).toBeCloseTo(0.092, 10);
    });

    it('reports usd 0 and priced false when no price is known, still counting carbon', () => {
      // Act
      const savings = stoppedSavings({
        instanceType: 'm5.large',
        region: 'ap-southeast-7',
        hours: 1,
        gCO2ePerKWh: 500,
        pue: 1.135,
        price: undefined,
      });

      // Assess
      expect(savings.usd).toBe(0);
      expect(savings.priced).toBe(false);
      expect(savings.gCO2e).toBeCloseTo(0.005353976 * 500, 6);
    });
  });

  describe('Function: dispatchSavingsGrams', () => {
    it('is kWh × (home − chosen): 2 kWh, 380 → 40 g/kWh saves 680 g', () => {
      // Act / Assess
      expect(dispatchSavingsGrams({ kWh: 2, homeGCO2ePerKWh: 380, chosenGCO2ePerKWh: 40 })).toBe(680);
    });

    it('is negative when the chosen region is dirtier', () => {
      // Act / Assess
      expect(dispatchSavingsGrams({ kWh: 1, homeGCO2ePerKWh: 100, chosenGCO2ePerKWh: 150 })).toBe(-50);
    });
  });
});
