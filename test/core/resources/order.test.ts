import { describe, expect, it } from 'vitest';
import { applyOrder, applyStartOrder } from '../../../lambdas/core/resources/order';
import { resourceStep } from '../../../lambdas/core/resources/reason';
import { dbCluster, dbInstance, decide, group, MONDAY_0900, MONDAY_2000, stored } from './fixtures';

/** The application `shop`: a database, then the web group (start order by type from the configuration). */
const config = {
  resources: { startOrder: ['rds-cluster', 'rds-instance', 'autoscaling-group', 'ec2-instance'] as const },
};
const SHOP = { Schedule: 'office-hours', ScheduleApplication: 'shop' };

describe('Module: resources order', () => {
  describe('Function: applyStartOrder', () => {
    it('holds the web group while the database it needs is started, and starts it once the database is up', () => {
      // Prepare: Monday 09:00, both stopped
      const firstRun = [
        decide(group('web', SHOP, { min: 0, desired: 0, max: 0 }), MONDAY_0900, {
          config: { resources: { startOrder: [...config.resources.startOrder] } },
          stored: stored('stopped', { sizes: { min: 2, desired: 2, max: 4 } }),
        }),
        decide(dbCluster('orders', SHOP, 'stopped'), MONDAY_0900, {
          config: { resources: { startOrder: [...config.resources.startOrder] } },
          stored: stored('stopped'),
        }),
      ];

      // Act
      const [web, db] = applyStartOrder(firstRun);

      // Assess: the cluster (order 0) starts, the group (order 2) waits and stores nothing
      expect(db).toMatchObject({ action: 'start', startOrder: { application: 'shop', order: 0 } });
      expect(web).toMatchObject({ action: 'none', startOrder: { application: 'shop', order: 2 } });
      expect(web?.newState).toBeUndefined();
      expect(web?.targetSizes).toBeUndefined();
      expect(web?.reason.rule).toBe('order.wait');
      expect(resourceStep(web!.reason, 'order.wait')).toMatchObject({ waitingFor: ['rds-cluster/orders'] });

      // Act: next run, the cluster is still starting
      const second = applyStartOrder([
        firstRun[0]!,
        decide(dbCluster('orders', SHOP, 'starting'), MONDAY_0900, {
          config: { resources: { startOrder: [...config.resources.startOrder] } },
          stored: stored('running'),
        }),
      ]);
      // ... and the run after: available
      const third = applyStartOrder([
        firstRun[0]!,
        decide(dbCluster('orders', SHOP, 'available'), MONDAY_0900, {
          config: { resources: { startOrder: [...config.resources.startOrder] } },
          stored: stored('running'),
        }),
      ]);

      // Assess
      expect(second[0]?.action).toBe('none');
      expect(third[0]).toMatchObject({ action: 'start', targetSizes: { min: 2, desired: 2, max: 4 } });
      expect(resourceStep(third[0]!.reason, 'order.start')).toMatchObject({ after: ['rds-cluster/orders'] });
    });

    it('chains: a held resource holds those after it', () => {
      // Prepare: order tags 1, 2, 3; all stopped and starting now
      const decisions = [3, 1, 2].map((order) =>
        decide(dbInstance(`db-${order}`, { ...SHOP, ScheduleStartOrder: String(order) }, 'stopped'), MONDAY_0900),
      );

      // Act
      const result = applyStartOrder(decisions);

      // Assess: only order 1 starts; 2 waits for 1, 3 waits for 1 and 2
      expect(result.map((d) => d.action)).toEqual(['none', 'start', 'none']);
      expect(resourceStep(result[0]!.reason, 'order.wait')?.waitingFor).toEqual([
        'rds-instance/db-1',
        'rds-instance/db-2',
      ]);
    });

    it('does not hold back for a predecessor nobody will start (stopped by its own schedule, unmanaged)', () => {
      // Prepare: the database's schedule is stopped at 09:00 on Monday? use a schedule running only at weekends
      const weekendConfig = {
        schedules: [{ name: 'weekend', periods: [{ weekdays: 'sat-sun' }] }],
        resources: { startOrder: [...config.resources.startOrder] },
      };
      const decisions = [
        decide(dbInstance('db', { Schedule: 'weekend', ScheduleApplication: 'shop' }, 'stopped'), MONDAY_0900, {
          config: weekendConfig,
          stored: stored('stopped'),
        }),
        decide(
          dbInstance('untagged', { ScheduleApplication: 'shop', ScheduleStartOrder: '0' }, 'stopped'),
          MONDAY_0900,
        ),
        decide(group('web', SHOP, { min: 0, desired: 0, max: 0 }), MONDAY_0900, { config: weekendConfig }),
      ];

      // Act
      const result = applyStartOrder(decisions);

      // Assess
      expect(result[2]?.action).toBe('start');
    });

    it('never holds stops, and leaves resources of other applications alone', () => {
      // Prepare
      const decisions = [
        decide(group('web', SHOP, { min: 1, desired: 2, max: 4 }), MONDAY_2000, {
          config: { resources: { startOrder: [...config.resources.startOrder] } },
        }),
        decide(dbInstance('other', { Schedule: 'office-hours', ScheduleApplication: 'blog' }, 'stopped'), MONDAY_0900),
      ];

      // Act
      const result = applyStartOrder(decisions);

      // Assess
      expect(result.map((d) => d.action)).toEqual(['stop', 'start']);
      expect(result[1]).toBe(decisions[1]);
    });
  });

  describe('Function: applyOrder', () => {
    it('lists starts first to last and stops last to first', () => {
      // Prepare
      const tags = (order: number) => ({ ...SHOP, ScheduleStartOrder: String(order) });
      const decisions = [
        decide(dbInstance('stop-1', tags(1), 'available'), MONDAY_2000),
        decide(dbInstance('start-2', tags(2), 'stopped'), MONDAY_0900),
        decide(dbInstance('stop-3', tags(3), 'available'), MONDAY_2000),
        decide(dbInstance('start-1', tags(1), 'stopped'), MONDAY_0900),
        decide(dbInstance('none', tags(0), 'available'), MONDAY_0900, { stored: stored('running') }),
      ];

      // Act
      const ordered = applyOrder(decisions);

      // Assess
      expect(ordered.map((d) => d.id)).toEqual(['start-1', 'start-2', 'stop-3', 'stop-1', 'none']);
    });
  });
});
