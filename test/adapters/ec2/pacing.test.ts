import {
  EC2Client,
  StartInstancesCommand,
  type StartInstancesCommandInput,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ec2Fleet } from '../../../lambdas/adapters/ec2/fleet';
import { CarriedToNextTickError, TokenBucket } from '../../../lambdas/adapters/ec2/pacing';
import { MAX_IDS_PER_CALL } from '../../../lambdas/core/scheduler/batch';

const ec2Mock = mockClient(EC2Client);
const client = new EC2Client({ region: 'eu-central-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });

/** A virtual clock: `sleep` moves it, nothing waits for real. */
function virtualTime(startMs = Date.parse('2026-03-02T08:00:00Z')) {
  let now = startMs;
  return {
    nowMs: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
    set: (ms: number) => {
      now = ms;
    },
  };
}

/**
 * EC2's StartInstances resource bucket as a fake: `capacity` tokens, refilled at `refillPerSecond` on the virtual
 * clock; a call for more instances than there are tokens fails as a whole with RequestLimitExceeded, as EC2 does.
 */
function ec2StartBucket(
  time: ReturnType<typeof virtualTime>,
  capacity: number,
  refillPerSecond: number,
  initial = capacity,
) {
  let tokens = initial;
  let last = time.nowMs();
  const startedAt = new Map<string, number>();
  let duplicates = 0;
  let throttled = 0;
  ec2Mock.on(StartInstancesCommand).callsFake((input: StartInstancesCommandInput) => {
    tokens = Math.min(capacity, tokens + ((time.nowMs() - last) / 1000) * refillPerSecond);
    last = time.nowMs();
    const ids = input.InstanceIds ?? [];
    if (ids.length > tokens) {
      throttled += 1;
      throw Object.assign(new Error('Request limit exceeded.'), { name: 'RequestLimitExceeded' });
    }
    tokens -= ids.length;
    for (const id of ids) {
      if (startedAt.has(id)) duplicates += 1;
      startedAt.set(id, time.nowMs());
    }
    return {};
  });
  return { startedAt, duplicates: () => duplicates, throttled: () => throttled };
}

describe('Module: EC2 pacing', () => {
  beforeEach(() => ec2Mock.reset());
  afterEach(() => ec2Mock.reset());

  describe('Function: TokenBucket', () => {
    it('starts full, refills at its rate, never above capacity', () => {
      const time = virtualTime(0);
      const bucket = new TokenBucket({ capacity: 1000, refillPerSecond: 2 }, time.nowMs);
      bucket.take(1000);
      time.set(10_000);
      expect(bucket.available()).toBe(20);
      expect(bucket.msUntil(30)).toBe(5_000);
      time.set(10_000_000);
      expect(bucket.available()).toBe(1000);
    });
  });

  describe('Function: Ec2Fleet.start (paced)', () => {
    it('5,000 starts in one region under a 1,000 / 2-per-second bucket: all started within 8 ticks (the minimum the refill rate allows), each once, none lost', async () => {
      // Prepare: 5,000 stopped instances; another tool already used 300 of the region's 1,000 start tokens, so EC2
      // throttles our first full call. Ticks every 5 minutes; each run stops acting at its deadline (4 min 30 s).
      const time = virtualTime();
      const ec2 = ec2StartBucket(time, 1000, 2, 700);
      const fleet = new Ec2Fleet(() => client, { nowMs: time.nowMs, sleep: time.sleep });
      const ids = Array.from({ length: 5000 }, (_, i) => `i-${String(i).padStart(5, '0')}`);
      const carriedReasons: string[] = [];
      const t0 = time.nowMs();

      // Act: what the core does every tick with the instances still stopped: calls of at most 1,000 ids
      let ticks = 0;
      while (ec2.startedAt.size < ids.length && ticks < 20) {
        const tickStart = t0 + ticks * 300_000;
        time.set(Math.max(time.nowMs(), tickStart));
        fleet.deadlineMs = tickStart + 270_000;
        const todo = ids.filter((id) => !ec2.startedAt.has(id));
        for (let i = 0; i < todo.length; i += MAX_IDS_PER_CALL) {
          try {
            await fleet.start('eu-central-1', todo.slice(i, i + MAX_IDS_PER_CALL));
          } catch (error) {
            expect(error).toBeInstanceOf(CarriedToNextTickError);
            const carried = error as CarriedToNextTickError;
            // what the error says was sent is exactly what EC2 started; the carried ones were not started
            for (const id of carried.done) expect(ec2.startedAt.has(id)).toBe(true);
            for (const id of carried.carried) expect(ec2.startedAt.has(id)).toBe(false);
            carriedReasons.push(carried.message);
          }
        }
        ticks += 1;
      }

      // Assess: EC2 refills 2 starts/s, so 5,000 starts from a 700-token bucket take at least
      // (5,000 − 700) / 2 = 2,150 s of refill: tick 1 starts ≈ 700 + 270 s × 2 = 1,240, each later tick ≈ 600
      // (30 idle s + 270 s), so the best possible is 1 + ⌈3,760 / 600⌉ = 8 ticks (40 min)
      expect(ec2.startedAt.size).toBe(5000);
      expect(ec2.duplicates()).toBe(0);
      expect(ticks).toBeLessThanOrEqual(8);
      expect(ec2.throttled()).toBeGreaterThan(0);
      expect(carriedReasons.length).toBeGreaterThan(0);
      expect(carriedReasons[0]).toMatch(/instances carried to the next tick \(EC2 start rate/);
      // no run acted past its deadline
      for (const at of ec2.startedAt.values()) expect((at - t0) % 300_000).toBeLessThanOrEqual(270_000);
    });

    it('a non-throttling error of the first chunk is thrown unchanged; stops draw from their own, faster bucket', async () => {
      const time = virtualTime();
      ec2Mock.on(StartInstancesCommand).rejects(Object.assign(new Error('denied'), { name: 'UnauthorizedOperation' }));
      ec2Mock.on(StopInstancesCommand).resolves({});
      const fleet = new Ec2Fleet(() => client, { nowMs: time.nowMs, sleep: time.sleep });

      await expect(fleet.start('eu-central-1', ['i-1'])).rejects.toMatchObject({ name: 'UnauthorizedOperation' });
      const ids = Array.from({ length: 1200 }, (_, i) => `i-${i}`);
      await fleet.stop('eu-central-1', ids.slice(0, 1000), { hibernate: false });
      await fleet.stop('eu-central-1', ids.slice(1000), { hibernate: false });

      // 1,000 burst, then 200 at 20/s: 10 s of waiting (in chunks of 100 = 5 s of refill)
      expect(ec2Mock.commandCalls(StopInstancesCommand).map((c) => c.args[0].input.InstanceIds?.length)).toEqual([
        1000, 100, 100,
      ]);
      expect(time.nowMs() - Date.parse('2026-03-02T08:00:00Z')).toBe(10_000);
    });
  });
});
