import { describe, expect, it } from 'vitest';
import { roundNumbers } from '../../../cli/backtest/report';
import { savingsFigures } from '../../../cli/backtest/result';

describe('Module: result', () => {
  describe('Function: savingsFigures', () => {
    it('gives savings in percent of the baseline and the policy’s share of the oracle’s savings', () => {
      // Prepare: baseline 1000 g, policy 900 g (saves 100 = 10%), oracle 800 g (saves 200 = 20%) → share 0.5.

      // Act
      const figures = savingsFigures(1000, 900, 800);

      // Assess
      expect(figures).toEqual({ savingsPercent: 10, oracleSavingsPercent: 20, shareOfOracle: 0.5 });
    });

    it('has no share when the oracle saves nothing, and negative savings when the policy does worse', () => {
      // Prepare

      // Act
      const none = savingsFigures(1000, 1000, 1000);
      const worse = savingsFigures(1000, 1100, 900);

      // Assess
      expect(none.shareOfOracle).toBeNull();
      expect(worse).toEqual({ savingsPercent: -10, oracleSavingsPercent: 10, shareOfOracle: -1 });
    });
  });

  describe('Function: roundNumbers', () => {
    it('rounds non-integers to 6 significant digits everywhere and leaves the rest', () => {
      // Prepare
      const value = { a: 1 / 3, b: [2, 12345.678912], c: { d: 'x', e: null, f: 0.000123456789 } };

      // Act
      const rounded = roundNumbers(value);

      // Assess
      expect(rounded).toEqual({ a: 0.333333, b: [2, 12345.7], c: { d: 'x', e: null, f: 0.000123457 } });
    });
  });
});
