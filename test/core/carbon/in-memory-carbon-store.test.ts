import { describe, expect, it } from 'vitest';
import { InMemoryCarbonStore } from '../../../lambdas/core/carbon/in-memory-carbon-store';
import type { CarbonReading } from '../../../lambdas/core/carbon/reading';

const NOW = new Date('2024-03-06T19:20:00Z');

function reading(grams: number, observedAt: string): CarbonReading {
  return {
    region: 'eu-central-1',
    zone: 'DE',
    provider: 'electricitymaps',
    signal: 'average',
    gCO2ePerKWh: grams,
    observedAt,
    fetchedAt: observedAt,
    isEstimated: false,
    isForecast: false,
  };
}

describe('Module: in-memory-carbon-store', () => {
  describe('Class: InMemoryCarbonStore', () => {
    it('keeps the newest reading per region even when an older one is written later', async () => {
      // Prepare
      const store = new InMemoryCarbonStore();

      // Act
      await store.putReadings([reading(300, '2024-03-06T19:00:00.000Z')], NOW);
      await store.putReadings([reading(280, '2024-03-06T18:00:00.000Z')], NOW);

      // Assess
      expect((await store.latestReadings(['eu-central-1'])).get('eu-central-1')?.gCO2ePerKWh).toBe(300);
    });

    it('ignores entries past their TTL when asked with a time', async () => {
      // Prepare: TTL 60 minutes from 19:20.
      const store = new InMemoryCarbonStore(60);
      await store.putReadings([reading(300, '2024-03-06T19:00:00.000Z')], NOW);

      // Assess
      expect((await store.latestReadings(['eu-central-1'], new Date('2024-03-06T20:19:00Z'))).size).toBe(1);
      expect((await store.latestReadings(['eu-central-1'], new Date('2024-03-06T20:20:00Z'))).size).toBe(0);
    });
  });
});
