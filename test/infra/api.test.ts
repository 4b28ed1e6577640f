import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { API_ROUTES, API_THROTTLE } from '../../lambdas/contract';
import { buildTestApp } from './app-factory';

/** The sustainability HTTP API in the control-plane template (docs/api.md). */
describe('Construct: SustainabilityApi', () => {
  const { app, stacks } = buildTestApp({}, { nag: true });
  app.synth();
  const template = Template.fromStack(stacks.controlPlane);
  const routes = template.findResources('AWS::ApiGatewayV2::Route');

  it('is deployed by default with one route per API route, each authorised with AWS_IAM', () => {
    // Assess
    const keys = Object.values(routes).map((route) => route.Properties.RouteKey as string);
    expect(keys.sort()).toEqual(API_ROUTES.map((route) => `${route.method} ${route.path}`).sort());
    for (const route of Object.values(routes)) {
      expect(route.Properties.AuthorizationType, route.Properties.RouteKey).toBe('AWS_IAM');
    }
    // no route answers without authorisation: no $default route or other catch-all
    expect(keys.filter((key) => key.includes('$default') || key.includes('{proxy+}'))).toEqual([]);
  });

  it('throttles the $default stage and writes access logs to its own log group', () => {
    // Assess
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: Match.objectLike({
        ThrottlingRateLimit: API_THROTTLE.rateLimit,
        ThrottlingBurstLimit: API_THROTTLE.burstLimit,
      }),
      AccessLogSettings: Match.objectLike({
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('requestId'),
      }),
    });
  });

  it('gives the API function read-only table access on the key prefixes it reads, and no other table action', () => {
    // Assess
    const policies = template.findResources('AWS::IAM::Policy');
    const apiPolicy = Object.entries(policies).find(([id]) => id.startsWith('SustainabilityApiFunctionRole'));
    expect(apiPolicy, 'the API role policy').toBeDefined();
    const statements = apiPolicy![1].Properties.PolicyDocument.Statement as {
      Sid?: string;
      Action: string | string[];
      Resource: unknown;
      Condition?: Record<string, Record<string, unknown>>;
    }[];
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:Query',
    ]);
    const read = statements.find((s) => s.Sid === 'ReadStateTableByKeyPrefix')!;
    expect(read.Condition).toEqual({
      'ForAllValues:StringLike': {
        'dynamodb:LeadingKeys': [
          'CARBON#*',
          'INSTANCE#*',
          'HISTORY#*',
          'SAVINGS#*',
          'SAVINGS_TOTAL#*',
          'RIGHTSIZING#*',
          'JOB#*',
          'JOBS#*',
        ],
      },
    });
    const put = statements.find((s) => s.Sid === 'PutJobRequestedEventsOnly')!;
    expect(put.Action).toBe('events:PutEvents');
    expect(put.Condition).toEqual({
      StringEquals: { 'events:source': 'carbon-aware-scheduler', 'events:detail-type': 'JobRequested' },
    });
    expect(JSON.stringify(put.Resource)).toContain('event-bus/default');
    const describe = statements.find((s) => s.Sid === 'DescribeProductAlarms')!;
    expect(describe.Action).toBe('cloudwatch:DescribeAlarms');
    expect(JSON.stringify(describe.Resource)).not.toContain('"*"');
    // the only "*" resources are X-Ray's (ProductFunction), never a table, bus or alarm action
    for (const statement of statements) {
      if (statement.Resource === '*') {
        const list = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
        expect(list.every((a) => a.startsWith('xray:'))).toBe(true);
      }
    }
  });

  it('outputs the API URL and has no unacknowledged cdk-nag finding on the API resources', () => {
    // Assess
    template.hasOutput('ApiUrl', {});
    const findings = [
      ...Annotations.fromStack(stacks.controlPlane).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ...Annotations.fromStack(stacks.controlPlane).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ].map((finding) => `${finding.id}: ${String(finding.entry.data).split('\n')[0]}`);
    expect(findings).toEqual([]);
  });
});
