import { describe, expect, it } from 'vitest';
import { staticPriceBook } from '../../../lambdas/core/accounting/price-book';
import type { InstanceFacts } from '../../../lambdas/core/scheduler/instance-facts';
import type { ActionIntent, InstanceStateRecord, IntendedAction } from '../../../lambdas/core/scheduler/instance-state';
import { reconcileIntents } from '../../../lambdas/core/scheduler/reconcile-intents';
import { instance } from './fixtures';

const AT = '2026-03-02T18:00:00.000Z';
const prices = staticPriceBook({ 'eu-central-1': { 'm5.large': 0.115, 'm5.xlarge': 0.23 } });

function record(extra: Partial<InstanceStateRecord> = {}): InstanceStateRecord {
  return {
    instanceId: 'i-a',
    region: 'eu-central-1',
    schedule: 'office-hours',
    instanceType: 'm5.large',
    state: 'running',
    savedUsd: 0,
    savedGCO2e: 0,
    savedKWh: 0,
    stoppedHours: 0,
    firstSeenAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-01T00:00:00.000Z',
    ...extra,
  };
}

const intended = (action: 'start' | 'stop', extra: Partial<IntendedAction> = {}): IntendedAction => ({
  instanceId: 'i-a',
  action,
  schedule: 'office-hours',
  instanceType: 'm5.large',
  reason: `office-hours: ${action}`,
  gCO2ePerKWh: 300,
  carbonProvider: 'electricitymaps',
  ...extra,
});

const intent = (actions: IntendedAction[], extra: Partial<ActionIntent> = {}): ActionIntent => ({
  id: `${AT}#1`,
  at: AT,
  tick: AT,
  intensityHours: 1000,
  actions,
  ...extra,
});

function reconcile(stored: InstanceStateRecord | undefined, intents: ActionIntent[], facts: InstanceFacts[]) {
  return reconcileIntents({
    region: 'eu-central-1',
    state: {
      instances: new Map(stored ? [[stored.instanceId, stored]] : []),
      run: {
        region: 'eu-central-1',
        lastRunAt: '2026-03-02T17:55:00.000Z',
        lastTick: '2026-03-02T17:55:00.000Z',
        intensityHours: 975,
      },
      intents,
    },
    instances: facts,
    gCO2ePerKWh: 300,
    pue: 1.135,
    prices,
  });
}

describe('Module: reconcile-intents', () => {
  describe('Function: reconcileIntents', () => {
    it.each([
      // name, stored, intended action, EC2 state now → recovered?, state recorded
      ['a stop EC2 shows stopped is recorded', record(), 'stop', 'stopped', true, 'stopped'],
      ['a stop EC2 shows stopping is recorded', record(), 'stop', 'stopping', true, 'stopped'],
      ['a stop EC2 shows running is not recorded', record(), 'stop', 'running', false, 'running'],
      [
        'a start EC2 shows pending is recorded',
        record({ state: 'stopped', stoppedAt: '2026-03-02T17:00:00.000Z' }),
        'start',
        'pending',
        true,
        'running',
      ],
      ['a start EC2 shows stopped is not recorded', record({ state: 'stopped' }), 'start', 'stopped', false, 'stopped'],
      [
        'an action already recorded is left as it is',
        record({ state: 'stopped', lastActionAt: AT }),
        'stop',
        'stopped',
        false,
        'stopped',
      ],
    ] as const)('%s', (_name, stored, action, ec2, recovered, state) => {
      // Act
      const r = reconcile(stored, [intent([intended(action)])], [instance('i-a', { Schedule: 'office-hours' }, ec2)]);

      // Assess
      expect(r.recovered.has('i-a')).toBe(recovered);
      expect(r.instances.get('i-a')?.state).toBe(state);
      expect(r.history).toHaveLength(recovered ? 1 : 0);
      expect(r.settled).toEqual([`${AT}#1`]);
    });

    it('a recovered stop opens the savings stretch at the intent time and integral, with its history entry', () => {
      // Act
      const r = reconcile(
        record({ lastError: 'x: y' }),
        [intent([intended('stop', { hibernate: true })])],
        [instance('i-a', { Schedule: 'office-hours' }, 'stopped')],
      );

      // Assess
      const rec = r.instances.get('i-a')!;
      expect(rec).toMatchObject({
        state: 'stopped',
        lastAction: 'stop',
        lastActionAt: AT,
        lastActionTick: AT,
        stoppedAt: AT,
        intensityHoursAtStop: 1000,
      });
      expect(rec.lastError).toBeUndefined();
      expect(r.history[0]).toMatchObject({ action: 'hibernate', outcome: 'ok', at: AT, gCO2ePerKWh: 300 });
      expect(r.savings.stoppedHours).toBe(0);
    });

    it('a recovered start closes the stretch at the intent time and counts the stopped hours since the last run', () => {
      // Prepare: stopped at 17:00 (integral 700); the last recorded run was 17:55; the start at 18:00 (integral 1000)
      const stored = record({ state: 'stopped', stoppedAt: '2026-03-02T17:00:00.000Z', intensityHoursAtStop: 700 });

      // Act
      const r = reconcile(
        stored,
        [intent([intended('start')])],
        [instance('i-a', { Schedule: 'office-hours' }, 'running')],
      );

      // Assess: the stretch is 1 h at mean 300 gCO2e/kWh → $0.115; 17:55 → 18:00 = 5 min for the day's totals
      const rec = r.instances.get('i-a')!;
      expect(rec.stoppedAt).toBeUndefined();
      expect(rec.stoppedHours).toBeCloseTo(1, 9);
      expect(rec.savedUsd).toBeCloseTo(0.115, 9);
      expect(r.savings.stoppedHours).toBeCloseTo(5 / 60, 9);
      expect(r.savings.usd).toBeCloseTo(0.115 / 12, 9);
    });

    it('records the type EC2 reports after a resize start (here reverted to m5.large), and names an instance no longer described', () => {
      // Act
      const r = reconcile(
        record({ state: 'stopped' }),
        [intent([intended('start', { instanceType: 'm5.xlarge' }), intended('stop', { instanceId: 'i-gone' })])],
        [instance('i-a', { Schedule: 'office-hours' }, 'running', { instanceType: 'm5.large' })],
      );

      // Assess
      expect(r.instances.get('i-a')?.instanceType).toBe('m5.large');
      expect(r.warnings).toEqual([`i-gone: stop intended at ${AT} not seen in EC2 (not described); not recorded`]);
    });

    it('a first-seen instance stopped by the failed run gets a fresh record', () => {
      // Act
      const r = reconcile(
        undefined,
        [intent([intended('stop')])],
        [instance('i-a', { Schedule: 'office-hours' }, 'stopped')],
      );

      // Assess
      expect(r.instances.get('i-a')).toMatchObject({ state: 'stopped', firstSeenAt: AT, stoppedAt: AT, savedUsd: 0 });
    });
  });
});
