import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { synthesize } from './app-factory';

/**
 * Two configurations, each synthesized once for the whole file (with cdk.json's feature flags, as `cdk synth`):
 * the defaults, and one that sets everything these tests look at.
 */
const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
// 30 schedules are far over Lambda's 4 KB of environment variables as JSON.
const SCHEDULES = Array.from({ length: 30 }, (_, i) => ({
  name: `team-${i}`,
  periods: [{ name: 'night', begintime: '22:00', endtime: '06:00', weekdays: 'mon-fri' }],
  exceptions: ['2026-12-24/2026-12-26'],
}));
const RICH = {
  homeRegion: 'eu-west-1',
  managedRegions: ['eu-west-1', 'us-east-1'],
  workerRegions: ['eu-north-1', 'eu-west-3', 'us-west-2'],
  metricsNamespace: 'GreenOps',
  schedulingIntervalMinutes: 15,
  carbon: { fetchIntervalMinutes: 10, secrets: { electricitymaps: 'prod/em' } },
  ebsKmsKeyArns: [KEY],
  schedules: SCHEDULES,
};
const richConfigDir = mkdtempSync(join(tmpdir(), 'config-dir-'));
const rich = () => synthesize(RICH, { configDir: richConfigDir });
const defaults = () => synthesize({});

afterAll(() => rmSync(richConfigDir, { recursive: true, force: true }));

