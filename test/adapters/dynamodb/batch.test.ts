import { BatchGetCommand, BatchWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchIncompleteError,
  backoffMs,
  batchGetAll,
  batchWriteAll,
  type WriteRequest,
} from '../../../lambdas/adapters/dynamodb/batch';
import { createTestTable } from '../../support/dynamodb';

let table: Awaited<ReturnType<typeof createTestTable>>;

beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => {
  await table.drop();
});

const put = (pk: string, sk: string, extra: Record<string, unknown> = {}): WriteRequest => ({
  PutRequest: { Item: { pk, sk, ...extra } },
});
const noWait = { sleep: async () => undefined };

/** A client over dynalite that answers the first `refusals` batch calls with part of the request unprocessed. */
function refusing(options: { refuse: (call: number) => boolean; keep: number }) {
  const log: { size: number }[] = [];
  let call = 0;
  const doc = {
    send: async (command: unknown) => {
      if (command instanceof BatchWriteCommand) {
        call += 1;
        const [name, requests] = Object.entries(command.input.RequestItems ?? {})[0]!;
        log.push({ size: requests.length });
        if (options.refuse(call)) {
          const done = requests.slice(0, options.keep);
          const left = requests.slice(options.keep);
          if (done.length > 0) await table.doc.send(new BatchWriteCommand({ RequestItems: { [name]: done } }));
          return { UnprocessedItems: left.length > 0 ? { [name]: left } : {} };
        }
      }
      if (command instanceof BatchGetCommand) {
        call += 1;
        const [name, request] = Object.entries(command.input.RequestItems ?? {})[0]!;
        const keys = request.Keys ?? [];
        log.push({ size: keys.length });
        if (options.refuse(call)) {
          const asked = keys.slice(0, options.keep);
          const output =
            asked.length > 0
              ? await table.doc.send(new BatchGetCommand({ RequestItems: { [name]: { Keys: asked } } }))
              : { Responses: { [name]: [] } };
          return { Responses: output.Responses, UnprocessedKeys: { [name]: { Keys: keys.slice(options.keep) } } };
        }
      }
      return table.doc.send(command as BatchWriteCommand);
    },
  } as unknown as typeof table.doc;
  return { doc, log };
}

