import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../../lambdas/core/config/schema';
import type { CarbonInput } from '../../../lambdas/core/scheduler/carbon-input';
import { type DecideInput, decideInstance } from '../../../lambdas/core/scheduler/decide-instance';
import type { InstanceFacts } from '../../../lambdas/core/scheduler/instance-facts';
import type { InstanceStateRecord } from '../../../lambdas/core/scheduler/instance-state';
import { scheduleEvaluator } from '../../../lambdas/core/scheduler/schedule-evaluator';
import { runTime } from '../../../lambdas/core/scheduler/tick';
import { instance, liveCarbon, MONDAY_0800, MONDAY_0900, MONDAY_2000, SATURDAY_1200, setup } from './fixtures';

function stored(state: InstanceStateRecord['state'], extra: Partial<InstanceStateRecord> = {}): InstanceStateRecord {
  return {
    instanceId: 'i-1',
    region: 'eu-central-1',
    schedule: 'x',
    instanceType: 'm5.large',
    state,
    savedUsd: 0,
    savedGCO2e: 0,
    savedKWh: 0,
    stoppedHours: 0,
    firstSeenAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

function decide(
  facts: InstanceFacts,
  now: Date,
  options: {
    stored?: InstanceStateRecord;
    carbon?: CarbonInput;
    config?: ConfigInput;
    extra?: Partial<DecideInput>;
  } = {},
) {
  const { config, registry } = setup(options.config);
  return decideInstance({
    instance: facts,
    registry,
    stored: options.stored,
    carbon: options.carbon ?? liveCarbon(250, now),
    config,
    evaluator: scheduleEvaluator(now),
    tick: runTime(now, 5).tick,
    ...options.extra,
  });
}

describe('Module: decide-instance', () => {
  describe('Function: decideInstance', () => {
    it('starts an office-hours instance on Monday 09:00 and names schedule, intensity, source, age and threshold', () => {
      // Act
      const d = decide(instance('i-1', { Schedule: 'office-hours' }, 'stopped'), MONDAY_0900, {
        carbon: liveCarbon(312, MONDAY_0900),
      });

      // Assess
      expect(d.action).toBe('start');
      expect(d.desired).toBe('running');
      expect(d.newState).toBe('running');
      expect(d.schedule).toBe('office-hours');
      expect(d.reason).toContain('office-hours: running in period 1');
      expect(d.reason).toContain(
        'carbon 312 gCO2e/kWh (electricitymaps, cached, 4 min old), threshold 300, policy none',
      );
      expect(d.carbon).toEqual({
        gCO2ePerKWh: 312,
        provider: 'electricitymaps',
        ageSeconds: 240,
        origin: 'cached',
        signal: 'average',
      });
    });

    it('resolves display names (Office Hours + Weekend Shutdown) to the built-in', () => {
      // Act
      const d = decide(instance('i-1', { Schedule: 'Office Hours + Weekend Shutdown' }, 'running'), SATURDAY_1200);

      // Assess: a never-seen instance running outside its period is stopped (stopNewInstances)
      expect(d.schedule).toBe('office-hours');
      expect(d.action).toBe('stop');
      expect(d.hibernate).toBe(false);
    });

    it('respects a person who started an instance outside its period (stored stopped)', () => {
      // Act
      const d = decide(instance('i-1', { Schedule: 'office-hours' }, 'running'), SATURDAY_1200, {
        stored: stored('stopped'),
      });

      // Assess
      expect(d.action).toBe('none');
    });

    describe('pause-when-dirty (carbon-aware; threshold 300, hysteresis 30, min run/stop 30 min)', () => {
      it('stops a running instance when the grid goes above the threshold', () => {
        // Act
        const d = decide(instance('i-1', { Schedule: 'carbon-aware' }, 'running'), MONDAY_0900, {
          stored: stored('running', { pause: { paused: false, since: '2026-03-02T07:00:00.000Z' } }),
          carbon: liveCarbon(310, MONDAY_0900),
        });

        // Assess
        expect(d.action).toBe('stop');
        expect(d.desired).toBe('stopped');
        expect(d.carbonDriven).toBe(true);
        expect(d.pause).toEqual({ paused: true, since: MONDAY_0900.toISOString() });
        expect(d.rule).toBe('pause-when-dirty');
        expect(d.facts).toMatchObject({
          carbonPolicy: 'pause-when-dirty',
          thresholdGCO2ePerKWh: 300,
          policyUsable: true,
        });
      });

      it('keeps it paused at 290 and resumes it at 269', () => {
        // Prepare
        const pausedAt = { paused: true, since: MONDAY_0800.toISOString() };
        const facts = instance('i-1', { Schedule: 'carbon-aware' }, 'stopped');

        // Act
        const at290 = decide(facts, MONDAY_0900, {
          stored: stored('stopped', { pause: pausedAt }),
          carbon: liveCarbon(290, MONDAY_0900),
        });
        const at269 = decide(facts, MONDAY_0900, {
          stored: stored('stopped', { pause: pausedAt }),
          carbon: liveCarbon(269, MONDAY_0900),
        });

        // Assess
        expect(at290.action).toBe('none');
        expect(at290.desired).toBe('stopped');
        expect(at269.action).toBe('start');
        expect(at269.pause).toEqual({ paused: false, since: MONDAY_0900.toISOString() });
      });

      it('does not pause an instance the scheduler started less than 30 minutes ago', () => {
        // Act
        const d = decide(instance('i-1', { Schedule: 'carbon-aware' }, 'running'), MONDAY_0900, {
          stored: stored('running', { pause: { paused: false, since: '2026-03-02T08:45:00.000Z' } }),
          carbon: liveCarbon(400, MONDAY_0900),
        });

        // Assess
        expect(d.action).toBe('none');
        expect(d.rule).toBe('schedule');
        expect(d.pause).toEqual({ paused: false, since: '2026-03-02T08:45:00.000Z' });
      });

      it('holds (never stops) on the static annual factor by default', () => {
        // Act
        const d = decide(instance('i-1', { Schedule: 'carbon-aware' }, 'running'), MONDAY_0900, {
          stored: stored('running'),
          carbon: liveCarbon(900, MONDAY_0900, { provider: 'static', origin: 'static' }),
        });

        // Assess
        expect(d.action).toBe('none');
        expect(d.desired).toBe('running');
        expect(d.rule).toBe('policy-holds');
        expect(d.carbon).toMatchObject({ gCO2ePerKWh: 900, origin: 'static' });
        expect(d.facts).toMatchObject({ policyUsable: false, thresholdGCO2ePerKWh: 300 });
      });

      it('uses the static factor when carbon.whenNoLiveData is use-static', () => {
        // Act
        const d = decide(instance('i-1', { Schedule: 'carbon-aware' }, 'running'), MONDAY_0900, {
          stored: stored('running'),
          carbon: liveCarbon(900, MONDAY_0900, { provider: 'static', origin: 'static' }),
          config: { carbon: { whenNoLiveData: 'use-static' } },
        });

        // Assess
        expect(d.action).toBe('stop');
      });

      it('never compares a marginal signal with the average threshold; a marginal threshold opts in', () => {
        // Prepare: WattTime MOER 500 g/kWh
        const marginal = liveCarbon(500, MONDAY_0900, { provider: 'watttime', signal: 'marginal' });
        const facts = instance('i-1', { Schedule: 'carbon-aware' }, 'running');

        // Act
        const plain = decide(facts, MONDAY_0900, { stored: stored('running'), carbon: marginal });
        const optedIn = decide(facts, MONDAY_0900, {
          stored: stored('running'),
          carbon: marginal,
          config: { carbon: { marginalThresholds: { 'eu-central-1': 450 } } },
        });

        // Assess
        expect(plain.action).toBe('none');
        expect(plain.rule).toBe('policy-holds');
        expect(plain.facts).toMatchObject({ policyUsable: false, thresholdGCO2ePerKWh: 300 });
        expect(optedIn.action).toBe('stop');
        expect(optedIn.rule).toBe('pause-when-dirty');
        expect(optedIn.facts).toMatchObject({ policyUsable: true, thresholdGCO2ePerKWh: 450 });
      });
    });

    describe('defer-start', () => {
      const batch = {
        schedules: [
          {
            name: 'batch-window',
            periods: [{ begintime: '08:00', endtime: '18:00', weekdays: 'mon-fri' }],
            carbonPolicy: 'defer-start',
            maxDeferMinutes: 120,
          },
        ],
      };
      const forecast = [
        { at: '2026-03-02T09:00:00Z', gCO2ePerKWh: 350 },
        { at: '2026-03-02T10:00:00Z', gCO2ePerKWh: 200 },
      ];

      it('keeps a stopped instance stopped at a dirty period start, planning the cleanest slot', () => {
        // Act
        const d = decide(instance('i-1', { Schedule: 'batch-window' }, 'stopped'), MONDAY_0800, {
          stored: stored('stopped'),
          carbon: liveCarbon(420, MONDAY_0800),
          config: batch,
          extra: { forecast },
        });

        // Assess
        expect(d.action).toBe('none');
        expect(d.desired).toBe('stopped');
        expect(d.plannedStartAt).toBe('2026-03-02T10:00:00.000Z');
        expect(d.carbonDriven).toBe(true);
      });

      it('starts regardless once maxDeferMinutes have passed since the period began', () => {
        // Act: 10:05 is past 08:00 + 120 min
        const at = new Date('2026-03-02T10:05:00Z');
        const d = decide(instance('i-1', { Schedule: 'batch-window' }, 'stopped'), at, {
          stored: stored('stopped'),
          carbon: liveCarbon(900, at),
          config: batch,
          extra: { forecast },
        });

        // Assess
        expect(d.action).toBe('start');
        expect(d.rule).toBe('schedule');
        expect(d.facts).toMatchObject({ carbonPolicy: 'defer-start', scheduleWants: 'running' });
      });

      it('starts at once when the grid is clean at the period start', () => {
        // Act
        const d = decide(instance('i-1', { Schedule: 'batch-window' }, 'stopped'), MONDAY_0800, {
          stored: stored('stopped'),
          carbon: liveCarbon(250, MONDAY_0800),
          config: batch,
          extra: { forecast },
        });

        // Assess
        expect(d.action).toBe('start');
      });
    });

    it('never stops always-on, even with a stopped override', () => {
      // Act
      const d = decide(
        instance('i-1', { Schedule: 'always-on', ScheduleOverride: 'stopped' }, 'running'),
        MONDAY_0900,
        { stored: stored('running') },
      );

      // Assess
      expect(d.action).toBe('none');
      expect(d.rule).toBe('always-on');
    });

    it('applies an active override and ignores an expired one', () => {
      // Prepare
      const active = instance('i-1', { Schedule: 'office-hours', ScheduleOverride: 'running until 2026-03-02T22:00Z' });
      const expired = instance('i-2', {
        Schedule: 'office-hours',
        ScheduleOverride: 'running until 2026-03-02T19:00Z',
      });

      // Act
      const a = decide(active, MONDAY_2000, { stored: stored('stopped') });
      const e = decide(expired, MONDAY_2000, { stored: stored('stopped') });

      // Assess
      expect(a.action).toBe('start');
      expect(a.rule).toBe('override');
      expect(a.facts).toMatchObject({ override: 'running until 2026-03-02T22:00Z', scheduleWants: 'stopped' });
      expect(e.rule).toBe('schedule');
      expect(e.action).toBe('none');
    });

    it('reports bad tags and never acts on them', () => {
      // Act
      const unknown = decide(instance('i-1', { Schedule: 'tea-time' }, 'running'), SATURDAY_1200);
      const badOverride = decide(
        instance('i-2', { Schedule: 'office-hours', ScheduleOverride: 'off for lunch' }, 'stopped'),
        MONDAY_0900,
      );

      // Assess
      expect(unknown).toMatchObject({ kind: 'invalid-tag', action: 'none', desired: null, schedule: 'tea-time' });
      expect(unknown.rule).toBe('invalid-schedule-tag');
      expect(unknown.facts.tagProblem).toMatch(/^unknown schedule "tea-time"/);
      expect(badOverride).toMatchObject({ kind: 'invalid-tag', action: 'none', schedule: 'office-hours' });
      expect(badOverride.rule).toBe('invalid-override-tag');
      expect(badOverride.facts.scheduleTag).toBe('office-hours');
    });

    it('skips Auto Scaling group members and spot instances, and never touches untagged ones', () => {
      // Act
      const asg = decide(
        instance('i-1', { Schedule: 'office-hours', 'aws:autoscaling:groupName': 'web' }, 'running'),
        SATURDAY_1200,
      );
      const spot = decide(
        instance('i-2', { Schedule: 'office-hours' }, 'running', { lifecycle: 'spot' }),
        SATURDAY_1200,
      );
      const untagged = decide(instance('i-3', { Name: 'db' }, 'running'), SATURDAY_1200);

      // Assess
      expect(asg).toMatchObject({ kind: 'skipped', action: 'none' });
      expect(asg).toMatchObject({ rule: 'auto-scaling-group', facts: { autoScalingGroup: 'web' } });
      expect(spot.rule).toBe('spot');
      expect(untagged.rule).toBe('no-schedule-tag');
      expect(spot).toMatchObject({ kind: 'skipped', action: 'none' });
      expect(untagged).toMatchObject({ kind: 'unmanaged', action: 'none', schedule: null });
    });

    it('takes no second action in the same tick', () => {
      // Prepare: the same tick already started it (EC2 may still report it stopped)
      const tick = runTime(MONDAY_0900, 5).tick;

      // Act
      const d = decide(instance('i-1', { Schedule: 'office-hours' }, 'stopped'), MONDAY_0900, {
        stored: stored('start_failed', { lastAction: 'start', lastActionTick: tick }),
      });

      // Assess
      expect(d.action).toBe('none');
      expect(d.newState).toBe('start_failed');
    });

    it('turns a scheduled start of an instance it stopped into an auto rightsizing resize', () => {
      // Prepare
      const pending = { targetInstanceType: 'm7g.large', recommendationId: 'rec-1', fromInstanceType: 'm5.large' };

      // Act
      const resize = decide(instance('i-1', { Schedule: 'office-hours' }, 'stopped'), MONDAY_0900, {
        stored: stored('stopped'),
        extra: { pendingResize: pending },
      });
      const stale = decide(
        instance('i-1', { Schedule: 'office-hours' }, 'stopped', { instanceType: 'm5.xlarge' }),
        MONDAY_0900,
        {
          stored: stored('stopped'),
          extra: { pendingResize: pending },
        },
      );
      const alwaysOn = decide(instance('i-1', { Schedule: 'always-on' }, 'stopped'), MONDAY_0900, {
        stored: stored('stopped'),
        extra: { pendingResize: pending },
      });

      // Assess
      expect(resize).toMatchObject({
        action: 'resize',
        targetInstanceType: 'm7g.large',
        resizeSource: 'rightsizing',
        recommendationId: 'rec-1',
      });
      expect(stale.action).toBe('start');
      expect(alwaysOn.action).toBe('start');
    });

    it('hibernates only instances configured for it when the schedule asks', () => {
      // Prepare
      const config = {
        schedules: [{ name: 'dev-hibernate', periods: [{ begintime: '08:00', endtime: '18:00' }], hibernate: true }],
      };

      // Act
      const yes = decide(
        instance('i-1', { Schedule: 'dev-hibernate' }, 'running', { hibernationConfigured: true }),
        MONDAY_2000,
        { stored: stored('running'), config },
      );
      const no = decide(instance('i-2', { Schedule: 'dev-hibernate' }, 'running'), MONDAY_2000, {
        stored: stored('running'),
        config,
      });

      // Assess
      expect(yes).toMatchObject({ action: 'stop', hibernate: true });
      expect(no).toMatchObject({ action: 'stop', hibernate: false });
      expect(no.reason).toContain('not configured for it → normal stop');
    });
  });
});
