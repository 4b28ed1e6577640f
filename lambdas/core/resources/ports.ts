import type { AutoScalingGroupResource, DbClusterResource, GroupSizes, RdsInstanceResource } from './types';

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
