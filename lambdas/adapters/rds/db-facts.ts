import { rdsState } from '../../core/resources/state';
import type { DbClusterResource, RdsInstanceResource } from '../../core/resources/types';
import { regionOfAvailabilityZone } from '../ec2/instance-facts';

/**
 * Mapping of the DescribeDBInstances and DescribeDBClusters shapes (SDK v3 objects, or the JSON `aws rds
 * describe-db-instances` / `describe-db-clusters` print, with the same PascalCase names) to the resource model.
 * Structural types only: no SDK import, so the CLI can use it on a file.
 */

type Tags = readonly { readonly Key?: string; readonly Value?: string }[];

/** The fields of a `DBInstance` the scheduler reads. */
export interface DescribedDbInstance {
  readonly DBInstanceIdentifier?: string;
  readonly DBInstanceArn?: string;
  readonly DBInstanceClass?: string;
  readonly Engine?: string;
  readonly EngineVersion?: string;
  readonly DBInstanceStatus?: string;
  readonly MultiAZ?: boolean;
  readonly DBClusterIdentifier?: string;
  readonly ReadReplicaSourceDBInstanceIdentifier?: string;
  readonly ReadReplicaSourceDBClusterIdentifier?: string;
  readonly ReadReplicaDBInstanceIdentifiers?: readonly string[];
  readonly ReadReplicaDBClusterIdentifiers?: readonly string[];
  readonly PreferredMaintenanceWindow?: string;
  readonly LicenseModel?: string;
  readonly AvailabilityZone?: string;
  readonly TagList?: Tags;
}

/** The fields of a `DBCluster` the scheduler reads. */
export interface DescribedDbCluster {
  readonly DBClusterIdentifier?: string;
  readonly DBClusterArn?: string;
  readonly Engine?: string;
  readonly EngineVersion?: string;
  readonly EngineMode?: string;
  readonly Status?: string;
  readonly MultiAZ?: boolean;
  readonly DBClusterMembers?: readonly { readonly DBInstanceIdentifier?: string; readonly IsClusterWriter?: boolean }[];
  readonly GlobalClusterIdentifier?: string;
  readonly ReplicationSourceIdentifier?: string;
  readonly ReadReplicaIdentifiers?: readonly string[];
  readonly DBClusterInstanceClass?: string;
  readonly PreferredMaintenanceWindow?: string;
  readonly StorageType?: string;
  readonly AvailabilityZones?: readonly string[];
  readonly TagList?: Tags;
}

/** A describe-db-instances / describe-db-clusters document that does not have the expected shape. */
export class DbDocumentError extends Error {
  constructor(kind: 'instances' | 'clusters', detail: string) {
    super(
      kind === 'instances'
        ? `not a describe-db-instances document: ${detail}; expected the JSON printed by "aws rds describe-db-instances" ({"DBInstances": [{"DBInstanceIdentifier": ..., "DBInstanceClass": ..., "Engine": ..., "DBInstanceStatus": ..., "TagList": [...]}]})`
        : `not a describe-db-clusters document: ${detail}; expected the JSON printed by "aws rds describe-db-clusters" ({"DBClusters": [{"DBClusterIdentifier": ..., "Engine": ..., "Status": ..., "DBClusterMembers": [...], "TagList": [...]}]})`,
    );
    this.name = 'DbDocumentError';
  }
}

/** Region and account of an ARN (`arn:aws:rds:eu-central-1:123456789012:db:orders`). */
export function arnParts(arn: unknown): { region?: string; accountId?: string } {
  if (typeof arn !== 'string') return {};
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return {};
  return {
    ...(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/.test(parts[3] ?? '') ? { region: parts[3] } : {}),
    ...(/^\d{12}$/.test(parts[4] ?? '') ? { accountId: parts[4] } : {}),
  };
}

function tagsOf(list: unknown, id: string): { ok: true; tags: Record<string, string> } | { ok: false; error: string } {
  if (list === undefined) return { ok: true, tags: {} };
  if (!Array.isArray(list))
    return { ok: false, error: `${id}: TagList is not a list of {"Key": ..., "Value": ...} objects` };
  const tags: Record<string, string> = {};
  for (const tag of list) {
    if (typeof tag !== 'object' || tag === null) return { ok: false, error: `${id}: TagList holds a non-object entry` };
    const { Key, Value } = tag as { Key?: unknown; Value?: unknown };
    if (typeof Key === 'string') tags[Key] = typeof Value === 'string' ? Value : '';
  }
  return { ok: true, tags };
}

