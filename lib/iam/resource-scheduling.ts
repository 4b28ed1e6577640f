import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { NagSuppressions } from 'cdk-nag';
import { HOME_EVENT_BUS_ARN_ENV, SCHEDULE_TAG, SCHEDULING_EVENT_SOURCE } from '../../lambdas/contract';
import type { ProductFunction } from '../constructs/product-function';

/**
 * IAM of the scheduler for RDS DB instances, DB clusters (Aurora, Neptune, DocumentDB) and Auto Scaling groups, and
 * for its action events (docs/resources.md, "IAM"). Condition keys per action, from the Service Authorization
 * Reference ("Actions, resources, and condition keys for Amazon RDS" / "for Amazon EC2 Auto Scaling" / "for Amazon
 * EventBridge"):
 * - rds:StartDBInstance / StopDBInstance on `db`, rds:StartDBCluster / StopDBCluster on `cluster`: `aws:ResourceTag/${TagKey}`
 *   (and `rds:db-tag/…`, `rds:cluster-tag/…`); the statements require the tag key to be present (`Null: false`), as
 *   the EC2 statement does;
 * - rds:DescribeDBInstances on `db`, rds:DescribeDBClusters on `cluster`: resource-level, but no tag condition is
 *   possible for a listing (RDS has no server-side tag filter, so the scheduler reads every database of the region
 *   and keeps the tagged ones): scoped to the account's databases in the managed regions;
 * - autoscaling:UpdateAutoScalingGroup and autoscaling:CreateOrUpdateTags on `autoScalingGroup`:
 *   `autoscaling:ResourceTag/${TagKey}` (Auto Scaling's own key; it also accepts `aws:ResourceTag/…`);
 * - autoscaling:DescribeAutoScalingGroups: no resource-level permissions (`*`, justified in the cdk-nag suppression);
 * - rds:AddTagsToResource and ec2:CreateTags (only with informational tags): on `db`, `cluster` and `instance` with
 *   `aws:ResourceTag/${TagKey}`, and `aws:TagKeys` limited to the two informational keys, so the scheduler can never
 *   change a `Schedule` tag;
 * - events:PutEvents on the product's bus (the home region's default bus), condition `events:source` equal to the
 *   product's scheduling source, so the role cannot put events that pretend to come from someone else.
 */

/** Tag keys the scheduler may write with `resources.informationTags` (see lambdas/core/resources/run-resources.ts). */
export const INFORMATION_TAG_KEYS = ['ScheduleLastAction', 'ScheduleLastError'] as const;

/** Input of {@link resourceSchedulingStatements}. */
export interface ResourceSchedulingIamProps {
  /** Regions the scheduler manages: every RDS and Auto Scaling ARN is limited to them. */
  readonly regions: readonly string[];
  /** `aws`, `aws-cn`, `aws-us-gov` (or a CloudFormation token such as `Aws.PARTITION`). */
  readonly partition: string;
  readonly account: string;
  /** The tag that puts a resource under management (`Schedule`). */
  readonly tagKey: string;
  /** ARN of the bus the events are put on. */
  readonly eventBusArn: string;
  /** Grant the tagging permissions of `resources.informationTags`. */
  readonly informationTags: boolean;
}

