import type { SchedulingEvent } from '../events/scheduling-events';
import type { StoredState } from '../schedule/types';
import type { PauseState } from '../scheduler/carbon-policy';
import type {
  AutoScalingGroupResource,
  DbClusterResource,
  GroupSizes,
  RdsInstanceResource,
  ResourceType,
} from './types';

/**
 * The interfaces the resource scheduling depends on (like lambdas/core/scheduler/ports.ts's `Fleet` for EC2);
 * lambdas/adapters/rds and lambdas/adapters/autoscaling implement them on the AWS SDK. Mutating calls throw on
 * failure with the AWS error code as the error's `name` (e.g. `InvalidDBInstanceState`), as the EC2 fleet does.
 */

/** Tagged databases of one region, as described, plus entries that could not be read (left out, with why). */
export interface DescribedDatabases {
  /** DB instances carrying the `Schedule` tag. */
  readonly instances: RdsInstanceResource[];
  /** DB clusters carrying the `Schedule` tag, with their members' classes. */
  readonly clusters: DbClusterResource[];
  readonly errors: string[];
  /** DescribeDBInstances and DescribeDBClusters calls made (pages). */
  readonly calls: number;
}

/** RDS, Aurora, Neptune and DocumentDB in one or more regions. */
export interface DatabaseFleet {
  /**
   * Every DB instance and DB cluster of `region` that carries the `Schedule` tag (DescribeDBInstances and
   * DescribeDBClusters, paginated; RDS has no server-side tag filter for them, so tags are read from `TagList`).
   */
  describe(region: string): Promise<DescribedDatabases>;
  /** StartDBInstance. */
  startInstance(region: string, id: string): Promise<void>;
  /** StopDBInstance. */
  stopInstance(region: string, id: string): Promise<void>;
  /** StartDBCluster (Aurora, Neptune, DocumentDB). */
  startCluster(region: string, id: string): Promise<void>;
  /** StopDBCluster. */
  stopCluster(region: string, id: string): Promise<void>;
}

/** Tagged Auto Scaling groups of one region. */
export interface DescribedGroups {
  readonly groups: AutoScalingGroupResource[];
  readonly errors: string[];
  /** DescribeAutoScalingGroups calls made (pages). */
  readonly calls: number;
}

/** EC2 Auto Scaling in one or more regions. */
export interface GroupFleet {
  /** Every group of `region` that carries the `Schedule` tag (server-side `tag-key` filter, paginated). */
  describe(region: string): Promise<DescribedGroups>;
  /** UpdateAutoScalingGroup MinSize / DesiredCapacity / MaxSize (0-0-0 scales the group to zero). */
  updateSizes(region: string, name: string, sizes: GroupSizes): Promise<void>;
}

/**
 * What the scheduler keeps about one RDS DB instance, DB cluster or Auto Scaling group between runs (the state table's
 * `RESOURCE#<region>` / `<type>/<id>` item, docs/data-model.md). EC2 instances keep their own `INSTANCE#` records.
 */
export interface ResourceStateRecord {
  readonly resourceType: Exclude<ResourceType, 'ec2-instance'>;
  readonly id: string;
  readonly region: string;
  /** The schedule it was last decided under. */
  readonly schedule: string;
  readonly state: StoredState;
  readonly pause?: PauseState;
  readonly lastAction?: 'start' | 'stop';
  /** ISO-8601 time of the last action. */
  readonly lastActionAt?: string;
  readonly lastActionTick?: string;
  readonly lastRule?: string;
  readonly lastReason?: string;
  /** `<code>: <message>` of the last failed action (cleared by the next success). */
  readonly lastError?: string;
  /** Auto Scaling groups: min/desired/max to restore at the next start (recorded at a stop or a person's change). */
  readonly sizes?: GroupSizes;
  /** ISO-8601 time the scheduler stopped it (the open stopped stretch); cleared when it runs again. */
  readonly stoppedAt?: string;
  /** ISO-8601 time up to which the open stretch's savings were added (each run adds the hours since). */
  readonly accruedUntil?: string;
  /** Savings of the hours it was kept stopped, USD, kWh, gCO2e and hours (what is estimated; see docs/resources.md). */
  readonly savedUsd: number;
  readonly savedKWh: number;
  readonly savedGCO2e: number;
  readonly stoppedHours: number;
  readonly firstSeenAt: string;
  readonly updatedAt: string;
}

/** One action on a resource, for the audit trail (`RESOURCE_HISTORY#<region>#<type>/<id>` / `<at>#<action>`). */
export interface ResourceHistoryEntry {
  readonly resourceType: ResourceType;
  readonly id: string;
  readonly region: string;
  readonly at: string;
  readonly action: 'start' | 'stop';
  readonly outcome: 'ok' | 'failed';
  readonly schedule: string;
  readonly rule: string;
  readonly reason: string;
  readonly error?: string;
  readonly gCO2ePerKWh: number;
  readonly carbonProvider: string;
  /** Auto Scaling groups: the sizes before and after. */
  readonly sizes?: { readonly from: GroupSizes; readonly to: GroupSizes };
}

/** Resource state in the state table. */
export interface ResourceStateStore {
  /** Every record of the region (one paginated Query), keyed by `resourceKey` (`<type>/<id>`). */
  loadRegion(region: string): Promise<Map<string, ResourceStateRecord>>;
  /**
   * Write the changed records and the history entries.
   * @returns the number of records written
   */
  saveRegion(
    region: string,
    changes: { readonly records: readonly ResourceStateRecord[]; readonly history: readonly ResourceHistoryEntry[] },
    now: Date,
  ): Promise<{ readonly writes: number }>;
}

/** Where scheduling events go (the EventBridge publisher implements it). Never throws. */
export interface SchedulingEventSink {
  publish(events: readonly SchedulingEvent[]): Promise<{
    readonly published: number;
    readonly failed: readonly { readonly code: string; readonly message: string }[];
  }>;
}

/** Writes the informational tags (`ScheduleLastAction`, `ScheduleLastError`) on a resource. Throws on failure. */
export interface InformationTagger {
  tag(
    resource: { readonly type: ResourceType; readonly id: string; readonly region: string; readonly arn?: string },
    tags: Readonly<Record<string, string>>,
  ): Promise<void>;
}
