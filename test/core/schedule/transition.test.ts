import { describe, expect, it } from 'vitest';
import { decideTransition, type TransitionInput } from '../../../lambdas/core/schedule/transition';

const base: TransitionInput = {
  desired: 'running',
  stored: undefined,
  actual: 'stopped',
  enforced: false,
  retainRunning: false,
  stopNewInstances: true,
  actualInstanceType: 't3.micro',
};

type Row = [string, Partial<TransitionInput>, string, string | undefined, string];

describe('Module: schedule transition', () => {
  describe('Function: decideTransition', () => {
    it.each<Row>([
      // T1: gone instances are never acted on
      ['T1 terminated', { actual: 'terminated', stored: 'running' }, 'none', undefined, 'terminated'],
      ['T1 shutting-down', { actual: 'shutting-down', desired: 'stopped' }, 'none', undefined, 'shutting-down'],
      // A1, A2: any never acts, it remembers what it sees
      ['A1 any, running', { desired: 'any', actual: 'running', stored: 'stopped' }, 'none', 'running', 'any state'],
      ['A1 any, pending', { desired: 'any', actual: 'pending' }, 'none', 'running', 'any state'],
      [
        'A2 any, stopped',
        { desired: 'any', actual: 'stopped', stored: 'running', enforced: true },
        'none',
        'stopped',
        'any state',
      ],
      ['A2 any, stopping', { desired: 'any', actual: 'stopping' }, 'none', 'stopped', 'any state'],
      // R0: a stopping instance cannot be started yet
      ['R0 stopping', { actual: 'stopping', stored: 'stopped', enforced: true }, 'none', 'stopped', 'is stopping'],
      ['R0 stopping, never seen', { actual: 'stopping' }, 'none', undefined, 'is stopping'],
      // R1: enforced starts whatever is stored
      ['R1 enforced, stopped by hand', { enforced: true, stored: 'running' }, 'start', 'running', 'enforced'],
      [
        'R1 enforced, already running',
        { enforced: true, stored: 'running', actual: 'running' },
        'none',
        'running',
        'already running',
      ],
      [
        'R1 enforced, running with the wrong type',
        { enforced: true, stored: 'running', actual: 'running', desiredInstanceType: 'm7g.large' },
        'stop',
        'stopped',
        'the next run resizes',
      ],
      [
        'R1 enforced, pending with the wrong type',
        { enforced: true, actual: 'pending', desiredInstanceType: 'm7g.large' },
        'none',
        'running',
        'pending',
      ],
      // R2: retain_running stays
      [
        'R2 retain_running, running',
        { stored: 'retain_running', actual: 'running' },
        'none',
        'retain_running',
        'retain_running',
      ],
      [
        'R2 retain_running, stopped',
        { stored: 'retain_running', actual: 'stopped' },
        'none',
        'retain_running',
        'retain_running',
      ],
      // R3: a person started it before its period began
      [
        'R3 retainRunning, started by hand',
        { retainRunning: true, stored: 'stopped', actual: 'running' },
        'none',
        'retain_running',
        'retainRunning',
      ],
      [
        'R3 retainRunning, pending',
        { retainRunning: true, stored: 'stopped', actual: 'pending' },
        'none',
        'retain_running',
        'retainRunning',
      ],
      // R4: a failed start is retried
      ['R4 start_failed, stopped', { stored: 'start_failed' }, 'start', 'running', 'retrying a start'],
      [
        'R4 start_failed, wrong type',
        { stored: 'start_failed', desiredInstanceType: 'm7g.large' },
        'resize',
        'running',
        't3.micro → m7g.large',
      ],
      [
        'R4 start_failed, now running',
        { stored: 'start_failed', actual: 'running' },
        'none',
        'running',
        'already running',
      ],
      // R5: no transition, manual stops are respected
      ['R5 stored running, stopped by hand', { stored: 'running', actual: 'stopped' }, 'none', 'running', 'by hand'],
      ['R5 stored running, running', { stored: 'running', actual: 'running' }, 'none', 'running', 'already running'],
      [
        'R5 stored running, wrong type',
        { stored: 'running', actual: 'running', desiredInstanceType: 'm7g.large' },
        'none',
        'running',
        'applied at its next start',
      ],
      // R6: transition to running
      ['R6 stopped → running', { stored: 'stopped' }, 'start', 'running', 'state change stopped → running'],
      ['R6 never seen, stopped', { stored: undefined }, 'start', 'running', 'state change unknown → running'],
      ['R6 stop_failed, stopped', { stored: 'stop_failed' }, 'start', 'running', 'stop_failed → running'],
      [
        'R6 resize on start',
        { stored: 'stopped', desiredInstanceType: 'm7g.large' },
        'resize',
        'running',
        'change instance type t3.micro → m7g.large, then start',
      ],
      [
        'R6 same type: plain start',
        { stored: 'stopped', desiredInstanceType: 't3.micro' },
        'start',
        'running',
        'start',
      ],
      ['R6 already running', { stored: 'stopped', actual: 'running' }, 'none', 'running', 'already running'],
      ['R6 pending', { stored: 'stopped', actual: 'pending' }, 'none', 'running', 'pending'],
      // S1: new instances left alone when stopNewInstances is off
      [
        'S1 new, stopNewInstances off',
        { desired: 'stopped', actual: 'running', stopNewInstances: false, enforced: true },
        'none',
        'stopped',
        'stopNewInstances is off',
      ],
      // S2: enforced stops whatever is stored
      [
        'S2 enforced, started by hand',
        { desired: 'stopped', stored: 'stopped', actual: 'running', enforced: true },
        'stop',
        'stopped',
        'enforced',
      ],
      [
        'S2 enforced, retained',
        { desired: 'stopped', stored: 'retain_running', actual: 'running', enforced: true, retainRunning: true },
        'stop',
        'stopped',
        'enforced',
      ],
      [
        'S2 enforced, already stopped',
        { desired: 'stopped', stored: 'running', enforced: true },
        'none',
        'stopped',
        'already stopped',
      ],
      [
        'S2 enforced, pending',
        { desired: 'stopped', stored: 'stopped', actual: 'pending', enforced: true },
        'none',
        'stopped',
        'pending',
      ],
      // S3: retained instances are not stopped at the end of the period
      [
        'S3 retainRunning',
        { desired: 'stopped', stored: 'retain_running', actual: 'running', retainRunning: true },
        'none',
        'stopped',
        'not stopped at its end',
      ],
      // S4: no transition, manual starts are respected
      [
        'S4 started by hand',
        { desired: 'stopped', stored: 'stopped', actual: 'running' },
        'none',
        'stopped',
        'by hand',
      ],
      [
        'S4 stopped',
        { desired: 'stopped', stored: 'stopped', actual: 'stopped' },
        'none',
        'stopped',
        'already stopped',
      ],
      // S5: transition to stopped
      [
        'S5 running → stopped',
        { desired: 'stopped', stored: 'running', actual: 'running' },
        'stop',
        'stopped',
        'state change running → stopped',
      ],
      [
        'S5 new instance running',
        { desired: 'stopped', stored: undefined, actual: 'running' },
        'stop',
        'stopped',
        'stopNewInstances',
      ],
      [
        'S5 new instance stopped',
        { desired: 'stopped', stored: undefined, actual: 'stopped' },
        'none',
        'stopped',
        'already stopped',
      ],
      [
        'S5 stop_failed retried',
        { desired: 'stopped', stored: 'stop_failed', actual: 'running' },
        'stop',
        'stopped',
        'retrying a stop',
      ],
      [
        'S5 start_failed',
        { desired: 'stopped', stored: 'start_failed', actual: 'stopped' },
        'none',
        'stopped',
        'already stopped',
      ],
      [
        'S5 retain_running without the flag',
        { desired: 'stopped', stored: 'retain_running', actual: 'running' },
        'stop',
        'stopped',
        'retain_running → stopped',
      ],
      [
        'S5 pending waits',
        { desired: 'stopped', stored: 'running', actual: 'pending' },
        'none',
        'running',
        'stopped on the next run',
      ],
      [
        'S5 stopping',
        { desired: 'stopped', stored: 'running', actual: 'stopping' },
        'none',
        'stopped',
        'already stopping',
      ],
    ])('%s → %s, stores %s', (_row, input, action, newStoredState, reason) => {
      // Act
      const decision = decideTransition({ ...base, ...input });

      // Assess
      expect(decision.action).toBe(action);
      expect(decision.newStoredState).toBe(newStoredState);
      expect(decision.reason).toContain(reason);
    });

    it('respects a manual stop across a whole office day, then starts again the next morning', () => {
      // Prepare: Monday 08:00 start, 10:00 a person stops it, runs every 5 minutes, Tuesday 08:00
      const monday08 = decideTransition({ ...base, desired: 'running', stored: 'stopped', actual: 'stopped' });
      const monday10 = decideTransition({
        ...base,
        desired: 'running',
        stored: monday08.newStoredState,
        actual: 'stopped',
      });
      const monday18 = decideTransition({
        ...base,
        desired: 'stopped',
        stored: monday10.newStoredState,
        actual: 'stopped',
      });

      // Act
      const tuesday08 = decideTransition({
        ...base,
        desired: 'running',
        stored: monday18.newStoredState,
        actual: 'stopped',
      });

      // Assess
      expect([monday08.action, monday10.action, monday18.action, tuesday08.action]).toEqual([
        'start',
        'none',
        'none',
        'start',
      ]);
    });

    it('keeps an instance started before its period running after it ends (retainRunning), then schedules it normally', () => {
      // Prepare: a person starts it at 07:00 before an 08:00–18:00 period, and stops it at 20:00
      const flags = { ...base, retainRunning: true };
      const periodBegins = decideTransition({ ...flags, desired: 'running', stored: 'stopped', actual: 'running' });
      const periodEnds = decideTransition({
        ...flags,
        desired: 'stopped',
        stored: periodBegins.newStoredState,
        actual: 'running',
      });
      const nextBegins = decideTransition({
        ...flags,
        desired: 'running',
        stored: periodEnds.newStoredState,
        actual: 'stopped',
      });

      // Act
      const nextEnds = decideTransition({
        ...flags,
        desired: 'stopped',
        stored: nextBegins.newStoredState,
        actual: 'running',
      });

      // Assess
      expect([periodBegins.action, periodEnds.action, nextBegins.action, nextEnds.action]).toEqual([
        'none',
        'none',
        'start',
        'stop',
      ]);
      expect([periodBegins.newStoredState, periodEnds.newStoredState]).toEqual(['retain_running', 'stopped']);
    });
  });
});
