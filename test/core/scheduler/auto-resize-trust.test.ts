import { describe, expect, it } from 'vitest';
import { InMemoryInstanceStateStore } from '../../../lambdas/adapters/dynamodb/instance-state-store';
import { InMemoryLease } from '../../../lambdas/adapters/dynamodb/lease';
import { InMemorySavingsStore } from '../../../lambdas/adapters/dynamodb/savings-store';
import { InMemoryFleet } from '../../../lambdas/adapters/ec2/in-memory-fleet';
import { staticPriceBook } from '../../../lambdas/core/accounting/price-book';
import type { CarbonLookup } from '../../../lambdas/core/carbon/lookup';
import type { ConfigInput } from '../../../lambdas/core/config/schema';
import { AUTO_RESIZE_NOT_ENABLED, autoResizeRefusal } from '../../../lambdas/core/rightsizing/apply-trust';
import type { PendingResize } from '../../../lambdas/core/rightsizing/recommendation-store';
import type { AutoResizeSource } from '../../../lambdas/core/scheduler/ports';
import { runScheduler } from '../../../lambdas/core/scheduler/run-scheduler';
import { runTime } from '../../../lambdas/core/scheduler/tick';
import { instance, setup } from './fixtures';

const noCarbon: CarbonLookup = async () => new Map();

/**
 * One instance stopped by its schedule on Friday evening, started Monday 08:00 with a pending resize marker, as the
 * rightsizer (or anyone with write access to the table) left it. Returns the fleet's mutating calls and the marks.
 */
async function mondayStart(
  tags: Record<string, string>,
  instanceType: string,
  pending: PendingResize,
  config: ConfigInput,
  dryRun = false,
) {
  const { config: resolved, registry } = setup({ managedRegions: ['eu-central-1'], ...config });
  const fleet = new InMemoryFleet([instance('i-1', tags, 'stopped', { instanceType })]);
  const ports = {
    fleet,
    states: new InMemoryInstanceStateStore(),
    savings: new InMemorySavingsStore(),
    lease: new InMemoryLease(),
    carbon: noCarbon,
    prices: staticPriceBook({}),
  };
  const marks: string[] = [];
  const rightsizing: AutoResizeSource = {
    pendingAutoResizes: async () => new Map([['i-1', pending]]),
    markApplied: async (_r, id) => {
      marks.push(`applied ${id}`);
    },
    markReverted: async (_r, id, _at, reason) => {
      marks.push(`reverted ${id}: ${reason}`);
    },
  };
  const run = (at: string, extra: { dryRun?: boolean; rightsizing?: AutoResizeSource } = {}) => {
    const { now, tick } = runTime(new Date(at), 5);
    return runScheduler(
      { now, tick, dryRun: extra.dryRun ?? false, config: resolved, registry, holder: at, leaseSeconds: 300 },
      { ...ports, ...(extra.rightsizing ? { rightsizing: extra.rightsizing } : {}) },
    );
  };
  await run('2026-02-27T18:00:00Z');
  fleet.calls.length = 0;
  const result = await run('2026-03-02T08:00:00Z', { dryRun, rightsizing });
  const mutations = fleet.calls.filter((c) => c.kind !== 'describe').map((c) => `${c.kind}:${c.instanceType ?? ''}`);
  return { result, mutations, marks, type: fleet.get('i-1')?.instanceType };
}

const DOWNSIZE: PendingResize = {
  targetInstanceType: 'm5.large',
  recommendationId: 'r1',
  fromInstanceType: 'm5.xlarge',
};
const ALLOWED: ConfigInput = { rightsizing: { allowAutoResize: true } };