const stringList = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : [];

const optionalString = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/**
 * Convert one described DB instance.
 * @param region the region of the API call; when undefined it comes from the ARN or `AvailabilityZone`
 */
export function dbInstanceFrom(
  described: DescribedDbInstance,
  region?: string,
): { ok: true; resource: RdsInstanceResource } | { ok: false; error: string } {
  const id = described.DBInstanceIdentifier;
  if (typeof id !== 'string' || id === '') return { ok: false, error: 'a DB instance has no DBInstanceIdentifier' };
  for (const field of ['DBInstanceClass', 'Engine', 'DBInstanceStatus'] as const) {
    if (typeof described[field] !== 'string' || described[field] === '')
      return { ok: false, error: `${id}: no ${field}` };
  }
  const fromArn = arnParts(described.DBInstanceArn);
  const zone = described.AvailabilityZone;
  const resolved = region ?? fromArn.region ?? (typeof zone === 'string' ? regionOfAvailabilityZone(zone) : undefined);
  if (resolved === undefined)
    return { ok: false, error: `${id}: neither DBInstanceArn nor AvailabilityZone names a region` };
  const tags = tagsOf(described.TagList, id);
  if (!tags.ok) return tags;
  const status = described.DBInstanceStatus!;
  const replicaOf =
    optionalString(described.ReadReplicaSourceDBInstanceIdentifier) ??
    optionalString(described.ReadReplicaSourceDBClusterIdentifier);
  const clusterId = optionalString(described.DBClusterIdentifier);
  return {
    ok: true,
    resource: {
      type: 'rds-instance',
      id,
      ...(typeof described.DBInstanceArn === 'string' ? { arn: described.DBInstanceArn } : {}),
      region: resolved,
      ...(fromArn.accountId ? { accountId: fromArn.accountId } : {}),
      tags: tags.tags,
      status,
      state: rdsState(status),
      instanceClass: described.DBInstanceClass!,
      engine: described.Engine!,
      ...(optionalString(described.EngineVersion) ? { engineVersion: described.EngineVersion } : {}),
      multiAZ: described.MultiAZ === true,
      ...(clusterId ? { clusterId } : {}),
      ...(replicaOf ? { replicaOf } : {}),
      readReplicas: [
        ...stringList(described.ReadReplicaDBInstanceIdentifiers),
        ...stringList(described.ReadReplicaDBClusterIdentifiers),
      ],
      ...(optionalString(described.PreferredMaintenanceWindow)
        ? { preferredMaintenanceWindow: described.PreferredMaintenanceWindow }
        : {}),
      ...(optionalString(described.LicenseModel) ? { licenseModel: described.LicenseModel } : {}),
    },
  };
}

/**
 * Convert one described DB cluster. Member classes come from `instanceClasses` (DB instance identifier → class,
 * from DescribeDBInstances), since DescribeDBClusters does not report them.
 */