describe('Module: dynamodb batch', () => {
  describe('Function: batchWriteAll', () => {
    it('writes 60 puts in chunks of 25, 25 and 10, and deletes by key', async () => {
      // Prepare
      const { doc, log } = refusing({ refuse: () => false, keep: 0 });
      const requests = Array.from({ length: 60 }, (_, i) => put('W#a', `k${String(i).padStart(2, '0')}`, { n: i }));

      // Act
      await batchWriteAll(doc, table.tableName, requests, noWait);
      await batchWriteAll(doc, table.tableName, [{ DeleteRequest: { Key: { pk: 'W#a', sk: 'k07' } } }], noWait);

      // Assess
      expect(log.map((l) => l.size)).toEqual([25, 25, 10, 1]);
      const kept = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: 'W#a', sk: 'k59' } }));
      expect(kept.Item).toMatchObject({ n: 59 });
      const gone = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: 'W#a', sk: 'k07' } }));
      expect(gone.Item).toBeUndefined();
    });

    it('retries what DynamoDB left unprocessed until everything is written, waiting with jittered backoff', async () => {
      // Prepare: the first two calls write only 3 of the requests each
      const { doc, log } = refusing({ refuse: (call) => call <= 2, keep: 3 });
      const waits: number[] = [];
      const requests = Array.from({ length: 10 }, (_, i) => put('W#b', `k${i}`));

      // Act
      await batchWriteAll(doc, table.tableName, requests, {
        sleep: async (ms) => {
          waits.push(ms);
        },
        random: () => 0.5,
      });

      // Assess: 10 → 7 left → 4 left → done; waits are half of 50 × 2^0 and 50 × 2^1
      expect(log.map((l) => l.size)).toEqual([10, 7, 4]);
      expect(waits).toEqual([25, 50]);
      for (let i = 0; i < 10; i += 1) {
        const got = await table.doc.send(
          new GetCommand({ TableName: table.tableName, Key: { pk: 'W#b', sk: `k${i}` } }),
        );
        expect(got.Item).toBeDefined();
      }
    });

    it('fault: items that stay unprocessed fail with BatchIncompleteError listing exactly those items', async () => {
      // Prepare: every call writes only the first 2 of what it is given
      const { doc, log } = refusing({ refuse: () => true, keep: 2 });
      const requests = Array.from({ length: 12 }, (_, i) => put('W#c', `k${String(i).padStart(2, '0')}`));

      // Act
      const error = await batchWriteAll(doc, table.tableName, requests, { ...noWait, maxAttempts: 3 }).catch(
        (e: unknown) => e,
      );

      // Assess: 3 attempts write 2 + 2 + 2 = 6; the other 6 (k06…k11) are listed, never silently dropped
      expect(error).toBeInstanceOf(BatchIncompleteError);
      const incomplete = error as BatchIncompleteError;
      expect(incomplete.operation).toBe('BatchWriteItem');
      expect(incomplete.attempts).toBe(3);
      expect(
        incomplete.unprocessed.map((r) => (r as { PutRequest: { Item: { sk: string } } }).PutRequest.Item.sk),
      ).toEqual(['k06', 'k07', 'k08', 'k09', 'k10', 'k11']);
      expect(incomplete.message).toBe(
        `BatchWriteItem on ${table.tableName} left 6 request(s) unprocessed after 3 attempt(s)`,
      );
      expect(log.map((l) => l.size)).toEqual([12, 10, 8]);
    });
  });

  describe('Function: batchGetAll', () => {
    it('reads 150 keys in calls of 100 and 50, asks a duplicate once, and skips keys without an item', async () => {
      // Prepare
      const requests = Array.from({ length: 149 }, (_, i) => put('G#a', `k${String(i).padStart(3, '0')}`, { n: i }));
      await batchWriteAll(table.doc, table.tableName, requests, noWait);
      const { doc, log } = refusing({ refuse: () => false, keep: 0 });
      const keys = [
        ...Array.from({ length: 150 }, (_, i) => ({ pk: 'G#a', sk: `k${String(i).padStart(3, '0')}` })),
        { sk: 'k000', pk: 'G#a' },
      ];

      // Act
      const items = await batchGetAll(doc, table.tableName, keys, noWait);

      // Assess: k149 has no item
      expect(log.map((l) => l.size)).toEqual([100, 50]);
      expect(items).toHaveLength(149);
      expect(items.map((i) => i.n as number).sort((a, b) => a - b)[148]).toBe(148);
    });

    it('retries unprocessed keys', async () => {
      // Prepare: the first call answers only 1 of 3 keys
      await batchWriteAll(table.doc, table.tableName, [put('G#b', 'x'), put('G#b', 'y'), put('G#b', 'z')], noWait);
      const { doc, log } = refusing({ refuse: (call) => call === 1, keep: 1 });

      // Act
      const items = await batchGetAll(
        doc,
        table.tableName,
        ['x', 'y', 'z'].map((sk) => ({ pk: 'G#b', sk })),
        noWait,
      );

      // Assess
      expect(log.map((l) => l.size)).toEqual([3, 2]);
      expect(items.map((i) => i.sk).sort()).toEqual(['x', 'y', 'z']);
    });

    it('fault: keys that stay unprocessed fail with BatchIncompleteError, never a partial result', async () => {
      // Prepare
      await batchWriteAll(table.doc, table.tableName, [put('G#c', 'a'), put('G#c', 'b')], noWait);
      const { doc } = refusing({ refuse: () => true, keep: 0 });

      // Act
      const error = await batchGetAll(
        doc,
        table.tableName,
        ['a', 'b'].map((sk) => ({ pk: 'G#c', sk })),
        { ...noWait, maxAttempts: 2 },
      ).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(BatchIncompleteError);
      expect((error as BatchIncompleteError).unprocessed).toEqual([
        { pk: 'G#c', sk: 'a' },
        { pk: 'G#c', sk: 'b' },
      ]);
    });
  });

  describe('Function: backoffMs', () => {
    it.each([
      // attempt, random, expected: floor(random × min(2000, 50 × 2^(attempt − 1)))
      [1, 0.999, 49],
      [3, 0.5, 100],
      [7, 0.5, 1000],
      [12, 0.5, 1000],
      [5, 0, 0],
    ])('retry %i with random %f waits %i ms', (attempt, random, expected) => {
      expect(backoffMs(attempt, { random: () => random })).toBe(expected);
    });
  });
});
