import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CloudFormationClient,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { LocalLambdaSpec } from './local-lambda';

/** Repository root. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CDK_BIN = join(REPOSITORY_ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');

/** Credentials of one emulated account. */
export interface AccountCredentials {
  readonly accountId: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** moto's default account: any access key it has not issued maps to 123456789012. */
export const DEFAULT_ACCOUNT: AccountCredentials = {
  accountId: '123456789012',
  accessKeyId: 'test',
  secretAccessKey: 'test',
};

/** Environment variables that point the SDK and the CDK CLI at moto, as `account`. */
export function accountEnvironment(endpoint: string, account: AccountCredentials): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: account.accessKeyId,
    AWS_SECRET_ACCESS_KEY: account.secretAccessKey,
    ...(account.sessionToken ? { AWS_SESSION_TOKEN: account.sessionToken } : {}),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** SDK client settings for `region` of `account` in moto. */
export function clientConfig(endpoint: string, account: AccountCredentials, region: string) {
  return {
    endpoint,
    region,
    credentials: {
      accessKeyId: account.accessKeyId,
      secretAccessKey: account.secretAccessKey,
      ...(account.sessionToken ? { sessionToken: account.sessionToken } : {}),
    },
    maxAttempts: 2,
  };
}

/**
 * Credentials of another emulated account: moto issues them for an AssumeRole into any role ARN of that account and
 * then scopes every call made with them to it.
 */
export async function assumeAccount(endpoint: string, accountId: string): Promise<AccountCredentials> {
  const sts = new STSClient(clientConfig(endpoint, DEFAULT_ACCOUNT, 'us-east-1'));
  const response = await sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/integration-admin`, RoleSessionName: 'tests' }),
  );
  const c = response.Credentials!;
  return { accountId, accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

/** The result of a CDK CLI command. */
export interface CdkRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the project's CDK CLI (`aws-cdk` from node_modules) with `args` against moto as `account`. */
export async function runCdk(args: readonly string[], endpoint: string, account: AccountCredentials): Promise<CdkRun> {
  const port = new URL(endpoint).port;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...accountEnvironment(endpoint, account),
    // moto misreads the template URL unless CloudFormation's S3 endpoint is `localhost`.
    AWS_ENDPOINT_URL_S3_FOR_CLOUDFORMATION: `http://localhost:${port}`,
    AWS_REGION: 'us-east-1',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    CDK_DISABLE_VERSION_CHECK: 'true',
    FORCE_COLOR: '0',
    CI: 'true',
  };
  delete env.CDK_DEFAULT_ACCOUNT;
  delete env.CDK_DEFAULT_REGION;
  return await new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CDK_BIN, ...args, '--no-notices'], {
      cwd: REPOSITORY_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
  });
}

/** Like {@link runCdk}, but throws with the CLI's output when it fails. */
export async function cdkOrThrow(args: readonly string[], endpoint: string, account: AccountCredentials) {
  const run = await runCdk(args, endpoint, account);
  if (run.code !== 0) {
    throw new Error(
      `cdk ${args.join(' ')} failed (exit ${run.code}):\n${run.stderr.slice(-6000)}\n${run.stdout.slice(-2000)}`,
    );
  }
  return run;
}

/**
 * `cdk deploy --all` of an already synthesized assembly into moto: one stack at a time (moto leaves concurrent
 * deployments in one region in REVIEW_IN_PROGRESS) and without change sets (moto's change sets lose stack outputs).
 */
export async function deployAssembly(assemblyDir: string, endpoint: string, account: AccountCredentials) {
  return await cdkOrThrow(
    [
      'deploy',
      '--all',
      '--app',
      assemblyDir,
      '--require-approval',
      'never',
      '--concurrency',
      '1',
      '--method',
      'direct',
    ],
    endpoint,
    account,
  );
}

/** The regions of every stack in a cloud assembly (from its manifest). */
export function assemblyRegions(assemblyDir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(assemblyDir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; environment?: string }>;
  };
  const regions = new Set<string>();
  for (const artifact of Object.values(manifest.artifacts)) {
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.environment) continue;
    regions.add(artifact.environment.split('/').pop()!);
  }
  return [...regions].sort();
}

/**
 * Synthesize the app with bundling (the real esbuild bundles) for `configPath` into `assemblyDir`, bootstrap every
 * region it needs in `account`, and deploy every stack from that assembly, so what runs later is exactly what was
 * deployed. Returns the wall time of each step.
 */
