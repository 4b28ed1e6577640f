import type { Ec2StateName, InstanceFacts } from '../../core/scheduler/instance-facts';

/**
 * Mapping of the DescribeInstances shape (SDK v3 objects, or the JSON `aws ec2 describe-instances` prints, which uses
 * the same PascalCase field names) to {@link InstanceFacts}. Structural types only: no SDK import, so the CLI can use
 * it on a file.
 */

/** The fields of an EC2 `Instance` the scheduler reads. */
export interface DescribedInstance {
  readonly InstanceId?: string;
  readonly InstanceType?: string;
  readonly State?: { readonly Code?: number; readonly Name?: string };
  readonly Placement?: { readonly AvailabilityZone?: string };
  readonly Tags?: readonly { readonly Key?: string; readonly Value?: string }[];
  readonly LaunchTime?: Date | string;
  readonly Architecture?: string;
  readonly HibernationOptions?: { readonly Configured?: boolean };
  readonly InstanceLifecycle?: string;
}

/** A DescribeInstances response page (or the whole CLI document). */
export interface DescribeInstancesDocument {
  readonly Reservations?: readonly { readonly Instances?: readonly DescribedInstance[] }[];
  readonly NextToken?: string;
}

/** A describe-instances document that does not have the expected shape. */
export class FleetDocumentError extends Error {
  constructor(detail: string) {
    super(
      `not a describe-instances document: ${detail}; expected the JSON printed by "aws ec2 describe-instances" ` +
        '({"Reservations": [{"Instances": [{"InstanceId": ..., "InstanceType": ..., "State": {"Name": ...}, ' +
        '"Placement": {"AvailabilityZone": ...}, "Tags": [...]}]}]})',
    );
    this.name = 'FleetDocumentError';
  }
}

const STATES: readonly Ec2StateName[] = ['pending', 'running', 'shutting-down', 'terminated', 'stopping', 'stopped'];

/** EC2 state codes (low byte of `State.Code`) → names, for documents that carry only the code. */
const STATE_CODES: Readonly<Record<number, Ec2StateName>> = {
  0: 'pending',
  16: 'running',
  32: 'shutting-down',
  48: 'terminated',
  64: 'stopping',
  80: 'stopped',
};

const REGION_PREFIX = /^([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+)/;

/**
 * The region of an Availability Zone, Local Zone or Wavelength Zone name: `eu-central-1a` → `eu-central-1`,
 * `us-east-1-bos-1a` → `us-east-1`, `us-east-1-wl1-bos-wlz-1` → `us-east-1`, `us-gov-west-1a` → `us-gov-west-1`.
 * @returns undefined when the name does not start with a region code
 */
export function regionOfAvailabilityZone(zone: string): string | undefined {
  return REGION_PREFIX.exec(zone.trim())?.[1];
}

/**
 * Convert one described instance.
 * @param region the region of the API call; when undefined it is derived from `Placement.AvailabilityZone`
 * @returns the facts, or an error message naming the missing/invalid field
 */
export function instanceFactsFrom(
  instance: DescribedInstance,
  region?: string,
): { ok: true; facts: InstanceFacts } | { ok: false; error: string } {
  const id = instance.InstanceId;
  if (typeof id !== 'string' || id === '') return { ok: false, error: 'an instance has no InstanceId' };
  if (typeof instance.InstanceType !== 'string') return { ok: false, error: `${id}: no InstanceType` };
  const name = instance.State?.Name;
  const code = instance.State?.Code;
  const state =
    typeof name === 'string' && (STATES as readonly string[]).includes(name)
      ? (name as Ec2StateName)
      : typeof code === 'number'
        ? STATE_CODES[code & 0xff]
        : undefined;
  if (state === undefined) return { ok: false, error: `${id}: State.Name ${JSON.stringify(name)} is not an EC2 state` };
  const zone = instance.Placement?.AvailabilityZone;
  const resolvedRegion = region ?? (typeof zone === 'string' ? regionOfAvailabilityZone(zone) : undefined);
  if (resolvedRegion === undefined) {
    return { ok: false, error: `${id}: Placement.AvailabilityZone ${JSON.stringify(zone)} names no region` };
  }
  if (instance.Tags !== undefined && !Array.isArray(instance.Tags)) {
    return { ok: false, error: `${id}: Tags is not a list of {"Key": ..., "Value": ...} objects` };
  }
  const tags: Record<string, string> = {};
  for (const tag of instance.Tags ?? []) {
    if (typeof tag !== 'object' || tag === null) return { ok: false, error: `${id}: Tags holds a non-object entry` };
    if (typeof tag.Key === 'string') tags[tag.Key] = typeof tag.Value === 'string' ? tag.Value : '';
  }
  const launch = instance.LaunchTime;
  const launchTime =
    launch instanceof Date
      ? launch.toISOString()
      : typeof launch === 'string' && !Number.isNaN(Date.parse(launch))
        ? new Date(launch).toISOString()
        : undefined;
  return {
    ok: true,
    facts: {
      instanceId: id,
      region: resolvedRegion,
      instanceType: instance.InstanceType,
      state,
      tags,
      ...(launchTime ? { launchTime } : {}),
      ...(instance.Architecture ? { architecture: instance.Architecture } : {}),
      hibernationConfigured: instance.HibernationOptions?.Configured === true,
      ...(instance.InstanceLifecycle ? { lifecycle: instance.InstanceLifecycle } : {}),
    },
  };
}

/**
 * Every instance of a describe-instances document (all reservations), in document order.
 * @returns facts plus one message per instance that could not be read (it is then left out)
 * @throws {FleetDocumentError} when the document is not an object with a `Reservations` array
 */
export function instancesFromDocument(
  document: unknown,
  region?: string,
): { instances: InstanceFacts[]; errors: string[] } {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new FleetDocumentError('the top level is not an object');
  }
  const reservations = (document as DescribeInstancesDocument).Reservations;
  if (!Array.isArray(reservations)) throw new FleetDocumentError('"Reservations" is missing or not an array');
  const instances: InstanceFacts[] = [];
  const errors: string[] = [];
  reservations.forEach((reservation, index) => {
    const list = (reservation as { Instances?: unknown } | null)?.Instances;
    if (!Array.isArray(list)) {
      errors.push(`Reservations[${index}]: "Instances" is missing or not an array`);
      return;
    }
    for (const instance of list as DescribedInstance[]) {
      if (typeof instance !== 'object' || instance === null || Array.isArray(instance)) {
        errors.push(`Reservations[${index}]: an entry of "Instances" is not an object`);
        continue;
      }
      const result = instanceFactsFrom(instance, region);
      if (result.ok) instances.push(result.facts);
      else errors.push(result.error);
    }
  });
  return { instances, errors };
}
