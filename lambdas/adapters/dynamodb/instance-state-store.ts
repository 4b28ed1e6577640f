import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import pLimit from 'p-limit';
import { KEY_PREFIX } from '../../contract';
import type {
  ActionIntent,
  HistoryEntry,
  InstanceStateRecord,
  RegionRunRecord,
  RegionState,
} from '../../core/scheduler/instance-state';
import { FencedWriteError, type InstanceStateStore, type RegionStateChanges } from '../../core/scheduler/ports';
import { type BatchOptions, batchWriteAll } from './batch';
import { expiresAt, queryAll } from './table';

/**
 * Scheduler state in the product's single table:
 * - `INSTANCE#<region>` / `<instanceId>`: one {@link InstanceStateRecord} per instance (no TTL);
 * - `INSTANCE#<region>` / `#run`: the region's {@link RegionRunRecord} (`#` sorts before instance ids);
 * - `INSTANCE#<region>` / `#intent#<at>#<n>`: an {@link ActionIntent}, written before a run acts and deleted with its
 *   state write (TTL 7 days, so a region no longer managed does not keep one for ever);
 * - `HISTORY#<region>#<instanceId>` / `<at>#<action>`: one {@link HistoryEntry} per action, TTL 90 days.
 * A region is loaded with one (paginated) Query. Without a fencing token, changed records are written with
 * BatchWriteItem; with one, the run record is claimed first (`fence` set on condition
 * `attribute_not_exists(fence) OR fence <= :fence`, so a run with an older token writes nothing), then every record
 * is a conditional PutItem on the same condition, and the run record is put last on the fence and on `lastRunAt`
 * not moving backwards (docs/scheduler.md, "Durability and fencing"). History is append-only: each entry is its own
 * PutItem with `attribute_not_exists(pk)`, so the scheduler's role needs (and holds) no BatchWriteItem, UpdateItem
 * or DeleteItem on `HISTORY#` keys (docs/security.md).
 */

