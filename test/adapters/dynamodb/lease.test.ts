import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoLease } from '../../../lambdas/adapters/dynamodb/lease';
import { createTestTable } from '../../support/dynamodb';

let table: Awaited<ReturnType<typeof createTestTable>>;

beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => {
  await table.drop();
});

describe('Module: lease', () => {
  describe('Function: DynamoLease', () => {
    it('lets exactly one of two overlapping runs in, and the next one after release or expiry', async () => {
      // Prepare
      const lease = new DynamoLease(table.doc, table.tableName);
      const t0 = new Date('2026-03-02T09:00:00Z');

      // Act
      const [a, b] = await Promise.all([lease.acquire('run-a', t0, 300), lease.acquire('run-b', t0, 300)]);
      const winner = a.acquired ? 'run-a' : 'run-b';
      const loser = a.acquired ? b : a;
      const again = await lease.acquire(winner, t0, 300);
      const whileHeld = await lease.acquire('run-c', new Date('2026-03-02T09:04:59Z'), 300);
      const afterExpiry = await lease.acquire('run-c', new Date('2026-03-02T09:05:00Z'), 300);
      await lease.release(winner); // no longer the holder: must not delete run-c's lease
      const stillHeld = await lease.acquire('run-d', new Date('2026-03-02T09:06:00Z'), 300);
      await lease.release('run-c');
      const afterRelease = await lease.acquire('run-d', new Date('2026-03-02T09:06:00Z'), 300);

      // Assess
      expect([a.acquired, b.acquired].filter(Boolean)).toHaveLength(1);
      expect(loser).toEqual({ acquired: false, holder: winner, expiresAt: '2026-03-02T09:05:00.000Z' });
      expect(again.acquired).toBe(true);
      expect(whileHeld.acquired).toBe(false);
      expect(afterExpiry.acquired).toBe(true);
      expect(stillHeld).toMatchObject({ acquired: false, holder: 'run-c' });
      expect(afterRelease.acquired).toBe(true);
    });
  });
});
