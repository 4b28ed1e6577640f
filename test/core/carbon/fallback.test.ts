import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseReading } from '../../../lambdas/core/carbon/fallback';
import type { CarbonReading } from '../../../lambdas/core/carbon/reading';
import { KNOWN_REGIONS } from '../../../lambdas/core/carbon/region-facts';

const NOW = new Date('2024-03-06T19:20:00Z');

function reading(overrides: Partial<CarbonReading> = {}): CarbonReading {
  return {
    region: 'eu-central-1',
    zone: 'DE',
    provider: 'electricitymaps',
    signal: 'average',
    gCO2ePerKWh: 250,
    observedAt: '2024-03-06T19:00:00.000Z',
    fetchedAt: '2024-03-06T19:20:00.000Z',
    isEstimated: false,
    isForecast: false,
    ...overrides,
  };
}

describe('Module: fallback', () => {
  describe('Function: chooseReading', () => {
    it('takes the first provider live reading without a fallback reason', () => {
      // Prepare
      const live = reading();

      // Act
      const sourced = chooseReading({
        region: 'eu-central-1',
        now: NOW,
        attempts: [{ provider: 'electricitymaps', zone: 'DE', reading: live }],
        cached: reading({ gCO2ePerKWh: 400, observedAt: '2024-03-06T18:00:00.000Z' }),
      });

      // Assess
      expect(sourced).toEqual({ reading: live, origin: 'live' });
    });

    it('takes the second provider and says why the first failed', () => {
      // Prepare
      const marginal = reading({ provider: 'watttime', zone: 'DE', signal: 'marginal', gCO2ePerKWh: 390 });

      // Act
      const sourced = chooseReading({
        region: 'eu-central-1',
        now: NOW,
        attempts: [
          { provider: 'electricitymaps', zone: 'DE', reason: 'HTTP 429 Too Many Requests after 3 attempts' },
          { provider: 'watttime', zone: 'DE', reading: marginal },
        ],
      });

      // Assess
      expect(sourced.origin).toBe('live');
      expect(sourced.reading.gCO2ePerKWh).toBe(390);
      expect(sourced.fallbackReason).toBe('electricitymaps DE: HTTP 429 Too Many Requests after 3 attempts');
    });

    it('falls back to the last good cached reading with the live failures as reason', () => {
      // Prepare: cached 1 h 20 min old, within the 2 h limit.
      const cached = reading({ gCO2ePerKWh: 280, observedAt: '2024-03-06T18:00:00.000Z' });

      // Act
      const sourced = chooseReading({
        region: 'eu-central-1',
        now: NOW,
        attempts: [{ provider: 'electricitymaps', zone: 'DE', reason: 'GET /v3/carbon-intensity/latest timed out' }],
        cached,
      });

      // Assess
      expect(sourced).toEqual({
        reading: cached,
        origin: 'cached',
        fallbackReason: 'electricitymaps DE: GET /v3/carbon-intensity/latest timed out',
      });
    });

    it('rejects a live reading that is too old and uses the static factor when nothing else is left', () => {
      // Prepare: observed 5 h ago.
      const stale = reading({ observedAt: '2024-03-06T14:20:00.000Z' });

      // Act
      const sourced = chooseReading({
        region: 'eu-central-1',
        now: NOW,
        attempts: [{ provider: 'electricitymaps', zone: 'DE', reading: stale }],
      });

      // Assess
      expect(sourced.origin).toBe('static');
      expect(sourced.reading.gCO2ePerKWh).toBe(342);
      expect(sourced.fallbackReason).toBe(
        'electricitymaps DE: reading is 18000 s old, older than the 7200 s limit; no cached reading',
      );
    });

    it('does not use a cached reading older than the limit, and says how old it was', () => {
      // Prepare: cached 3 h old.
      const cached = reading({ observedAt: '2024-03-06T16:20:00.000Z' });

      // Act
      const sourced = chooseReading({ region: 'eu-central-1', now: NOW, attempts: [], cached });

      // Assess
      expect(sourced.origin).toBe('static');
      expect(sourced.fallbackReason).toBe(
        'cached electricitymaps reading: reading is 10800 s old, older than the 7200 s limit',
      );
    });

    it('discards a cached reading for a zone the region no longer maps to', () => {
      // Prepare
      const cached = reading({ region: 'us-west-2', zone: 'US-NW-PACW' });

      // Act
      const sourced = chooseReading({
        region: 'us-west-2',
        now: NOW,
        attempts: [],
        cached,
        expectedZone: () => 'US-NW-BPAT',
        zoneOverrides: { 'us-west-2': 'US-NW-BPAT' },
      });

      // Assess
      expect(sourced.origin).toBe('static');
      expect(sourced.reading.zone).toBe('US-NW-BPAT');
      expect(sourced.fallbackReason).toBe(
        'cached electricitymaps reading is for zone US-NW-PACW, the region now maps to US-NW-BPAT',
      );
    });

    it('reports notes (providers not usable) only when the chain ends past live data', () => {
      // Act
      const sourced = chooseReading({
        region: 'eu-west-2',
        now: NOW,
        attempts: [],
        notes: ['electricitymaps: no API key', 'watttime: no credentials'],
      });

      // Assess
      expect(sourced.origin).toBe('static');
      expect(sourced.reading.gCO2ePerKWh).toBe(176);
      expect(sourced.fallbackReason).toBe('electricitymaps: no API key; watttime: no credentials; no cached reading');
    });

    it('never answers 0 g for missing data: failed attempts and no cache always give a real factor', () => {
      // Assess
      fc.assert(
        fc.property(fc.constantFrom(...KNOWN_REGIONS), fc.array(fc.string(), { maxLength: 3 }), (region, reasons) => {
          const sourced = chooseReading({
            region,
            now: NOW,
            attempts: reasons.map((reason) => ({ provider: 'electricitymaps' as const, zone: 'X', reason })),
          });
          return sourced.origin === 'static' && sourced.reading.gCO2ePerKWh > 0 && sourced.fallbackReason !== undefined;
        }),
      );
    });
  });
});
