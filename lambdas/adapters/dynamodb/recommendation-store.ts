import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { KEY_PREFIX } from '../../contract';
import type { AppliedDetails, RightsizingRecommendation } from '../../core/rightsizing/recommendation';
import {
  type PendingResize,
  RecommendationNotFoundError,
  type RecommendationStore,
} from '../../core/rightsizing/recommendation-store';
import { batchWriteAll, type WriteRequest } from './batch';
import { expiresAt, queryAll } from './table';

/** Recommendations expire (DynamoDB TTL) this long after their last update: instances that are gone drop out. */
export const RECOMMENDATION_TTL_DAYS = 30;

const pk = (region: string): string => `${KEY_PREFIX.rightsizing}${region}`;
const pendingSk = (instanceId: string): string => `PENDING#${instanceId}`;

function pendingOf(rec: RightsizingRecommendation): PendingResize | undefined {
  if (rec.status !== 'pending-apply' || !rec.proposed) return undefined;
  return {
    targetInstanceType: rec.proposed.instanceType,
    recommendationId: rec.recommendationId,
    fromInstanceType: rec.currentInstanceType,
  };
}

/**
 * Recommendations in the product's single table: item `RIGHTSIZING#<region>` / `<instanceId>` holds the
 * recommendation's fields; `RIGHTSIZING#<region>` / `PENDING#<instanceId>` marks a `pending-apply` one
 * (`targetInstanceType`, `recommendationId`, `fromInstanceType`) so `pendingAutoResizes` reads only those.
 * Both carry `expiresAt` = last update + 30 days. No transactions: the main item is written first, the marker
 * second; a marker without a pending main item is ignored by nobody, so `markApplied`/`markReverted` delete it.
 */
export class DynamoDbRecommendationStore implements RecommendationStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(rec: RightsizingRecommendation): Promise<void> {
    const ttl = expiresAt(new Date(rec.updatedAt), RECOMMENDATION_TTL_DAYS * 24 * 60);
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: pk(rec.region), sk: rec.instanceId, ...rec, expiresAt: ttl },
      }),
    );
    const pending = pendingOf(rec);
    if (pending) {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: pk(rec.region),
            sk: pendingSk(rec.instanceId),
            instanceId: rec.instanceId,
            ...pending,
            expiresAt: ttl,
          },
        }),
      );
    } else {
      await this.doc.send(
        new DeleteCommand({ TableName: this.tableName, Key: { pk: pk(rec.region), sk: pendingSk(rec.instanceId) } }),
      );
    }
  }

  async putMany(recs: readonly RightsizingRecommendation[]): Promise<void> {
    const existingMarkers = new Map<string, Set<string>>();
    for (const region of new Set(recs.map((r) => r.region))) {
      existingMarkers.set(region, new Set((await this.pendingAutoResizes(region)).keys()));
    }
    const requests: WriteRequest[] = [];
    for (const rec of recs) {
      const ttl = expiresAt(new Date(rec.updatedAt), RECOMMENDATION_TTL_DAYS * 24 * 60);
      requests.push({ PutRequest: { Item: { pk: pk(rec.region), sk: rec.instanceId, ...rec, expiresAt: ttl } } });
      const pending = pendingOf(rec);
      if (pending) {
        requests.push({
          PutRequest: {
            Item: {
              pk: pk(rec.region),
              sk: pendingSk(rec.instanceId),
              instanceId: rec.instanceId,
              ...pending,
              expiresAt: ttl,
            },
          },
        });
      } else if (existingMarkers.get(rec.region)?.has(rec.instanceId)) {
        requests.push({ DeleteRequest: { Key: { pk: pk(rec.region), sk: pendingSk(rec.instanceId) } } });
      }
    }
    await batchWriteAll(this.doc, this.tableName, requests);
  }

  async get(region: string, instanceId: string): Promise<RightsizingRecommendation | undefined> {
    const response = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: pk(region), sk: instanceId }, ConsistentRead: true }),
    );
    return response.Item ? toRecommendation(response.Item) : undefined;
  }

  async list(region: string): Promise<RightsizingRecommendation[]> {
    return (await this.query(region, 'i-')).map(toRecommendation);
  }

  async pendingAutoResizes(region: string): Promise<Map<string, PendingResize>> {
    const map = new Map<string, PendingResize>();
    for (const item of await this.query(region, 'PENDING#')) {
      map.set(String(item.instanceId), {
        targetInstanceType: String(item.targetInstanceType),
        recommendationId: String(item.recommendationId),
        fromInstanceType: String(item.fromInstanceType),
      });
    }
    return map;
  }

  async markApplied(region: string, instanceId: string, at: Date, details: AppliedDetails): Promise<void> {
    await this.update(region, instanceId, at, 'applied', {
      appliedAt: at.toISOString(),
      applyDetails: details,
      statusReason: `resized ${details.fromInstanceType} → ${details.toInstanceType}`,
    });
  }

  async markReverted(region: string, instanceId: string, at: Date, reason: string): Promise<void> {
    await this.update(region, instanceId, at, 'reverted', {
      revertedAt: at.toISOString(),
      revertReason: reason,
      statusReason: `reverted: ${reason}`,
    });
  }

  async dismiss(region: string, instanceId: string, at: Date, reason = 'dismissed'): Promise<void> {
    await this.update(region, instanceId, at, 'dismissed', {
      dismissedAt: at.toISOString(),
      dismissReason: reason,
      statusReason: `dismissed: ${reason}`,
    });
  }

  private async update(
    region: string,
    instanceId: string,
    at: Date,
    status: string,
    fields: Record<string, unknown>,
  ): Promise<void> {
    const values: Record<string, unknown> = {
      ':status': status,
      ':updatedAt': at.toISOString(),
      ':expiresAt': expiresAt(at, RECOMMENDATION_TTL_DAYS * 24 * 60),
    };
    const names: Record<string, string> = { '#status': 'status', '#updatedAt': 'updatedAt', '#expiresAt': 'expiresAt' };
    const sets = ['#status = :status', '#updatedAt = :updatedAt', '#expiresAt = :expiresAt'];
    for (const [key, value] of Object.entries(fields)) {
      names[`#${key}`] = key;
      values[`:${key}`] = value;
      sets.push(`#${key} = :${key}`);
    }
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: pk(region), sk: instanceId },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (
        error instanceof ConditionalCheckFailedException ||
        (error as Error).name === 'ConditionalCheckFailedException'
      ) {
        throw new RecommendationNotFoundError(region, instanceId);
      }
      throw error;
    }
    await this.doc.send(
      new DeleteCommand({ TableName: this.tableName, Key: { pk: pk(region), sk: pendingSk(instanceId) } }),
    );
  }

  private async query(region: string, skPrefix: string): Promise<Record<string, unknown>[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk(region), ':prefix': skPrefix },
    });
    return items;
  }
}

