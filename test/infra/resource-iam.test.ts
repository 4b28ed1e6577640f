import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { resourceSchedulingStatements } from '../../lib/iam/resource-scheduling';
import { buildTestApp, synthesize } from './app-factory';

const MANAGED = { homeRegion: 'eu-west-1', managedRegions: ['eu-west-1', 'us-east-1'] };
const base = () => synthesize(MANAGED);
const withTagsAndTopic = () =>
  synthesize({
    ...MANAGED,
    resources: {
      informationTags: true,
      notifications: { severities: ['warning', 'error'], emails: ['ops@example.com'] },
    },
  });

/** Every statement of the scheduler role's policies. */
function schedulerStatements(template: ReturnType<typeof base>['controlPlane']) {
  const roles = template.findResources('AWS::IAM::Role', {
    Properties: { Description: Match.stringLikeRegexp('scheduler function') },
  });
  const roleIds = Object.keys(roles);
  const statements: Record<string, unknown>[] = [];
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
    const refs = (policy.Properties.Roles as { Ref: string }[]).map((r) => r.Ref);
    if (refs.some((ref) => roleIds.includes(ref))) statements.push(...policy.Properties.PolicyDocument.Statement);
  }
  return statements;
}

const bySid = (statements: Record<string, unknown>[], sid: string) => statements.find((s) => s.Sid === sid);

