import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { KEY_PREFIX } from '../../contract';
import type { ResourceHistoryEntry, ResourceStateRecord, ResourceStateStore } from '../../core/resources/ports';
import { resourceKey } from '../../core/resources/types';
import { type BatchOptions, batchWriteAll } from './batch';
import { expiresAt, queryAll } from './table';

/**
 * State of RDS DB instances, DB clusters and Auto Scaling groups in the product's single table (docs/data-model.md):
 * - `RESOURCE#<region>` / `<type>/<id>` (the `resourceKey`): one {@link ResourceStateRecord} per resource, no TTL;
 * - `RESOURCE_HISTORY#<region>#<type>/<id>` / `<at>#<action>`: one {@link ResourceHistoryEntry} per action, 90 days.
 * A region is loaded with one (paginated) Query; only changed records are written, with BatchWriteItem
 * (`batchWriteAll`: unprocessed items retried, then `BatchIncompleteError`).
 */

/** How long resource history entries are kept, days (as the instances' history). */
export const RESOURCE_HISTORY_RETENTION_DAYS = 90;

/** Partition of a region's resource records. */
export const resourcePartitionKey = (region: string) => `${KEY_PREFIX.resource}${region}`;
/** Partition of one resource's history. */
export const resourceHistoryPartitionKey = (region: string, key: string) =>
  `${KEY_PREFIX.resourceHistory}${region}#${key}`;

type Item = Record<string, unknown>;

/** The {@link ResourceStateStore} port on DynamoDB. */
export class DynamoResourceStateStore implements ResourceStateStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly batchOptions: BatchOptions = {},
  ) {}

  async loadRegion(region: string): Promise<Map<string, ResourceStateRecord>> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': resourcePartitionKey(region) },
    });
    const records = new Map<string, ResourceStateRecord>();
    for (const item of items) {
      const { pk: _pk, sk, kind: _k, ...rest } = item;
      records.set(String(sk), rest as unknown as ResourceStateRecord);
    }
    return records;
  }

  async saveRegion(
    region: string,
    changes: { readonly records: readonly ResourceStateRecord[]; readonly history: readonly ResourceHistoryEntry[] },
    now: Date,
  ): Promise<{ writes: number }> {
    const ttl = expiresAt(now, RESOURCE_HISTORY_RETENTION_DAYS * 24 * 60);
    const seen = new Map<string, number>();
    const items: Item[] = [
      ...changes.records.map((record) => ({
        pk: resourcePartitionKey(region),
        sk: resourceKey({ type: record.resourceType, id: record.id }),
        kind: 'resource-state',
        ...record,
      })),
      ...changes.history.map((entry) => {
        const pk = resourceHistoryPartitionKey(region, resourceKey({ type: entry.resourceType, id: entry.id }));
        const base = `${entry.at}#${entry.action}`;
        const n = (seen.get(`${pk}|${base}`) ?? 0) + 1;
        seen.set(`${pk}|${base}`, n);
        return { pk, sk: n === 1 ? base : `${base}#${n}`, kind: 'resource-history', ...entry, expiresAt: ttl };
      }),
    ];
    await batchWriteAll(
      this.doc,
      this.tableName,
      items.map((Item) => ({ PutRequest: { Item } })),
      this.batchOptions,
    );
    return { writes: changes.records.length };
  }
}

/** The {@link ResourceStateStore} port in memory (tests). */
export class InMemoryResourceStateStore implements ResourceStateStore {
  readonly records = new Map<string, Map<string, ResourceStateRecord>>();
  readonly history: ResourceHistoryEntry[] = [];
  writes = 0;

  async loadRegion(region: string): Promise<Map<string, ResourceStateRecord>> {
    return new Map(this.records.get(region) ?? []);
  }

  async saveRegion(
    region: string,
    changes: { readonly records: readonly ResourceStateRecord[]; readonly history: readonly ResourceHistoryEntry[] },
  ): Promise<{ writes: number }> {
    const records = this.records.get(region) ?? new Map<string, ResourceStateRecord>();
    this.records.set(region, records);
    for (const record of changes.records)
      records.set(resourceKey({ type: record.resourceType, id: record.id }), record);
    this.history.push(...changes.history);
    this.writes += changes.records.length;
    return { writes: changes.records.length };
  }
}
