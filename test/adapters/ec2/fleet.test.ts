import {
  DescribeInstancesCommand,
  EC2Client,
  ModifyInstanceAttributeCommand,
  StartInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ec2Fleet, ec2ClientFactory } from '../../../lambdas/adapters/ec2/fleet';

const ec2Mock = mockClient(EC2Client);

const described = (id: string, state = 'stopped', tags = [{ Key: 'Schedule', Value: 'office-hours' }]) =>
  ({
    InstanceId: id,
    InstanceType: 'm5.large',
    State: { Code: state === 'running' ? 16 : 80, Name: state },
    Placement: { AvailabilityZone: 'eu-central-1a' },
    Tags: tags,
    LaunchTime: new Date('2026-01-05T10:00:00Z'),
    Architecture: 'x86_64',
    HibernationOptions: { Configured: true },
  }) as never;

describe('Module: fleet', () => {
  beforeEach(() => ec2Mock.reset());
  afterEach(() => ec2Mock.reset());

  describe('Function: Ec2Fleet.describe', () => {
    it('filters on the Schedule tag key and schedulable states, 1000 per page, following NextToken', async () => {
      // Prepare
      ec2Mock
        .on(DescribeInstancesCommand)
        .resolvesOnce({
          Reservations: [{ Instances: [described('i-1'), described('i-2', 'running')] }],
          NextToken: 't1',
        })
        .resolvesOnce({ Reservations: [{ Instances: [described('i-3')] }] });
      const fleet = new Ec2Fleet(ec2ClientFactory());

      // Act
      const result = await fleet.describe('eu-central-1');

      // Assess
      const filters = [
        { Name: 'tag-key', Values: ['Schedule'] },
        { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
      ];
      expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstancesCommand, 2);
      expect(ec2Mock).toHaveReceivedNthCommandWith(DescribeInstancesCommand, 1, { Filters: filters, MaxResults: 1000 });
      expect(ec2Mock).toHaveReceivedNthCommandWith(DescribeInstancesCommand, 2, {
        Filters: filters,
        MaxResults: 1000,
        NextToken: 't1',
      });
      expect(result.calls).toBe(2);
      expect(result.instances.map((i) => [i.instanceId, i.state, i.region])).toEqual([
        ['i-1', 'stopped', 'eu-central-1'],
        ['i-2', 'running', 'eu-central-1'],
        ['i-3', 'stopped', 'eu-central-1'],
      ]);
      expect(result.instances[0]).toMatchObject({
        launchTime: '2026-01-05T10:00:00.000Z',
        hibernationConfigured: true,
        tags: { Schedule: 'office-hours' },
      });
    });

    it('reports instances it cannot read instead of failing', async () => {
      // Prepare
      ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-x' }] }] });

      // Act
      const result = await new Ec2Fleet(ec2ClientFactory()).describe('eu-central-1');

      // Assess
      expect(result.instances).toEqual([]);
      expect(result.errors).toEqual(['i-x: no InstanceType']);
    });
  });

  describe('Function: Ec2Fleet.start / stop / modifyInstanceType', () => {
    it('sends the exact commands', async () => {
      // Prepare
      ec2Mock.on(StartInstancesCommand).resolves({});
      ec2Mock.on(StopInstancesCommand).resolves({});
      ec2Mock.on(ModifyInstanceAttributeCommand).resolves({});
      const fleet = new Ec2Fleet(ec2ClientFactory());

      // Act
      await fleet.start('eu-central-1', ['i-1', 'i-2']);
      await fleet.stop('eu-central-1', ['i-3'], { hibernate: false });
      await fleet.stop('eu-central-1', ['i-4'], { hibernate: true });
      await fleet.modifyInstanceType('eu-central-1', 'i-5', 'm7g.large');

      // Assess
      expect(ec2Mock).toHaveReceivedCommandWith(StartInstancesCommand, { InstanceIds: ['i-1', 'i-2'] });
      expect(ec2Mock.commandCalls(StopInstancesCommand).map((c) => c.args[0].input)).toEqual([
        { InstanceIds: ['i-3'] },
        { InstanceIds: ['i-4'], Hibernate: true },
      ]);
      expect(ec2Mock).toHaveReceivedCommandWith(ModifyInstanceAttributeCommand, {
        InstanceId: 'i-5',
        InstanceType: { Value: 'm7g.large' },
      });
    });

    it('throws the AWS error with its code as name', async () => {
      // Prepare
      ec2Mock.on(StartInstancesCommand).rejects(
        Object.assign(new Error('We currently do not have sufficient capacity'), {
          name: 'InsufficientInstanceCapacity',
        }),
      );

      // Act & Assess
      await expect(new Ec2Fleet(ec2ClientFactory()).start('eu-central-1', ['i-1'])).rejects.toMatchObject({
        name: 'InsufficientInstanceCapacity',
      });
    });
  });

  describe('Function: ec2ClientFactory', () => {
    it('creates one adaptive-retry client per region and reuses it', async () => {
      // Prepare
      const clientFor = ec2ClientFactory();

      // Act
      const a = clientFor('eu-central-1');
      const b = clientFor('eu-central-1');
      const c = clientFor('us-east-1');

      // Assess
      expect(a).toBe(b);
      expect(c).not.toBe(a);
      expect(await a.config.region()).toBe('eu-central-1');
      expect(
        await (a.config as unknown as { retryStrategy: () => Promise<{ mode: string }> }).retryStrategy(),
      ).toMatchObject({
        mode: 'adaptive',
      });
    });
  });
});
