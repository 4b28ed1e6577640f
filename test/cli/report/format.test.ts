import { describe, expect, it } from 'vitest';
import { formatGrams, formatIntensity, formatUsd } from '../../../cli/report/format';

describe('Module: report format', () => {
  describe('Function: formatGrams', () => {
    it.each([
      [0, '0 g CO₂e'],
      [999.4, '999 g CO₂e'],
      [1000, '1.00 kg CO₂e'],
      [1660, '1.66 kg CO₂e'],
      [999_994, '999.99 kg CO₂e'],
      [3_250_000, '3.25 t CO₂e'],
      [-1500, '-1.50 kg CO₂e'],
    ])('shows %d g as %j', (grams, text) => {
      // Prepare, Act
      const shown = formatGrams(grams);

      // Assess
      expect(shown).toBe(text);
    });
  });

  describe('Function: formatUsd and formatIntensity', () => {
    it('uses two decimals and thousands separators for dollars, one decimal for intensity', () => {
      // Prepare, Act
      const shown = [formatUsd(1234.5), formatUsd(-0), formatIntensity(174.2857)];

      // Assess
      expect(shown).toEqual(['$1,234.50', '$0.00', '174.3 gCO₂e/kWh']);
    });
  });
});
