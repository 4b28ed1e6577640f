import { ArnFormat, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import {
  API_ALARM_NAME_PREFIX_ENV,
  API_NAME,
  API_ROUTES,
  API_THROTTLE,
  DISPATCH_EVENT_SOURCE,
  FUNCTIONS,
  JOB_REQUESTED_DETAIL_TYPE,
  KEY_PREFIX,
  PRODUCT,
  TABLE_NAME_ENV,
} from '../../lambdas/contract';
import { lambdaEntry } from '../paths';
import { ProductFunction } from './product-function';

/** Settings of the {@link SustainabilityApi}. */
export interface SustainabilityApiProps {
  /** The state table the API reads. */
  readonly table: dynamodb.ITable;
  /** The product's alarms, reported as open alarms by `GET /v1/health`. */
  readonly alarms: readonly cloudwatch.IAlarm[];
  /** The validated configuration file, bundled as `config.json` (lib/function-config.ts). */
  readonly configFile: string;
  readonly metricsNamespace: string;
  readonly logRetention: logs.RetentionDays;
}

/** Key prefixes the API reads (every family but the scheduler's lease). */
const READ_PREFIXES = [
  KEY_PREFIX.carbon,
  KEY_PREFIX.instance,
  KEY_PREFIX.history,
  KEY_PREFIX.savings,
  KEY_PREFIX.savingsTotal,
  KEY_PREFIX.rightsizing,
  KEY_PREFIX.job,
  KEY_PREFIX.jobDay,
];

/**
 * The sustainability HTTP API (docs/api.md): an API Gateway HTTP API whose every route (lambdas/contract/api.ts) is
 * authorised with AWS_IAM (SigV4), its `$default` stage throttled and writing JSON access logs, in front of the API
 * function. The function's role reads the table (GetItem, BatchGetItem, Query, only on the key prefixes it reads),
 * puts only `JobRequested` events of the product's source on the default bus, and describes only the product's
 * alarms.
 */
export class SustainabilityApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly fn: ProductFunction;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: SustainabilityApiProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.fn = new ProductFunction(this, 'Function', {
      entry: lambdaEntry(FUNCTIONS.api),
      serviceName: FUNCTIONS.api,
      description: `${PRODUCT}: sustainability HTTP API`,
      metricsNamespace: props.metricsNamespace,
      logRetention: props.logRetention,
      configFile: props.configFile,
      timeout: Duration.seconds(29),
      memorySize: 512,
      environment: {
        [TABLE_NAME_ENV]: props.table.tableName,
        [API_ALARM_NAME_PREFIX_ENV]: `${stack.stackName}-`,
      },
    });
    this.fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadStateTableByKeyPrefix',
        actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
        resources: [props.table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': READ_PREFIXES.map((prefix) => `${prefix}*`) },
        },
      }),
    );
    this.fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'PutJobRequestedEventsOnly',
        actions: ['events:PutEvents'],
        resources: [stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' })],
        conditions: {
          StringEquals: { 'events:source': DISPATCH_EVENT_SOURCE, 'events:detail-type': JOB_REQUESTED_DETAIL_TYPE },
        },
      }),
    );
    if (props.alarms.length > 0) {
      this.fn.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'DescribeProductAlarms',
          actions: ['cloudwatch:DescribeAlarms'],
          // The stack's alarms: CloudFormation names each `<stack name>-<logical id>-<suffix>`.
          resources: [
            stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: `${stack.stackName}-*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          ],
        }),
      );
      NagSuppressions.addResourceSuppressions(
        this,
        [
          {
            id: 'AwsSolutions-IAM5',
            reason:
              "cloudwatch:DescribeAlarms on this stack's alarms only: CloudFormation names them <stack name>-<logical id>-<suffix>, so the name prefix is the narrowest pattern that covers every alarm the stack creates.",
            appliesTo: [
              { regex: '/^Resource::arn:[^:]+:cloudwatch:[^:]+:.+:alarm:CarbonAwareScheduler-[A-Za-z]+-\\*$/g' },
            ],
          },
        ],
        true,
      );
    }

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    this.api = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: API_NAME,
      description: `${PRODUCT}: carbon data and decisions over HTTP, IAM-authorised (docs/api.md)`,
      createDefaultStage: false,
      defaultAuthorizer: new HttpIamAuthorizer(),
    });
    new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: API_THROTTLE.rateLimit, burstLimit: API_THROTTLE.burstLimit },
      accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(this.accessLogs) },
    });
    const integration = new HttpLambdaIntegration('Integration', this.fn.function, {
      payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
    });
    for (const route of API_ROUTES) {
      this.api.addRoutes({
        path: route.path,
        methods: [route.method === 'GET' ? apigwv2.HttpMethod.GET : apigwv2.HttpMethod.POST],
        integration,
        authorizer: new HttpIamAuthorizer(),
      });
    }

    // Built from the API id (Ref), not the ApiEndpoint attribute: the same URL, and emulators that do not model
    // HTTP APIs (moto) can still deploy the stack (test/integration/README.md).
    new CfnOutput(stack, 'ApiUrl', {
      value: `https://${this.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`,
      description: 'Sustainability HTTP API (SigV4, service execute-api); see docs/api.md',
    });
    new CfnOutput(stack, 'ApiFunctionName', {
      value: this.fn.function.functionName,
      description: 'Function behind the HTTP API',
    });
  }
}
