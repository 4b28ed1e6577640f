import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { buildTestApp, synthesize, templateOf } from './app-factory';
import { wildcardActionsByRole } from './role-statements';

const XRAY = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];

/**
 * Every action a role may have on `Resource: "*"`, each because the service supports no resource-level
 * permissions for it (docs/security.md, "Wildcards"): X-Ray trace upload (every function), EC2 Describe* and the
 * Price List API (scheduler, rightsizer), CloudWatch GetMetricData (rightsizer). Anything else on `*` fails here.
 */
const WILDCARD_ALLOW_LIST: Readonly<Record<string, readonly string[]>> = {
  CarbonFetcherRole: XRAY,
  // DescribeAutoScalingGroups: Auto Scaling has no resource-level permission for it (docs/resources.md, IAM)
  SchedulerRole: ['autoscaling:DescribeAutoScalingGroups', 'ec2:DescribeInstances', 'pricing:GetProducts', ...XRAY],
  RightsizerRole: [
    'cloudwatch:GetMetricData',
    'ec2:DescribeInstanceTypes',
    'ec2:DescribeInstances',
    'pricing:GetProducts',
    ...XRAY,
  ],
  DispatcherRole: XRAY,
  OutcomeRecorderRole: XRAY,
  WorkerRole: XRAY,
  SustainabilityApiFunctionRole: XRAY,
};

/** Actions on `*` not in the allow-list, as "<role>: <action>" (empty when the templates are clean). */
function wildcardViolations(templates: readonly import('aws-cdk-lib/assertions').Template[]): string[] {
  const violations: string[] = [];
  for (const template of templates) {
    for (const [logicalId, actions] of Object.entries(wildcardActionsByRole(template))) {
      const role = logicalId.replace(/[0-9A-F]{8}$/, '');
      const allowed = WILDCARD_ALLOW_LIST[role] ?? [];
      for (const action of actions) if (!allowed.includes(action)) violations.push(`${role}: ${action}`);
    }
  }
  return violations.sort();
}

describe('Module: least privilege (actions on Resource "*")', () => {
  it.each([
    ['defaults', {}],
    [
      'everything enabled',
      {
        rightsizing: { allowAutoResize: true },
        carbon: { secrets: { electricitymaps: 'prod/em', watttime: 'prod/wt' } },
        ebsKmsKeyArns: ['arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
        dispatch: { jobSubmitterRoleArns: ['arn:aws:iam::123456789012:role/etl'] },
        alarms: { emails: ['ops@example.com'] },
      },
    ],
  ])('every role holds on "*" only the actions of the allow-list (%s)', (_n, config) => {
    // Act
    const { all } = synthesize(config);

    // Assess
    expect(wildcardViolations(all.map((entry) => entry.template))).toEqual([]);
  });

  it('fails as soon as ec2:TerminateInstances on "*" is added to the scheduler', () => {
    // Prepare
    const { stacks } = buildTestApp({});
    stacks.controlPlane.scheduler.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['ec2:TerminateInstances'], resources: ['*'] }),
    );

    // Act
    const violations = wildcardViolations([templateOf(stacks.controlPlane)]);

    // Assess
    expect(violations).toEqual(['SchedulerRole: ec2:TerminateInstances']);
  });
});