/** The scheduler's RDS, Auto Scaling and EventBridge statements (pure: the same props give the same statements). */
export function resourceSchedulingStatements(props: ResourceSchedulingIamProps): iam.PolicyStatement[] {
  const { regions, partition, account, tagKey } = props;
  const arns = (service: string, resource: string) =>
    regions.map((region) => `arn:${partition}:${service}:${region}:${account}:${resource}`);
  const dbs = arns('rds', 'db:*');
  const clusters = arns('rds', 'cluster:*');
  const groups = arns('autoscaling', 'autoScalingGroup:*:autoScalingGroupName/*');
  const statements = [
    new iam.PolicyStatement({
      sid: 'DescribeDatabases',
      actions: ['rds:DescribeDBInstances', 'rds:DescribeDBClusters'],
      // Read-only: any region's ARN pattern, limited to the managed regions by aws:RequestedRegion, so the policy
      // stays within IAM's inline size at 16 managed regions.
      resources: [`arn:${partition}:rds:*:${account}:db:*`, `arn:${partition}:rds:*:${account}:cluster:*`],
      conditions: { StringEquals: { 'aws:RequestedRegion': [...regions] } },
    }),
    new iam.PolicyStatement({
      sid: 'StartStopOnlyScheduleTaggedDatabases',
      actions: ['rds:StartDBInstance', 'rds:StopDBInstance', 'rds:StartDBCluster', 'rds:StopDBCluster'],
      resources: [...dbs, ...clusters],
      conditions: { Null: { [`aws:ResourceTag/${tagKey}`]: 'false' } },
    }),
    new iam.PolicyStatement({
      sid: 'DescribeAutoScalingGroups',
      actions: ['autoscaling:DescribeAutoScalingGroups'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'SizeOnlyScheduleTaggedGroups',
      actions: ['autoscaling:UpdateAutoScalingGroup'],
      resources: groups,
      conditions: { Null: { [`autoscaling:ResourceTag/${tagKey}`]: 'false' } },
    }),
    new iam.PolicyStatement({
      sid: 'PutSchedulingEvents',
      actions: ['events:PutEvents'],
      resources: [props.eventBusArn],
      conditions: { StringEquals: { 'events:source': SCHEDULING_EVENT_SOURCE } },
    }),
  ];
  if (props.informationTags) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'InformationTagsOnScheduleTaggedDatabases',
        actions: ['rds:AddTagsToResource'],
        resources: [...dbs, ...clusters],
        conditions: {
          Null: { [`aws:ResourceTag/${tagKey}`]: 'false' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': [...INFORMATION_TAG_KEYS] },
        },
      }),
      new iam.PolicyStatement({
        sid: 'InformationTagsOnScheduleTaggedInstances',
        actions: ['ec2:CreateTags'],
        resources: arns('ec2', 'instance/*'),
        conditions: {
          Null: { [`aws:ResourceTag/${tagKey}`]: 'false' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': [...INFORMATION_TAG_KEYS] },
        },
      }),
      new iam.PolicyStatement({
        sid: 'InformationTagsOnScheduleTaggedGroups',
        actions: ['autoscaling:CreateOrUpdateTags'],
        resources: groups,
        conditions: {
          Null: { [`autoscaling:ResourceTag/${tagKey}`]: 'false' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': [...INFORMATION_TAG_KEYS] },
        },
      }),
    );
  }
  return statements;
}

/**
 * Give the scheduler function the statements of {@link resourceSchedulingStatements} for its stack's account and
 * partition, the bus ARN in `HOME_EVENT_BUS_ARN` (the stack region's default bus), and the cdk-nag justification of
 * each wildcard.
 */
export function grantResourceScheduling(
  fn: ProductFunction,
  options: { readonly regions: readonly string[]; readonly informationTags: boolean },
): void {
  const stack = Stack.of(fn);
  const eventBusArn = stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' });
  for (const statement of resourceSchedulingStatements({
    regions: options.regions,
    partition: stack.partition,
    account: stack.account,
    tagKey: SCHEDULE_TAG,
    eventBusArn,
    informationTags: options.informationTags,
  })) {
    fn.addToRolePolicy(statement);
  }
  fn.function.addEnvironment(HOME_EVENT_BUS_ARN_ENV, eventBusArn);
  NagSuppressions.addResourceSuppressions(
    fn.role,
    [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'autoscaling:DescribeAutoScalingGroups supports no resource-level permissions; RDS describes list every database of the managed regions (RDS has no server-side tag filter; any-region ARNs limited by aws:RequestedRegion) and RDS start/stop, Auto Scaling sizes and informational tags use db:*, cluster:* and autoScalingGroup:* in the managed regions but are conditioned on the Schedule tag being present (aws:ResourceTag/Schedule, autoscaling:ResourceTag/Schedule).',
        appliesTo: [
          'Resource::*',
          {
            regex:
              '/^Resource::arn:(?:aws[a-z-]*|<AWS::Partition>):rds:(?:[a-z0-9-]+|\\*):(?:\\d{12}|<AWS::AccountId>):(?:db|cluster):\\*$/g',
          },
          {
            regex:
              '/^Resource::arn:(?:aws[a-z-]*|<AWS::Partition>):autoscaling:[a-z0-9-]+:(?:\\d{12}|<AWS::AccountId>):autoScalingGroup:\\*:autoScalingGroupName\\/\\*$/g',
          },
        ],
      },
    ],
    true,
  );
}
