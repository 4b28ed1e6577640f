import type { DesiredState, InstanceLifecycleState, StoredState } from './types';

/** Everything the start/stop decision for one instance depends on. */
export interface TransitionInput {
  /** What the schedule (after carbon policy and override tag) wants now. */
  desired: DesiredState;
  /** What the scheduler stored for this instance on its last run; undefined: never seen. */
  stored: StoredState | undefined;
  /** The instance's EC2 state now. */
  actual: InstanceLifecycleState;
  enforced: boolean;
  retainRunning: boolean;
  stopNewInstances: boolean;
  /** The running period's `instanceType`, when it sets one. */
  desiredInstanceType?: string;
  actualInstanceType: string;
}

/** What to do with one instance, what to store afterwards, and why. */
export interface TransitionDecision {
  /**
   * `start`; `resize` — modify the instance type to `desiredInstanceType`, then start (only ever for a stopped
   * instance); `stop` (or hibernate, per the schedule); `none`.
   */
  action: 'start' | 'stop' | 'resize' | 'none';
  /**
   * The state to store when the action succeeds (store `start_failed` / `stop_failed` instead when a start/resize
   * or stop fails, so the next run retries). undefined: nothing to store (the instance is gone, or it was never
   * seen and is waiting in a transient state).
   */
  newStoredState: StoredState | undefined;
  reason: string;
}

const decide = (
  action: TransitionDecision['action'],
  newStoredState: StoredState | undefined,
  reason: string,
): TransitionDecision => ({ action, newStoredState, reason });

const isUp = (actual: InstanceLifecycleState): boolean => actual === 'running' || actual === 'pending';

const typeDiffers = (input: TransitionInput): boolean =>
  input.desiredInstanceType !== undefined && input.desiredInstanceType !== input.actualInstanceType;

/** Bring a stopped instance up (start, or resize then start); leave a running one as it is. */
function needStart(input: TransitionInput, why: string): TransitionDecision {
  if (input.actual === 'stopped') {
    return typeDiffers(input)
      ? decide(
          'resize',
          'running',
          `${why}: change instance type ${input.actualInstanceType} → ${input.desiredInstanceType}, then start`,
        )
      : decide('start', 'running', `${why}: start`);
  }
  if (input.actual === 'pending') return decide('none', 'running', `${why}: already starting (pending)`);
  // running
  if (typeDiffers(input)) {
    if (input.enforced && input.actual === 'running') {
      return decide(
        'stop',
        'stopped',
        `${why}: enforced, so stop it to change instance type ${input.actualInstanceType} → ` +
          `${input.desiredInstanceType}; the next run resizes and starts it`,
      );
    }
    return decide(
      'none',
      'running',
      `${why}: already running as ${input.actualInstanceType}; instance type ${input.desiredInstanceType} is applied ` +
        'at its next start',
    );
  }
  return decide('none', 'running', `${why}: already running`);
}

/** Stop a running instance; wait for a pending one; nothing for a stopped one. */
function needStop(input: TransitionInput, why: string): TransitionDecision {
  if (input.actual === 'running') return decide('stop', 'stopped', `${why}: stop`);
  if (input.actual === 'pending') {
    return decide('none', input.stored, `${why}: instance is pending; it is stopped on the next run`);
  }
  return decide('none', 'stopped', `${why}: already ${input.actual}`);
}

