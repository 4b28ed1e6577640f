import { describe, expect, it } from 'vitest';
import type { SourcedReading } from '../../../lambdas/core/carbon/reading';
import { carbonStatusRow, formatAgeSeconds } from '../../../lambdas/core/carbon/status-row';

describe('Module: status-row', () => {
  describe('Function: carbonStatusRow', () => {
    it('adds 1 g per minute beyond the 5,400 s Electricity Maps grace and compares the raw value with the threshold', () => {
      // Prepare: observed 2 h ago = 7,200 s; 1,800 s beyond the grace = 30 g.
      const sourced: SourcedReading = {
        origin: 'cached',
        reading: {
          region: 'eu-central-1',
          zone: 'DE',
          provider: 'electricitymaps',
          signal: 'average',
          gCO2ePerKWh: 290,
          observedAt: '2024-03-06T17:20:00.000Z',
          fetchedAt: '2024-03-06T17:25:00.000Z',
          isEstimated: false,
          isForecast: false,
        },
      };

      // Act
      const row = carbonStatusRow(sourced, new Date('2024-03-06T19:20:00Z'), 300);

      // Assess
      expect(row).toEqual({
        region: 'eu-central-1',
        zone: 'DE',
        provider: 'electricitymaps',
        signal: 'average',
        gCO2ePerKWh: 290,
        adjustedGCO2ePerKWh: 320,
        observedAt: '2024-03-06T17:20:00.000Z',
        ageSeconds: 7200,
        isEstimated: false,
        quality: 'moderate',
        threshold: 300,
        aboveThreshold: false,
      });
    });
  });

  describe('Function: formatAgeSeconds', () => {
    it.each([
      [0, '0 s'],
      [119, '119 s'],
      [1200, '20 min'],
      [7200, '2 h'],
      [7500, '2 h 5 min'],
      [3 * 86400 + 4 * 3600, '3 d 4 h'],
    ])('writes %d s as %s', (seconds, text) => {
      // Assess
      expect(formatAgeSeconds(seconds)).toBe(text);
    });
  });
});