describe('Adversarial: a pending resize is applied only to an opted-in instance, smaller, same family and architecture', () => {
  it('applies a same-family downsize on a Rightsize=auto instance when the configuration allows it (control case)', async () => {
    // Act
    const run = await mondayStart({ Schedule: 'office-hours', Rightsize: 'auto' }, 'm5.xlarge', DOWNSIZE, ALLOWED);

    // Assess
    expect(run.mutations).toEqual(['modify:m5.large', 'start:']);
    expect(run.type).toBe('m5.large');
    expect(run.marks).toEqual(['applied i-1']);
  });

  it.each([
    [
      'tagged Rightsize=off',
      { Schedule: 'office-hours', Rightsize: 'off' },
      'm5.xlarge',
      DOWNSIZE,
      ALLOWED,
      'rightsizing mode is off, not auto',
    ],
    [
      'tagged Rightsize=recommend',
      { Schedule: 'office-hours', Rightsize: 'recommend' },
      'm5.xlarge',
      DOWNSIZE,
      ALLOWED,
      'rightsizing mode is recommend, not auto',
    ],
    [
      'without a Rightsize tag (defaultMode recommend)',
      { Schedule: 'office-hours' },
      'm5.xlarge',
      DOWNSIZE,
      ALLOWED,
      'rightsizing mode is recommend, not auto',
    ],
    [
      'to a larger type',
      { Schedule: 'office-hours', Rightsize: 'auto' },
      'm5.large',
      { targetInstanceType: 'm5.4xlarge', recommendationId: 'r1', fromInstanceType: 'm5.large' },
      ALLOWED,
      'm5.4xlarge is not smaller than m5.large; only downsizes are applied automatically',
    ],
    [
      'to another architecture',
      { Schedule: 'office-hours', Rightsize: 'auto' },
      'm5.xlarge',
      { targetInstanceType: 'm7g.large', recommendationId: 'r1', fromInstanceType: 'm5.xlarge' },
      ALLOWED,
      'm7g.large is arm64 and m5.xlarge is x86_64; an architecture change is never applied automatically',
    ],
    [
      'to another family',
      { Schedule: 'office-hours', Rightsize: 'auto' },
      'm5.xlarge',
      { targetInstanceType: 'c5.large', recommendationId: 'r1', fromInstanceType: 'm5.xlarge' },
      ALLOWED,
      'c5.large is not of the m5 family; only a smaller size of the same family is applied automatically',
    ],
    [
      'tagged Rightsize=auto on a deployment that does not allow auto resize',
      { Schedule: 'office-hours', Rightsize: 'auto' },
      'm5.xlarge',
      DOWNSIZE,
      {},
      AUTO_RESIZE_NOT_ENABLED,
    ],
  ])(
    'refuses a pending resize of an instance %s, starts it as it is and removes the marker',
    async (_n, tags, type, pending, config, why) => {
      // Act
      const run = await mondayStart(tags, type, pending, config);

      // Assess: no ModifyInstanceAttribute at all; a plain start; the marker reverted with the reason.
      expect(run.mutations).toEqual(['start:']);
      expect(run.type).toBe(type);
      expect(run.marks).toEqual([`reverted i-1: not applied: ${why}`]);
      expect(run.result.warnings).toContainEqual({
        region: 'eu-central-1',
        message: `i-1: pending resize to ${pending.targetInstanceType} not applied: ${why}`,
      });
    },
  );

  it('never touches an untagged instance, marker or not', async () => {
    // Act
    const run = await mondayStart({}, 'm5.xlarge', DOWNSIZE, ALLOWED);

    // Assess
    expect(run.mutations).toEqual([]);
    expect(run.type).toBe('m5.xlarge');
  });

  it('on a dry run reports the refusal and keeps the marker', async () => {
    // Act
    const run = await mondayStart({ Schedule: 'office-hours', Rightsize: 'off' }, 'm5.xlarge', DOWNSIZE, ALLOWED, true);

    // Assess
    expect(run.mutations).toEqual([]);
    expect(run.marks).toEqual([]);
    expect(run.result.warnings).toContainEqual({
      region: 'eu-central-1',
      message: 'i-1: pending resize to m5.large not applied: rightsizing mode is off, not auto',
    });
  });
});

describe('Function: autoResizeRefusal', () => {
  it('accepts untagged-Rightsize scheduled instances under defaultMode auto', () => {
    // Act / Assess
    expect(
      autoResizeRefusal({ Schedule: 'office-hours' }, 'm5.xlarge', DOWNSIZE, {
        defaultMode: 'auto',
        allowAutoResize: false,
      }),
    ).toBeUndefined();
  });

  it('refuses a marker made for another type than the instance has now', () => {
    // Act / Assess
    expect(
      autoResizeRefusal({ Schedule: 'x', Rightsize: 'auto' }, 'm5.2xlarge', DOWNSIZE, {
        defaultMode: 'recommend',
        allowAutoResize: true,
      }),
    ).toBe('the recommendation was made for m5.xlarge, the instance is now m5.2xlarge');
  });
});
