import { describe, expect, it } from 'vitest';
import { formatResourceReason, resourceRuleIds, resourceStep } from '../../../lambdas/core/resources/reason';
import { ec2Resource } from '../../../lambdas/core/resources/types';
import { dbCluster, dbInstance, decide, group, liveCarbon, MONDAY_0900, MONDAY_2000, stored } from './fixtures';

const OFFICE = { Schedule: 'office-hours' };

describe('Module: resources decide', () => {
  describe('Function: decideResource (RDS DB instances)', () => {
    it.each([
      // [case, status, now, stored, action, newState, rule]
      [
        'stopped in its period, never seen → start',
        'stopped',
        MONDAY_0900,
        undefined,
        'start',
        'running',
        'transition',
      ],
      [
        'available outside its period, never seen → stop',
        'available',
        MONDAY_2000,
        undefined,
        'stop',
        'stopped',
        'transition',
      ],
      [
        'available in its period, stored running → none',
        'available',
        MONDAY_0900,
        stored('running'),
        'none',
        'running',
        'transition',
      ],
      [
        'stopped by hand in its period (stored running) → respected',
        'stopped',
        MONDAY_0900,
        stored('running'),
        'none',
        'running',
        'transition',
      ],
      [
        'stopping in its period → wait for it',
        'stopping',
        MONDAY_0900,
        stored('stopped'),
        'none',
        'stopped',
        'transition',
      ],
      [
        'starting outside its period, never seen → wait (stopped next run)',
        'starting',
        MONDAY_2000,
        undefined,
        'none',
        undefined,
        'transition',
      ],
      [
        'start failed last run → retry',
        'stopped',
        MONDAY_0900,
        stored('start_failed'),
        'start',
        'running',
        'transition',
      ],
    ] as const)('%s', (_case, status, now, storedState, action, newState, rule) => {
      // Act
      const d = decide(dbInstance('orders-db', OFFICE, status), now, storedState ? { stored: storedState } : {});

      // Assess
      expect(d).toMatchObject({ resourceType: 'rds-instance', id: 'orders-db', kind: 'managed', action });
      expect(d.newState).toBe(newState);
      expect(d.reason.rule).toBe(rule);
      expect(d.capacity).toBe('db.m5.large');
    });

    it('stops a database again that RDS started by itself after 7 days stopped, and says why', () => {
      // Prepare: the scheduler stopped it Monday 2026-02-23 20:00, exactly 7 days before Monday 2026-03-02 20:00
      const record = stored('stopped', { lastAction: 'stop', lastActionAt: '2026-02-23T20:00:00.000Z' });

      // Act
      const d = decide(dbInstance('orders-db', OFFICE, 'available'), MONDAY_2000, { stored: record });

      // Assess
      expect(d).toMatchObject({ action: 'stop', newState: 'stopped' });
      expect(d.reason.rule).toBe('rds.auto-restarted');
      expect(resourceStep(d.reason, 'rds.auto-restarted')).toMatchObject({
        stoppedAt: '2026-02-23T20:00:00.000Z',
        days: 7,
      });
      expect(formatResourceReason(d.reason)).toContain(
        'the scheduler stopped it at 2026-02-23T20:00Z and RDS starts a RDS DB instance by itself after 7 days stopped: stop it again',
      );
    });

    it('respects a database a person started before 7 days had passed (as for EC2)', () => {
      // Prepare: stopped 5 days ago (2026-02-25 20:00)
      const record = stored('stopped', { lastAction: 'stop', lastActionAt: '2026-02-25T20:00:00.000Z' });

      // Act
      const d = decide(dbInstance('orders-db', OFFICE, 'available'), MONDAY_2000, { stored: record });

      // Assess
      expect(d.action).toBe('none');
      expect(resourceRuleIds(d.reason)).not.toContain('rds.auto-restarted');
    });

    it('waits while RDS is starting it by itself, and stops it once available', () => {
      // Prepare: stopped 8 days ago
      const record = stored('stopped', { lastAction: 'stop', lastActionAt: '2026-02-22T20:00:00.000Z' });

      // Act
      const d = decide(dbInstance('orders-db', OFFICE, 'starting'), MONDAY_2000, { stored: record });

      // Assess
      expect(d).toMatchObject({ action: 'none', newState: 'stopped' });
      expect(d.reason.rule).toBe('rds.auto-restarting');
      expect(resourceStep(d.reason, 'rds.auto-restarting')).toMatchObject({ days: 8 });
    });

    it.each([
      ['a read replica', { replicaOf: 'orders-db' }, 'skipped.read-replica'],
      ['a source of read replicas', { readReplicas: ['orders-db-replica'] }, 'skipped.has-read-replicas'],
      ['a member of a cluster', { clusterId: 'orders-cluster', engine: 'aurora-postgresql' }, 'skipped.cluster-member'],
      ['SQL Server Multi-AZ', { engine: 'sqlserver-se', multiAZ: true }, 'skipped.sqlserver-multi-az'],
      ['RDS Custom', { engine: 'custom-oracle-ee' }, 'skipped.rds-custom'],
    ] as const)('skips %s with the limit named and never acts', (_case, extra, rule) => {
      // Act
      const d = decide(dbInstance('db-1', OFFICE, 'available', extra), MONDAY_2000);

      // Assess
      expect(d).toMatchObject({ kind: 'skipped', action: 'none', desired: null, schedule: 'office-hours' });
      expect(d.reason.rule).toBe(rule);
    });

    it.each([
      ['SQL Server Single-AZ', { engine: 'sqlserver-se', multiAZ: false }],
      ['PostgreSQL Multi-AZ', { engine: 'postgres', multiAZ: true }],
      ['Oracle', { engine: 'oracle-se2', licenseModel: 'bring-your-own-license' }],
    ] as const)('stops %s (RDS allows it)', (_case, extra) => {
      // Act
      const d = decide(dbInstance('db-1', OFFICE, 'available', extra), MONDAY_2000);

      // Assess
      expect(d).toMatchObject({ kind: 'managed', action: 'stop' });
    });

    it('waits for a database that is modifying, naming its status', () => {
      // Act
      const d = decide(dbInstance('db-1', OFFICE, 'modifying'), MONDAY_2000, { stored: stored('running') });

      // Assess
      expect(d).toMatchObject({ action: 'none', state: 'busy', newState: 'running' });
      expect(resourceStep(d.reason, 'state.busy')).toEqual({
        rule: 'state.busy',
        what: 'RDS DB instance',
        status: 'modifying',
        known: true,
      });
    });

    it('treats a status it does not know as busy and says so', () => {
      // Act
      const d = decide(dbInstance('db-1', OFFICE, 'quantum-tunnelling'), MONDAY_2000, { stored: stored('running') });

      // Assess
      expect(d.action).toBe('none');
      expect(formatResourceReason(d.reason)).toContain('is quantum-tunnelling (a status this version does not know)');
    });

    it('skips a database that is being deleted', () => {
      // Act
      const d = decide(dbInstance('db-1', OFFICE, 'deleting'), MONDAY_2000);

      // Assess
      expect(d).toMatchObject({ kind: 'skipped', action: 'none' });
      expect(resourceStep(d.reason, 'skipped.unavailable')).toMatchObject({ status: 'deleting' });
    });

    it('never stops always-on', () => {
      // Act
      const d = decide(dbInstance('db-1', { Schedule: 'always-on' }, 'available'), MONDAY_2000);

      // Assess
      expect(d.action).toBe('none');
    });

    it('follows a ScheduleOverride over the schedule', () => {
      // Act: 20:00 is outside office-hours, the override says running until Tuesday
      const d = decide(
        dbInstance('db-1', { ...OFFICE, ScheduleOverride: 'running until 2026-03-03T08:00Z' }, 'stopped'),
        MONDAY_2000,
      );

      // Assess
      expect(d).toMatchObject({ desired: 'running', action: 'start' });
      expect(resourceStep(d.reason, 'override.active')).toMatchObject({ state: 'running', scheduleState: 'stopped' });
    });

    it('reports a malformed override as a bad tag and leaves the database as it is', () => {
      // Act
      const d = decide(
        dbInstance('db-1', { ...OFFICE, ScheduleOverride: 'stopped until friday' }, 'available'),
        MONDAY_2000,
      );

      // Assess
      expect(d).toMatchObject({ kind: 'invalid-tag', action: 'none' });
      expect(d.reason.rule).toBe('invalid.override-tag');
    });

    it('defers the start of a stopped database in a dirty hour under defer-start', () => {
      // Prepare: a schedule from 09:00, 400 g now, a clean slot forecast at 10:00 (threshold 300)
      const config = {
        schedules: [
          { name: 'db-defer', periods: [{ begintime: '09:00', endtime: '18:00' }], carbonPolicy: 'defer-start' },
        ],
      };
      const forecast = [
        { at: '2026-03-02T09:00:00Z', gCO2ePerKWh: 400 },
        { at: '2026-03-02T10:00:00Z', gCO2ePerKWh: 200 },
      ];

      // Act
      const d = decide(dbInstance('db-1', { Schedule: 'db-defer' }, 'stopped'), MONDAY_0900, {
        config,
        carbon: liveCarbon(400, MONDAY_0900),
        extra: { forecast },
      });

      // Assess
      expect(d).toMatchObject({ desired: 'stopped', action: 'none', carbonDriven: true });
      expect(d.plannedStartAt).toBe('2026-03-02T10:00:00.000Z');
    });
  });

  describe('Function: decideResource (maintenance windows)', () => {
    const config = {
      schedules: [
        {
          name: 'db-office',
          periods: [{ begintime: '08:00', endtime: '18:00', weekdays: 'mon-fri' }],
          useMaintenanceWindow: true,
        },
      ],
    };
    const db = (status: string) =>
      dbInstance('db-1', { Schedule: 'db-office' }, status, { preferredMaintenanceWindow: 'mon:20:30-mon:21:00' });

    it.each([
      // [time, status, stored, action, rule]
      ['2026-03-02T20:15:00Z', 'stopped', 'stopped', 'none', 'transition'],
      ['2026-03-02T20:20:00Z', 'stopped', 'stopped', 'start', 'transition'],
      ['2026-03-02T20:25:00Z', 'stopped', 'running', 'start', 'maintenance.start'],
      ['2026-03-02T20:45:00Z', 'available', 'running', 'none', 'transition'],
      ['2026-03-02T21:00:00Z', 'available', 'running', 'stop', 'transition'],
    ] as const)('at %s a %s database (stored %s) → %s', (at, status, storedState, action, rule) => {
      // Act
      const d = decide(db(status), new Date(at), { config, stored: stored(storedState) });

      // Assess: the window runs from 10 min before 20:30 to 21:00 (exclusive); a database stopped by hand
      // (stored running) is started for the window too, as Instance Scheduler does
      expect(d.action).toBe(action);
      expect(d.reason.rule).toBe(rule);
      expect(resourceRuleIds(d.reason).includes('maintenance.window')).toBe(
        at !== '2026-03-02T20:15:00Z' && at !== '2026-03-02T21:00:00Z',
      );
    });

    it('keeps the database running through the window even if the carbon policy would pause it', () => {
      // Prepare
      const carbonConfig = {
        schedules: [{ name: 'db-carbon', periods: [{}], carbonPolicy: 'pause-when-dirty', useMaintenanceWindow: true }],
      };
      const resource = dbInstance('db-1', { Schedule: 'db-carbon' }, 'available', {
        preferredMaintenanceWindow: 'mon:20:30-mon:21:00',
      });

      // Act
      const d = decide(resource, new Date('2026-03-02T20:40:00Z'), {
        config: carbonConfig,
        carbon: liveCarbon(500, new Date('2026-03-02T20:40:00Z')),
        stored: stored('running'),
      });

      // Assess
      expect(d).toMatchObject({ desired: 'running', action: 'none' });
      expect(resourceRuleIds(d.reason)).toContain('carbon.in-maintenance-window');
    });

    it('ignores the window for schedules without useMaintenanceWindow', () => {
      // Act
      const d = decide(
        dbInstance('db-1', OFFICE, 'stopped', { preferredMaintenanceWindow: 'mon:20:30-mon:21:00' }),
        new Date('2026-03-02T20:40:00Z'),
        { stored: stored('stopped') },
      );

      // Assess
      expect(d.action).toBe('none');
    });
  });

  describe('Function: decideResource (DB clusters)', () => {
    it.each([
      ['Aurora PostgreSQL', 'aurora-postgresql'],
      ['Aurora MySQL', 'aurora-mysql'],
      ['Neptune', 'neptune'],
      ['DocumentDB', 'docdb'],
    ])('starts a stopped %s cluster in its period and stops it after', (_name, engine) => {
      // Act
      const start = decide(dbCluster('c-1', OFFICE, 'stopped', { engine }), MONDAY_0900);
      const stop = decide(dbCluster('c-1', OFFICE, 'available', { engine }), MONDAY_2000, {
        stored: stored('running'),
      });

      // Assess
      expect(start).toMatchObject({ resourceType: 'rds-cluster', action: 'start', capacity: '2×db.r5.large' });
      expect(stop).toMatchObject({ action: 'stop', newState: 'stopped' });
    });

    it.each([
      [
        'a Multi-AZ DB cluster',
        { engine: 'postgres', clusterInstanceClass: 'db.m6gd.large' },
        'skipped.multi-az-db-cluster',
      ],
      ['Aurora Serverless v1', { engineMode: 'serverless' }, 'skipped.serverless-v1'],
      ['parallel query', { engineMode: 'parallelquery' }, 'skipped.parallel-query'],
      ['multi-master', { engineMode: 'multimaster' }, 'skipped.multi-master'],
      ['a global database member', { globalClusterId: 'orders-global' }, 'skipped.global-database'],
      [
        'a cross-Region replica',
        { replicationSource: 'arn:aws:rds:us-east-1:1:cluster:src' },
        'skipped.cluster-replica',
      ],
    ] as const)('skips %s', (_case, extra, rule) => {
      // Act
      const d = decide(dbCluster('c-1', OFFICE, 'available', extra), MONDAY_2000);

      // Assess
      expect(d).toMatchObject({ kind: 'skipped', action: 'none' });
      expect(d.reason.rule).toBe(rule);
    });

    it('stops a cluster again that RDS restarted after 7 days', () => {
      // Act
      const d = decide(dbCluster('c-1', OFFICE, 'available'), MONDAY_2000, {
        stored: stored('stopped', { lastAction: 'stop', lastActionAt: '2026-02-20T20:00:00.000Z' }),
      });

      // Assess
      expect(d).toMatchObject({ action: 'stop' });
      expect(resourceStep(d.reason, 'rds.auto-restarted')).toMatchObject({ what: 'DB cluster', days: 10 });
    });
  });

  describe('Function: decideResource (Auto Scaling groups)', () => {
    it('scales a running group to zero outside its period and records its sizes', () => {
      // Act
      const d = decide(group('web', OFFICE, { min: 2, desired: 4, max: 8 }), MONDAY_2000);

      // Assess
      expect(d).toMatchObject({
        resourceType: 'autoscaling-group',
        action: 'stop',
        newState: 'stopped',
        recordSizes: { min: 2, desired: 4, max: 8 },
        capacity: '4×m5.large',
      });
      expect(d.reason.rule).toBe('asg.record-sizes');
      expect(d.targetSizes).toBeUndefined();
    });

    it('restores the recorded sizes inside its period', () => {
      // Act
      const d = decide(group('web', OFFICE, { min: 0, desired: 0, max: 0 }), MONDAY_0900, {
        stored: stored('stopped', { sizes: { min: 2, desired: 4, max: 8 } }),
      });

      // Assess
      expect(d).toMatchObject({ action: 'start', newState: 'running', targetSizes: { min: 2, desired: 4, max: 8 } });
      expect(d.reason.rule).toBe('asg.restore-recorded');
    });

    it.each([
      [
        'no sizes tag, max 0',
        {},
        { min: 0, desired: 0, max: 0 },
        { min: 1, desired: 1, max: 1 },
        'asg.restore-default',
      ],
      [
        'no sizes tag, max 5 kept',
        {},
        { min: 0, desired: 0, max: 5 },
        { min: 1, desired: 1, max: 5 },
        'asg.restore-default',
      ],
      [
        'a sizes tag',
        { ScheduleSizes: '2-3-6' },
        { min: 0, desired: 0, max: 0 },
        { min: 2, desired: 3, max: 6 },
        'asg.restore-tag',
      ],
    ] as const)('starts a group found at zero with nothing recorded: %s', (_case, tags, sizes, target, rule) => {
      // Act
      const d = decide(group('web', { ...OFFICE, ...tags }, sizes), MONDAY_0900);

      // Assess
      expect(d).toMatchObject({ action: 'start', targetSizes: target });
      expect(d.reason.rule).toBe(rule);
    });

    it('keeps and records a person’s change of the sizes inside the period, then restores the new sizes', () => {
      // Act: recorded 2-4-8, a person set 3-5-10 during the period
      const during = decide(group('web', OFFICE, { min: 3, desired: 5, max: 10 }), MONDAY_0900, {
        stored: stored('running', { sizes: { min: 2, desired: 4, max: 8 } }),
      });
      const evening = decide(group('web', OFFICE, { min: 3, desired: 5, max: 10 }), MONDAY_2000, {
        stored: stored('running', { sizes: during.recordSizes! }),
      });
      const nextMorning = decide(
        group('web', OFFICE, { min: 0, desired: 0, max: 0 }),
        new Date('2026-03-03T09:00:00Z'),
        {
          stored: stored('stopped', { sizes: evening.recordSizes! }),
        },
      );

      // Assess
      expect(during).toMatchObject({ action: 'none', recordSizes: { min: 3, desired: 5, max: 10 } });
      expect(resourceStep(during.reason, 'asg.sizes-changed')).toMatchObject({ from: { min: 2, desired: 4, max: 8 } });
      expect(evening).toMatchObject({ action: 'stop', recordSizes: { min: 3, desired: 5, max: 10 } });
      expect(nextMorning).toMatchObject({ action: 'start', targetSizes: { min: 3, desired: 5, max: 10 } });
    });

    it('records nothing when the sizes are what is recorded', () => {
      // Act
      const d = decide(group('web', OFFICE, { min: 2, desired: 4, max: 8 }), MONDAY_0900, {
        stored: stored('running', { sizes: { min: 2, desired: 4, max: 8 } }),
      });

      // Assess
      expect(d.action).toBe('none');
      expect(d.recordSizes).toBeUndefined();
    });

    it('waits for a group whose instances are still terminating', () => {
      // Act
      const d = decide(
        group(
          'web',
          OFFICE,
          { min: 0, desired: 0, max: 0 },
          {
            instances: [{ id: 'i-1', instanceType: 'm5.large', lifecycleState: 'Terminating' }],
          },
        ),
        MONDAY_2000,
        { stored: stored('stopped') },
      );

      // Assess
      expect(d).toMatchObject({ state: 'stopping', action: 'none' });
    });

    it.each([
      ['4-2-8', 'min ≤ desired ≤ max'],
      ['two', 'is not "min-desired-max"'],
      ['0-0-0', 'max must be at least 1'],
    ])('reports a bad ScheduleSizes tag %j and leaves the group as it is', (value, message) => {
      // Act
      const d = decide(group('web', { ...OFFICE, ScheduleSizes: value }, { min: 2, desired: 4, max: 8 }), MONDAY_2000);

      // Assess
      expect(d).toMatchObject({ kind: 'invalid-tag', action: 'none' });
      expect(formatResourceReason(d.reason)).toContain(message);
    });

    it('pauses a carbon-aware group above the threshold like an instance', () => {
      // Act: 350 g is above eu-central-1's threshold 300
      const d = decide(group('batch', { Schedule: 'carbon-aware' }, { min: 1, desired: 2, max: 4 }), MONDAY_0900, {
        carbon: liveCarbon(350, MONDAY_0900),
      });

      // Assess
      expect(d).toMatchObject({ action: 'stop', carbonDriven: true, recordSizes: { min: 1, desired: 2, max: 4 } });
      expect(d.pause?.paused).toBe(true);
    });

    it('does not act twice in the same tick', () => {
      // Act
      const d = decide(group('web', OFFICE, { min: 0, desired: 0, max: 0 }), MONDAY_0900, {
        stored: stored('stopped', { lastAction: 'stop', lastActionTick: '2026-03-02T09:00:00.000Z' }),
      });

      // Assess
      expect(d.action).toBe('none');
      expect(d.reason.rule).toBe('tick.already-acted');
    });
  });

  describe('Function: decideResource (opt-out and tags)', () => {
    it.each(['ignore', 'Ignore', ' IGNORE '])('opts out %j: reported as opted out, never a bad tag', (value) => {
      // Act
      const d = decide(dbInstance('db-1', { Schedule: value }, 'available'), MONDAY_2000);

      // Assess
      expect(d).toMatchObject({ kind: 'opted-out', action: 'none', schedule: value });
    });

    it('opts out with a configured value', () => {
      // Act
      const d = decide(group('web', { Schedule: 'manual' }, { min: 1, desired: 1, max: 1 }), MONDAY_2000, {
        config: { resources: { optOutValues: ['manual', 'ignore'] } },
      });

      // Assess
      expect(d.kind).toBe('opted-out');
    });

    it('never touches resources without a Schedule tag', () => {
      // Act
      const d = decide(dbCluster('c-1', {}, 'available'), MONDAY_2000);

      // Assess
      expect(d).toMatchObject({ kind: 'unmanaged', schedule: null, action: 'none' });
    });

    it('reports an unknown schedule as a bad tag', () => {
      // Act
      const d = decide(dbInstance('db-1', { Schedule: 'office-hourz' }, 'available'), MONDAY_2000);

      // Assess
      expect(d).toMatchObject({ kind: 'invalid-tag', action: 'none' });
    });

    it('reports a bad ScheduleStartOrder tag as a bad tag', () => {
      // Act
      const d = decide(dbInstance('db-1', { ...OFFICE, ScheduleStartOrder: 'first' }, 'stopped'), MONDAY_0900);

      // Assess
      expect(d).toMatchObject({ kind: 'invalid-tag', action: 'none' });
      expect(d.reason.rule).toBe('invalid.start-order-tag');
    });
  });

  describe('Function: decideResource (EC2 instances)', () => {
    const ec2 = (tags: Record<string, string>, state: 'running' | 'stopped') =>
      ec2Resource({
        instanceId: 'i-1',
        region: 'eu-central-1',
        instanceType: 'm5.large',
        state,
        tags,
        hibernationConfigured: false,
      });

    it('keeps the scheduler’s own EC2 decision', () => {
      // Act
      const d = decide(ec2(OFFICE, 'stopped'), MONDAY_0900);

      // Assess
      expect(d).toMatchObject({ resourceType: 'ec2-instance', id: 'i-1', action: 'start', kind: 'managed' });
      expect(d.instanceDecision?.action).toBe('start');
      expect(formatResourceReason(d.reason)).toContain('office-hours: running in period 1');
    });

    it('opts an instance out before the EC2 decision (it would be a bad tag there)', () => {
      // Act
      const d = decide(ec2({ Schedule: 'ignore' }, 'running'), MONDAY_2000);

      // Assess
      expect(d).toMatchObject({ kind: 'opted-out', action: 'none' });
      expect(d.instanceDecision).toBeUndefined();
    });

    it('still skips Auto Scaling group members', () => {
      // Act
      const d = decide(ec2({ ...OFFICE, 'aws:autoscaling:groupName': 'web' }, 'running'), MONDAY_2000);

      // Assess
      expect(d).toMatchObject({ kind: 'skipped', action: 'none' });
    });
  });
});