describe('Module: infrastructure', () => {
  describe('Stack: control plane', () => {
    it('lives in the home region and owns one classic table with PITR, AWS managed KMS encryption, TTL, deletion protection and RETAIN, with no physical name', () => {
      // Prepare
      const { stacks, controlPlane: template } = rich();

      // Assess
      expect(stacks.controlPlane.region).toBe('eu-west-1');
      template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
      template.resourceCountIs('AWS::DynamoDB::Table', 1);
      template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
          TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
          // SSEEnabled true without a key id: KMS with the AWS managed key (aws/dynamodb).
          SSESpecification: { SSEEnabled: true },
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
        },
      });
      const [table] = Object.values(template.findResources('AWS::DynamoDB::Table'));
      expect(table?.Properties.TableName).toBeUndefined();
      expect(table?.Properties.SSESpecification.KMSMasterKeyId).toBeUndefined();
    });

    it('gives every Lambda Node.js 22 on ARM64, JSON logs, X-Ray, a DLQ and Powertools settings', () => {
      // Prepare
      const template = rich().controlPlane;
      const functions = template.findResources('AWS::Lambda::Function');

      // Assess
      expect(Object.keys(functions)).toHaveLength(6);
      for (const fn of Object.values(functions)) {
        expect(fn.Properties).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          TracingConfig: { Mode: 'Active' },
          LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN' },
          DeadLetterConfig: { TargetArn: expect.anything() },
          Environment: {
            Variables: expect.objectContaining({
              POWERTOOLS_METRICS_NAMESPACE: 'GreenOps',
              POWERTOOLS_SERVICE_NAME: expect.any(String),
              TABLE_NAME: expect.anything(),
            }),
          },
        });
        // 29 s for the API function: API Gateway HTTP APIs wait at most 30 s for an integration.
        expect(fn.Properties.Timeout).toBeGreaterThanOrEqual(29);
        expect(fn.Properties.MemorySize).toBeGreaterThanOrEqual(256);
      }
      template.resourceCountIs('AWS::Logs::LogGroup', 7); // six functions and the API's access logs
      template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
      template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    });

    it('passes no configuration in any environment: it is bundled into the code as config.json', () => {
      // Prepare
      const functions = rich().all.flatMap(({ template }) =>
        Object.values(template.findResources('AWS::Lambda::Function')),
      );

      // Act
      const [written] = readdirSync(richConfigDir);
      const file = JSON.parse(readFileSync(join(richConfigDir, written!, 'config.json'), 'utf8'));

      // Assess
      expect(functions).toHaveLength(6 + 3);
      for (const fn of functions) {
        expect(Object.keys(fn.Properties.Environment.Variables)).not.toContain('CONFIG');
        expect(JSON.stringify(fn.Properties.Environment.Variables)).not.toContain('team-0');
      }
      expect(file).toEqual(RICH);
    });

    it('triggers the fetcher and the scheduler at the configured intervals and the rightsizer daily', () => {
      // Prepare
      const template = rich().controlPlane;

      // Assess
      template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(15 minutes)' });
      template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(10 minutes)' });
      template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(30 3 * * ? *)' });
    });

    it('lets the scheduler start and stop only instances tagged Schedule, in the managed regions', () => {
      // Prepare
      const template = rich().controlPlane;

      // Assess (resizing: ec2-resize-grant.test.ts)
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Sid: 'StartStopScheduleTaggedInstances',
              Effect: 'Allow',
              Action: ['ec2:StartInstances', 'ec2:StopInstances'],
              Resource: [
                'arn:aws:ec2:eu-west-1:123456789012:instance/*',
                'arn:aws:ec2:us-east-1:123456789012:instance/*',
              ],
              Condition: { Null: { 'aws:ResourceTag/Schedule': 'false' } },
            },
          ]),
        },
      });
      // No statement anywhere grants an EC2 mutation without the tag condition.
      for (const { template: t } of [...rich().all, ...defaults().all]) {
        for (const policy of Object.values(t.findResources('AWS::IAM::Policy'))) {
          for (const statement of policy.Properties.PolicyDocument.Statement) {
            const actions = ([] as string[]).concat(statement.Action);
            if (actions.some((a) => /^ec2:(Start|Stop|Modify|Terminate|Run)/.test(a))) {
              expect(statement.Condition.Null['aws:ResourceTag/Schedule']).toBe('false');
            }
          }
        }
      }
    });

    it('allows kms:CreateGrant only when customer-managed EBS keys are configured, and only for AWS resources', () => {
      // Prepare
      const withKey = rich().controlPlane;
      const withoutKey = defaults().controlPlane;

      // Assess
      withKey.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: 'kms:CreateGrant',
              Resource: KEY,
              Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
            }),
          ]),
        },
      });
      expect(JSON.stringify(withoutKey.toJSON())).not.toContain('kms:CreateGrant');
    });

    it('lets the dispatcher invoke exactly the worker functions of the configured regions', () => {
      // Prepare
      const template = rich().controlPlane;
      const workerArn = (region: string) =>
        `arn:aws:lambda:${region}:123456789012:function:carbon-aware-scheduler-worker`;

      // Assess
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Allow',
              Action: 'lambda:InvokeFunction',
              Resource: [workerArn('eu-north-1'), workerArn('eu-west-3'), workerArn('us-west-2')],
            },
          ]),
        },
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            WORKER_FUNCTIONS: JSON.stringify({
              'eu-north-1': workerArn('eu-north-1'),
              'eu-west-3': workerArn('eu-west-3'),
              'us-west-2': workerArn('us-west-2'),
            }),
          }),
        },
      });
    });

    it('grants secretsmanager:GetSecretValue on exactly the configured secrets and nothing when none are set', () => {
      // Prepare
      const withSecrets = rich().controlPlane;
      const withoutSecrets = defaults().controlPlane;

      // Assess
      withSecrets.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Allow',
              Action: 'secretsmanager:GetSecretValue',
              Resource: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/em-??????',
            },
          ]),
        },
      });
      expect(JSON.stringify(withoutSecrets.toJSON())).not.toContain('secretsmanager:GetSecretValue');
    });

    it('outputs the dashboard URL and the names a user invokes or reads', () => {
      // Prepare
      const template = defaults().controlPlane;

      // Assess
      const outputs = Object.keys(template.findOutputs('*')).sort();
      expect(outputs).toEqual([
        'AlarmTopicArn',
        'ApiFunctionName',
        'ApiUrl',
        'CarbonFetcherFunctionName',
        'DashboardUrl',
        'DispatcherFunctionName',
        'RightsizerFunctionName',
        'SchedulerFunctionName',
        'StateTableName',
      ]);
    });
  });

  describe('Partition', () => {
    it('builds every ARN from the stack’s partition, never from a literal "arn:aws:"', () => {
      // Prepare: without cdk.json's enablePartitionLiterals flag, the CDK writes the partition as { Ref: AWS::Partition }
      // wherever our code asks the stack for it, so any literal "arn:aws:" left would be hard-coded in lib/.
      const { all } = synthesize({}, { cdkJsonContext: false });

      // Assess
      for (const { stack, template } of all) {
        const text = JSON.stringify(template.toJSON());
        expect(text, stack.stackName).not.toMatch(/arn:aws[a-z-]*:/);
        expect(text, stack.stackName).toContain('{"Ref":"AWS::Partition"}');
      }
    });

    it('writes the aws partition for the known commercial regions with cdk.json’s flags, as cdk synth does', () => {
      // Prepare
      const { all } = defaults();

      // Assess: every literal ARN is of the aws partition
      for (const { stack, template } of all) {
        const partitions = [...JSON.stringify(template.toJSON()).matchAll(/arn:(aws[a-z-]*):/g)].map((m) => m[1]);
        expect(partitions.length, stack.stackName).toBeGreaterThan(0);
        expect(new Set(partitions), stack.stackName).toEqual(new Set(['aws']));
      }
    });
  });

  describe('Stack: workers', () => {
    it('creates one worker stack per worker region, each in its region, reporting to the home bus', () => {
      // Prepare
      const { stacks, workers } = rich();

      // Assess
      expect(stacks.workers.map((s) => s.region)).toEqual(['eu-north-1', 'eu-west-3', 'us-west-2']);
      for (const template of workers) {
        template.hasResourceProperties('AWS::Lambda::Function', {
          FunctionName: 'carbon-aware-scheduler-worker',
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Environment: { Variables: Match.objectLike({ HOME_REGION: 'eu-west-1' }) },
        });
        // A timed-out job must not run twice: no asynchronous retries, straight to the DLQ.
        template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
        template.hasResourceProperties('AWS::IAM::Policy', {
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Effect: 'Allow',
                Action: 'events:PutEvents',
                Resource: 'arn:aws:events:eu-west-1:123456789012:event-bus/carbon-aware-scheduler-jobs',
              }),
            ]),
          },
        });
      }
    });
  });

  describe('Snapshot', () => {
    it('matches the reviewed templates, with Lambda code hashes scrubbed', () => {
      // Prepare
      const { controlPlane, workers } = defaults();
      const scrub = (template: Template) =>
        JSON.parse(
          JSON.stringify(template.toJSON())
            .replace(/[0-9a-f]{64}\.zip/g, 'SCRUBBED.zip')
            .replace(/"S3Key":"[^"]+"/g, '"S3Key":"SCRUBBED"'),
        );

      // Assess
      expect(scrub(controlPlane)).toMatchSnapshot();
      expect(scrub(workers[0]!)).toMatchSnapshot();
    });
  });
});
