import { RIGHTSIZE_TAG, SCHEDULE_TAG } from '../../contract';

/** How an instance takes part in rightsizing (tag `Rightsize`, docs/rightsizing.md). */
export type RightsizeMode = 'recommend' | 'auto' | 'off';

const MODES: readonly RightsizeMode[] = ['recommend', 'auto', 'off'];

/**
 * The rightsizing mode of an instance from its tags: the `Rightsize` tag (case-insensitive `recommend`, `auto`,
 * `off`), else `defaultMode` for instances with a `Schedule` tag, else `off` (untagged instances are never touched).
 * A bad tag value never throws: it returns `off` with an error message naming the value and the allowed ones.
 */
export function rightsizeMode(
  tags: Readonly<Record<string, string>>,
  defaultMode: RightsizeMode,
): { mode: RightsizeMode; error?: string } {
  const raw = tags[RIGHTSIZE_TAG];
  if (raw !== undefined) {
    const value = raw.trim().toLowerCase();
    if ((MODES as readonly string[]).includes(value)) return { mode: value as RightsizeMode };
    return {
      mode: 'off',
      error: `tag Rightsize=${JSON.stringify(raw)} is not valid; allowed: "recommend", "auto", "off"`,
    };
  }
  return { mode: tags[SCHEDULE_TAG] !== undefined ? defaultMode : 'off' };
}
