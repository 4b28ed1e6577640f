import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { LEASE_KEY } from '../../contract';
import type { Clock } from '../../core/clock';
import type { Lease, LeaseAcquired, LeaseHeld } from '../../core/scheduler/ports';

function isConditionFailure(error: unknown): boolean {
  return (error as { name?: string })?.name === 'ConditionalCheckFailedException';
}

function ttlOf(ttlSeconds: number): number {
  return Math.max(1, Math.ceil(ttlSeconds));
}

/**
 * The run lease on DynamoDB (docs/run-safety.md): item `LEASE` / `scheduler` with `holder`, `leaseExpiresAt` (epoch
 * seconds) and `fencingToken` (a number that grows by one at every acquisition).
 *
 * - `acquire` is one conditional UpdateItem that succeeds only when there is no lease, it has expired, or this
 *   holder already has it; so of two overlapping runs exactly one acts, and every success returns a larger token.
 * - `renew` moves the expiry while this holder and token still hold it.
 * - `release` ends the lease (expiry set to 0) while this holder (and token) still hold it. The item is never
 *   deleted and carries no TTL attribute, so the token never goes back to an earlier value.
 */
export class DynamoLease implements Lease {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async acquire(holder: string, now: Date, ttlSeconds: number): Promise<LeaseAcquired | LeaseHeld> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const leaseExpiresAt = nowSeconds + ttlOf(ttlSeconds);
    try {
      const updated = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: LEASE_KEY,
          // `expiresAt` is removed: leases written before fencing carried the table's TTL attribute, and a TTL
          // deletion would reset the token.
          UpdateExpression:
            'SET holder = :holder, acquiredAt = :acquiredAt, leaseExpiresAt = :expires ADD fencingToken :one REMOVE expiresAt',
          ConditionExpression:
            'attribute_not_exists(pk) OR attribute_not_exists(leaseExpiresAt) OR leaseExpiresAt <= :now OR holder = :holder',
          ExpressionAttributeValues: {
            ':holder': holder,
            ':acquiredAt': now.toISOString(),
            ':expires': leaseExpiresAt,
            ':now': nowSeconds,
            ':one': 1,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return {
        acquired: true,
        token: Number(updated.Attributes?.fencingToken),
        expiresAt: new Date(leaseExpiresAt * 1000).toISOString(),
      };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: LEASE_KEY, ConsistentRead: true }),
      );
      const expires = Number(current.Item?.leaseExpiresAt ?? nowSeconds);
      return {
        acquired: false,
        holder: String(current.Item?.holder ?? 'unknown'),
        expiresAt: new Date(expires * 1000).toISOString(),
      };
    }
  }

  async renew(holder: string, token: number, now: Date, ttlSeconds: number): Promise<boolean> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: LEASE_KEY,
          UpdateExpression: 'SET leaseExpiresAt = :expires, renewedAt = :renewedAt',
          ConditionExpression: 'holder = :holder AND fencingToken = :token',
          ExpressionAttributeValues: {
            ':holder': holder,
            ':token': token,
            ':expires': nowSeconds + ttlOf(ttlSeconds),
            ':renewedAt': now.toISOString(),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async release(holder: string, token?: number): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: LEASE_KEY,
          UpdateExpression: 'SET leaseExpiresAt = :zero',
          ConditionExpression: token === undefined ? 'holder = :holder' : 'holder = :holder AND fencingToken = :token',
          ExpressionAttributeValues: {
            ':holder': holder,
            ':zero': 0,
            ...(token === undefined ? {} : { ':token': token }),
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}

/** The lease in memory (tests, benchmark), with the same rules as {@link DynamoLease}. */
export class InMemoryLease implements Lease {
  holder: string | undefined;
  expiresAtMs = 0;
  token = 0;

  async acquire(holder: string, now: Date, ttlSeconds: number): Promise<LeaseAcquired | LeaseHeld> {
    if (this.holder !== undefined && this.holder !== holder && this.expiresAtMs > now.getTime()) {
      return { acquired: false, holder: this.holder, expiresAt: new Date(this.expiresAtMs).toISOString() };
    }
    this.holder = holder;
    this.expiresAtMs = now.getTime() + ttlOf(ttlSeconds) * 1000;
    this.token += 1;
    return { acquired: true, token: this.token, expiresAt: new Date(this.expiresAtMs).toISOString() };
  }

  async renew(holder: string, token: number, now: Date, ttlSeconds: number): Promise<boolean> {
    if (this.holder !== holder || this.token !== token) return false;
    this.expiresAtMs = now.getTime() + ttlOf(ttlSeconds) * 1000;
    return true;
  }

  async release(holder: string, token?: number): Promise<void> {
    if (this.holder === holder && (token === undefined || token === this.token)) this.expiresAtMs = 0;
  }
}

/** How a run holds its lease: how long, and how often it is renewed. */
export interface LeaseTiming {
  /** Lease length, seconds: less than one scheduling interval. */
  readonly ttlSeconds: number;
  /** Renewal period, ms: a third of the lease, so two renewals may fail before it lapses. */
  readonly renewEveryMs: number;
}

/**
 * The lease timing of a scheduling interval: half the interval (at most 5 minutes, at least 30 s), renewed every
 * third of that. A run that crashes stops renewing, so its lease lapses within `ttlSeconds` and blocks at most the
 * next tick.
 */
export function leaseTiming(intervalMinutes: number): LeaseTiming {
  const ttlSeconds = Math.max(30, Math.min(300, Math.floor((intervalMinutes * 60) / 2)));
  return { ttlSeconds, renewEveryMs: Math.floor((ttlSeconds * 1000) / 3) };
}

/** What {@link renewingLease} observed: renewals made, failed (errors) and whether the lease was lost. */
export interface LeaseWatch {
  renewals: number;
  renewalErrors: string[];
  lost: boolean;
  /** The token of the current acquisition, if any. */
  token?: number;
}

/**
 * A lease that renews itself: after a successful `acquire` it renews every `timing.renewEveryMs` until `release`,
 * and takes every time from `clock` (the `now` the run passes is ignored, so the lease never depends on an event's
 * time). A renewal that fails (throttling) is retried at the next period; one that finds the lease taken marks it
 * `lost` and stops. `release` passes the token, so only this acquisition is released.
 */
export function renewingLease(inner: Lease, clock: Clock, timing: LeaseTiming): Lease & { readonly watch: LeaseWatch } {
  const watch: LeaseWatch = { renewals: 0, renewalErrors: [], lost: false };
  let timer: ReturnType<typeof setInterval> | undefined;
  const stop = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };
  return {
    watch,
    async acquire(holder: string, _now: Date, _ttlSeconds: number) {
      const result = await inner.acquire(holder, clock(), timing.ttlSeconds);
      if (result.acquired) {
        watch.token = result.token;
        stop();
        timer = setInterval(() => {
          if (!inner.renew || watch.token === undefined) return;
          inner.renew(holder, watch.token, clock(), timing.ttlSeconds).then(
            (held) => {
              if (held) watch.renewals += 1;
              else {
                watch.lost = true;
                stop();
              }
            },
            (error: unknown) => watch.renewalErrors.push((error as Error)?.message ?? String(error)),
          );
        }, timing.renewEveryMs);
        timer.unref?.();
      }
      return result;
    },
    async renew(holder: string, token: number, _now: Date, _ttlSeconds: number) {
      return inner.renew ? inner.renew(holder, token, clock(), timing.ttlSeconds) : true;
    },
    async release(holder: string, token?: number) {
      stop();
      await inner.release(holder, token ?? watch.token);
    },
  };
}