function toRecommendation(item: Record<string, unknown>): RightsizingRecommendation {
  const { pk: _pk, sk: _sk, expiresAt: _ttl, ...rest } = item;
  return rest as unknown as RightsizingRecommendation;
}

/** The same contract in memory, for tests, the CLI and dry runs. */
export class InMemoryRecommendationStore implements RecommendationStore {
  private readonly items = new Map<string, RightsizingRecommendation>();

  async put(rec: RightsizingRecommendation): Promise<void> {
    this.items.set(`${rec.region}/${rec.instanceId}`, structuredClone(rec));
  }

  async putMany(recs: readonly RightsizingRecommendation[]): Promise<void> {
    for (const rec of recs) await this.put(rec);
  }

  async get(region: string, instanceId: string): Promise<RightsizingRecommendation | undefined> {
    const rec = this.items.get(`${region}/${instanceId}`);
    return rec ? structuredClone(rec) : undefined;
  }

  async list(region: string): Promise<RightsizingRecommendation[]> {
    return [...this.items.values()].filter((r) => r.region === region).map((r) => structuredClone(r));
  }

  async pendingAutoResizes(region: string): Promise<Map<string, PendingResize>> {
    const map = new Map<string, PendingResize>();
    for (const rec of this.items.values()) {
      const pending = rec.region === region ? pendingOf(rec) : undefined;
      if (pending) map.set(rec.instanceId, pending);
    }
    return map;
  }

  async markApplied(region: string, instanceId: string, at: Date, details: AppliedDetails): Promise<void> {
    this.update(region, instanceId, {
      status: 'applied',
      updatedAt: at.toISOString(),
      appliedAt: at.toISOString(),
      applyDetails: details,
      statusReason: `resized ${details.fromInstanceType} → ${details.toInstanceType}`,
    });
  }

  async markReverted(region: string, instanceId: string, at: Date, reason: string): Promise<void> {
    this.update(region, instanceId, {
      status: 'reverted',
      updatedAt: at.toISOString(),
      revertedAt: at.toISOString(),
      revertReason: reason,
      statusReason: `reverted: ${reason}`,
    });
  }

  async dismiss(region: string, instanceId: string, at: Date, reason = 'dismissed'): Promise<void> {
    this.update(region, instanceId, {
      status: 'dismissed',
      updatedAt: at.toISOString(),
      dismissedAt: at.toISOString(),
      dismissReason: reason,
      statusReason: `dismissed: ${reason}`,
    });
  }

  private update(region: string, instanceId: string, fields: Partial<RightsizingRecommendation>): void {
    const key = `${region}/${instanceId}`;
    const rec = this.items.get(key);
    if (!rec) throw new RecommendationNotFoundError(region, instanceId);
    this.items.set(key, { ...rec, ...structuredClone(fields) });
  }
}
