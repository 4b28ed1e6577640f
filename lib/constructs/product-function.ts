import { join } from 'node:path';
import { ArnFormat, Duration, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { FUNCTION_CONFIG_FILE } from '../../lambdas/contract';
import { copyCommand } from '../function-config';
import { repositoryRoot } from '../paths';

/** Typed settings of one product Lambda. */
export interface ProductFunctionProps {
  /** Path of the handler file (exports `handler`), absolute or relative to the repository root. */
  readonly entry: string;
  /** Powertools service name, e.g. `scheduler`; also used in the log group and metrics. */
  readonly serviceName: string;
  /** CloudWatch metrics namespace for EMF metrics (config `metricsNamespace`). */
  readonly metricsNamespace: string;
  /** Log retention (config `logRetentionDays`). */
  readonly logRetention: logs.RetentionDays;
  readonly description: string;
  /** Memory in MiB; default 512 (ARM64 Lambda gets proportional CPU). */
  readonly memorySize?: number;
  /** Timeout; default 1 minute. */
  readonly timeout?: Duration;
  /** Extra environment variables (never secrets, never the configuration: see `configFile`). */
  readonly environment?: Record<string, string>;
  /**
   * The validated configuration file (lib/function-config.ts) to bundle into this function's code as `config.json`,
   * for functions that read the configuration (lambdas/handlers/shared/function-config.ts). Its content is part of
   * the asset, so the asset hash, and with it the deployed code, changes when the configuration changes.
   */
  readonly configFile?: string;
  /** Deterministic function name; only where another stack must address the function by name (workers). */
  readonly functionName?: string;
  /** Reserved concurrency, e.g. 1 for the scheduler so runs never overlap at the Lambda level. */
  readonly reservedConcurrentExecutions?: number;
  /** Retries of failed asynchronous invocations before the DLQ (0–2); default 2 (Lambda's default). */
  readonly asyncRetryAttempts?: number;
  /**
   * How long Lambda keeps an asynchronous event (queued, throttled or between retries) before it goes to the DLQ
   * (60 s to 6 h); default 6 h (Lambda's default). Scheduled functions set one interval (docs/run-safety.md).
   */
  readonly maxEventAge?: Duration;
}

/**
 * Bundling hooks that copy the configuration file into the bundle output next to `index.mjs`, after esbuild ran
 * (local bundling, no Docker: the CDK runs these commands in a shell on this machine).
 */
function configHooks(configFile: string) {
  return {
    beforeBundling: (): string[] => [],
    beforeInstall: (): string[] => [],
    afterBundling: (_inputDir: string, outputDir: string): string[] => [
      copyCommand(configFile, join(outputDir, FUNCTION_CONFIG_FILE)),
    ],
  };
}

/**
 * The one construct every Lambda of the product uses: Node.js 22 on ARM64, bundled locally with esbuild (no Docker),
 * an explicit log group with retention, JSON logs, X-Ray active tracing, the Powertools environment, a dead-letter
 * queue for asynchronous invocations, and a role that holds only what the function is granted (no managed policies).
 */
export class ProductFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly deadLetterQueue: sqs.Queue;
  /** The Powertools service name (the `service` of its logs and metrics). */
  readonly serviceName: string;

  constructor(scope: Construct, id: string, props: ProductFunctionProps) {
    super(scope, id);
    this.serviceName = props.serviceName;
    this.logGroup = new logs.LogGroup(this, 'LogGroup', { retention: props.logRetention });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the carbon-aware-scheduler ${props.serviceName} function`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn, `${this.logGroup.logGroupArn}:*`],
      }),
    );

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      projectRoot: repositoryRoot,
      depsLockFilePath: `${repositoryRoot}package-lock.json`,
      handler: 'handler',
      description: props.description,
      functionName: props.functionName,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.minutes(1),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      tracing: lambda.Tracing.ACTIVE,
      deadLetterQueue: this.deadLetterQueue,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      retryAttempts: props.asyncRetryAttempts,
      maxEventAge: props.maxEventAge,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        // ESM bundles still meet CommonJS dependencies that call require(); give them one.
        banner:
          "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);",
        externalModules: [],
        ...(props.configFile ? { commandHooks: configHooks(props.configFile) } : {}),
      },
    });

    NagSuppressions.addResourceSuppressions(
      this.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions (resource "*" is required), and the log-stream ARN suffix ":*" is scoped to this function\'s own log group.',
          appliesTo: ['Resource::*', { regex: '/^Resource::<.*LogGroup.*\\.Arn>:\\*$/g' }],
        },
      ],
      true,
    );
    NagSuppressions.addResourceSuppressions(this.deadLetterQueue, [
      {
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself the dead-letter queue of the function; a DLQ of a DLQ adds nothing.',
      },
    ]);
    NagSuppressions.addResourceSuppressions(this.function, [
      {
        id: 'AwsSolutions-L1',
        reason:
          'The product pins Node.js 22 (an LTS runtime supported by Lambda) so bundles are tested against the runtime they run on; moving to a newer runtime is a deliberate upgrade.',
      },
    ]);
  }

  /** Grant the function additional permissions. */
  addToRolePolicy(statement: iam.PolicyStatement): void {
    this.role.addToPrincipalPolicy(statement);
  }

  /** ARN of this function built from its deterministic name (for use in another stack or region). */
  static arnFor(stack: Stack, region: string, functionName: string): string {
    return stack.formatArn({
      service: 'lambda',
      region,
      resource: 'function',
      resourceName: functionName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }
}
