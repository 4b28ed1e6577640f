/**
 * Pacing of StartInstances and StopInstances to EC2's request throttling (docs/run-safety.md, "Throttling").
 * EC2 throttles per account and region with token buckets
 * (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html): besides the request bucket of mutating
 * actions, StartInstances and StopInstances draw from a resource bucket, one token per instance. The defaults below
 * are the documented default sizes: StartInstances 1,000 instances with a refill of 2 per second, StopInstances 1,000
 * with a refill of 20 per second. An account with raised limits configures its own.
 */

/** A token bucket: `capacity` tokens at most, `refillPerSecond` added back every second. */
export interface BucketSize {
  readonly capacity: number;
  readonly refillPerSecond: number;
}

/** Default resource buckets of EC2's instance actions (per account and region). */
export const EC2_RESOURCE_BUCKETS: Readonly<Record<'start' | 'stop', BucketSize>> = {
  start: { capacity: 1000, refillPerSecond: 2 },
  stop: { capacity: 1000, refillPerSecond: 20 },
};

/**
 * Our estimate of one of EC2's buckets: full at first (EC2's bucket refills while the scheduler is idle), drawn down
 * by every instance we send, refilled at the documented rate. Times come from `nowMs`, so tests run on a fake clock.
 */
export class TokenBucket {
  private tokens: number;
  private lastMs: number;

  constructor(
    readonly size: BucketSize,
    private readonly nowMs: () => number,
  ) {
    this.tokens = size.capacity;
    this.lastMs = nowMs();
  }

  /** Tokens available now (whole instances). */
  available(): number {
    const now = this.nowMs();
    this.tokens = Math.min(this.size.capacity, this.tokens + ((now - this.lastMs) / 1000) * this.size.refillPerSecond);
    this.lastMs = now;
    return Math.floor(this.tokens);
  }

  /** Take `n` tokens (after {@link available} said they are there). */
  take(n: number): void {
    this.available();
    this.tokens -= n;
  }

  /**
   * EC2 refused a call for `attempted` instances (a throttling error): our estimate was too high. Halve it below
   * the refused size (the next call tries half as many), so a bucket another client drew down is still used.
   */
  throttled(attempted: number): void {
    this.available();
    this.tokens = Math.min(this.tokens, Math.floor(attempted / 2));
  }

  /** Ms until `n` tokens are available (0 when they are). */
  msUntil(n: number): number {
    const missing = Math.min(n, this.size.capacity) - this.available();
    return missing <= 0 ? 0 : Math.ceil((missing / this.size.refillPerSecond) * 1000);
  }
}

/** EC2's throttling error codes. */
export const THROTTLING_CODES: ReadonlySet<string> = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'ResourceLimitExceeded',
]);

/**
 * What a paced call could not do in this run: the instances carried to the next tick, and why. Thrown by
 * `Ec2Fleet.start` / `stop` after the instances it could send were sent; its `name` is `RequestLimitExceeded`, which
 * the core treats as region-wide (never bisected), and `carried` / `done` say which instances were not and were sent.
 */
export class CarriedToNextTickError extends Error {
  constructor(
    readonly action: 'start' | 'stop',
    readonly done: readonly string[],
    readonly carried: readonly string[],
    reason: string,
  ) {
    super(
      `${carried.length} of ${done.length + carried.length} instances carried to the next tick (${reason}); ${done.length} sent`,
    );
    this.name = 'RequestLimitExceeded';
  }
}
