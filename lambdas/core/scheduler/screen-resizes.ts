import { autoResizeRefusal } from '../rightsizing/apply-trust';
import type { InstanceFacts } from './instance-facts';
import type { PendingResize } from './ports';
import type { RegionRunInput } from './region-types';

/**
 * The pending automatic resizes that may be applied now (`autoResizeRefusal`: the `Rightsize=auto` tag, a smaller
 * target of the same family and architecture, auto resize enabled for the deployment; docs/security.md). The
 * marker of an instance that is no longer eligible is removed (outside dry runs), with the reason, so it is never
 * applied later; each refusal becomes a warning of the region.
 * @returns the pending resizes that passed, by instance id
 */
export async function screenPendingResizes(
  input: Pick<RegionRunInput, 'config' | 'dryRun' | 'ports' | 'region' | 'evaluator'>,
  pending: ReadonlyMap<string, PendingResize>,
  instances: readonly InstanceFacts[],
  warnings: string[],
): Promise<ReadonlyMap<string, PendingResize>> {
  if (pending.size === 0) return pending;
  const facts = new Map(instances.map((i) => [i.instanceId, i]));
  const policy = {
    defaultMode: input.config.rightsizing?.defaultMode ?? 'off',
    allowAutoResize: input.config.rightsizing?.allowAutoResize ?? false,
  } as const;
  const kept = new Map<string, PendingResize>();
  for (const [id, resize] of pending) {
    const instance = facts.get(id);
    if (!instance) continue;
    const refusal = autoResizeRefusal(instance.tags, instance.instanceType, resize, policy);
    if (refusal === undefined) {
      kept.set(id, resize);
      continue;
    }
    warnings.push(`${id}: pending resize to ${resize.targetInstanceType} not applied: ${refusal}`);
    if (!input.dryRun) {
      try {
        await input.ports.rightsizing?.markReverted(input.region, id, input.evaluator.now, `not applied: ${refusal}`);
      } catch {
        // The marker stays; it is screened again (and refused again) at the next run.
      }
    }
  }
  return kept;
}
