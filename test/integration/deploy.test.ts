import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetRolePolicyCommand, IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { JOB_EVENT_BUS_NAME } from '../../lambdas/contract';
import {
  type AccountCredentials,
  assumeAccount,
  cdkOrThrow,
  clientConfig,
  type DeployedStack,
  deployAssembly,
  readDeployment,
  synthAndDeploy,
} from './support/deployment';
import { deployment } from './support/fixture';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown; Sid?: string };
type FunctionProps = {
  Handler: string;
  MemorySize: number;
  Timeout: number;
  Architectures?: string[];
  Environment?: { Variables?: Record<string, unknown> };
};
type RuleProps = {
  ScheduleExpression?: string;
  EventPattern?: unknown;
  Targets: {
    Arn: { 'Fn::GetAtt'?: [string, string] } & Record<string, unknown>;
    RetryPolicy?: { MaximumRetryAttempts: number };
  }[];
};
const actions = (s: Statement) => (Array.isArray(s.Action) ? [...s.Action] : [s.Action]).sort();
const resources = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

/** `{ Ref: X }` of a template value, resolved to the physical id moto created. */
function resolveRef(value: unknown, stack: DeployedStack): unknown {
  if (value && typeof value === 'object' && 'Ref' in value) return stack.resources[(value as { Ref: string }).Ref];
  return value;
}

function templateResources(stack: DeployedStack, type: string) {
  return Object.entries(stack.template.Resources).filter(([, r]) => r.Type === type);
}

