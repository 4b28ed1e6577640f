import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { LEASE_KEY } from '../../contract';
import type { Lease, LeaseHeld } from '../../core/scheduler/ports';

function isConditionFailure(error: unknown): boolean {
  return (error as { name?: string })?.name === 'ConditionalCheckFailedException';
}

/**
 * The run lease on DynamoDB: item `LEASE` / `scheduler` with `holder` and `expiresAt` (epoch seconds, also the
 * table's TTL attribute so an abandoned lease disappears). `acquire` is one conditional PutItem that succeeds only
 * when there is no lease, it has expired, or this holder already has it; so of two overlapping runs, exactly one
 * acts. `release` deletes the item only while this holder has it.
 */
export class DynamoLease implements Lease {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async acquire(holder: string, now: Date, ttlSeconds: number): Promise<{ readonly acquired: true } | LeaseHeld> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...LEASE_KEY,
            holder,
            acquiredAt: now.toISOString(),
            expiresAt: nowSeconds + Math.max(1, Math.ceil(ttlSeconds)),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now OR holder = :holder',
          ExpressionAttributeValues: { ':now': nowSeconds, ':holder': holder },
        }),
      );
      return { acquired: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: LEASE_KEY, ConsistentRead: true }),
      );
      const expires = Number(current.Item?.expiresAt ?? nowSeconds);
      return {
        acquired: false,
        holder: String(current.Item?.holder ?? 'unknown'),
        expiresAt: new Date(expires * 1000).toISOString(),
      };
    }
  }

  async release(holder: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: LEASE_KEY,
          ConditionExpression: 'holder = :holder',
          ExpressionAttributeValues: { ':holder': holder },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}

/** The lease in memory (tests, benchmark). */
export class InMemoryLease implements Lease {
  holder: string | undefined;
  expiresAtMs = 0;

  async acquire(holder: string, now: Date, ttlSeconds: number): Promise<{ readonly acquired: true } | LeaseHeld> {
    if (this.holder !== undefined && this.holder !== holder && this.expiresAtMs > now.getTime()) {
      return { acquired: false, holder: this.holder, expiresAt: new Date(this.expiresAtMs).toISOString() };
    }
    this.holder = holder;
    this.expiresAtMs = now.getTime() + ttlSeconds * 1000;
    return { acquired: true };
  }

  async release(holder: string): Promise<void> {
    if (this.holder === holder) this.holder = undefined;
  }
}
