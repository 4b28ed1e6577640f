import { CreateScheduleCommand, DeleteScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  atExpression,
  DeferralScheduleError,
  EventBridgeDeferralScheduler,
} from '../../../lambdas/adapters/scheduler/deferral-scheduler';

const schedulerMock = mockClient(SchedulerClient);
const options = {
  client: new SchedulerClient({}),
  groupName: 'carbon-aware-scheduler-deferrals',
  roleArn: 'arn:aws:iam::123456789012:role/deferral-scheduler',
  targetArn: 'arn:aws:lambda:eu-central-1:123456789012:function:dispatcher',
};
const request = { job: { kind: 'etl', id: 'j1' }, noDefer: true };

describe('Module: deferral-scheduler', () => {
  afterEach(() => {
    schedulerMock.reset();
  });

  describe('Function: atExpression', () => {
    it('writes a one-time expression in UTC without fractions of a second', () => {
      // Act / Assess
      expect(atExpression(new Date('2026-11-21T14:00:00.999Z'))).toBe('at(2026-11-21T14:00:00)');
    });
  });

  describe('Class: EventBridgeDeferralScheduler', () => {
    it('creates a one-time schedule that invokes the dispatcher and deletes itself', async () => {
      // Prepare
      schedulerMock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:::schedule/x' });
      const scheduler = new EventBridgeDeferralScheduler(options);

      // Act
      await scheduler.schedule({
        name: 'job-j1',
        at: new Date('2026-11-21T14:00:00Z'),
        request,
        description: 'deferred j1',
      });

      // Assess
      expect(schedulerMock).toHaveReceivedCommandTimes(CreateScheduleCommand, 1);
      expect(schedulerMock.commandCalls(CreateScheduleCommand)[0]!.args[0].input).toEqual({
        Name: 'job-j1',
        GroupName: 'carbon-aware-scheduler-deferrals',
        ScheduleExpression: 'at(2026-11-21T14:00:00)',
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        State: 'ENABLED',
        Description: 'deferred j1',
        Target: {
          Arn: 'arn:aws:lambda:eu-central-1:123456789012:function:dispatcher',
          RoleArn: 'arn:aws:iam::123456789012:role/deferral-scheduler',
          Input: '{"job":{"kind":"etl","id":"j1"},"noDefer":true}',
        },
      });
    });

    it('names the schedule and the AWS error when creation fails', async () => {
      // Prepare
      schedulerMock
        .on(CreateScheduleCommand)
        .rejects(Object.assign(new Error('Schedule already exists'), { name: 'ConflictException' }));
      const scheduler = new EventBridgeDeferralScheduler(options);

      // Act
      const act = scheduler.schedule({
        name: 'job-j1',
        at: new Date('2026-11-21T14:00:00Z'),
        request,
        description: 'd',
      });

      // Assess
      await expect(act).rejects.toThrow(DeferralScheduleError);
      await expect(act).rejects.toThrow(
        'schedule job-j1 in group carbon-aware-scheduler-deferrals: ConflictException: Schedule already exists',
      );
    });

    it('cancels a schedule in the group and treats a missing one as cancelled', async () => {
      // Prepare
      schedulerMock
        .on(DeleteScheduleCommand, { Name: 'job-gone' })
        .rejects(Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' }))
        .on(DeleteScheduleCommand, { Name: 'job-j1' })
        .resolves({});
      const scheduler = new EventBridgeDeferralScheduler(options);

      // Act
      await scheduler.cancel('job-j1');
      await scheduler.cancel('job-gone');

      // Assess
      expect(schedulerMock).toHaveReceivedCommandWith(DeleteScheduleCommand, {
        Name: 'job-j1',
        GroupName: 'carbon-aware-scheduler-deferrals',
      });
    });
  });
});
