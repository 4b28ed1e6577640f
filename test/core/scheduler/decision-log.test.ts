import { describe, expect, it } from 'vitest';
import { decisionLogLevel } from '../../../lambdas/core/scheduler/decision-log';
import type { ExecutedDecision } from '../../../lambdas/core/scheduler/region-types';

function decision(overrides: Partial<ExecutedDecision>): ExecutedDecision {
  return {
    instanceId: 'i-0123456789abcdef0',
    region: 'eu-central-1',
    instanceType: 'm5.large',
    currentState: 'running',
    schedule: 'office-hours',
    desired: 'running',
    action: 'none',
    reason: 'office-hours: running in period 1',
    carbon: { gCO2ePerKWh: 300, provider: 'static', ageSeconds: 0, origin: 'static' },
    kind: 'managed',
    ...overrides,
  } as ExecutedDecision;
}

describe('Module: decision-log', () => {
  describe('Function: decisionLogLevel', () => {
    it.each([
      ['a start', { action: 'start', result: 'ok' }, 'info'],
      ['a stop', { action: 'stop', result: 'ok' }, 'info'],
      ['a resize in a dry run', { action: 'resize', result: 'planned' }, 'info'],
      ['a failed stop', { action: 'stop', result: 'failed', error: 'IncorrectInstanceState: …' }, 'info'],
      ['a bad Schedule tag', { kind: 'invalid-tag', schedule: 'office-hourz', desired: null }, 'info'],
      ['nothing to do for a managed instance', {}, 'debug'],
      ['an Auto Scaling group member skipped', { kind: 'skipped', desired: null }, 'debug'],
    ] as const)('logs %s at %s', (_name, overrides, expected) => {
      // Act
      const level = decisionLogLevel(decision(overrides as Partial<ExecutedDecision>));

      // Assess
      expect(level).toBe(expected);
    });

    it('logs a bad tag that changes nothing at info only on the runs that report bad tags (once an hour)', () => {
      // Prepare
      const badTag = decision({ kind: 'invalid-tag', schedule: 'office-hourz', desired: null });
      const failedStop = decision({ action: 'stop', result: 'failed', error: 'IncorrectInstanceState: …' });

      // Act, Assess
      expect(decisionLogLevel(badTag, true)).toBe('info');
      expect(decisionLogLevel(badTag, false)).toBe('debug');
      expect(decisionLogLevel(failedStop, false)).toBe('info');
    });
  });
});
