import type { InstanceFacts } from '../scheduler/instance-facts';

/**
 * The resources the scheduler can manage besides (and including) EC2 instances, as one abstraction: what they are,
 * where they are, their tags, their state mapped to the scheduler's states, and which actions exist for them.
 * Semantics per type: docs/resources.md.
 */

/** Resource types, as they appear in plans, events and the state table. */
export const RESOURCE_TYPES = ['ec2-instance', 'rds-instance', 'rds-cluster', 'autoscaling-group'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** Human names of the types, for reasons and tables. */
export const RESOURCE_TYPE_NAMES: Readonly<Record<ResourceType, string>> = {
  'ec2-instance': 'EC2 instance',
  'rds-instance': 'RDS DB instance',
  'rds-cluster': 'DB cluster',
  'autoscaling-group': 'Auto Scaling group',
};

/** Actions of a scheduling decision (the same words for every type; see {@link RESOURCE_ACTIONS}). */
export type ResourceAction = 'start' | 'stop' | 'resize' | 'none';

/**
 * What each action means per type (the API behind it). Types without `resize` never plan it.
 * - EC2: StartInstances / StopInstances (hibernate when configured) / ModifyInstanceAttribute then start;
 * - RDS DB instance: StartDBInstance / StopDBInstance;
 * - DB cluster (Aurora, Neptune, DocumentDB): StartDBCluster / StopDBCluster;
 * - Auto Scaling group: UpdateAutoScalingGroup to the recorded sizes / to min 0, desired 0, max 0.
 */
export const RESOURCE_ACTIONS: Readonly<Record<ResourceType, readonly Exclude<ResourceAction, 'none'>[]>> = {
  'ec2-instance': ['start', 'stop', 'resize'],
  'rds-instance': ['start', 'stop'],
  'rds-cluster': ['start', 'stop'],
  'autoscaling-group': ['start', 'stop'],
};

/**
 * A resource's state in the scheduler's terms:
 * - `running`: up (EC2 running, RDS `available`, a group with desired capacity > 0);
 * - `starting`: coming up (EC2 pending, RDS `starting`);
 * - `busy`: up but in an operation that blocks start and stop (RDS `modifying`, `backing-up`, `upgrading`, …);
 *   the scheduler waits for it, as for a pending EC2 instance;
 * - `stopping`: going down (RDS `stopping`, a group at desired 0 whose instances are still terminating);
 * - `stopped`: down (RDS `stopped`, a group at min 0 / desired 0 without instances);
 * - `unavailable`: nothing can be scheduled (deleted, deleting, failed, storage full, lost encryption key, …).
 */
export type ResourceState = 'running' | 'starting' | 'busy' | 'stopping' | 'stopped' | 'unavailable';

/** Sizes of an Auto Scaling group. */
export interface GroupSizes {
  readonly min: number;
  readonly desired: number;
  readonly max: number;
}

/** What every resource has. */
interface ResourceBase {
  readonly type: ResourceType;
  /** EC2 instance id, DB instance identifier, DB cluster identifier or Auto Scaling group name. */
  readonly id: string;
  readonly arn?: string;
  /** AWS region code. */
  readonly region: string;
  /** AWS account id, when known (the ARN's, or the describe call's). */
  readonly accountId?: string;
  /** Tags as key → value (case-sensitive keys). */
  readonly tags: Readonly<Record<string, string>>;
  /** The service's own status word as described (`running`, `available`, `stopped`, `InService`, …). */
  readonly status: string;
  /** {@link status} in the scheduler's terms. */
  readonly state: ResourceState;
}

/** An EC2 instance: the scheduler's existing {@link InstanceFacts}, wrapped. */
export interface Ec2InstanceResource extends ResourceBase {
  readonly type: 'ec2-instance';
  readonly instance: InstanceFacts;
}

/** An RDS DB instance (DescribeDBInstances). */
export interface RdsInstanceResource extends ResourceBase {
  readonly type: 'rds-instance';
  /** e.g. `db.m5.large`, `db.serverless`. */
  readonly instanceClass: string;
  /** e.g. `postgres`, `mysql`, `sqlserver-se`, `aurora-mysql`, `custom-oracle-ee`. */
  readonly engine: string;
  readonly engineVersion?: string;
  readonly multiAZ: boolean;
  /** The DB cluster it belongs to (Aurora, Neptune, DocumentDB, Multi-AZ DB cluster): it cannot be stopped alone. */
  readonly clusterId?: string;
  /** Set when it is a read replica of this DB instance (or cluster). */
  readonly replicaOf?: string;
  /** Its read replicas: a source of read replicas cannot be stopped. */
  readonly readReplicas: readonly string[];
  /** `ddd:hh24:mi-ddd:hh24:mi`, UTC (e.g. `sun:05:00-sun:05:30`). */
  readonly preferredMaintenanceWindow?: string;
  /** `license-included`, `bring-your-own-license`, `general-public-license`, `postgresql-license`, … */
  readonly licenseModel?: string;
}

/** A member instance of a DB cluster. */
export interface DbClusterMember {
  readonly id: string;
  readonly writer: boolean;
  /** Class of the member when known (DescribeDBInstances; DescribeDBClusters does not report it). */
  readonly instanceClass?: string;
}

/** A DB cluster (DescribeDBClusters): Aurora MySQL/PostgreSQL, Neptune, DocumentDB, or an RDS Multi-AZ DB cluster. */
export interface DbClusterResource extends ResourceBase {
  readonly type: 'rds-cluster';
  /** `aurora-mysql`, `aurora-postgresql`, `neptune`, `docdb`, `mysql`, `postgres` (Multi-AZ DB cluster). */
  readonly engine: string;
  readonly engineVersion?: string;
  /** `provisioned`, `serverless` (Aurora Serverless v1), `parallelquery`, `global`, `multimaster`. */
  readonly engineMode?: string;
  readonly members: readonly DbClusterMember[];
  /** Set for a member of an Aurora global database. */
  readonly globalClusterId?: string;
  /** Set when the cluster is a cross-Region (or external) replica of another. */
  readonly replicationSource?: string;
  /** Its cross-Region read replica clusters (`ReadReplicaIdentifiers`). */
  readonly readReplicas: readonly string[];
  /** Class of a Multi-AZ DB cluster's instances (`DBClusterInstanceClass`; absent for Aurora). */
  readonly clusterInstanceClass?: string;
  readonly preferredMaintenanceWindow?: string;
  readonly multiAZ: boolean;
  /** Aurora storage: `aurora` (standard) or `aurora-iopt1` (I/O-Optimized), when described. */
  readonly storageType?: string;
}

/** An instance of an Auto Scaling group. */
export interface GroupInstance {
  readonly id: string;
  readonly instanceType?: string;
  /** `InService`, `Pending`, `Terminating`, … */
  readonly lifecycleState: string;
}

/** An Auto Scaling group (DescribeAutoScalingGroups). */
export interface AutoScalingGroupResource extends ResourceBase {
  readonly type: 'autoscaling-group';
  readonly sizes: GroupSizes;
  readonly instances: readonly GroupInstance[];
}

/** Any managed resource. */
export type Resource = Ec2InstanceResource | RdsInstanceResource | DbClusterResource | AutoScalingGroupResource;

/** The key of a resource within its region: `<type>/<id>` (ids of different types may coincide). */
export function resourceKey(resource: Pick<Resource, 'type' | 'id'>): string {
  return `${resource.type}/${resource.id}`;
}

/** Wrap the scheduler's EC2 instance facts as a {@link Resource}. */
export function ec2Resource(instance: InstanceFacts): Ec2InstanceResource {
  const state: ResourceState =
    instance.state === 'running'
      ? 'running'
      : instance.state === 'pending'
        ? 'starting'
        : instance.state === 'stopping'
          ? 'stopping'
          : instance.state === 'stopped'
            ? 'stopped'
            : 'unavailable';
  return {
    type: 'ec2-instance',
    id: instance.instanceId,
    region: instance.region,
    tags: instance.tags,
    status: instance.state,
    state,
    instance,
  };
}
