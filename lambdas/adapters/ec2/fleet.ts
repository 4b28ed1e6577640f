import {
  DescribeInstancesCommand,
  EC2Client,
  type EC2ClientConfig,
  ModifyInstanceAttributeCommand,
  StartInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { SCHEDULE_TAG } from '../../core/scheduler/instance-facts';
import type { DescribedFleet, Fleet } from '../../core/scheduler/ports';
import { type AwsClientOptions, awsClient } from '../aws-client';
import { type DescribedInstance, instanceFactsFrom } from './instance-facts';
import { type BucketSize, CarriedToNextTickError, EC2_RESOURCE_BUCKETS, THROTTLING_CODES, TokenBucket } from './pacing';

/** Page size of DescribeInstances (the API maximum). */
export const DESCRIBE_PAGE_SIZE = 1000;

/** Instance states the scheduler looks at; terminated and shutting-down instances are never described. */
export const DESCRIBED_STATES = ['pending', 'running', 'stopping', 'stopped'] as const;

/**
 * EC2 clients per region, created once and reused (module scope in the Lambda): adaptive retry mode so the SDK
 * slows down on `RequestLimitExceeded` instead of failing the batch, and a few more attempts than the default 3.
 */
export function ec2ClientFactory(
  config: AwsClientOptions<Omit<EC2ClientConfig, 'region'>> = {},
): (region: string) => EC2Client {
  const clients = new Map<string, EC2Client>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      client = awsClient(EC2Client, { retryMode: 'adaptive', maxAttempts: 5, ...config, region });
      clients.set(region, client);
    }
    return client;
  };
}

/**
 * The {@link Fleet} port on the EC2 API.
 * - `describe`: DescribeInstances filtered on the `Schedule` tag key and the states pending/running/stopping/stopped,
 *   `MaxResults` 1000, following `NextToken`. Never unfiltered, so untagged instances are never even described.
 * - `start` / `stop` / `modifyInstanceType`: one API call each; errors are thrown unchanged (the SDK's `name` is the
 *   AWS error code, e.g. `InsufficientInstanceCapacity`), the core batches and bisects.
 * IAM: ec2:DescribeInstances; ec2:StartInstances, ec2:StopInstances and ec2:ModifyInstanceAttribute conditioned on
 * `aws:ResourceTag/Schedule` existing; kms:CreateGrant on customer-managed EBS keys (encrypted volumes on start).
 */
export class Ec2Fleet implements Fleet {
  private readonly clientFor: (region: string) => EC2Client;
  private readonly options: Required<Omit<Ec2FleetOptions, 'buckets'>> & {
    buckets: Record<'start' | 'stop', BucketSize>;
  };
  private readonly buckets = new Map<string, TokenBucket>();
  /**
   * Epoch ms after which a paced call stops waiting for tokens and carries the rest to the next tick; the handler
   * sets it to the run deadline before each run. Default: no run deadline (only `maxWaitPerCallMs`).
   */
  deadlineMs: number | undefined;

  constructor(clientFor: (region: string) => EC2Client = ec2ClientFactory(), options: Ec2FleetOptions = {}) {
    this.clientFor = clientFor;
    this.options = {
      buckets: { ...EC2_RESOURCE_BUCKETS, ...options.buckets },
      maxWaitPerCallMs: options.maxWaitPerCallMs ?? 60_000,
      nowMs: options.nowMs ?? Date.now,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      maxChunk: options.maxChunk ?? 1000,
    };
  }

  async describe(region: string): Promise<DescribedFleet> {
    return this.describeTagged(region, [SCHEDULE_TAG], DESCRIBED_STATES);
  }