export async function synthAndDeploy(
  configPath: string,
  assemblyDir: string,
  endpoint: string,
  account: AccountCredentials,
): Promise<{ synthMs: number; bootstrapMs: number; deployMs: number; deployOutput: string }> {
  let t = Date.now();
  await cdkOrThrow(['synth', '--quiet', '-c', `config=${resolve(configPath)}`, '-o', assemblyDir], endpoint, account);
  const synthMs = Date.now() - t;
  t = Date.now();
  const environments = assemblyRegions(assemblyDir).map((region) => `aws://${account.accountId}/${region}`);
  await cdkOrThrow(['bootstrap', ...environments, '--app', assemblyDir], endpoint, account);
  const bootstrapMs = Date.now() - t;
  t = Date.now();
  const deploy = await deployAssembly(assemblyDir, endpoint, account);
  return { synthMs, bootstrapMs, deployMs: Date.now() - t, deployOutput: deploy.stderr + deploy.stdout };
}

/** One deployed stack: its template in the assembly, its outputs and its physical resources in moto. */
export interface DeployedStack {
  readonly stackName: string;
  readonly region: string;
  readonly template: CfnTemplate;
  readonly outputs: Record<string, string>;
  /** Logical id → physical id. */
  readonly resources: Record<string, string>;
}

/** The parts of a CloudFormation template the tests read. */
export interface CfnTemplate {
  readonly Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  readonly Outputs?: Record<string, unknown>;
}

/** Everything the scenarios need about a deployment: stacks and every function as a {@link LocalLambdaSpec}. */
export interface Deployment {
  readonly endpoint: string;
  readonly account: AccountCredentials;
  readonly assemblyDir: string;
  readonly configPath: string;
  readonly stacks: DeployedStack[];
  /** Functions by logical id of their stack, e.g. `ControlPlane/SchedulerFunctionA1BD39EF` → spec. */
  readonly functions: LocalLambdaSpec[];
}

/** Read back a deployment from moto: stacks, outputs, resources and each function's deployed configuration. */
export async function readDeployment(
  assemblyDir: string,
  configPath: string,
  endpoint: string,
  account: AccountCredentials,
): Promise<Deployment> {
  const stacks: DeployedStack[] = [];
  const functions: LocalLambdaSpec[] = [];
  const templates = readdirSync(assemblyDir).filter((f) => f.endsWith('.template.json'));
  const manifest = JSON.parse(readFileSync(join(assemblyDir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<
      string,
      { type: string; environment?: string; properties?: { templateFile?: string; stackName?: string } }
    >;
  };
  for (const [artifactId, artifact] of Object.entries(manifest.artifacts)) {
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const templateFile = artifact.properties?.templateFile ?? `${artifactId}.template.json`;
    if (!templates.includes(templateFile)) continue;
    const stackName = artifact.properties?.stackName ?? artifactId;
    const region = artifact.environment!.split('/').pop()!;
    const template = JSON.parse(readFileSync(join(assemblyDir, templateFile), 'utf8')) as CfnTemplate;
    const cfn = new CloudFormationClient(clientConfig(endpoint, account, region));
    const described = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const outputs = Object.fromEntries(
      (described.Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]),
    );
    const stackResources = await cfn.send(new DescribeStackResourcesCommand({ StackName: stackName }));
    const resources = Object.fromEntries(
      (stackResources.StackResources ?? []).map((r) => [r.LogicalResourceId!, r.PhysicalResourceId!]),
    );
    stacks.push({ stackName, region, template, outputs, resources });
    const lambda = new LambdaClient(clientConfig(endpoint, account, region));
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const physical = resources[logicalId];
      if (!physical) throw new Error(`${stackName}/${logicalId} was not created`);
      const configuration = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: physical }));
      const code = resource.Properties?.Code as { S3Key?: string } | undefined;
      const assetHash = code?.S3Key?.replace(/\.zip$/, '');
      const codeDirectory = join(assemblyDir, `asset.${assetHash}`);
      if (!assetHash || !existsSync(codeDirectory)) {
        throw new Error(`${stackName}/${logicalId}: deployed code ${code?.S3Key} is not in the assembly`);
      }
      functions.push({
        functionName: configuration.FunctionName!,
        functionArn: configuration.FunctionArn!,
        region,
        codeDirectory,
        handler: configuration.Handler!,
        timeoutSeconds: configuration.Timeout!,
        memoryMB: configuration.MemorySize!,
        environment: configuration.Environment?.Variables ?? {},
        accountEnvironment: accountEnvironment(endpoint, account),
      });
    }
  }
  return { endpoint, account, assemblyDir, configPath, stacks, functions };
}
