import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoCarbonStore } from '../../../lambdas/adapters/dynamodb/carbon-store';
import type { CarbonForecast, CarbonReading } from '../../../lambdas/core/carbon/reading';
import { createTestTable } from '../../support/dynamodb';

const NOW = new Date('2024-03-06T19:20:00Z');

function reading(region: string, grams: number, observedAt: string): CarbonReading {
  return {
    region,
    zone: region === 'eu-central-1' ? 'DE' : 'US-MIDA-PJM',
    provider: 'electricitymaps',
    signal: 'average',
    gCO2ePerKWh: grams,
    observedAt,
    fetchedAt: '2024-03-06T19:20:00.000Z',
    isEstimated: false,
    isForecast: false,
  };
}

let table: Awaited<ReturnType<typeof createTestTable>>;
let store: DynamoCarbonStore;

beforeEach(async () => {
  table = await createTestTable();
  store = new DynamoCarbonStore(table.doc, table.tableName, { ttlMinutes: 2880 });
});

afterEach(async () => {
  await table.drop();
});

describe('Module: carbon-store (DynamoDB)', () => {
  describe('Class: DynamoCarbonStore', () => {
    it('stores the latest reading per region under CARBON#<region>/LATEST with a TTL, and reads it back', async () => {
      // Act
      await store.putReadings(
        [
          reading('eu-central-1', 250, '2024-03-06T19:00:00.000Z'),
          reading('us-east-1', 431, '2024-03-06T19:00:00.000Z'),
        ],
        NOW,
      );
      const found = await store.latestReadings(['eu-central-1', 'us-east-1', 'eu-north-1'], NOW);

      // Assess
      expect([...found.keys()].sort()).toEqual(['eu-central-1', 'us-east-1']);
      expect(found.get('eu-central-1')).toEqual(reading('eu-central-1', 250, '2024-03-06T19:00:00.000Z'));
      const item = await table.doc.send(
        new GetCommand({ TableName: table.tableName, Key: { pk: 'CARBON#eu-central-1', sk: 'LATEST' } }),
      );
      // 2024-03-06T19:20:00Z = 1709752800 s; + 2880 min × 60 = 172,800 s.
      expect(item.Item?.expiresAt).toBe(1709752800 + 172_800);
      const history = await table.doc.send(
        new GetCommand({
          TableName: table.tableName,
          Key: { pk: 'CARBON#eu-central-1', sk: 'READING#2024-03-06T19:00:00.000Z' },
        }),
      );
      expect(history.Item?.gCO2ePerKWh).toBe(250);
    });

    it('never moves LATEST back to an older reading (overlapping runs)', async () => {
      // Act
      await store.putReadings([reading('eu-central-1', 250, '2024-03-06T19:00:00.000Z')], NOW);
      await store.putReadings([reading('eu-central-1', 600, '2024-03-06T17:00:00.000Z')], NOW);
      await store.putReadings([reading('eu-central-1', 240, '2024-03-06T19:00:00.000Z')], NOW);

      // Assess
      const found = await store.latestReadings(['eu-central-1'], NOW);
      expect(found.get('eu-central-1')?.gCO2ePerKWh).toBe(240);
    });

    it('ignores items past their expiresAt (DynamoDB deletes them lazily)', async () => {
      // Prepare: TTL 60 minutes.
      const shortLived = new DynamoCarbonStore(table.doc, table.tableName, { ttlMinutes: 60 });
      await shortLived.putReadings([reading('eu-central-1', 250, '2024-03-06T19:00:00.000Z')], NOW);

      // Act
      const before = await shortLived.latestReadings(['eu-central-1'], new Date('2024-03-06T20:19:59Z'));
      const after = await shortLived.latestReadings(['eu-central-1'], new Date('2024-03-06T20:20:00Z'));

      // Assess
      expect(before.size).toBe(1);
      expect(after.size).toBe(0);
    });

    it('stores forecasts compactly and returns the most recently generated one', async () => {
      // Prepare
      const forecast = (generatedAt: string, values: number[]): CarbonForecast => ({
        region: 'eu-central-1',
        zone: 'DE',
        provider: 'electricitymaps',
        signal: 'average',
        generatedAt,
        points: values.map((g, hour) => ({
          region: 'eu-central-1',
          zone: 'DE',
          provider: 'electricitymaps',
          signal: 'average',
          gCO2ePerKWh: g,
          observedAt: new Date(Date.parse('2024-03-06T20:00:00Z') + hour * 3_600_000).toISOString(),
          fetchedAt: '2024-03-06T19:20:00.000Z',
          isEstimated: true,
          isForecast: true,
        })),
      });

      // Act
      await store.putForecasts([forecast('2024-03-06T18:52:00.000Z', [500, 480])], NOW);
      await store.putForecasts([forecast('2024-03-06T19:52:00.000Z', [490, 470, 460])], NOW);
      const latest = await store.latestForecast('eu-central-1', NOW);

      // Assess
      expect(latest).toEqual(forecast('2024-03-06T19:52:00.000Z', [490, 470, 460]));
      expect(await store.latestForecast('eu-west-1', NOW)).toBeUndefined();
    });

    it('reads more than 100 regions in batches', async () => {
      // Prepare: 120 readings under made-up region keys exercise the 100-key BatchGetItem limit.
      const many = Array.from({ length: 120 }, (_, i) =>
        reading(`test-region-${i}`, 100 + i, '2024-03-06T19:00:00.000Z'),
      );
      await store.putReadings(many, NOW);

      // Act
      const found = await store.latestReadings(
        many.map((r) => r.region),
        NOW,
      );

      // Assess
      expect(found.size).toBe(120);
      expect(found.get('test-region-119')?.gCO2ePerKWh).toBe(219);
    });
  });
});
