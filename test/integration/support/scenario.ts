import {
  type _InstanceType,
  DescribeInstanceStatusCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  type Tag,
} from '@aws-sdk/client-ec2';
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { clientConfig } from './deployment';
import { anImage, clients, controlPlane, deployment } from './fixture';

/**
 * Helpers of the scheduler scenarios (scheduler-day, scheduler-scale): what a person or a fleet does between ticks,
 * secrets of the emulated account, and reading the product's items back from the table.
 */

/** Store `value` under the secret `name` in the home region (created, or given a new version). */
export async function putSecret(name: string, value: string): Promise<void> {
  const d = deployment();
  const sm = new SecretsManagerClient(clientConfig(d.endpoint, d.account, controlPlane(d).region));
  try {
    await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: value }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: value }));
  }
}

/** A person stops or starts instances by hand (the console), outside the scheduler. */
export async function byHand(region: string, action: 'stop' | 'start', ids: readonly string[]): Promise<void> {
  const { ec2 } = clients(region);
  if (action === 'stop') await ec2.send(new StopInstancesCommand({ InstanceIds: [...ids] }));
  else await ec2.send(new StartInstancesCommand({ InstanceIds: [...ids] }));
}

/**
 * Launch `reservations` × `perReservation` instances in `region`, one RunInstances call (one reservation) each, at
 * most `concurrency` calls at a time. moto pages DescribeInstances by reservation, so a fleet must span more
 * reservations than a page holds to be paged.
 */
export async function launchReservations(
  region: string,
  reservations: number,
  perReservation: number,
  instanceType: string,
  tags: Record<string, string>,
  concurrency = 8,
): Promise<string[]> {
  const { ec2 } = clients(region);
  const image = await anImage(region);
  const tagList: Tag[] = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  const ids: string[][] = new Array(reservations);
  let next = 0;
  const worker = async () => {
    while (next < reservations) {
      const index = next++;
      const response = await ec2.send(
        new RunInstancesCommand({
          ImageId: image,
          MinCount: perReservation,
          MaxCount: perReservation,
          InstanceType: instanceType as _InstanceType,
          TagSpecifications: [{ ResourceType: 'instance', Tags: tagList }],
        }),
      );
      ids[index] = (response.Instances ?? []).map((i) => i.InstanceId!);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ids.flat();
}

/**
 * The state of every instance of `region` by id, from DescribeInstanceStatus (`IncludeAllInstances`): far lighter
 * than DescribeInstances for big fleets.
 */
export async function instanceStates(region: string): Promise<Map<string, string>> {
  const { ec2 } = clients(region);
  const states = new Map<string, string>();
  let token: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeInstanceStatusCommand({ IncludeAllInstances: true, MaxResults: 1000, NextToken: token }),
    );
    for (const status of page.InstanceStatuses ?? []) states.set(status.InstanceId!, status.InstanceState!.Name!);
    token = page.NextToken;
  } while (token);
  return states;
}

/** Items whose `pk` starts with `prefix`. */
export function itemsWithPrefix(items: readonly Record<string, unknown>[], prefix: string): Record<string, unknown>[] {
  return items.filter((item) => typeof item.pk === 'string' && item.pk.startsWith(prefix));
}
