import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoSavingsStore, InvalidDayError } from '../../../lambdas/adapters/dynamodb/savings-store';
import { createTestTable } from '../../support/dynamodb';

let table: Awaited<ReturnType<typeof createTestTable>>;

beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => {
  await table.drop();
});

describe('Module: savings-store', () => {
  describe('Function: DynamoSavingsStore', () => {
    it('adds increments atomically per day and region, also when writes overlap', async () => {
      // Prepare
      const store = new DynamoSavingsStore(table.doc, table.tableName);
      const now = new Date('2026-03-02T19:00:00Z');
      const inc = { usd: 0.115, gCO2e: 1.5, kWh: 0.005, stoppedHours: 1 };

      // Act: 10 overlapping adds to one item, one to another region, one to another day
      await Promise.all(Array.from({ length: 10 }, () => store.add('2026-03-02', 'eu-central-1', inc, now)));
      await store.add('2026-03-02', 'eu-west-1', { usd: 2, gCO2e: 3, kWh: 4, stoppedHours: 5 }, now);
      await store.add('2026-03-03', 'eu-central-1', inc, now);
      const day = await store.daily('2026-03-02');

      // Assess
      const central = day.find((d) => d.region === 'eu-central-1');
      expect(day.map((d) => d.region).sort()).toEqual(['eu-central-1', 'eu-west-1']);
      expect(central?.usd).toBeCloseTo(1.15, 9);
      expect(central?.gCO2e).toBeCloseTo(15, 9);
      expect(central?.stoppedHours).toBe(10);
      expect(central?.runs).toBe(10);
      expect(day.find((d) => d.region === 'eu-west-1')).toMatchObject({
        usd: 2,
        gCO2e: 3,
        kWh: 4,
        stoppedHours: 5,
        runs: 1,
      });
    });

    it('rejects a day that is not YYYY-MM-DD', async () => {
      // Prepare
      const store = new DynamoSavingsStore(table.doc, table.tableName);

      // Act & Assess
      await expect(store.daily('2026-3-2')).rejects.toThrow(InvalidDayError);
    });
  });

  describe('Function: addRunningTotals', () => {
    it('keeps today, this month and all-time totals across runs, resetting day and month at UTC boundaries', async () => {
      // Prepare
      const store = new DynamoSavingsStore(table.doc, table.tableName);

      // Act: two runs on 31 Jan, one on 1 Feb (new day and month), one reading with a zero increment
      await store.addRunningTotals({ usd: 1.25, gCO2e: 100 }, new Date('2026-01-31T10:00:00Z'));
      await store.addRunningTotals({ usd: 0.75, gCO2e: 50 }, new Date('2026-01-31T23:55:00Z'));
      await store.addRunningTotals({ usd: 2, gCO2e: 400 }, new Date('2026-02-01T00:05:00Z'));
      const read = await store.addRunningTotals({ usd: 0, gCO2e: 0 }, new Date('2026-02-01T08:00:00Z'));

      // Assess: by hand, Feb 1 = 2 USD / 400 g; February = the same; all time = 1.25 + 0.75 + 2 = 4 USD, 550 g
      expect(read).toEqual({
        Today: { usd: 2, gCO2e: 400 },
        Month: { usd: 2, gCO2e: 400 },
        Total: { usd: 4, gCO2e: 550 },
      });
    });

    it('does not add items to the per-day partitions that reports read region by region', async () => {
      // Prepare
      const store = new DynamoSavingsStore(table.doc, table.tableName);

      // Act
      await store.addRunningTotals({ usd: 1, gCO2e: 1 }, new Date('2026-04-10T12:00:00Z'));
      const day = await store.daily('2026-04-10');

      // Assess
      expect(day).toEqual([]);
    });
  });
});