describe('Module: resource-scheduling IAM', () => {
  describe('Function: resourceSchedulingStatements', () => {
    it('conditions every RDS and Auto Scaling mutation on the tag, in the given regions only', () => {
      // Act
      const statements = resourceSchedulingStatements({
        regions: ['eu-west-1'],
        partition: 'aws',
        account: '123456789012',
        tagKey: 'Schedule',
        eventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/default',
        informationTags: true,
      }).map((s) => s.toStatementJson());

      // Assess
      expect(statements).toEqual([
        {
          Sid: 'DescribeDatabases',
          Effect: 'Allow',
          Action: ['rds:DescribeDBInstances', 'rds:DescribeDBClusters'],
          Resource: ['arn:aws:rds:*:123456789012:db:*', 'arn:aws:rds:*:123456789012:cluster:*'],
          Condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1'] } },
        },
        {
          Sid: 'StartStopOnlyScheduleTaggedDatabases',
          Effect: 'Allow',
          Action: ['rds:StartDBInstance', 'rds:StopDBInstance', 'rds:StartDBCluster', 'rds:StopDBCluster'],
          Resource: ['arn:aws:rds:eu-west-1:123456789012:db:*', 'arn:aws:rds:eu-west-1:123456789012:cluster:*'],
          Condition: { Null: { 'aws:ResourceTag/Schedule': 'false' } },
        },
        {
          Sid: 'DescribeAutoScalingGroups',
          Effect: 'Allow',
          Action: 'autoscaling:DescribeAutoScalingGroups',
          Resource: '*',
        },
        {
          Sid: 'SizeOnlyScheduleTaggedGroups',
          Effect: 'Allow',
          Action: 'autoscaling:UpdateAutoScalingGroup',
          Resource: 'arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:*:autoScalingGroupName/*',
          Condition: { Null: { 'autoscaling:ResourceTag/Schedule': 'false' } },
        },
        {
          Sid: 'PutSchedulingEvents',
          Effect: 'Allow',
          Action: 'events:PutEvents',
          Resource: 'arn:aws:events:eu-west-1:123456789012:event-bus/default',
          Condition: { StringEquals: { 'events:source': 'carbon-aware-scheduler' } },
        },
        {
          Sid: 'InformationTagsOnScheduleTaggedDatabases',
          Effect: 'Allow',
          Action: 'rds:AddTagsToResource',
          Resource: ['arn:aws:rds:eu-west-1:123456789012:db:*', 'arn:aws:rds:eu-west-1:123456789012:cluster:*'],
          Condition: {
            Null: { 'aws:ResourceTag/Schedule': 'false' },
            'ForAllValues:StringEquals': { 'aws:TagKeys': ['ScheduleLastAction', 'ScheduleLastError'] },
          },
        },
        {
          Sid: 'InformationTagsOnScheduleTaggedInstances',
          Effect: 'Allow',
          Action: 'ec2:CreateTags',
          Resource: 'arn:aws:ec2:eu-west-1:123456789012:instance/*',
          Condition: {
            Null: { 'aws:ResourceTag/Schedule': 'false' },
            'ForAllValues:StringEquals': { 'aws:TagKeys': ['ScheduleLastAction', 'ScheduleLastError'] },
          },
        },
        {
          Sid: 'InformationTagsOnScheduleTaggedGroups',
          Effect: 'Allow',
          Action: 'autoscaling:CreateOrUpdateTags',
          Resource: 'arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:*:autoScalingGroupName/*',
          Condition: {
            Null: { 'autoscaling:ResourceTag/Schedule': 'false' },
            'ForAllValues:StringEquals': { 'aws:TagKeys': ['ScheduleLastAction', 'ScheduleLastError'] },
          },
        },
      ]);
    });
  });

  describe('Stack: control plane', () => {
    it('gives the scheduler role the RDS, Auto Scaling and PutEvents statements for the managed regions', () => {
      // Prepare
      const statements = schedulerStatements(base().controlPlane);

      // Assess
      expect(bySid(statements, 'StartStopOnlyScheduleTaggedDatabases')).toMatchObject({
        Action: ['rds:StartDBCluster', 'rds:StartDBInstance', 'rds:StopDBCluster', 'rds:StopDBInstance'],
        Condition: { Null: { 'aws:ResourceTag/Schedule': 'false' } },
      });
      const rdsArns = JSON.stringify(bySid(statements, 'StartStopOnlyScheduleTaggedDatabases')!.Resource);
      expect(rdsArns).toContain(':rds:eu-west-1:123456789012:db:*');
      expect(rdsArns).toContain(':rds:us-east-1:123456789012:cluster:*');
      expect(rdsArns).not.toContain('eu-central-1');
      expect(bySid(statements, 'SizeOnlyScheduleTaggedGroups')).toMatchObject({
        Action: 'autoscaling:UpdateAutoScalingGroup',
        Condition: { Null: { 'autoscaling:ResourceTag/Schedule': 'false' } },
      });
      expect(bySid(statements, 'PutSchedulingEvents')).toMatchObject({
        Action: 'events:PutEvents',
        Condition: { StringEquals: { 'events:source': 'carbon-aware-scheduler' } },
      });
      // Informational tags are off by default: no tagging permission at all
      expect(JSON.stringify(statements)).not.toContain('AddTagsToResource');
      expect(JSON.stringify(statements)).not.toContain('CreateOrUpdateTags');
      expect(JSON.stringify(statements)).not.toContain('ec2:CreateTags');
    });

    it('never grants an RDS or Auto Scaling mutation without the Schedule tag condition', () => {
      for (const synthesized of [base(), withTagsAndTopic()]) {
        for (const { template } of synthesized.all) {
          for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
            for (const statement of policy.Properties.PolicyDocument.Statement) {
              const actions = ([] as string[]).concat(statement.Action);
              if (
                actions.some((a) =>
                  /^(rds:(Start|Stop|Add|Modify|Delete)|autoscaling:(Update|Create|Set|Delete))/.test(a),
                )
              ) {
                expect(JSON.stringify(statement.Condition)).toMatch(/ResourceTag\/Schedule":"false"/);
              }
            }
          }
        }
      }
    });

    it('sets HOME_EVENT_BUS_ARN on the scheduler to the home region default bus', () => {
      // Prepare
      const functions = Object.values(base().controlPlane.findResources('AWS::Lambda::Function'));
      const scheduler = functions.find(
        (f) => f.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME === 'scheduler',
      );

      // Assess
      expect(JSON.stringify(scheduler!.Properties.Environment.Variables.HOME_EVENT_BUS_ARN)).toContain(
        ':events:eu-west-1:123456789012:event-bus/default',
      );
    });

    it('grants the informational tag permissions and creates the severity-filtered topic when configured', () => {
      // Prepare
      const template = withTagsAndTopic().controlPlane;
      const statements = schedulerStatements(template);

      // Assess
      expect(bySid(statements, 'InformationTagsOnScheduleTaggedDatabases')).toMatchObject({
        Action: 'rds:AddTagsToResource',
        Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['ScheduleLastAction', 'ScheduleLastError'] } },
      });
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['carbon-aware-scheduler'],
          'detail-type': ['Scheduling Action', 'Scheduling Error'],
          detail: { severity: ['warning', 'error'] },
        },
      });
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
      template.resourceCountIs('AWS::SNS::Topic', 2);
      expect(base().controlPlane.findResources('AWS::SNS::Topic')).toSatisfy(
        (topics: object) => Object.keys(topics).length === 1,
      );
    });

    it('reports no cdk-nag finding with informational tags and the topic', { timeout: 120_000 }, () => {
      // Prepare
      const { app, stacks } = buildTestApp(
        { ...MANAGED, resources: { informationTags: true, notifications: { severities: ['error'] } } },
        { nag: true, account: null },
      );

      // Act
      app.synth();

      // Assess
      const annotations = Annotations.fromStack(stacks.controlPlane);
      const found = [
        ...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
        ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ].map((f) => `${f.id}: ${String(f.entry.data).split('\n')[0]}`);
      expect(found).toEqual([]);
    });
  });
});
