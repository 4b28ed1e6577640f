import { describe, expect, it } from 'vitest';
import type { CarbonInput } from '../../../lambdas/core/scheduler/carbon-input';
import type { PauseState } from '../../../lambdas/core/scheduler/carbon-policy';
import { decideInstance } from '../../../lambdas/core/scheduler/decide-instance';
import type { InstanceFacts } from '../../../lambdas/core/scheduler/instance-facts';
import type { InstanceStateRecord } from '../../../lambdas/core/scheduler/instance-state';
import { scheduleEvaluator } from '../../../lambdas/core/scheduler/schedule-evaluator';
import { runTime } from '../../../lambdas/core/scheduler/tick';
import { instance, liveCarbon, setup } from './fixtures';

/*
 * Every transition of the `pause-when-dirty` state a decision stores (docs/scheduler.md, "pause-when-dirty
 * bookkeeping"). carbon-aware: 24/7, pause-when-dirty, threshold 300, hysteresis 30, min run 30 min, min stop 30 min.
 * Times are minutes after Monday 2026-03-02 09:00Z.
 */

const T0 = Date.parse('2026-03-02T09:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const iso = (minutes: number) => at(minutes).toISOString();

function record(state: InstanceStateRecord['state'], pause?: PauseState): InstanceStateRecord {
  return {
    instanceId: 'i-1',
    region: 'eu-central-1',
    schedule: 'carbon-aware',
    instanceType: 'm5.large',
    state,
    ...(pause ? { pause } : {}),
    savedUsd: 0,
    savedGCO2e: 0,
    savedKWh: 0,
    stoppedHours: 0,
    firstSeenAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-01T00:00:00.000Z',
  };
}

type Reading = 'live' | 'static';
const carbonOf = (g: number, reading: Reading, now: Date): CarbonInput =>
  reading === 'live' ? liveCarbon(g, now) : liveCarbon(g, now, { provider: 'static', origin: 'static' });

function decide(input: {
  now: Date;
  ec2: InstanceFacts['state'];
  stored?: InstanceStateRecord;
  g: number;
  reading?: Reading;
  tags?: Record<string, string>;
}) {
  const { config, registry } = setup();
  return decideInstance({
    instance: instance('i-1', { Schedule: 'carbon-aware', ...input.tags }, input.ec2),
    registry,
    stored: input.stored,
    carbon: carbonOf(input.g, input.reading ?? 'live', input.now),
    config,
    evaluator: scheduleEvaluator(input.now),
    tick: runTime(input.now, 5).tick,
  });
}

describe('Module: pause-when-dirty bookkeeping', () => {
  describe('Function: decideInstance (pause state)', () => {
    it.each([
      // name, EC2 state, stored state, stored pause, g, reading, minute of the run → action, stored pause after
      [
        'running, clean: stays running since it began',
        'running',
        'running',
        { paused: false, since: iso(-40) },
        250,
        'live',
        0,
        'none',
        { paused: false, since: iso(-40) },
      ],
      [
        'running 40 min, dirty: pauses now',
        'running',
        'running',
        { paused: false, since: iso(-40) },
        310,
        'live',
        0,
        'stop',
        { paused: true, since: iso(0) },
      ],
      [
        'running 25 min, dirty: min run holds, since kept',
        'running',
        'running',
        { paused: false, since: iso(-25) },
        310,
        'live',
        0,
        'none',
        { paused: false, since: iso(-25) },
      ],
      [
        'running since unknown, dirty: pauses now',
        'running',
        'running',
        { paused: false },
        310,
        'live',
        0,
        'stop',
        { paused: true, since: iso(0) },
      ],
      [
        'no pause state yet, dirty: pauses now',
        'running',
        'running',
        undefined,
        310,
        'live',
        0,
        'stop',
        { paused: true, since: iso(0) },
      ],
      [
        'paused 40 min, below 270: resumes now',
        'stopped',
        'stopped',
        { paused: true, since: iso(-40) },
        269,
        'live',
        0,
        'start',
        { paused: false, since: iso(0) },
      ],
      [
        'paused 40 min, 290 (inside the hysteresis): stays paused',
        'stopped',
        'stopped',
        { paused: true, since: iso(-40) },
        290,
        'live',
        0,
        'none',
        { paused: true, since: iso(-40) },
      ],
      [
        'paused 10 min, clean: min stop holds, since kept',
        'stopped',
        'stopped',
        { paused: true, since: iso(-10) },
        200,
        'live',
        0,
        'none',
        { paused: true, since: iso(-10) },
      ],
      [
        'running 25 min, static data: policy holds, since kept',
        'running',
        'running',
        { paused: false, since: iso(-25) },
        900,
        'static',
        0,
        'none',
        { paused: false, since: iso(-25) },
      ],
      [
        'paused, static data: pause ends, the schedule starts it',
        'stopped',
        'stopped',
        { paused: true, since: iso(-40) },
        900,
        'static',
        0,
        'start',
        { paused: false, since: iso(0) },
      ],
    ] as const)('%s', (_name, ec2, state, pause, g, reading, minute, action, after) => {
      // Act
      const d = decide({ now: at(minute), ec2, stored: record(state, pause), g, reading });

      // Assess
      expect(d.action).toBe(action);
      expect(d.pause).toEqual(after);
    });

    it('an override keeps the stored pause state as it is', () => {
      // Act
      const d = decide({
        now: at(0),
        ec2: 'running',
        stored: record('running', { paused: false, since: iso(-25) }),
        g: 400,
        tags: { ScheduleOverride: 'running until 2026-03-02T22:00Z' },
      });

      // Assess
      expect(d.action).toBe('none');
      expect(d.pause).toEqual({ paused: false, since: iso(-25) });
    });

    it('a run on static data between a start and a dirty live reading does not shorten the minimum run', () => {
      // Prepare: resumed at 09:00 (since 09:00), a static-data run at 09:10, a dirty live reading at 09:25
      const resumed = decide({
        now: at(0),
        ec2: 'stopped',
        stored: record('stopped', { paused: true, since: iso(-40) }),
        g: 260,
      });
      expect(resumed).toMatchObject({ action: 'start', pause: { paused: false, since: iso(0) } });

      // Act
      const onStatic = decide({
        now: at(10),
        ec2: 'running',
        stored: record('running', resumed.pause),
        g: 900,
        reading: 'static',
      });
      const dirtyAt25 = decide({ now: at(25), ec2: 'running', stored: record('running', onStatic.pause), g: 400 });
      const dirtyAt30 = decide({ now: at(30), ec2: 'running', stored: record('running', dirtyAt25.pause), g: 400 });

      // Assess: 25 min < 30 min of minimum run → held; at 30 min it pauses
      expect(onStatic.pause).toEqual({ paused: false, since: iso(0) });
      expect(dirtyAt25).toMatchObject({ action: 'none', pause: { paused: false, since: iso(0) } });
      expect(dirtyAt30).toMatchObject({ action: 'stop', pause: { paused: true, since: iso(30) } });
    });
  });
});
