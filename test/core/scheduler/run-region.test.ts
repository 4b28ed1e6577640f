import { describe, expect, it } from 'vitest';
import { runRegion } from '../../../lambdas/core/scheduler/run-region';
import { instance } from './fixtures';
import { regionInput } from './steps.fixtures';

const throttled = () => Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });

describe('Module: run-region', () => {
  describe('Function: runRegion', () => {
    it('runs read → decide → apply → next state → persist, and settles its own intent', async () => {
      // Prepare
      const w = regionInput('2026-03-02T18:00:00Z', [instance('i-a', { Schedule: 'office-hours' }, 'running')]);

      // Act
      const r = await runRegion(w.input);

      // Assess
      expect(r.error).toBeUndefined();
      expect(r.decisions).toMatchObject([{ instanceId: 'i-a', action: 'stop', result: 'ok' }]);
      expect(w.states.records.get('eu-central-1')?.get('i-a')).toMatchObject({
        state: 'stopped',
        stoppedAt: '2026-03-02T18:00:00.000Z',
      });
      expect(w.states.intents.get('eu-central-1')).toEqual([]);
      expect(w.states.history.map((h) => h.action)).toEqual(['stop']);
    });

    it.each([
      ['DescribeInstances fails', 'describe'],
      ['the state Query fails', 'describe'],
      ['the intent write fails', 'persist'],
      ['the state write fails', 'persist'],
    ] as const)('tags the failure with its phase: %s → %s', async (what, phase) => {
      // Prepare
      const w = regionInput('2026-03-02T18:00:00Z', [instance('i-a', { Schedule: 'office-hours' }, 'running')]);
      if (what === 'DescribeInstances fails') w.fleet.describe = async () => Promise.reject(throttled());
      if (what === 'the state Query fails') w.states.loadRegion = async () => Promise.reject(throttled());
      if (what === 'the intent write fails') w.states.recordIntent = async () => Promise.reject(throttled());
      if (what === 'the state write fails') w.states.failSaves.push(throttled());

      // Act
      const r = await runRegion(w.input);

      // Assess
      expect(r.phase).toBe(phase);
      expect(r.error).toBe('ProvisionedThroughputExceededException: throttled');
    });

    it('a state write failure after acting still reports what was done, and leaves the intent for the next run', async () => {
      // Prepare
      const w = regionInput('2026-03-02T18:00:00Z', [instance('i-a', { Schedule: 'office-hours' }, 'running')]);
      w.states.failSaves.push(throttled());

      // Act
      const r = await runRegion(w.input);

      // Assess
      expect(r.decisions).toMatchObject([{ action: 'stop', result: 'ok' }]);
      expect(r.calls.stop).toBe(1);
      expect(w.states.intents.get('eu-central-1')).toHaveLength(1);
    });

    it('deadline: a region out of time stops acting, records what it did and reports the rest as carried', async () => {
      // Prepare: 18:00: extended-dev (07:00–22:00) starts i-a, office-hours stops i-b; starts go first, and the
      // wall clock passes the deadline once StartInstances has returned
      const w = regionInput('2026-03-02T18:00:00Z', [
        instance('i-a', { Schedule: 'extended-dev' }, 'stopped'),
        instance('i-b', { Schedule: 'office-hours' }, 'running'),
      ]);
      let clock = 0;
      const start = w.fleet.start.bind(w.fleet);
      w.fleet.start = async (region, ids) => {
        await start(region, ids);
        clock = 100;
      };
      const input = { ...w.input, deadline: 50, ports: { ...w.input.ports, clock: () => clock } };

      // Act
      const r = await runRegion(input);

      // Assess
      expect(w.fleet.callsOf('start').map((c) => c.instanceIds)).toEqual([['i-a']]);
      expect(w.fleet.callsOf('stop')).toEqual([]);
      expect(r.decisions.map((d) => `${d.instanceId} ${d.action} ${d.result}`)).toEqual([
        'i-a start ok',
        'i-b stop carried',
      ]);
      expect(r.carried).toBe(1);
      const records = w.states.records.get('eu-central-1');
      expect(records?.get('i-a')).toMatchObject({ state: 'running', lastAction: 'start' });
      expect(records?.get('i-b')?.lastActionTick).toBeUndefined();
      expect(w.states.history.map((h) => `${h.instanceId} ${h.action}`)).toEqual(['i-a start']);
    });

    it('deadline passed before acting: nothing is sent, every action is carried with the reason', async () => {
      // Prepare
      const w = regionInput('2026-03-02T18:00:00Z', [
        instance('i-a', { Schedule: 'office-hours' }, 'running'),
        instance('i-b', { Schedule: 'office-hours' }, 'running'),
      ]);
      const input = { ...w.input, deadline: 50, ports: { ...w.input.ports, clock: () => 60 } };

      // Act
      const r = await runRegion(input);

      // Assess
      expect(w.fleet.callsOf('stop')).toEqual([]);
      expect(r.carried).toBe(2);
      expect(r.decisions.map((d) => d.result)).toEqual(['carried', 'carried']);
      expect(r.decisions[0]?.reason).toMatch(/; not sent before the run deadline; carried to the next tick$/);
      expect(r.warnings).toContain('run deadline reached: 2 action(s) not sent, carried to the next tick');
      // Nothing recorded as acted: the next tick decides again
      expect(w.states.records.get('eu-central-1')?.get('i-a')?.lastActionTick).toBeUndefined();
    });

    it('a dry run stops after deciding: no intent, no action, no write', async () => {
      // Prepare
      const w = regionInput('2026-03-02T18:00:00Z', [instance('i-a', { Schedule: 'office-hours' }, 'running')], {
        dryRun: true,
      });

      // Act
      const r = await runRegion(w.input);

      // Assess
      expect(r.decisions).toMatchObject([{ action: 'stop', result: 'planned' }]);
      expect(w.fleet.callsOf('stop')).toEqual([]);
      expect(w.states.intents.size).toBe(0);
      expect(w.states.runs.size).toBe(0);
    });
  });
});
