import type { ResourceReasonStep } from './reason';
import type { DbClusterResource, RdsInstanceResource } from './types';

/**
 * What Amazon RDS imposes on stopping and starting (Amazon RDS User Guide, "Stopping an Amazon RDS DB instance
 * temporarily"; Aurora User Guide, "Stopping and starting an Amazon Aurora DB cluster"; "Limitations of Multi-AZ DB
 * clusters"; RDS API Reference, StopDBInstance / StopDBCluster), as pure checks. Details: docs/resources.md.
 */

/** A stopped DB instance or cluster is started by RDS itself after this many days (StopDBInstance, StopDBCluster). */
export const RDS_MAX_STOPPED_DAYS = 7;

/** Engines whose DB instances only exist inside a DB cluster (started and stopped with StartDBCluster). */
const CLUSTER_ENGINES = /^(aurora|aurora-mysql|aurora-postgresql|neptune|docdb)$/;

/** Engines of clusters that StartDBCluster / StopDBCluster support: Aurora, Neptune and DocumentDB. */
const STOPPABLE_CLUSTER_ENGINES = /^(aurora|aurora-mysql|aurora-postgresql|neptune|docdb)$/;

/**
 * Why an RDS DB instance cannot be scheduled on its own, or undefined when it can:
 * - a member of a DB cluster (it has `DBClusterIdentifier`, or a cluster-only engine): RDS starts and stops the
 *   cluster as a whole;
 * - RDS Custom (`custom-*` engines): StopDBInstance does not apply to it;
 * - a read replica (`ReadReplicaSourceDBInstanceIdentifier` / `…DBClusterIdentifier`), or a source of read replicas
 *   (`ReadReplicaDBInstanceIdentifiers`): RDS refuses to stop either;
 * - RDS for SQL Server in a Multi-AZ configuration (`sqlserver-*` with `MultiAZ`): RDS refuses to stop it.
 * Other Multi-AZ DB instances can be stopped (RDS stops the standby with the primary; they may swap on start).
 */
export function rdsInstanceLimit(instance: RdsInstanceResource): ResourceReasonStep | undefined {
  const engine = instance.engine.toLowerCase();
  if (instance.clusterId !== undefined) return { rule: 'skipped.cluster-member', cluster: instance.clusterId };
  if (CLUSTER_ENGINES.test(engine)) return { rule: 'skipped.cluster-member', cluster: '(unknown)' };
  if (engine.startsWith('custom-')) return { rule: 'skipped.rds-custom', engine: instance.engine };
  if (instance.replicaOf !== undefined) return { rule: 'skipped.read-replica', source: instance.replicaOf };
  if (instance.readReplicas.length > 0) return { rule: 'skipped.has-read-replicas', replicas: instance.readReplicas };
  if (engine.startsWith('sqlserver') && instance.multiAZ) {
    return { rule: 'skipped.sqlserver-multi-az', engine: instance.engine };
  }
  return undefined;
}

/**
 * Why a DB cluster cannot be stopped and started, or undefined when it can:
 * - an RDS Multi-AZ DB cluster (engine `mysql` or `postgres`): not supported by RDS;
 * - Aurora Serverless v1 (`EngineMode` `serverless`), parallel query (`parallelquery`), multi-master
 *   (`multimaster`), a member of a global database (`global`, or `GlobalClusterIdentifier`);
 * - a replica of another cluster (`ReplicationSourceIdentifier`), or a cluster with cross-Region read replicas.
 * Aurora Serverless v2 (provisioned mode with `db.serverless` instances) can be stopped and started.
 */
export function dbClusterLimit(cluster: DbClusterResource): ResourceReasonStep | undefined {
  const engine = cluster.engine.toLowerCase();
  const mode = (cluster.engineMode ?? 'provisioned').toLowerCase();
  if (!STOPPABLE_CLUSTER_ENGINES.test(engine)) return { rule: 'skipped.multi-az-db-cluster', engine: cluster.engine };
  if (mode === 'serverless') return { rule: 'skipped.serverless-v1' };
  if (mode === 'parallelquery') return { rule: 'skipped.parallel-query' };
  if (mode === 'multimaster') return { rule: 'skipped.multi-master' };
  if (mode === 'global' || cluster.globalClusterId !== undefined) {
    return { rule: 'skipped.global-database', globalCluster: cluster.globalClusterId ?? '(unknown)' };
  }
  if (cluster.replicationSource !== undefined)
    return { rule: 'skipped.cluster-replica', source: cluster.replicationSource };
  if (cluster.readReplicas.length > 0) return { rule: 'skipped.has-read-replicas', replicas: cluster.readReplicas };
  return undefined;
}

/** What the scheduler stored about a resource, as far as the 7-day rule reads it. */
export interface StoppedByScheduler {
  readonly state: string;
  readonly lastAction?: string;
  readonly lastActionAt?: string;
}

/**
 * Whether a database the scheduler stopped has been stopped long enough for RDS to have started it by itself: the
 * stored state is `stopped`, the last action was the scheduler's stop, and at least {@link RDS_MAX_STOPPED_DAYS}
 * days have passed since. (A person who starts it earlier is respected as for EC2; one who starts it later cannot
 * be told apart from RDS and is stopped again, which docs/resources.md says.)
 * @returns the stop's time and the whole days since, or undefined
 */
export function autoRestartDue(
  stored: StoppedByScheduler | undefined,
  now: Date,
): { stoppedAt: string; days: number } | undefined {
  if (stored?.state !== 'stopped' || stored.lastAction !== 'stop' || stored.lastActionAt === undefined)
    return undefined;
  const stoppedMs = Date.parse(stored.lastActionAt);
  if (Number.isNaN(stoppedMs)) return undefined;
  const elapsedDays = (now.getTime() - stoppedMs) / 86_400_000;
  return elapsedDays >= RDS_MAX_STOPPED_DAYS
    ? { stoppedAt: stored.lastActionAt, days: Math.floor(elapsedDays) }
    : undefined;
}