  /**
   * Every instance of `region` that carries one of `tagKeys` (and, when given, is in one of `states`), paged by
   * {@link DESCRIBE_PAGE_SIZE}: the one DescribeInstances loop of the product (the scheduler's `describe`, the
   * rightsizer's discovery with `Schedule` and `Rightsize`). Instances that cannot be read are left out, with why.
   */
  async describeTagged(
    region: string,
    tagKeys: readonly string[],
    states?: readonly string[],
  ): Promise<DescribedFleet> {
    const client = this.clientFor(region);
    const instances: DescribedFleet['instances'] = [];
    const errors: string[] = [];
    let calls = 0;
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new DescribeInstancesCommand({
          Filters: [
            { Name: 'tag-key', Values: [...tagKeys] },
            ...(states ? [{ Name: 'instance-state-name', Values: [...states] }] : []),
          ],
          MaxResults: DESCRIBE_PAGE_SIZE,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
      calls += 1;
      for (const reservation of page.Reservations ?? []) {
        for (const instance of reservation.Instances ?? []) {
          const result = instanceFactsFrom(instance as DescribedInstance, region);
          if (result.ok) instances.push(result.facts);
          else errors.push(result.error);
        }
      }
      nextToken = page.NextToken || undefined;
    } while (nextToken);
    return { instances, errors, calls };
  }

  async start(region: string, instanceIds: readonly string[]): Promise<void> {
    await this.paced('start', region, instanceIds, (ids) =>
      this.clientFor(region).send(new StartInstancesCommand({ InstanceIds: ids })),
    );
  }

  async stop(region: string, instanceIds: readonly string[], options: { readonly hibernate: boolean }): Promise<void> {
    await this.paced('stop', region, instanceIds, (ids) =>
      this.clientFor(region).send(
        new StopInstancesCommand({ InstanceIds: ids, ...(options.hibernate ? { Hibernate: true } : {}) }),
      ),
    );
  }

  private bucket(action: 'start' | 'stop', region: string): TokenBucket {
    const key = `${action}/${region}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.options.buckets[action], this.options.nowMs);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  /**
   * Send `instanceIds` in chunks the bucket allows, waiting for refills and backing off on throttling errors (1 s,
   * doubling, at most 16 s), until {@link deadlineMs} (without one, for at most `maxWaitPerCallMs`). What could not be
   * sent is thrown as {@link CarriedToNextTickError}; any other error is thrown unchanged (nothing was sent
   * before it in this call only when it came from the first chunk).
   */
  private async paced(
    action: 'start' | 'stop',
    region: string,
    instanceIds: readonly string[],
    send: (ids: string[]) => Promise<unknown>,
  ): Promise<void> {
    const { nowMs, sleep, maxChunk } = this.options;
    const bucket = this.bucket(action, region);
    const giveUpAt = this.deadlineMs ?? nowMs() + this.options.maxWaitPerCallMs;
    const done: string[] = [];
    let left = [...instanceIds];
    let backoffMs = 1000;
    while (left.length > 0) {
      // Wait for a useful chunk (5 s of refill, or all that is left) rather than sending one call per token.
      const wanted = Math.min(left.length, maxChunk, Math.max(1, Math.ceil(bucket.size.refillPerSecond * 5)));
      const wait = bucket.msUntil(wanted);
      if (wait > 0) {
        if (nowMs() + wait > giveUpAt) {
          throw new CarriedToNextTickError(action, done, left, `EC2 ${action} rate: the token bucket is empty`);
        }
        await sleep(wait);
        continue;
      }
      const chunk = left.slice(0, Math.min(maxChunk, bucket.available()));
      try {
        await send(chunk);
        bucket.take(chunk.length);
        done.push(...chunk);
        left = left.slice(chunk.length);
        backoffMs = 1000;
      } catch (error) {
        if (!THROTTLING_CODES.has((error as { name?: string }).name ?? '')) {
          if (done.length === 0) throw error;
          throw new CarriedToNextTickError(action, done, left, `${(error as Error).name}: ${(error as Error).message}`);
        }
        bucket.throttled(chunk.length);
        if (nowMs() + backoffMs > giveUpAt) {
          throw new CarriedToNextTickError(action, done, left, `EC2 throttled ${action}: ${(error as Error).name}`);
        }
        await sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 16_000);
      }
    }
  }

  async modifyInstanceType(region: string, instanceId: string, instanceType: string): Promise<void> {
    await this.clientFor(region).send(
      new ModifyInstanceAttributeCommand({ InstanceId: instanceId, InstanceType: { Value: instanceType } }),
    );
  }
}

/** Options of {@link Ec2Fleet}: the pacing of StartInstances and StopInstances (docs/run-safety.md, "Throttling"). */
export interface Ec2FleetOptions {
  /** Resource buckets per action; default {@link EC2_RESOURCE_BUCKETS} (EC2's documented defaults). */
  readonly buckets?: Partial<Record<'start' | 'stop', BucketSize>>;
  /** Without a run deadline ({@link Ec2Fleet.deadlineMs}): longest a call waits for tokens, ms; default 60,000. */
  readonly maxWaitPerCallMs?: number;
  /** Largest chunk sent in one call (the core sends at most 1,000 ids per call); default 1,000. */
  readonly maxChunk?: number;
  /** The clock, epoch ms; default `Date.now`. */
  readonly nowMs?: () => number;
  /** How to wait; default setTimeout. */
  readonly sleep?: (ms: number) => Promise<void>;
}