/** Sort key of the region's run record. */
export const RUN_SORT_KEY = '#run';
/** Sort key prefix of a region's intents. */
export const INTENT_SORT_PREFIX = '#intent#';
/** How long an unsettled intent is kept, days. */
export const INTENT_RETENTION_DAYS = 7;
/** Conditional PutItem calls in flight per region. */
const PUT_CONCURRENCY = 8;
/** Condition of every fenced write. */
const FENCE_CONDITION = 'attribute_not_exists(fence) OR fence <= :fence';
/** How long history entries are kept, days (DynamoDB TTL on `expiresAt`). */
export const HISTORY_RETENTION_DAYS = 90;
/** History PutItem calls in flight at once. */
const HISTORY_WRITE_CONCURRENCY = 8;
/** Partition of a region's instance records (`INSTANCE#<region>`, sort key = instance id, plus the run record). */
export const instancePartitionKey = (region: string) => `${KEY_PREFIX.instance}${region}`;
/** Partition of one instance's action history (`HISTORY#<region>#<instanceId>`, sort key `<at>#<action>`). */
export const historyPartitionKey = (region: string, instanceId: string) =>
  `${KEY_PREFIX.history}${region}#${instanceId}`;

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
  private readonly batchOptions: BatchOptions;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoStateStoreOptions = {},
  ) {
    this.batchOptions = options.sleep ? { sleep: options.sleep } : {};
  }

  async loadRegion(region: string): Promise<RegionState> {
    const instances = new Map<string, InstanceStateRecord>();
    let run: RegionRunRecord | undefined;
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': instancePartitionKey(region) },
    });
    const intents: ActionIntent[] = [];
    for (const item of items) {
      const sk = String(item.sk);
      if (sk === RUN_SORT_KEY) {
        // A run record holding only a claimed fence (a run that stopped after claiming) is no run yet.
        if (typeof item.lastRunAt === 'string') run = stripKeys(item) as unknown as RegionRunRecord;
      } else if (sk.startsWith(INTENT_SORT_PREFIX)) {
        intents.push({ ...(stripKeys(item) as unknown as ActionIntent), id: sk.slice(INTENT_SORT_PREFIX.length) });
      } else instances.set(sk, stripKeys(item) as unknown as InstanceStateRecord);
    }
    return { instances, ...(run ? { run } : {}), ...(intents.length > 0 ? { intents } : {}) };
  }

  async recordIntent(region: string, intent: ActionIntent): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...intent,
          pk: instancePartitionKey(region),
          sk: `${INTENT_SORT_PREFIX}${intent.id}`,
          kind: 'intent',
          expiresAt: expiresAt(new Date(intent.at), INTENT_RETENTION_DAYS * 24 * 60),
        },
      }),
    );
  }

  async saveRegion(region: string, changes: RegionStateChanges, now: Date): Promise<{ instanceWrites: number }> {
    const pk = instancePartitionKey(region);
    const records: Item[] = changes.instances.map((record) => ({
      pk,
      sk: record.instanceId,
      kind: 'instance-state',
      ...record,
      ...(changes.fence !== undefined ? { fence: changes.fence } : {}),
    }));
    const runItem: Item = {
      pk,
      sk: RUN_SORT_KEY,
      kind: 'region-run',
      ...changes.run,
      ...(changes.fence !== undefined ? { fence: changes.fence } : {}),
    };
    const settle = (changes.settledIntents ?? []).map((id) => ({
      DeleteRequest: { Key: { pk, sk: `${INTENT_SORT_PREFIX}${id}` } },
    }));
    if (changes.fence === undefined) {
      await this.batchPut([...records, runItem]);
      await this.appendHistory(historyItems(changes.history, now));
    } else {
      const fence = changes.fence;
      await this.fenced(region, fence, () =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk, sk: RUN_SORT_KEY },
            UpdateExpression: 'SET fence = :fence',
            ConditionExpression: FENCE_CONDITION,
            ExpressionAttributeValues: { ':fence': fence },
          }),
        ),
      );
      const limit = pLimit(PUT_CONCURRENCY);
      await Promise.all(
        records.map((Item) => limit(() => this.fenced(region, fence, () => this.putFenced(Item, fence)))),
      );
      await this.appendHistory(historyItems(changes.history, now));
      await this.fenced(region, fence, () =>
        this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: runItem,
            ConditionExpression: `(${FENCE_CONDITION}) AND (attribute_not_exists(lastRunAt) OR lastRunAt <= :lastRunAt)`,
            ExpressionAttributeValues: { ':fence': fence, ':lastRunAt': changes.run.lastRunAt },
          }),
        ),
      );
    }
    if (settle.length > 0) await batchWriteAll(this.doc, this.tableName, settle, this.batchOptions);
    return { instanceWrites: changes.instances.length };
  }

  private async putFenced(Item: Item, fence: number): Promise<unknown> {
    return this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item,
        ConditionExpression: FENCE_CONDITION,
        ExpressionAttributeValues: { ':fence': fence },
      }),
    );
  }

  /** Run a conditional write; a failed condition becomes {@link FencedWriteError}. */
  private async fenced(region: string, fence: number, write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (
        error instanceof ConditionalCheckFailedException ||
        (error as Error).name === 'ConditionalCheckFailedException'
      ) {
        throw new FencedWriteError(region, fence);
      }
      throw error;
    }
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
    await batchWriteAll(
      this.doc,
      this.tableName,
      items.map((Item) => ({ PutRequest: { Item } })),
      this.batchOptions,
    );
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
  /** Unsettled intents by region. */
  readonly intents = new Map<string, ActionIntent[]>();
  /** Fencing token last written per region. */
  readonly fences = new Map<string, number>();
  /** Fault injection: the next `saveRegion` calls throw this (one per entry), before writing anything. */
  readonly failSaves: Error[] = [];
  /** Instance records written so far. */
  instanceWrites = 0;
  /** loadRegion calls so far. */
  loads = 0;

  async loadRegion(region: string): Promise<RegionState> {
    this.loads += 1;
    const run = this.runs.get(region);
    const intents = this.intents.get(region) ?? [];
    return {
      instances: new Map(this.records.get(region) ?? []),
      ...(run ? { run } : {}),
      ...(intents.length > 0 ? { intents: [...intents] } : {}),
    };
  }

  async recordIntent(region: string, intent: ActionIntent): Promise<void> {
    this.intents.set(region, [...(this.intents.get(region) ?? []).filter((i) => i.id !== intent.id), intent]);
  }

  async saveRegion(region: string, changes: RegionStateChanges): Promise<{ instanceWrites: number }> {
    const failure = this.failSaves.shift();
    if (failure) throw failure;
    const fence = this.fences.get(region);
    const previous = this.runs.get(region);
    if (
      changes.fence !== undefined &&
      ((fence !== undefined && fence > changes.fence) || (previous && previous.lastRunAt > changes.run.lastRunAt))
    ) {
      throw new FencedWriteError(region, changes.fence);
    }
    if (changes.fence !== undefined) this.fences.set(region, changes.fence);
    const settled = new Set(changes.settledIntents ?? []);
    this.intents.set(
      region,
      (this.intents.get(region) ?? []).filter((i) => !settled.has(i.id)),
    );
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
