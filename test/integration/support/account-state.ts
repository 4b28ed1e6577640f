import { readFileSync } from 'node:fs';
import {
  ConflictException,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  type GetScheduleCommandOutput,
  ListSchedulesCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { clientConfig, type Deployment } from './deployment';
import { controlPlane, deployment, instances, tableItems } from './fixture';

/**
 * What the emulated account holds, for "did anything change?" checks: every instance's state, type and tags in
 * some regions, every item of the state table, and every EventBridge Scheduler schedule of the home region.
 */

/** An instance as far as the product could change it. */
export interface InstanceSnapshot {
  readonly region: string;
  readonly state: string;
  readonly instanceType: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** Every non-terminated instance of `regions`, by id. */
export async function ec2Snapshot(regions: readonly string[]): Promise<Record<string, InstanceSnapshot>> {
  const out: Record<string, InstanceSnapshot> = {};
  for (const region of regions) {
    for (const [id, instance] of await instances(region)) {
      out[id] = {
        region,
        state: instance.State?.Name ?? 'unknown',
        instanceType: instance.InstanceType ?? 'unknown',
        tags: Object.fromEntries((instance.Tags ?? []).map((t) => [t.Key!, t.Value ?? ''])),
      };
    }
  }
  return out;
}

/** The state table's items sorted by key, for before/after comparison. */
export async function tableSnapshot(d: Deployment = deployment()): Promise<Record<string, unknown>[]> {
  const items = await tableItems(d);
  return items.sort((a, b) => `${a.pk}\u0000${a.sk}`.localeCompare(`${b.pk}\u0000${b.sk}`));
}

/** A scheduler client of the home region. */
export function schedulerClient(d: Deployment = deployment()): SchedulerClient {
  return new SchedulerClient(clientConfig(d.endpoint, d.account, controlPlane(d).region));
}

/** Every schedule in every group of the home region (`group/name`), with its details. */
export async function schedules(d: Deployment = deployment()): Promise<GetScheduleCommandOutput[]> {
  const client = schedulerClient(d);
  const listed = await client.send(new ListSchedulesCommand({}));
  const out: GetScheduleCommandOutput[] = [];
  for (const summary of listed.Schedules ?? []) {
    out.push(await client.send(new GetScheduleCommand({ Name: summary.Name!, GroupName: summary.GroupName! })));
  }
  return out.sort((a, b) => `${a.GroupName}/${a.Name}`.localeCompare(`${b.GroupName}/${b.Name}`));
}

/** Delete every schedule of the home region (a scenario starts without deferrals). */
export async function deleteAllSchedules(d: Deployment = deployment()): Promise<void> {
  const client = schedulerClient(d);
  const listed = await client.send(new ListSchedulesCommand({}));
  for (const summary of listed.Schedules ?? []) {
    await client.send(new DeleteScheduleCommand({ Name: summary.Name!, GroupName: summary.GroupName! }));
  }
}

/**
 * The deployed deferral schedule group's name (the `AWS::Scheduler::ScheduleGroup` of the control plane). moto's
 * CloudFormation accepts that resource without creating the group, so this creates it as CloudFormation would
 * have; without it moto fails every CreateSchedule in the group with an internal error.
 */
export async function ensureDeferralScheduleGroup(d: Deployment = deployment()): Promise<string> {
  const resources = Object.values(controlPlane(d).template.Resources).filter(
    (r) => r.Type === 'AWS::Scheduler::ScheduleGroup',
  );
  if (resources.length !== 1)
    throw new Error(`expected one schedule group in the control plane, found ${resources.length}`);
  const name = resources[0]!.Properties?.Name;
  if (typeof name !== 'string') throw new Error('the schedule group has no literal Name');
  try {
    await schedulerClient(d).send(new CreateScheduleGroupCommand({ Name: name }));
  } catch (error) {
    if (!(error instanceof ConflictException)) throw error;
  }
  return name;
}

/** The scenario configuration file as written (JSON). */
export function scenarioConfig(d: Deployment = deployment()): Record<string, unknown> {
  return JSON.parse(readFileSync(d.configPath, 'utf8')) as Record<string, unknown>;
}