describe('Integration: the deployed account matches the synthesized templates', () => {
  const d = deployment();

  it('creates every function with the template runtime, handler, memory, timeout and environment', async () => {
    for (const stack of d.stacks) {
      const lambda = new LambdaClient(clientConfig(d.endpoint, d.account, stack.region));
      const deployed = (await lambda.send(new ListFunctionsCommand({}))).Functions ?? [];
      for (const [logicalId, resource] of templateResources(stack, 'AWS::Lambda::Function')) {
        const props = resource.Properties as FunctionProps;
        const fn = deployed.find((f) => f.FunctionName === stack.resources[logicalId]);
        expect(fn, `${stack.stackName}/${logicalId}`).toBeDefined();
        expect(fn).toMatchObject({
          Runtime: 'nodejs22.x',
          Handler: props.Handler,
          MemorySize: props.MemorySize,
          Timeout: props.Timeout,
        });
        // Every deployed variable is the template's, with references resolved to what moto created.
        const variables = props.Environment?.Variables ?? {};
        const resolved = Object.fromEntries(
          Object.entries(variables).map(([k, v]) => [k, typeof v === 'string' ? v : resolveRef(v, stack)]),
        );
        const deployedVariables = fn!.Environment?.Variables ?? {};
        expect(Object.keys(deployedVariables).sort()).toEqual(Object.keys(variables).sort());
        for (const [key, value] of Object.entries(resolved)) {
          if (typeof value === 'string') expect(deployedVariables[key], `${logicalId} ${key}`).toBe(value);
          else expect(deployedVariables[key], `${logicalId} ${key}`).toMatch(/^(arn:aws:|\{)|[A-Za-z0-9-]+$/);
        }
        // Architectures are not kept by moto; the template says arm64 (infra project).
        expect(props.Architectures).toEqual(['arm64']);
      }
    }
  });

  it('creates the state table with its key schema, on-demand billing and deletion protection', async () => {
    const stack = d.stacks.find((s) => s.stackName === 'CarbonAwareScheduler-ControlPlane')!;
    const [logicalId, resource] = templateResources(stack, 'AWS::DynamoDB::Table')[0]!;
    const dynamodb = new DynamoDBClient(clientConfig(d.endpoint, d.account, stack.region));
    const table = (await dynamodb.send(new DescribeTableCommand({ TableName: stack.resources[logicalId] }))).Table!;
    const props = resource.Properties as Record<string, unknown>;
    expect(table.KeySchema).toEqual(props.KeySchema);
    expect(table.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.DeletionProtectionEnabled).toBe(true);
    // moto's CloudFormation does not apply PITR, TTL or SSE; the template sets them (infra project).
    expect(props).toMatchObject({
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    expect(stack.outputs.StateTableName).toBe(table.TableName);
  });

  it('gives every role exactly the inline policy statements of the template', async () => {
    for (const stack of d.stacks) {
      const iam = new IAMClient(clientConfig(d.endpoint, d.account, stack.region));
      for (const [logicalId, resource] of templateResources(stack, 'AWS::IAM::Policy')) {
        const props = resource.Properties as {
          PolicyName: string;
          Roles: unknown[];
          PolicyDocument: { Statement: Statement[] };
        };
        const roleName = resolveRef(props.Roles[0], stack) as string;
        const policy = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: props.PolicyName }));
        const document = JSON.parse(decodeURIComponent(policy.PolicyDocument!)) as { Statement: Statement[] };
        const expected = props.PolicyDocument.Statement;
        expect(document.Statement.length, `${stack.stackName}/${logicalId}`).toBe(expected.length);
        expected.forEach((statement, i) => {
          const got = document.Statement[i]!;
          expect(actions(got)).toEqual(actions(statement));
          expect(got.Effect).toBe(statement.Effect);
          expect(got.Condition).toEqual(
            statement.Condition === undefined
              ? undefined
              : JSON.parse(
                  JSON.stringify(statement.Condition).replaceAll(
                    '{"Ref":"AWS::AccountId"}',
                    `"${d.account.accountId}"`,
                  ),
                ),
          );
          const want = resources(statement);
          const have = resources(got) as string[];
          expect(have).toHaveLength(want.length);
          want.forEach((r, j) => {
            if (typeof r === 'string') expect(have[j]).toBe(r);
            else expect(have[j]).toMatch(/^arn:aws:[a-z0-9-]+:[a-z0-9-]*:\d{12}:|^\*$/);
          });
        });
      }
    }
  });

  it('creates the EventBridge rules with the template schedules, patterns and function targets', async () => {
    for (const stack of d.stacks) {
      const events = new EventBridgeClient(clientConfig(d.endpoint, d.account, stack.region));
      // Rules of the default bus and of the job bus (the job rules name it literally).
      const rules = [
        ...((await events.send(new ListRulesCommand({}))).Rules ?? []),
        // the job bus lives in the control plane's stack only
        ...(templateResources(stack, 'AWS::Events::EventBus').length > 0
          ? ((await events.send(new ListRulesCommand({ EventBusName: JOB_EVENT_BUS_NAME }))).Rules ?? [])
          : []),
      ];
      for (const [logicalId, resource] of templateResources(stack, 'AWS::Events::Rule')) {
        const props = resource.Properties as RuleProps;
        const rule = rules.find((r) => r.Name === stack.resources[logicalId]);
        expect(rule, logicalId).toBeDefined();
        expect(rule!.ScheduleExpression).toBe(props.ScheduleExpression);
        if (props.EventPattern) expect(JSON.parse(rule!.EventPattern!)).toEqual(props.EventPattern);
        const targets =
          (
            await events.send(
              new ListTargetsByRuleCommand({
                Rule: rule!.Name!,
                ...(rule!.EventBusName ? { EventBusName: rule!.EventBusName } : {}),
              }),
            )
          ).Targets ?? [];
        expect(targets.map((t) => t.RetryPolicy?.MaximumRetryAttempts)).toEqual(
          props.Targets.map(
            (t: { RetryPolicy?: { MaximumRetryAttempts: number } }) => t.RetryPolicy?.MaximumRetryAttempts,
          ),
        );
        // Function targets by name; other targets (the alarm topic, the home bus) by count above
        const functionLogicalId = props.Targets[0]!.Arn?.['Fn::GetAtt']?.[0] as string | undefined;
        if (functionLogicalId && stack.template.Resources[functionLogicalId]?.Type === 'AWS::Lambda::Function') {
          expect(targets[0]!.Arn).toMatch(new RegExp(`:function:${stack.resources[functionLogicalId]}$`));
        }
      }
    }
  });

  it('creates one log group per function with the configured retention', async () => {
    for (const stack of d.stacks) {
      const logs = new CloudWatchLogsClient(clientConfig(d.endpoint, d.account, stack.region));
      const groups = (await logs.send(new DescribeLogGroupsCommand({}))).logGroups ?? [];
      const expected = templateResources(stack, 'AWS::Logs::LogGroup');
      expect(expected.length).toBeGreaterThan(0);
      for (const [logicalId, resource] of expected) {
        const group = groups.find((g) => g.logGroupName === stack.resources[logicalId]);
        expect(group, logicalId).toBeDefined();
        expect(group!.retentionInDays).toBe((resource.Properties as { RetentionInDays: number }).RetentionInDays);
      }
    }
  });
});

