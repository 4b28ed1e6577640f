import { describe, expect, it } from 'vitest';
import { staticReading, UnknownRegionError } from '../../../lambdas/core/carbon/static-reading';

const NOW = new Date('2026-01-15T12:00:00Z');

describe('Module: static-reading', () => {
  describe('Function: staticReading', () => {
    it.each([
      // Electricity Maps 2025 yearly lifecycle averages from the shared region data.
      ['eu-north-1', 'SE-SE3', 20],
      ['us-east-1', 'US-MIDA-PJM', 418],
      ['eu-west-2', 'GB', 176],
      // No Electricity Maps zone: the Cloud Carbon Footprint 2023 factor for China.
      ['cn-north-1', 'unknown', 537.4],
    ])('gives %s (zone %s) its annual factor %d gCO2e/kWh, observed now, never 0', (region, zone, grams) => {
      // Act
      const reading = staticReading(region, NOW);

      // Assess
      expect(reading).toEqual({
        region,
        zone,
        provider: 'static',
        signal: 'average',
        gCO2ePerKWh: grams,
        observedAt: '2026-01-15T12:00:00.000Z',
        fetchedAt: '2026-01-15T12:00:00.000Z',
        isEstimated: true,
        isForecast: false,
      });
    });

    it('names the overridden zone but keeps the region factor', () => {
      // Act
      const reading = staticReading('us-west-2', NOW, { 'us-west-2': 'US-NW-BPAT' });

      // Assess
      expect(reading.zone).toBe('US-NW-BPAT');
      expect(reading.gCO2ePerKWh).toBe(204);
    });

    it('throws UnknownRegionError naming the region and the known regions', () => {
      // Act / Assess
      expect(() => staticReading('eu-moon-1', NOW)).toThrow(UnknownRegionError);
      expect(() => staticReading('eu-moon-1', NOW)).toThrow(/"eu-moon-1".*eu-central-1/);
    });
  });
});
