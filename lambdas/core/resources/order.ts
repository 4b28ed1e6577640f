import type { ResourceDecision } from './decide';
import { resourceKey } from './types';

/**
 * Start order between the resources of one application ("start the instances only when the database is up"), as
 * a pure step over a run's decisions (docs/resources.md, "Start order"). Resources with the same value of the
 * application tag form an application; each has an order (its `ScheduleStartOrder` tag, else the position of its
 * type in `resources.startOrder`). Within a run:
 *
 * - a `start` of order k waits (action `none`, rule `order.wait`, nothing stored, no target sizes) while a managed resource of the
 *   same application with an order below k is not up yet but coming up: it is started in this run, is starting,
 *   is itself waiting, or is held stopped by its carbon policy; the next run looks again;
 * - a predecessor that is up (running, or busy with an operation while available) or that nobody will start
 *   (unmanaged, opted out, skipped, stopped by its own schedule or by hand) does not hold anyone back;
 * - stops are never held; {@link applyOrder} lists them last order first, so the instances go before the database.
 */

/** The key of a decision within a run (`<type>/<id>`), for `waitingFor`. */
const keyOf = (d: ResourceDecision) => resourceKey({ type: d.resourceType, id: d.id });

/** The order of resources without one (after every tag value 0–99 and every configured position). */
const NO_ORDER = 1000;

const isUp = (d: ResourceDecision) => d.state === 'running' || d.state === 'busy';

/**
 * Hold the starts that must wait for earlier resources of their application (pure; the input is not changed).
 * @returns the decisions in the input's order, held ones replaced
 */
export function applyStartOrder(decisions: readonly ResourceDecision[]): ResourceDecision[] {
  const byApplication = new Map<string, ResourceDecision[]>();
  for (const decision of decisions) {
    const application = decision.startOrder?.application;
    if (application === undefined) continue;
    const list = byApplication.get(application) ?? [];
    list.push(decision);
    byApplication.set(application, list);
  }
  const replaced = new Map<ResourceDecision, ResourceDecision>();
  for (const [application, members] of byApplication) {
    const sorted = [...members].sort((a, b) => a.startOrder!.order - b.startOrder!.order);
    const comingUp = new Set<ResourceDecision>();
    for (const decision of sorted) {
      const order = decision.startOrder!.order;
      const predecessors = sorted.filter((p) => p.startOrder!.order < order);
      const blocking = predecessors.filter((p) => comingUp.has(p));
      if (decision.action === 'start' && blocking.length > 0) {
        const { newState: _n, targetSizes: _t, ...rest } = decision;
        const held: ResourceDecision = {
          ...rest,
          action: 'none',
          reason: {
            rule: 'order.wait',
            steps: [
              ...decision.reason.steps,
              { rule: 'order.wait', application, order, waitingFor: blocking.map(keyOf) },
            ],
          },
        };
        replaced.set(decision, held);
        comingUp.add(decision);
        continue;
      }
      if (decision.action === 'start' && predecessors.length > 0) {
        replaced.set(decision, {
          ...decision,
          reason: {
            rule: decision.reason.rule,
            steps: [
              ...decision.reason.steps,
              { rule: 'order.start', application, order, after: predecessors.filter(isUp).map(keyOf) },
            ],
          },
        });
      }
      if (
        decision.kind === 'managed' &&
        !isUp(decision) &&
        (decision.action === 'start' ||
          decision.state === 'starting' ||
          (decision.carbonDriven === true && decision.desired === 'stopped'))
      ) {
        comingUp.add(decision);
      }
    }
  }
  return decisions.map((d) => replaced.get(d) ?? d);
}

/**
 * The order to apply a run's actions in: starts by ascending start order (resources without one last), then stops
 * by descending start order (resources without one first). Decisions without an action keep their relative order
 * at the end. Pure; stable.
 */
export function applyOrder(decisions: readonly ResourceDecision[]): ResourceDecision[] {
  const orderOf = (d: ResourceDecision, missing: number) => d.startOrder?.order ?? missing;
  const starts = decisions
    .filter((d) => d.action === 'start' || d.action === 'resize')
    .map((d, i) => ({ d, i }))
    .sort((a, b) => orderOf(a.d, NO_ORDER) - orderOf(b.d, NO_ORDER) || a.i - b.i)
    .map(({ d }) => d);
  const stops = decisions
    .filter((d) => d.action === 'stop')
    .map((d, i) => ({ d, i }))
    .sort((a, b) => orderOf(b.d, NO_ORDER) - orderOf(a.d, NO_ORDER) || a.i - b.i)
    .map(({ d }) => d);
  return [...starts, ...stops, ...decisions.filter((d) => d.action === 'none')];
}
