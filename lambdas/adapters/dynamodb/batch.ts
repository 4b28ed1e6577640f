import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/*
 * The one implementation of DynamoDB's batch calls for the product's table (docs/data-model.md, "Batch writes and
 * reads"): requests are cut to the API's limits (25 writes, 100 keys), what DynamoDB returns as unprocessed is
 * retried a bounded number of times with exponential backoff and full jitter, and what is still left after the last
 * attempt is reported in one typed error. A batch never returns a partial result silently.
 */

/** BatchWriteItem accepts at most 25 requests per call. */
export const BATCH_WRITE_LIMIT = 25;
/** BatchGetItem accepts at most 100 keys per call. */
export const BATCH_GET_LIMIT = 100;

type Item = Record<string, unknown>;

/** One request of a BatchWriteItem: a put of a whole item or a delete by key. */
export type WriteRequest =
  | { readonly PutRequest: { readonly Item: Item } }
  | { readonly DeleteRequest: { readonly Key: Item } };

/** Retry policy of the batch helpers. */
export interface BatchOptions {
  /** Calls per chunk at most, the first included (default 8). */
  readonly maxAttempts?: number;
  /** First backoff, ms (default 50); attempt n waits a random time in [0, min(capMs, baseMs × 2^(n-1))). */
  readonly baseMs?: number;
  /** Largest backoff, ms (default 2,000). */
  readonly capMs?: number;
  /** Chunks in flight at the same time (default 4). */
  readonly concurrency?: number;
  /** Waits between attempts; tests inject an immediate one. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Random number in [0, 1) for the jitter; tests inject a fixed one. */
  readonly random?: () => number;
}

/**
 * Requests DynamoDB still refused (UnprocessedItems / UnprocessedKeys) after every attempt. `unprocessed` lists them
 * (write requests for {@link batchWriteAll}, keys for {@link batchGetAll}); whatever is not in it was done.
 */
export class BatchIncompleteError extends Error {
  constructor(
    readonly operation: 'BatchWriteItem' | 'BatchGetItem',
    readonly tableName: string,
    readonly unprocessed: readonly Item[],
    readonly attempts: number,
  ) {
    super(
      `${operation} on ${tableName} left ${unprocessed.length} request(s) unprocessed after ${attempts} attempt(s)`,
    );
    this.name = 'BatchIncompleteError';
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Backoff before attempt `attempt` (1-based retries): full jitter over an exponential cap. */
export function backoffMs(attempt: number, options: BatchOptions = {}): number {
  const base = options.baseMs ?? 50;
  const cap = options.capMs ?? 2000;
  const random = options.random ?? Math.random;
  return Math.floor(random() * Math.min(cap, base * 2 ** (attempt - 1)));
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function inGroups<T, R>(groups: readonly T[], concurrency: number, run: (group: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < groups.length; i += concurrency) {
    const settled = await Promise.allSettled(groups.slice(i, i + concurrency).map(run));
    for (const s of settled) if (s.status === 'rejected') throw s.reason;
    for (const s of settled) if (s.status === 'fulfilled') results.push(s.value);
  }
  return results;
}

/**
 * Write every request (puts and deletes) with BatchWriteItem, 25 per call, retrying unprocessed items.
 * @throws {BatchIncompleteError} with every request still unprocessed after `maxAttempts` calls of its chunk
 *   (other chunks are still written); SDK errors (validation, access denied) are thrown as they are
 */
export async function batchWriteAll(
  doc: DynamoDBDocumentClient,
  tableName: string,
  requests: readonly WriteRequest[],
  options: BatchOptions = {},
): Promise<void> {
  const maxAttempts = options.maxAttempts ?? 8;
  const sleep = options.sleep ?? defaultSleep;
  const left: Item[] = [];
  await inGroups(chunks(requests, BATCH_WRITE_LIMIT), options.concurrency ?? 4, async (chunk) => {
    let pending = chunk as Item[];
    for (let attempt = 1; pending.length > 0 && attempt <= maxAttempts; attempt += 1) {
      if (attempt > 1) await sleep(backoffMs(attempt - 1, options));
      const output = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending as never } }));
      pending = (output.UnprocessedItems?.[tableName] ?? []) as Item[];
    }
    left.push(...pending);
  });
  if (left.length > 0) throw new BatchIncompleteError('BatchWriteItem', tableName, left, maxAttempts);
}

/**
 * Read every key with BatchGetItem, 100 per call, retrying unprocessed keys. Duplicate keys are asked once.
 * @returns the items found, in no particular order (a key without an item is simply absent)
 * @throws {BatchIncompleteError} with the keys still unprocessed after `maxAttempts` calls of their chunk
 */
export async function batchGetAll(
  doc: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Item[],
  options: BatchOptions & { readonly consistentRead?: boolean } = {},
): Promise<Item[]> {
  const maxAttempts = options.maxAttempts ?? 8;
  const sleep = options.sleep ?? defaultSleep;
  const seen = new Set<string>();
  const unique = keys.filter((key) => {
    const id = JSON.stringify(Object.entries(key).sort(([a], [b]) => a.localeCompare(b)));
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  const found: Item[] = [];
  const left: Item[] = [];
  await inGroups(chunks(unique, BATCH_GET_LIMIT), options.concurrency ?? 4, async (chunk) => {
    let pending = chunk;
    for (let attempt = 1; pending.length > 0 && attempt <= maxAttempts; attempt += 1) {
      if (attempt > 1) await sleep(backoffMs(attempt - 1, options));
      const output = await doc.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: { Keys: pending, ...(options.consistentRead ? { ConsistentRead: true } : {}) },
          },
        }),
      );
      found.push(...((output.Responses?.[tableName] ?? []) as Item[]));
      pending = (output.UnprocessedKeys?.[tableName]?.Keys ?? []) as Item[];
    }
    left.push(...pending);
  });
  if (left.length > 0) throw new BatchIncompleteError('BatchGetItem', tableName, left, maxAttempts);
  return found;
}