export function dbClusterFrom(
  described: DescribedDbCluster,
  region?: string,
  instanceClasses: ReadonlyMap<string, string> = new Map(),
): { ok: true; resource: DbClusterResource } | { ok: false; error: string } {
  const id = described.DBClusterIdentifier;
  if (typeof id !== 'string' || id === '') return { ok: false, error: 'a DB cluster has no DBClusterIdentifier' };
  for (const field of ['Engine', 'Status'] as const) {
    if (typeof described[field] !== 'string' || described[field] === '')
      return { ok: false, error: `${id}: no ${field}` };
  }
  const fromArn = arnParts(described.DBClusterArn);
  const zone = Array.isArray(described.AvailabilityZones) ? described.AvailabilityZones[0] : undefined;
  const resolved = region ?? fromArn.region ?? (typeof zone === 'string' ? regionOfAvailabilityZone(zone) : undefined);
  if (resolved === undefined)
    return { ok: false, error: `${id}: neither DBClusterArn nor AvailabilityZones names a region` };
  const tags = tagsOf(described.TagList, id);
  if (!tags.ok) return tags;
  if (described.DBClusterMembers !== undefined && !Array.isArray(described.DBClusterMembers)) {
    return { ok: false, error: `${id}: DBClusterMembers is not a list` };
  }
  const members = (described.DBClusterMembers ?? []).flatMap((member) => {
    const memberId = typeof member === 'object' && member !== null ? member.DBInstanceIdentifier : undefined;
    if (typeof memberId !== 'string' || memberId === '') return [];
    const instanceClass = instanceClasses.get(memberId);
    return [{ id: memberId, writer: member.IsClusterWriter === true, ...(instanceClass ? { instanceClass } : {}) }];
  });
  const status = described.Status!;
  return {
    ok: true,
    resource: {
      type: 'rds-cluster',
      id,
      ...(typeof described.DBClusterArn === 'string' ? { arn: described.DBClusterArn } : {}),
      region: resolved,
      ...(fromArn.accountId ? { accountId: fromArn.accountId } : {}),
      tags: tags.tags,
      status,
      state: rdsState(status),
      engine: described.Engine!,
      ...(optionalString(described.EngineVersion) ? { engineVersion: described.EngineVersion } : {}),
      ...(optionalString(described.EngineMode) ? { engineMode: described.EngineMode } : {}),
      members,
      ...(optionalString(described.GlobalClusterIdentifier)
        ? { globalClusterId: described.GlobalClusterIdentifier }
        : {}),
      ...(optionalString(described.ReplicationSourceIdentifier)
        ? { replicationSource: described.ReplicationSourceIdentifier }
        : {}),
      readReplicas: stringList(described.ReadReplicaIdentifiers),
      ...(optionalString(described.DBClusterInstanceClass)
        ? { clusterInstanceClass: described.DBClusterInstanceClass }
        : {}),
      ...(optionalString(described.PreferredMaintenanceWindow)
        ? { preferredMaintenanceWindow: described.PreferredMaintenanceWindow }
        : {}),
      multiAZ: described.MultiAZ === true,
      ...(optionalString(described.StorageType) ? { storageType: described.StorageType } : {}),
    },
  };
}

/** Identifier → class of every DB instance of a list (for cluster members). */
export function instanceClassesOf(instances: readonly DescribedDbInstance[]): Map<string, string> {
  const classes = new Map<string, string>();
  for (const instance of instances) {
    if (typeof instance?.DBInstanceIdentifier === 'string' && typeof instance.DBInstanceClass === 'string') {
      classes.set(instance.DBInstanceIdentifier, instance.DBInstanceClass);
    }
  }
  return classes;
}

function entries(document: unknown, key: 'DBInstances' | 'DBClusters'): unknown[] {
  const kind = key === 'DBInstances' ? 'instances' : 'clusters';
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new DbDocumentError(kind, 'the top level is not an object');
  }
  const list = (document as Record<string, unknown>)[key];
  if (!Array.isArray(list)) throw new DbDocumentError(kind, `"${key}" is missing or not an array`);
  return list;
}

/**
 * Every DB instance of a describe-db-instances document, in order.
 * @returns resources plus one message per entry that could not be read (it is then left out)
 * @throws {DbDocumentError} when the document has no `DBInstances` array
 */
export function dbInstancesFromDocument(document: unknown): { resources: RdsInstanceResource[]; errors: string[] } {
  const resources: RdsInstanceResource[] = [];
  const errors: string[] = [];
  entries(document, 'DBInstances').forEach((entry, index) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      errors.push(`DBInstances[${index}] is not an object`);
      return;
    }
    const result = dbInstanceFrom(entry as DescribedDbInstance);
    if (result.ok) resources.push(result.resource);
    else errors.push(result.error);
  });
  return { resources, errors };
}

/**
 * Every DB cluster of a describe-db-clusters document, in order; member classes from `instances` when the same
 * file also holds a `DBInstances` list.
 * @throws {DbDocumentError} when the document has no `DBClusters` array
 */
export function dbClustersFromDocument(
  document: unknown,
  instanceClasses: ReadonlyMap<string, string> = new Map(),
): { resources: DbClusterResource[]; errors: string[] } {
  const resources: DbClusterResource[] = [];
  const errors: string[] = [];
  entries(document, 'DBClusters').forEach((entry, index) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      errors.push(`DBClusters[${index}] is not an object`);
      return;
    }
    const result = dbClusterFrom(entry as DescribedDbCluster, undefined, instanceClasses);
    if (result.ok) resources.push(result.resource);
    else errors.push(result.error);
  });
  return { resources, errors };
}
