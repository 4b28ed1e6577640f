import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { KEY_PREFIX } from '../../contract';
import type {
  HistoryEntry,
  InstanceStateRecord,
  RegionRunRecord,
  RegionState,
} from '../../core/scheduler/instance-state';
import type { InstanceStateStore, RegionStateChanges } from '../../core/scheduler/ports';
import { type BatchOptions, batchWriteAll } from './batch';
import { expiresAt, queryAll } from './table';

/**
 * Scheduler state in the product's single table:
 * - `INSTANCE#<region>` / `<instanceId>`: one {@link InstanceStateRecord} per instance (no TTL);
 * - `INSTANCE#<region>` / `#run`: the region's {@link RegionRunRecord} (`#` sorts before instance ids);
 * - `HISTORY#<region>#<instanceId>` / `<at>#<action>`: one {@link HistoryEntry} per action, TTL 90 days.
 * A region is loaded with one (paginated) Query; only changed records are written, with BatchWriteItem.
 */

/** Sort key of the region's run record. */
export const RUN_SORT_KEY = '#run';
/** How long history entries are kept, days (DynamoDB TTL on `expiresAt`). */
export const HISTORY_RETENTION_DAYS = 90;
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
      ...historyItems(changes.history, now),
      { pk: instancePartitionKey(region), sk: RUN_SORT_KEY, kind: 'region-run', ...changes.run },
    ];
    await this.batchPut(items);
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
