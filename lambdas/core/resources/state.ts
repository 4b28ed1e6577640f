import type { InstanceLifecycleState } from '../schedule/types';
import type { GroupInstance, GroupSizes, ResourceState } from './types';

/**
 * Service status words → {@link ResourceState}. Sources: the Amazon RDS User Guide, "Viewing Amazon RDS DB instance
 * status" and the Aurora User Guide, "Viewing DB cluster status" (status words of DescribeDBInstances
 * `DBInstanceStatus` and DescribeDBClusters `Status`); Neptune and DocumentDB clusters use the same words.
 */

const RDS_BUSY = new Set([
  'backing-up',
  'backtracking',
  'configuring-enhanced-monitoring',
  'configuring-iam-database-auth',
  'configuring-log-exports',
  'converting-to-vpc',
  'creating',
  'failing-over',
  'maintenance',
  'migrating',
  'modifying',
  'moving-to-vpc',
  'promoting',
  'rebooting',
  'renaming',
  'resetting-master-credentials',
  'storage-config-upgrade',
  'storage-initialization',
  'storage-optimization',
  'update-iam-db-auth',
  'upgrading',
]);

const RDS_UNAVAILABLE = new Set([
  'cloning-failed',
  'delete-precheck',
  'deleting',
  'failed',
  'inaccessible-encryption-credentials',
  'inaccessible-encryption-credentials-recoverable',
  'incompatible-create',
  'incompatible-network',
  'incompatible-option-group',
  'incompatible-parameters',
  'incompatible-restore',
  'insufficient-capacity',
  'migration-failed',
  'restore-error',
  'storage-full',
]);

/**
 * The state of an RDS DB instance or DB cluster from its status word (case-insensitive). A status this table does not
 * know counts as `busy`: the scheduler waits and never acts on it.
 */
export function rdsState(status: string): ResourceState {
  const word = status.trim().toLowerCase();
  if (word === 'available') return 'running';
  if (word === 'starting') return 'starting';
  if (word === 'stopping') return 'stopping';
  if (word === 'stopped') return 'stopped';
  if (RDS_UNAVAILABLE.has(word)) return 'unavailable';
  return 'busy';
}

/** True for status words the table knows (others are treated as `busy`, and reasons say so). */
export function isKnownRdsStatus(status: string): boolean {
  const word = status.trim().toLowerCase();
  return (
    ['available', 'starting', 'stopping', 'stopped'].includes(word) || RDS_BUSY.has(word) || RDS_UNAVAILABLE.has(word)
  );
}

/**
 * The state of an Auto Scaling group from its sizes and instances (a group has no status while it exists; `Delete in
 * progress` while it is being deleted):
 * - being deleted → `unavailable`;
 * - desired capacity > 0 → `running` (the group keeps its instances as it sees fit);
 * - desired 0 with instances still in the group → `stopping`;
 * - desired 0 without instances → `stopped`.
 */
export function groupState(sizes: GroupSizes, instances: readonly GroupInstance[], status?: string): ResourceState {
  if (status !== undefined && /delete in progress/i.test(status)) return 'unavailable';
  if (sizes.desired > 0) return 'running';
  return instances.length > 0 ? 'stopping' : 'stopped';
}

/**
 * A resource state as the transition rules (lambdas/core/schedule/transition.ts) read an EC2 lifecycle state:
 * `starting` and `busy` are `pending` (wait, never act), the others map one to one.
 * @returns undefined for `unavailable` (nothing is scheduled)
 */
export function lifecycleOf(state: ResourceState): InstanceLifecycleState | undefined {
  switch (state) {
    case 'running':
      return 'running';
    case 'starting':
    case 'busy':
      return 'pending';
    case 'stopping':
      return 'stopping';
    case 'stopped':
      return 'stopped';
    default:
      return undefined;
  }
}
