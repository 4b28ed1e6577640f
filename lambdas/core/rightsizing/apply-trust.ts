import { instanceSpecs } from '../ec2/instance-specs';
import { type RightsizeMode, rightsizeMode } from './mode';
import type { PendingResize } from './recommendation-store';

/**
 * Whether this deployment may change instance types on its own (docs/security.md, "Automatic resizing"): only when
 * the configuration itself says so. The same rule decides whether the scheduler's role holds
 * `ec2:ModifyInstanceAttribute` at all, so a tag can never ask for more than the deployment was granted.
 */
export interface AutoResizePolicy {
  /** `rightsizing.defaultMode` of the configuration. */
  readonly defaultMode: RightsizeMode;
  /** `rightsizing.allowAutoResize` of the configuration: `Rightsize=auto` tags are honoured. */
  readonly allowAutoResize: boolean;
}

/** The message of a `Rightsize=auto` tag on a deployment whose configuration does not permit automatic resizing. */
export const AUTO_RESIZE_NOT_ENABLED =
  'auto resize is not enabled for this deployment (set rightsizing.allowAutoResize: true or rightsizing.defaultMode: "auto")';

/** Whether the configuration permits automatic resizing at all. */
export function autoResizePermitted(policy: AutoResizePolicy): boolean {
  return policy.allowAutoResize || policy.defaultMode === 'auto';
}

/**
 * Why a pending automatic resize must not be applied to an instance now, or undefined when it may. Checked at apply
 * time, on the instance as just described, not as it was when the rightsizer wrote the marker:
 * - the configuration permits automatic resizing ({@link autoResizePermitted});
 * - the instance's rightsizing mode from its tags is `auto` (a `Rightsize=auto` tag, or no `Rightsize` tag under
 *   `defaultMode: "auto"`; untagged instances are `off`);
 * - the instance still has the type the recommendation was computed for;
 * - the target is a known type of the same family and the same CPU architecture, and strictly smaller (fewer vCPUs,
 *   or as many with less memory).
 */
export function autoResizeRefusal(
  tags: Readonly<Record<string, string>>,
  currentInstanceType: string,
  pending: PendingResize,
  policy: AutoResizePolicy,
): string | undefined {
  if (!autoResizePermitted(policy)) return AUTO_RESIZE_NOT_ENABLED;
  const { mode, error } = rightsizeMode(tags, policy.defaultMode);
  if (error) return error;
  if (mode !== 'auto') return `rightsizing mode is ${mode}, not auto`;
  if (pending.fromInstanceType !== currentInstanceType) {
    return `the recommendation was made for ${pending.fromInstanceType}, the instance is now ${currentInstanceType}`;
  }
  const from = instanceSpecs(currentInstanceType);
  const to = instanceSpecs(pending.targetInstanceType);
  if (!from || !to) {
    return `instance type ${!from ? currentInstanceType : pending.targetInstanceType} is unknown; only known types are resized automatically`;
  }
  if (from.arch !== to.arch) {
    return `${pending.targetInstanceType} is ${to.arch} and ${currentInstanceType} is ${from.arch}; an architecture change is never applied automatically`;
  }
  if (from.family !== to.family) {
    return `${pending.targetInstanceType} is not of the ${from.family} family; only a smaller size of the same family is applied automatically`;
  }
  const smaller = to.vcpu < from.vcpu || (to.vcpu === from.vcpu && to.memoryGiB < from.memoryGiB);
  if (!smaller) {
    return `${pending.targetInstanceType} is not smaller than ${currentInstanceType}; only downsizes are applied automatically`;
  }
  return undefined;
}