describe('Integration: the default configuration deploys, redeploys as a no-op and uninstalls', () => {
  const endpoint = inject('motoEndpoint');
  const workDir = inject('integrationWorkDir');
  const assemblyDir = join(workDir, 'default.cdk.out');
  const configPath = join(workDir, 'default.config.json');
  let account: AccountCredentials;
  let stacks: DeployedStack[];

  beforeAll(async () => {
    // A second emulated account, so uninstalling does not touch the scenarios' deployment.
    account = await assumeAccount(endpoint, '111111111111');
    writeFileSync(configPath, '{}');
    await synthAndDeploy(configPath, assemblyDir, endpoint, account);
    stacks = (await readDeployment(assemblyDir, configPath, endpoint, account)).stacks;
  });

  it('deploys the control plane and one worker stack per default worker region', () => {
    expect(stacks.map((s) => `${s.stackName}@${s.region}`).sort()).toEqual([
      'CarbonAwareScheduler-ControlPlane@eu-central-1',
      'CarbonAwareScheduler-Worker-eu-central-1@eu-central-1',
      'CarbonAwareScheduler-Worker-eu-north-1@eu-north-1',
      'CarbonAwareScheduler-Worker-eu-west-3@eu-west-3',
      'CarbonAwareScheduler-Worker-us-east-1@us-east-1',
      'CarbonAwareScheduler-Worker-us-west-2@us-west-2',
    ]);
  });

  it('a second deploy of the same assembly changes nothing', async () => {
    const run = await deployAssembly(assemblyDir, endpoint, account);
    const output = run.stderr + run.stdout;
    for (const stack of stacks) expect(output).toContain(`${stack.stackName} (no changes)`);
  });

  it('cdk destroy --all removes everything but the state table and the log groups, as the README says', async () => {
    await cdkOrThrow(['destroy', '--all', '--app', assemblyDir, '--force'], endpoint, account);
    const controlPlane = stacks.find((s) => s.stackName === 'CarbonAwareScheduler-ControlPlane')!;
    const dynamodb = new DynamoDBClient(clientConfig(endpoint, account, controlPlane.region));
    const tableLogicalId = templateResources(controlPlane, 'AWS::DynamoDB::Table')[0]![0];
    expect((await dynamodb.send(new ListTablesCommand({}))).TableNames).toEqual([
      controlPlane.resources[tableLogicalId],
    ]);
    for (const stack of stacks) {
      const lambda = new LambdaClient(clientConfig(endpoint, account, stack.region));
      expect((await lambda.send(new ListFunctionsCommand({}))).Functions ?? []).toEqual([]);
      const events = new EventBridgeClient(clientConfig(endpoint, account, stack.region));
      const productRules = ((await events.send(new ListRulesCommand({}))).Rules ?? []).filter((r) =>
        r.Name?.startsWith('CarbonAwareScheduler-'),
      );
      expect(productRules).toEqual([]);
    }
    for (const region of new Set(stacks.map((s) => s.region))) {
      const logs = new CloudWatchLogsClient(clientConfig(endpoint, account, region));
      const groups = ((await logs.send(new DescribeLogGroupsCommand({}))).logGroups ?? []).map((g) => g.logGroupName);
      const expectedGroups = stacks
        .filter((s) => s.region === region)
        .flatMap((s) => templateResources(s, 'AWS::Logs::LogGroup').map(([id]) => s.resources[id]));
      expect(groups.sort(), region).toEqual(expectedGroups.sort());
    }
    const iam = new IAMClient(clientConfig(endpoint, account, 'us-east-1'));
    const roles = ((await iam.send(new ListRolesCommand({}))).Roles ?? []).filter((r) =>
      r.RoleName?.startsWith('CarbonAwareScheduler-'),
    );
    expect(roles).toEqual([]);
  });
});
