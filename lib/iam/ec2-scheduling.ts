import type { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { RIGHTSIZE_TAG } from '../../lambdas/contract';
import type { ResizeScope } from '../../lambdas/core/config/schema';

/** What the scheduler's EC2 statements are built from. */
export interface Ec2SchedulingGrant {
  /** Regions whose instances the scheduler manages. */
  readonly regions: readonly string[];
  /** The schedule tag key the deployment manages instances by (config `tagKey`, with its namespace). */
  readonly scheduleTagKey: string;
  /** Which instances may have their type changed (`resizeScope` of the configuration). */
  readonly resizeScope: ResizeScope;
  /** KMS keys of customer-managed EBS encryption (kms:CreateGrant to start such instances). */
  readonly kmsKeyArns: readonly string[];
}

/** Statement ids, so tests and docs name them. */
export const EC2_SIDS = {
  startStop: 'StartStopScheduleTaggedInstances',
  resize: 'ModifyOnlyTheInstanceTypeOfOptedInInstances',
  describe: 'DescribeAndPrice',
  kms: 'StartInstancesWithCustomerManagedEbsKeys',
} as const;

/**
 * The scheduler's EC2 statements (docs/security.md, "EC2"):
 * - Start/Stop on `instance/*` of the managed regions, only for instances carrying the schedule tag;
 * - ModifyInstanceAttribute only when the configuration enables resizing, only for the instance type
 *   (`ec2:Attribute/InstanceType` present: the request sets the type, and one request sets one attribute), and
 *   only on instances tagged `Rightsize=auto` (`rightsize-tagged`) or with the schedule tag (`schedule-tagged`);
 * - DescribeInstances and pricing:GetProducts on `*` (neither supports resource-level permissions);
 * - kms:CreateGrant for AWS resources on the configured EBS keys.
 */
export function ec2SchedulingStatements(stack: Stack, grant: Ec2SchedulingGrant): iam.PolicyStatement[] {
  const instances = grant.regions.map((region) =>
    stack.formatArn({ service: 'ec2', region, resource: 'instance', resourceName: '*' }),
  );
  const statements = [
    new iam.PolicyStatement({
      sid: EC2_SIDS.startStop,
      actions: ['ec2:StartInstances', 'ec2:StopInstances'],
      resources: instances,
      conditions: { Null: { [`aws:ResourceTag/${grant.scheduleTagKey}`]: 'false' } },
    }),
  ];
  if (grant.resizeScope !== 'none') {
    const tagCondition =
      grant.resizeScope === 'rightsize-tagged'
        ? { StringEqualsIgnoreCase: { [`aws:ResourceTag/${RIGHTSIZE_TAG}`]: 'auto' } }
        : {};
    statements.push(
      new iam.PolicyStatement({
        sid: EC2_SIDS.resize,
        actions: ['ec2:ModifyInstanceAttribute'],
        resources: instances,
        conditions: {
          Null: {
            'ec2:Attribute/InstanceType': 'false',
            [`aws:ResourceTag/${grant.scheduleTagKey}`]: 'false',
          },
          ...tagCondition,
        },
      }),
    );
  }
  statements.push(
    new iam.PolicyStatement({
      sid: EC2_SIDS.describe,
      actions: ['ec2:DescribeInstances', 'pricing:GetProducts'],
      resources: ['*'],
    }),
  );
  if (grant.kmsKeyArns.length > 0) {
    statements.push(
      new iam.PolicyStatement({
        sid: EC2_SIDS.kms,
        actions: ['kms:CreateGrant'],
        resources: [...grant.kmsKeyArns],
        conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    );
  }
  return statements;
}
