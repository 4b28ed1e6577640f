import { describe, expect, it } from 'vitest';
import { applyDecisions } from '../../../lambdas/core/scheduler/apply-decisions';
import { decideRegion } from '../../../lambdas/core/scheduler/decide-region';
import { RegionPhaseError } from '../../../lambdas/core/scheduler/region-types';
import { instance } from './fixtures';
import { regionInput } from './steps.fixtures';

const calls = () => ({ describe: 0, start: 0, stop: 0, modify: 0, instanceWrites: 0 });

describe('Module: apply-decisions', () => {
  describe('Function: applyDecisions', () => {
    it('records the intent of every action before sending the first one', async () => {
      // Prepare: 18:00, two office-hours instances running → stop
      const w = regionInput('2026-03-02T18:00:00Z', [
        instance('i-a', { Schedule: 'office-hours' }, 'running'),
        instance('i-b', { Schedule: 'office-hours' }, 'running', { hibernationConfigured: true }),
        instance('i-c', { Schedule: 'always-on' }, 'running'),
      ]);
      const order: string[] = [];
      const recordIntent = w.states.recordIntent.bind(w.states);
      w.states.recordIntent = async (region, intent) => {
        order.push(`intent ${intent.actions.map((a) => `${a.instanceId}:${a.action}`).join(',')}`);
        await recordIntent(region, intent);
      };
      const stop = w.fleet.stop.bind(w.fleet);
      w.fleet.stop = async (region, ids, options) => {
        order.push(`stop ${ids.join(',')}`);
        await stop(region, ids, options);
      };
      const decisions = decideRegion(
        w.input,
        { instances: await w.fleet.describe('eu-central-1').then((d) => d.instances), pending: new Map() },
        new Map(),
      );

      // Act
      const applied = await applyDecisions(w.input, decisions, calls(), { intensityHours: 42 });

      // Assess
      expect(order).toEqual(['intent i-a:stop,i-b:stop', 'stop i-a,i-b']);
      expect(applied.intentIds).toEqual(['2026-03-02T18:00:00.000Z#1']);
      expect(w.states.intents.get('eu-central-1')?.[0]).toMatchObject({
        at: '2026-03-02T18:00:00.000Z',
        intensityHours: 42,
        actions: [
          { instanceId: 'i-a', action: 'stop' },
          { instanceId: 'i-b', action: 'stop' },
        ],
      });
      expect([...applied.outcomes.keys()].sort()).toEqual(['i-a', 'i-b']);
    });

    it('fault: when the intent cannot be written, nothing is sent and the step fails in phase persist', async () => {
      // Prepare
      const w = regionInput('2026-03-02T18:00:00Z', [instance('i-a', { Schedule: 'office-hours' }, 'running')]);
      w.states.recordIntent = async () => {
        throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
      };
      const described = (await w.fleet.describe('eu-central-1')).instances;
      const decisions = decideRegion(w.input, { instances: described, pending: new Map() }, new Map());

      // Act
      const error = await applyDecisions(w.input, decisions, calls(), { intensityHours: 0 }).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(RegionPhaseError);
      expect((error as RegionPhaseError).phase).toBe('persist');
      expect(w.fleet.callsOf('stop')).toEqual([]);
    });

    it('deadline: what is not sent by the deadline is carried, nothing else is written', async () => {
      // Prepare: the wall clock passes the deadline right after the intent (first proceed check passes)
      const w = regionInput('2026-03-02T18:00:00Z', [instance('i-a', { Schedule: 'office-hours' }, 'running')]);
      let now = 1000;
      const input = { ...w.input, deadline: 1500, ports: { ...w.input.ports, clock: () => now } };
      w.states.recordIntent = async () => {
        now = 2000;
      };
      const described = (await w.fleet.describe('eu-central-1')).instances;
      const decisions = decideRegion(input, { instances: described, pending: new Map() }, new Map());

      // Act
      const applied = await applyDecisions(input, decisions, calls(), { intensityHours: 0 });

      // Assess
      expect(w.fleet.callsOf('stop')).toEqual([]);
      expect(applied.outcomes.get('i-a')).toMatchObject({ ok: false, carried: true, history: [] });
    });

    it('deadline already passed: no intent and no action', async () => {
      // Prepare
      const w = regionInput('2026-03-02T18:00:00Z', [instance('i-a', { Schedule: 'office-hours' }, 'running')]);
      const input = { ...w.input, deadline: 10, ports: { ...w.input.ports, clock: () => 20 } };
      const described = (await w.fleet.describe('eu-central-1')).instances;
      const decisions = decideRegion(input, { instances: described, pending: new Map() }, new Map());

      // Act
      const applied = await applyDecisions(input, decisions, calls(), { intensityHours: 0 });

      // Assess
      expect(applied.intentIds).toEqual([]);
      expect(w.states.intents.get('eu-central-1')).toBeUndefined();
      expect(applied.outcomes.get('i-a')?.carried).toBe(true);
    });
  });
});
