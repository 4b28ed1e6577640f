import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoLease, InMemoryLease, leaseTiming, renewingLease } from '../../../lambdas/adapters/dynamodb/lease';
import { LEASE_KEY } from '../../../lambdas/contract';
import { createTestTable } from '../../support/dynamodb';

const tables: Awaited<ReturnType<typeof createTestTable>>[] = [];
let table: Awaited<ReturnType<typeof createTestTable>>;

beforeEach(async () => {
  table = await createTestTable();
  tables.push(table);
});
afterAll(async () => {
  await Promise.all(tables.map((t) => t.drop()));
});

/** A document client on dynalite whose first `failures` calls fail as DynamoDB throttling does. */
function throttling(doc: DynamoDBDocumentClient, failures: number): DynamoDBDocumentClient {
  let left = failures;
  return {
    send: (command: never) => {
      if (left > 0) {
        left -= 1;
        const error = new Error('Rate of requests exceeds the allowed throughput.');
        error.name = 'ProvisionedThroughputExceededException';
        return Promise.reject(error);
      }
      return doc.send(command);
    },
  } as unknown as DynamoDBDocumentClient;
}

const at = (iso: string) => new Date(iso);

describe('Module: lease', () => {
  describe('Function: DynamoLease', () => {
    it('lets exactly one of two overlapping runs in, and the next one after release or expiry', async () => {
      // Prepare
      const lease = new DynamoLease(table.doc, table.tableName);
      const t0 = at('2026-03-02T09:00:00Z');

      // Act
      const [a, b] = await Promise.all([lease.acquire('run-a', t0, 120), lease.acquire('run-b', t0, 120)]);
      const winner = a.acquired ? 'run-a' : 'run-b';
      const loser = a.acquired ? b : a;
      const whileHeld = await lease.acquire('run-c', at('2026-03-02T09:01:59Z'), 120);
      const afterExpiry = await lease.acquire('run-c', at('2026-03-02T09:02:00Z'), 120);
      await lease.release(winner); // no longer the holder: must not end run-c's lease
      const stillHeld = await lease.acquire('run-d', at('2026-03-02T09:03:00Z'), 120);
      await lease.release('run-c');
      const afterRelease = await lease.acquire('run-d', at('2026-03-02T09:03:00Z'), 120);

      // Assess: 09:00 + 120 s = 09:02:00
      expect([a.acquired, b.acquired].filter(Boolean)).toHaveLength(1);
      expect(loser).toEqual({ acquired: false, holder: winner, expiresAt: '2026-03-02T09:02:00.000Z' });
      expect(whileHeld.acquired).toBe(false);
      expect(afterExpiry).toEqual({ acquired: true, token: 2, expiresAt: '2026-03-02T09:04:00.000Z' });
      expect(stillHeld).toMatchObject({ acquired: false, holder: 'run-c' });
      expect(afterRelease).toEqual({ acquired: true, token: 3, expiresAt: '2026-03-02T09:05:00.000Z' });
    });

    it('returns a larger fencing token at every acquisition, also for the same holder, and keeps it after release', async () => {
      // Prepare
      const lease = new DynamoLease(table.doc, table.tableName);

      // Act
      const first = await lease.acquire('run-a', at('2026-03-02T09:00:00Z'), 60);
      await lease.release('run-a');
      const second = await lease.acquire('run-b', at('2026-03-02T09:05:00Z'), 60);
      const retry = await lease.acquire('run-b', at('2026-03-02T09:05:30Z'), 60);
      await lease.release('run-b', 3);
      const item = (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: LEASE_KEY }))).Item;

      // Assess: 1, 2, 3; the item stays (no TTL attribute), only its expiry is set to 0
      expect([first, second, retry].map((r) => (r.acquired ? r.token : -1))).toEqual([1, 2, 3]);
      expect(item).toMatchObject({ holder: 'run-b', fencingToken: 3, leaseExpiresAt: 0 });
      expect(item).not.toHaveProperty('expiresAt');
    });

    it('release and renew act only for the holder with the current token', async () => {
      // Prepare: run-a took the lease (token 1), it lapsed, run-b took it (token 2)
      const lease = new DynamoLease(table.doc, table.tableName);
      await lease.acquire('run-a', at('2026-03-02T09:00:00Z'), 60);
      const b = await lease.acquire('run-b', at('2026-03-02T09:01:00Z'), 60);

      // Act
      const staleRenew = await lease.renew('run-a', 1, at('2026-03-02T09:01:10Z'), 60);
      await lease.release('run-a', 1);
      await lease.release('run-b', 1); // right holder, old token
      const blocked = await lease.acquire('run-c', at('2026-03-02T09:01:20Z'), 60);
      const renewed = await lease.renew('run-b', 2, at('2026-03-02T09:01:50Z'), 60);
      const stillBlocked = await lease.acquire('run-c', at('2026-03-02T09:02:30Z'), 60);

      // Assess: run-b's lease ran to 09:02:00, renewed at 09:01:50 to 09:02:50
      expect(b).toMatchObject({ acquired: true, token: 2 });
      expect(staleRenew).toBe(false);
      expect(blocked).toEqual({ acquired: false, holder: 'run-b', expiresAt: '2026-03-02T09:02:00.000Z' });
      expect(renewed).toBe(true);
      expect(stillBlocked).toEqual({ acquired: false, holder: 'run-b', expiresAt: '2026-03-02T09:02:50.000Z' });
    });

    it('takes over a lease written before fencing (TTL attribute expiresAt, no token)', async () => {
      // Prepare: the old item shape, still held by its expiresAt
      const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
      await table.doc.send(
        new PutCommand({
          TableName: table.tableName,
          Item: { ...LEASE_KEY, holder: 'old', expiresAt: 1_900_000_000 },
        }),
      );
      const lease = new DynamoLease(table.doc, table.tableName);

      // Act
      const result = await lease.acquire('run-a', at('2026-03-02T09:00:00Z'), 60);

      // Assess
      expect(result).toMatchObject({ acquired: true, token: 1 });
    });

    it('DynamoDB throttling the acquire: the error reaches the run (nothing acts), the next tick gets the lease', async () => {
      // Prepare: the table throttles the first call (after the SDK's own retries)
      const lease = new DynamoLease(throttling(table.doc, 1), table.tableName);

      // Act
      const first = lease.acquire('run-a', at('2026-03-02T09:00:00Z'), 150);
      await expect(first).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
      const next = await lease.acquire('run-b', at('2026-03-02T09:05:00Z'), 150);

      // Assess: nothing was written by the throttled call, so the next tick's run is the first holder
      expect(next).toEqual({ acquired: true, token: 1, expiresAt: '2026-03-02T09:07:30.000Z' });
    });
  });

  describe('Function: leaseTiming', () => {
    it('is half the interval (30 s to 5 min), renewed every third', () => {
      expect(leaseTiming(5)).toEqual({ ttlSeconds: 150, renewEveryMs: 50_000 });
      expect(leaseTiming(1)).toEqual({ ttlSeconds: 30, renewEveryMs: 10_000 });
      expect(leaseTiming(60)).toEqual({ ttlSeconds: 300, renewEveryMs: 100_000 });
    });
  });

  describe('Function: renewingLease', () => {
    it('renews a long run past its first lease, so the next tick is skipped while it is alive', async () => {
      // Prepare: a 5-minute interval (lease 150 s, renewed every 50 s) on a fake clock
      vi.useFakeTimers({ now: at('2026-03-02T09:00:00Z'), toFake: ['setInterval', 'clearInterval', 'Date'] });
      try {
        const clock = () => new Date();
        const timing = leaseTiming(5);
        const longRun = renewingLease(new DynamoLease(table.doc, table.tableName), clock, timing);
        const nextTick = new DynamoLease(table.doc, table.tableName);

        // Act: the long run takes the lease, then lives for 5 min 10 s
        const a = await longRun.acquire('run-a', at('2020-01-01T00:00:00Z'), 9999); // its `now` is ignored
        for (let i = 0; i < 6; i += 1) {
          await vi.advanceTimersByTimeAsync(50_000);
          await vi.waitFor(() => expect(longRun.watch.renewals).toBe(i + 1));
        }
        await vi.advanceTimersByTimeAsync(10_000);
        const b = await nextTick.acquire('run-b', clock(), timing.ttlSeconds);
        await longRun.release('run-a');
        const c = await nextTick.acquire('run-b', clock(), timing.ttlSeconds);

        // Assess: last renewal at 09:05:00 → held to 09:07:30; after release run-b gets token 2
        expect(a).toEqual({ acquired: true, token: 1, expiresAt: '2026-03-02T09:02:30.000Z' });
        expect(b).toEqual({ acquired: false, holder: 'run-a', expiresAt: '2026-03-02T09:07:30.000Z' });
        expect(c).toMatchObject({ acquired: true, token: 2 });
        expect(longRun.watch).toMatchObject({ lost: false, renewalErrors: [] });
      } finally {
        vi.useRealTimers();
      }
    });

    it('a crashed run (no more renewals) blocks only until its lease lapses, less than one interval', async () => {
      // Prepare: run-a acquires at 09:00:05 and dies at once (its renewals stop)
      const lease = new InMemoryLease();
      const timing = leaseTiming(5);
      await lease.acquire('run-a', at('2026-03-02T09:00:05Z'), timing.ttlSeconds);

      // Act: the next tick at 09:05:00
      const next = await lease.acquire('run-b', at('2026-03-02T09:05:00Z'), timing.ttlSeconds);

      // Assess: 09:00:05 + 150 s = 09:02:35 < 09:05:00
      expect(next).toMatchObject({ acquired: true, token: 2 });
    });

    it('a renewal that finds the lease taken marks it lost; a throttled renewal is retried next period', async () => {
      vi.useFakeTimers({ now: at('2026-03-02T09:00:00Z'), toFake: ['setInterval', 'clearInterval', 'Date'] });
      try {
        const clock = () => new Date();
        const inner = new InMemoryLease();
        const renew = vi.spyOn(inner, 'renew');
        renew.mockRejectedValueOnce(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
        const lease = renewingLease(inner, clock, { ttlSeconds: 30, renewEveryMs: 10_000 });
        await lease.acquire('run-a', clock(), 30);

        await vi.advanceTimersByTimeAsync(10_000); // throttled
        await vi.advanceTimersByTimeAsync(10_000); // renewed to 09:00:50
        inner.holder = 'run-b'; // another run took it
        inner.token = 2;
        await vi.advanceTimersByTimeAsync(10_000);
        await vi.waitFor(() => expect(lease.watch.lost).toBe(true));
        await vi.advanceTimersByTimeAsync(30_000);

        expect(lease.watch).toMatchObject({ renewals: 1, renewalErrors: ['throttled'], lost: true, token: 1 });
        expect(renew).toHaveBeenCalledTimes(3); // stopped after it was lost
      } finally {
        vi.useRealTimers();
      }
    });
  });
});
