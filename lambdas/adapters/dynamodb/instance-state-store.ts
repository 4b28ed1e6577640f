import { BatchWriteCommand, type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import pLimit from 'p-limit';
import { KEY_PREFIX } from '../../contract';
import type {
  HistoryEntry,
  InstanceStateRecord,
  RegionRunRecord,
  RegionState,
} from '../../core/scheduler/instance-state';
import type { InstanceStateStore, RegionStateChanges } from '../../core/scheduler/ports';
import { expiresAt, queryAll } from './table';

/**
 * Scheduler state in the product's single table:
 * - `INSTANCE#<region>` / `<instanceId>`: one {@link InstanceStateRecord} per instance (no TTL);
 * - `INSTANCE#<region>` / `#run`: the region's {@link RegionRunRecord} (`#` sorts before instance ids);
 * - `HISTORY#<region>#<instanceId>` / `<at>#<action>`: one {@link HistoryEntry} per action, TTL 90 days.
 * A region is loaded with one (paginated) Query; only changed records are written, with BatchWriteItem. History is
 * append-only: each entry is its own PutItem with `attribute_not_exists(pk)`, so the scheduler's role needs (and
 * holds) no BatchWriteItem, UpdateItem or DeleteItem on `HISTORY#` keys (docs/security.md).
 */

/** Sort key of the region's run record. */
export const RUN_SORT_KEY = '#run';
/** How long history entries are kept, days (DynamoDB TTL on `expiresAt`). */
export const HISTORY_RETENTION_DAYS = 90;
/** BatchWriteItem accepts at most 25 requests. */
const BATCH_SIZE = 25;
/** History PutItem calls in flight at once. */
const HISTORY_WRITE_CONCURRENCY = 8;
/** Retries of unprocessed items (throttled writes) before giving up. */
const MAX_UNPROCESSED_RETRIES = 8;

/** Partition of a region's instance records (`INSTANCE#<region>`, sort key = instance id, plus the run record). */
export const instancePartitionKey = (region: string) => `${KEY_PREFIX.instance}${region}`;
/** Partition of one instance's action history (`HISTORY#<region>#<instanceId>`, sort key `<at>#<action>`). */
export const historyPartitionKey = (region: string, instanceId: string) =>
  `${KEY_PREFIX.history}${region}#${instanceId}`;

/** A write that DynamoDB kept refusing (UnprocessedItems after every retry). */
export class StateWriteError extends Error {
  constructor(readonly unprocessed: number) {
    super(`${unprocessed} scheduler state item(s) could not be written after ${MAX_UNPROCESSED_RETRIES} retries`);
    this.name = 'StateWriteError';
  }
}

type Item = Record<string, unknown>;

function stripKeys(item: Item): Item {
  const { pk: _pk, sk: _sk, kind: _kind, expiresAt: _e, ...rest } = item;
  return rest;
}

/** Options of {@link DynamoInstanceStateStore}. */
export interface DynamoStateStoreOptions {
  /** Wait between retries of unprocessed items (default: exponential from 50 ms); tests inject an immediate one. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The {@link InstanceStateStore} port on DynamoDB. */
export class DynamoInstanceStateStore implements InstanceStateStore {
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoStateStoreOptions = {},
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async loadRegion(region: string): Promise<RegionState> {
    const instances = new Map<string, InstanceStateRecord>();
    let run: RegionRunRecord | undefined;
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': instancePartitionKey(region) },
    });
    for (const item of items) {
      if (item.sk === RUN_SORT_KEY) run = stripKeys(item) as unknown as RegionRunRecord;
      else instances.set(String(item.sk), stripKeys(item) as unknown as InstanceStateRecord);
    }
    return { instances, ...(run ? { run } : {}) };
  }

  async saveRegion(region: string, changes: RegionStateChanges, now: Date): Promise<{ instanceWrites: number }> {
    const items: Item[] = [
      ...changes.instances.map((record) => ({
        pk: instancePartitionKey(region),
        sk: record.instanceId,
        kind: 'instance-state',
        ...record,
      })),
      { pk: instancePartitionKey(region), sk: RUN_SORT_KEY, kind: 'region-run', ...changes.run },
    ];
    await Promise.all([this.batchPut(items), this.appendHistory(historyItems(changes.history, now))]);
    return { instanceWrites: changes.instances.length };
  }

  /** The history of one instance, newest first (at most `limit` entries). */
  async history(region: string, instanceId: string, limit = 50): Promise<HistoryEntry[]> {
    const page = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': historyPartitionKey(region, instanceId) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (page.Items ?? []).map((item) => stripKeys(item) as unknown as HistoryEntry);
  }

  /** One conditional PutItem per entry; an entry already written (a retried run) is left as it is. */
  private async appendHistory(items: readonly Item[]): Promise<void> {
    const limit = pLimit(HISTORY_WRITE_CONCURRENCY);
    await Promise.all(
      items.map((Item) =>
        limit(async () => {
          try {
            await this.doc.send(
              new PutCommand({ TableName: this.tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' }),
            );
          } catch (error) {
            if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
          }
        }),
      ),
    );
  }

  private async batchPut(items: readonly Item[]): Promise<void> {
    const chunks: Item[][] = [];
    for (let i = 0; i < items.length; i += BATCH_SIZE) chunks.push(items.slice(i, i + BATCH_SIZE));
    const inFlight = 4;
    for (let i = 0; i < chunks.length; i += inFlight) {
      await Promise.all(chunks.slice(i, i + inFlight).map((chunk) => this.writeChunk(chunk)));
    }
  }

  private async writeChunk(chunk: readonly Item[]): Promise<void> {
    let requests = chunk.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt += 1) {
      if (attempt > MAX_UNPROCESSED_RETRIES) throw new StateWriteError(requests.length);
      if (attempt > 0) await this.sleep(Math.min(2000, 50 * 2 ** (attempt - 1)));
      const result = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
      requests = (result.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
    }
  }
}

/** History items; a repeated `<at>#<action>` within one run (e.g. a start retried after a revert) gets `#2`, `#3`. */
function historyItems(history: readonly HistoryEntry[], now: Date): Item[] {
  const seen = new Map<string, number>();
  const ttl = expiresAt(now, HISTORY_RETENTION_DAYS * 24 * 60);
  return history.map((entry) => {
    const pk = historyPartitionKey(entry.region, entry.instanceId);
    const base = `${entry.at}#${entry.action}`;
    const n = (seen.get(`${pk}|${base}`) ?? 0) + 1;
    seen.set(`${pk}|${base}`, n);
    return { pk, sk: n === 1 ? base : `${base}#${n}`, kind: 'history', ...entry, expiresAt: ttl };
  });
}

/** The {@link InstanceStateStore} port in memory (tests, benchmark), counting writes like the DynamoDB one. */
export class InMemoryInstanceStateStore implements InstanceStateStore {
  readonly records = new Map<string, Map<string, InstanceStateRecord>>();
  readonly runs = new Map<string, RegionRunRecord>();
  readonly history: HistoryEntry[] = [];
  /** Instance records written so far. */
  instanceWrites = 0;
  /** loadRegion calls so far. */
  loads = 0;

  async loadRegion(region: string): Promise<RegionState> {
    this.loads += 1;
    const run = this.runs.get(region);
    return { instances: new Map(this.records.get(region) ?? []), ...(run ? { run } : {}) };
  }

  async saveRegion(region: string, changes: RegionStateChanges): Promise<{ instanceWrites: number }> {
    let records = this.records.get(region);
    if (!records) {
      records = new Map();
      this.records.set(region, records);
    }
    for (const record of changes.instances) records.set(record.instanceId, record);
    this.history.push(...changes.history);
    this.runs.set(region, changes.run);
    this.instanceWrites += changes.instances.length;
    return { instanceWrites: changes.instances.length };
  }
}
