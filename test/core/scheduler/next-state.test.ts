import { describe, expect, it } from 'vitest';
import { staticPriceBook } from '../../../lambdas/core/accounting/price-book';
import type { Outcome } from '../../../lambdas/core/scheduler/apply-decisions';
import type { Decision } from '../../../lambdas/core/scheduler/decide-instance';
import type { InstanceFacts } from '../../../lambdas/core/scheduler/instance-facts';
import type { InstanceStateRecord, RegionRunRecord } from '../../../lambdas/core/scheduler/instance-state';
import { nextRegionState } from '../../../lambdas/core/scheduler/next-state';
import { instance } from './fixtures';

const NOW = new Date('2026-03-02T18:00:00.000Z');
const PREVIOUS: RegionRunRecord = {
  region: 'eu-central-1',
  lastRunAt: '2026-03-02T17:00:00.000Z',
  lastTick: '2026-03-02T17:00:00.000Z',
  intensityHours: 700,
};
const RUN: RegionRunRecord = {
  ...PREVIOUS,
  lastRunAt: NOW.toISOString(),
  lastTick: NOW.toISOString(),
  intensityHours: 1000,
};
const prices = staticPriceBook({ 'eu-central-1': { 'm5.large': 0.115 } });

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

function decision(
  action: Decision['action'],
  newState: Decision['newState'],
  currentState: InstanceFacts['state'],
): Decision {
  return {
    instanceId: 'i-a',
    region: 'eu-central-1',
    instanceType: 'm5.large',
    currentState,
    schedule: 'office-hours',
    desired: newState === 'stopped' ? 'stopped' : 'running',
    action,
    rule: 'schedule',
    facts: {},
    reason: 'office-hours: r',
    carbon: { gCO2ePerKWh: 300, provider: 'electricitymaps', ageSeconds: 0, origin: 'cached' } as Decision['carbon'],
    kind: 'managed',
    ...(newState ? { newState } : {}),
  };
}

const ok = (history: Outcome['history'] = []): Outcome => ({ ok: true, notes: [], finalType: 'm5.large', history });
const failed: Outcome = {
  ok: false,
  failure: { code: 'IncorrectInstanceState', message: 'no' },
  notes: ['stop failed'],
  finalType: 'm5.large',
  history: [],
};
const carried: Outcome = { ok: false, carried: true, notes: [], finalType: 'm5.large', history: [] };

function next(
  stored: InstanceStateRecord | undefined,
  d: Decision,
  ec2: InstanceFacts['state'],
  outcome?: Outcome,
  recovered = false,
) {
  return nextRegionState({
    region: 'eu-central-1',
    tick: RUN.lastTick,
    now: NOW,
    gCO2ePerKWh: 300,
    pue: 1,
    prices,
    instances: [instance('i-a', { Schedule: 'office-hours' }, ec2)],
    stored: new Map(stored ? [['i-a', stored]] : []),
    recovered: new Set(recovered ? ['i-a'] : []),
    previousRun: PREVIOUS,
    run: RUN,
    decisions: [d],
    outcomes: new Map(outcome ? [['i-a', outcome]] : []),
  });
}

describe('Module: next-state', () => {
  describe('Function: nextRegionState', () => {
    it.each([
      // name, stored, decision, EC2 state, outcome → written?, result, record fields
      [
        'a stop that worked opens a stretch at the run integral',
        record(),
        decision('stop', 'stopped', 'running'),
        'running',
        ok(),
        true,
        'ok',
        { state: 'stopped', stoppedAt: NOW.toISOString(), intensityHoursAtStop: 1000, lastActionTick: RUN.lastTick },
      ],
      [
        'a stop that failed stores stop_failed and the error',
        record(),
        decision('stop', 'stopped', 'running'),
        'running',
        failed,
        true,
        'failed',
        { state: 'stop_failed', lastError: 'IncorrectInstanceState: no' },
      ],
      [
        'a start closes the stretch: 1 h at (1000 − 700) / 1 h',
        record({ state: 'stopped', stoppedAt: '2026-03-02T17:00:00.000Z', intensityHoursAtStop: 700 }),
        decision('start', 'running', 'stopped'),
        'stopped',
        ok(),
        true,
        'ok',
        { state: 'running', stoppedHours: 1, savedUsd: 0.115 },
      ],
      [
        'nothing to do and nothing changed: not written',
        record(),
        decision('none', 'running', 'running'),
        'running',
        undefined,
        false,
        undefined,
        { state: 'running' },
      ],
      [
        'a carried action changes nothing',
        record(),
        decision('stop', 'stopped', 'running'),
        'running',
        carried,
        false,
        'carried',
        { state: 'running' },
      ],
      [
        'a recovered record is written even when this run changes nothing',
        record({ state: 'stopped', stoppedAt: '2026-03-02T17:30:00.000Z' }),
        decision('none', 'stopped', 'stopped'),
        'stopped',
        undefined,
        true,
        undefined,
        { state: 'stopped' },
      ],
    ] as const)('%s', (_name, stored, d, ec2, outcome, written, result, fields) => {
      // Act
      const n = next(stored, d, ec2, outcome, _name.startsWith('a recovered'));

      // Assess
      expect(n.changed.length).toBe(written ? 1 : 0);
      expect(n.executed[0]?.result).toBe(result);
      if (written) expect(n.changed[0]).toMatchObject(fields);
    });

    it('adds the hours an instance the scheduler stopped stayed stopped since the last run: 17:30 → 18:00', () => {
      // Act
      const n = next(
        record({ state: 'stopped', stoppedAt: '2026-03-02T17:30:00.000Z' }),
        decision('none', 'stopped', 'stopped'),
        'stopped',
      );

      // Assess: from max(17:30, 17:00) → 0.5 h × $0.115
      expect(n.savings.stoppedHours).toBeCloseTo(0.5, 9);
      expect(n.savings.usd).toBeCloseTo(0.0575, 9);
    });

    it('closes the stretch at the last run when a person started the instance', () => {
      // Act: stopped 16:00 (integral 400), found running at 18:00; the last run (17:00, integral 700) saw it stopped
      const n = next(
        record({ state: 'stopped', stoppedAt: '2026-03-02T16:00:00.000Z', intensityHoursAtStop: 400 }),
        decision('none', 'running', 'running'),
        'running',
      );

      // Assess: 1 h (16:00 → 17:00)
      expect(n.changed[0]?.stoppedAt).toBeUndefined();
      expect(n.changed[0]?.stoppedHours).toBeCloseTo(1, 9);
    });
  });
});