/**
 * Decide the action for one managed instance (Instance Scheduler on AWS semantics: act when the desired state
 * changes against the stored state, so people's manual starts and stops are respected unless `enforced`).
 * The first matching row wins:
 *
 * | #   | desired | condition                                               | action                 | stored after |
 * |-----|---------|---------------------------------------------------------|------------------------|--------------|
 * | T1  | *       | actual shutting-down / terminated                       | none                   | undefined    |
 * | A1  | any     | actual pending / running                                | none                   | running      |
 * | A2  | any     | actual stopping / stopped                               | none                   | stopped      |
 * | R0  | running | actual stopping (cannot start yet)                      | none                   | unchanged    |
 * | R1  | running | enforced                                                | START                  | see START    |
 * | R2  | running | stored retain_running                                   | none                   | retain_running |
 * | R3  | running | retainRunning, stored stopped, actual pending / running | none                   | retain_running |
 * | R4  | running | stored start_failed (retry)                             | START                  | see START    |
 * | R5  | running | stored running (a person may have stopped it: respected)| none                   | running      |
 * | R6  | running | stored undefined / stopped / stop_failed (transition)   | START                  | see START    |
 * | S1  | stopped | stored undefined, stopNewInstances false                | none                   | stopped      |
 * | S2  | stopped | enforced                                                | STOP                   | see STOP     |
 * | S3  | stopped | retainRunning, stored retain_running                    | none (kept running)    | stopped      |
 * | S4  | stopped | stored stopped (a person may have started it: respected)| none                   | stopped      |
 * | S5  | stopped | stored undefined / running / start_failed / stop_failed / retain_running | STOP  | see STOP     |
 *
 * START (a stopped instance must come up):
 * - actual stopped: `resize` when `desiredInstanceType` differs from `actualInstanceType`, else `start`; stored running.
 * - actual pending: none; stored running.
 * - actual running, type differs, enforced: `stop` (stored stopped) so the next run resizes and starts it.
 * - actual running otherwise: none; stored running (a differing type is applied at the next start).
 *
 * STOP (a running instance must go down):
 * - actual running: `stop`; stored stopped.
 * - actual pending: none; stored unchanged (stopped on the next run, once it is running).
 * - actual stopping / stopped: none; stored stopped.
 *
 * `newStoredState` is what to store when the action succeeds; the executor stores `start_failed` / `stop_failed`
 * when it fails, and R4 / S5 retry on the next run. `any` never acts (A1, A2); it stores what it observes, so the
 * next period boundary acts only when the instance is not already in the wanted state.
 */
export function decideTransition(input: TransitionInput): TransitionDecision {
  const { desired, stored, actual } = input;
  if (actual === 'shutting-down' || actual === 'terminated') {
    return decide('none', undefined, `instance is ${actual}; nothing to schedule`);
  }
  if (desired === 'any') {
    const observed: StoredState = isUp(actual) ? 'running' : 'stopped';
    return decide('none', observed, `schedule allows any state: left ${actual}`);
  }
  const was = stored ?? 'unknown';
  if (desired === 'running') {
    if (actual === 'stopping') {
      return decide('none', stored, 'instance is stopping; the next run decides whether to start it');
    }
    if (input.enforced) return needStart(input, 'enforced schedule is running');
    if (stored === 'retain_running') {
      return decide('none', 'retain_running', 'retain_running: started by a person before its period; kept as it is');
    }
    if (input.retainRunning && stored === 'stopped' && isUp(actual)) {
      return decide(
        'none',
        'retain_running',
        'retainRunning: started by a person before its period began; it keeps running after the period ends',
      );
    }
    if (stored === 'start_failed') return needStart(input, 'retrying a start that failed on the last run');
    if (stored === 'running') {
      return isUp(actual)
        ? needStart(input, 'no state change (stored running)')
        : decide(
            'none',
            'running',
            `no state change (stored running): instance was ${actual} by hand during its period; not restarted ` +
              'because the schedule is not enforced',
          );
    }
    return needStart(input, `state change ${was} → running`);
  }
  // desired === 'stopped'
  if (stored === undefined && !input.stopNewInstances) {
    return decide('none', 'stopped', 'new instance outside its period; left as it is because stopNewInstances is off');
  }
  if (input.enforced) return needStop(input, 'enforced schedule is stopped');
  if (input.retainRunning && stored === 'retain_running') {
    return decide(
      'none',
      'stopped',
      `retainRunning: started by a person before its period, so not stopped at its end (left ${actual})`,
    );
  }
  if (stored === 'stopped') {
    return decide(
      'none',
      'stopped',
      isUp(actual)
        ? 'no state change (stored stopped): instance was started by hand outside its period; not stopped ' +
            'because the schedule is not enforced'
        : `no state change (stored stopped): already ${actual}`,
    );
  }
  if (stored === undefined) return needStop(input, 'new instance outside its period (stopNewInstances)');
  if (stored === 'stop_failed') return needStop(input, 'retrying a stop that failed on the last run');
  return needStop(input, `state change ${was} → stopped`);
}
