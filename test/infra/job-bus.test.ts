import { describe, expect, it } from 'vitest';
import { synthesize } from './app-factory';
import { roleStatements } from './role-statements';

const SUBMITTER = 'arn:aws:iam::123456789012:role/etl-orchestrator';
const CONFIG = { workerRegions: ['eu-north-1', 'us-east-1'], dispatch: { jobSubmitterRoleArns: [SUBMITTER] } };

describe('Module: job bus', () => {
  it('is a dedicated bus whose policy admits the workers (JobCompleted only) and the dispatcher and named roles (JobRequested only)', () => {
    // Prepare
    const { controlPlane, stacks } = synthesize(CONFIG);
    const dispatcherRole = stacks.controlPlane.getLogicalId(
      stacks.controlPlane.dispatcher.role.node.defaultChild as never,
    );

    // Assess
    controlPlane.hasResourceProperties('AWS::Events::EventBus', { Name: 'carbon-aware-scheduler-jobs' });
    const policies = Object.values(controlPlane.findResources('AWS::Events::EventBusPolicy')) as {
      Properties: { Statement: Record<string, unknown> };
    }[];
    const statements = policies.map((p) => p.Properties.Statement);
    expect(statements).toContainEqual({
      Sid: 'cdk-WorkersReportCompletions',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::123456789012:root' },
      Action: 'events:PutEvents',
      Resource: expect.anything(),
      Condition: {
        ArnLike: {
          'aws:PrincipalArn': [
            'arn:aws:iam::123456789012:role/CarbonAwareScheduler-Worker-eu-north-1-*',
            'arn:aws:iam::123456789012:role/CarbonAwareScheduler-Worker-us-east-1-*',
          ],
        },
        StringEquals: { 'events:source': 'carbon-aware-scheduler', 'events:detail-type': 'JobCompleted' },
      },
    });
    expect(statements).toContainEqual({
      Sid: 'cdk-NamedRolesRequestJobs',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::123456789012:root' },
      Action: 'events:PutEvents',
      Resource: expect.anything(),
      Condition: {
        ArnLike: { 'aws:PrincipalArn': [{ 'Fn::GetAtt': [dispatcherRole, 'Arn'] }, SUBMITTER] },
        StringEquals: { 'events:source': 'carbon-aware-scheduler', 'events:detail-type': 'JobRequested' },
      },
    });
    expect(statements).toHaveLength(2);
  });

  it('routes only events of this account from the job bus, never the default bus', () => {
    // Prepare
    const { controlPlane } = synthesize(CONFIG);
    const rules = Object.values(controlPlane.findResources('AWS::Events::Rule')) as {
      Properties: { EventBusName?: unknown; EventPattern?: Record<string, unknown> };
    }[];
    const jobRules = rules.filter((r) =>
      JSON.stringify(r.Properties.EventPattern ?? {}).includes('carbon-aware-scheduler'),
    );

    // Assess
    expect(jobRules).toHaveLength(2);
    for (const rule of jobRules) {
      expect(rule.Properties.EventBusName).toBe('carbon-aware-scheduler-jobs');
      expect(rule.Properties.EventPattern).toMatchObject({ account: ['123456789012'] });
    }
  });

  it('lets each worker put only JobCompleted events of its source on the home job bus, with reserved concurrency', () => {
    // Prepare
    const { stacks, workers } = synthesize(CONFIG);

    // Assess
    stacks.workers.forEach((worker, index) => {
      const template = workers[index]!;
      const puts = roleStatements(template, worker.worker.role).filter((s) => s.Action === 'events:PutEvents');
      expect(puts).toEqual([
        {
          Sid: 'ReportJobCompletionsOnly',
          Effect: 'Allow',
          Action: 'events:PutEvents',
          Resource: 'arn:aws:events:eu-central-1:123456789012:event-bus/carbon-aware-scheduler-jobs',
          Condition: {
            StringEquals: { 'events:source': 'carbon-aware-scheduler', 'events:detail-type': 'JobCompleted' },
          },
        },
      ]);
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: 'carbon-aware-scheduler-worker',
        ReservedConcurrentExecutions: 5,
      });
    });
    synthesize(CONFIG).controlPlane.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'carbon-aware-scheduler: sends deferrable jobs to the cleanest region',
      ReservedConcurrentExecutions: 5,
    });
  });
});
