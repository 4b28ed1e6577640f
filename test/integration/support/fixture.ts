import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _InstanceType,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  EC2Client,
  type Instance,
  RunInstancesCommand,
  type Tag,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { clientConfig, type Deployment } from './deployment';
import { LocalLambda } from './local-lambda';

/** The deployment the global setup made (see global-setup.ts). */
export function deployment(): Deployment {
  return inject('deployment');
}

/** The control-plane stack of the deployment. */
export function controlPlane(d: Deployment = deployment()) {
  const stack = d.stacks.find((s) => s.stackName === 'CarbonAwareScheduler-ControlPlane');
  if (!stack) throw new Error('the control plane was not deployed');
  return stack;
}

/**
 * A warm container of the deployed function whose logical id starts with `logicalIdPrefix` (e.g. `Scheduler`,
 * `CarbonFetcher`) in `stackName`, with optional extra environment (test-only endpoints such as provider URLs).
 */
export function localFunction(
  logicalIdPrefix: string,
  options: { stackName?: string; extraEnvironment?: Record<string, string>; endpoint?: string } = {},
  d: Deployment = deployment(),
): LocalLambda {
  const stack = d.stacks.find((s) => s.stackName === (options.stackName ?? 'CarbonAwareScheduler-ControlPlane'));
  if (!stack) throw new Error(`stack ${options.stackName} was not deployed`);
  const logicalIds = Object.entries(stack.template.Resources)
    .filter(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(logicalIdPrefix))
    .map(([id]) => id);
  if (logicalIds.length !== 1) {
    throw new Error(`${logicalIdPrefix}: expected one function in ${stack.stackName}, found ${logicalIds.join(', ')}`);
  }
  const physical = stack.resources[logicalIds[0]!]!;
  const spec = d.functions.find((f) => f.functionName === physical && f.region === stack.region);
  if (!spec) throw new Error(`${physical} has no deployed configuration`);
  return new LocalLambda({
    ...spec,
    accountEnvironment: {
      ...spec.accountEnvironment,
      ...(options.endpoint ? { AWS_ENDPOINT_URL: options.endpoint } : {}),
      ...options.extraEnvironment,
    },
  });
}

/** SDK clients for the emulated account. */
export function clients(region: string, d: Deployment = deployment()) {
  const config = clientConfig(d.endpoint, d.account, region);
  const dynamodb = new DynamoDBClient(config);
  return {
    ec2: new EC2Client(config),
    dynamodb,
    doc: DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } }),
  };
}

/** The deployed state table's name. */
export function tableName(d: Deployment = deployment()): string {
  const name = controlPlane(d).outputs.StateTableName;
  if (!name) throw new Error('the control plane has no StateTableName output');
  return name;
}

/** Every item of the state table (a test-side Scan; the product never scans). */
export async function tableItems(d: Deployment = deployment()): Promise<Record<string, unknown>[]> {
  const { doc } = clients(controlPlane(d).region, d);
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: tableName(d), ExclusiveStartKey: start }));
    items.push(...((page.Items ?? []) as Record<string, unknown>[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Delete every item of the state table, so a scenario starts from an empty history. */
export async function clearTable(d: Deployment = deployment()): Promise<void> {
  const { doc } = clients(controlPlane(d).region, d);
  const items = await tableItems(d);
  for (let i = 0; i < items.length; i += 25) {
    const batch = items.slice(i, i + 25);
    await doc.send(
      new BatchWriteCommand({
        RequestItems: {
          [tableName(d)]: batch.map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })),
        },
      }),
    );
  }
}

/** An image id moto knows in `region`. */
export async function anImage(region: string): Promise<string> {
  const { ec2 } = clients(region);
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
  const id = images.Images?.find((image) => image.Architecture === 'x86_64')?.ImageId ?? images.Images?.[0]?.ImageId;
  if (!id) throw new Error(`moto has no image in ${region}`);
  return id;
}

/** Launch `count` instances of `instanceType` with `tags` in `region`; returns their ids. */
export async function launch(
  region: string,
  count: number,
  instanceType: string,
  tags: Record<string, string>,
  options: { image?: string; spot?: boolean } = {},
): Promise<string[]> {
  const { ec2 } = clients(region);
  const image = options.image ?? (await anImage(region));
  const ids: string[] = [];
  const tagList: Tag[] = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  for (let remaining = count; remaining > 0; ) {
    const n = Math.min(remaining, 500);
    const response = await ec2.send(
      new RunInstancesCommand({
        ImageId: image,
        MinCount: n,
        MaxCount: n,
        InstanceType: instanceType as _InstanceType,
        ...(tagList.length > 0 ? { TagSpecifications: [{ ResourceType: 'instance', Tags: tagList }] } : {}),
        ...(options.spot ? { InstanceMarketOptions: { MarketType: 'spot' } } : {}),
      }),
    );
    ids.push(...(response.Instances ?? []).map((i) => i.InstanceId!));
    remaining -= n;
  }
  return ids;
}

/** Every instance of `region` that is not terminated, by id. */
export async function instances(region: string): Promise<Map<string, Instance>> {
  const { ec2 } = clients(region);
  const found = new Map<string, Instance>();
  let token: string | undefined;
  do {
    const page = await ec2.send(new DescribeInstancesCommand({ NextToken: token, MaxResults: 1000 }));
    for (const reservation of page.Reservations ?? []) {
      for (const instance of reservation.Instances ?? []) {
        if (instance.State?.Name !== 'terminated') found.set(instance.InstanceId!, instance);
      }
    }
    token = page.NextToken;
  } while (token);
  return found;
}

/** Terminate every instance in `regions`, so a scenario starts from an empty fleet. */
export async function terminateAll(regions: readonly string[]): Promise<void> {
  for (const region of regions) {
    const ids = [...(await instances(region)).keys()];
    const { ec2 } = clients(region);
    for (let i = 0; i < ids.length; i += 500) {
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: ids.slice(i, i + 500) }));
    }
  }
}
