import { describe, expect, it } from 'vitest';
import { decideRegion } from '../../../lambdas/core/scheduler/decide-region';
import { instance } from './fixtures';
import { regionInput } from './steps.fixtures';

describe('Module: decide-region', () => {
  describe('Function: decideRegion', () => {
    it.each([
      // EC2 state, pending resize → action
      ['stopped', false, 'start'],
      ['running', false, 'none'],
      ['stopped', true, 'resize'],
    ] as const)('a %s office-hours instance at 09:00 (pending resize %s) → %s', (state, pending, action) => {
      // Prepare
      const w = regionInput('2026-03-02T09:00:00Z', []);
      const facts = instance('i-a', { Schedule: 'office-hours' }, state);
      const stored = {
        instanceId: 'i-a',
        region: 'eu-central-1',
        schedule: 'office-hours',
        instanceType: 'm5.large',
        state: state === 'stopped' ? ('stopped' as const) : ('running' as const),
        savedUsd: 0,
        savedGCO2e: 0,
        savedKWh: 0,
        stoppedHours: 0,
        firstSeenAt: '2026-03-01T00:00:00.000Z',
        updatedAt: '2026-03-01T00:00:00.000Z',
      };
      const resize = { fromInstanceType: 'm5.large', targetInstanceType: 'm7g.large', recommendationId: 'r-1' };

      // Act
      const [d] = decideRegion(
        w.input,
        { instances: [facts], pending: new Map(pending ? [['i-a', resize as never]] : []) },
        new Map([['i-a', stored]]),
      );

      // Assess
      expect(d?.action).toBe(action);
    });
  });
});
