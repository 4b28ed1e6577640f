import { regionFacts } from '../carbon/region-facts';

/** A request the dispatcher refuses: unknown or unallowed region, payload too large. Nothing was invoked. */
export class DispatchValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DispatchValidationError';
  }
}

/**
 * The regions a job may run in: `requested ∩ allowed`, in the order of `allowed`, without duplicates.
 * With no `requested` list, every allowed region.
 *
 * @param requested the request's `regions`, if any
 * @param allowed `config.dispatch.allowedRegions` (every one has a worker, checked by the config)
 * @throws {DispatchValidationError} naming each unknown or unallowed region and listing the allowed ones
 */
export function candidateRegions(requested: readonly string[] | undefined, allowed: readonly string[]): string[] {
  if (requested === undefined) return [...new Set(allowed)];
  const problems: string[] = [];
  for (const region of new Set(requested)) {
    if (regionFacts(region) === undefined) {
      problems.push(`unknown AWS region ${JSON.stringify(region)}`);
    } else if (!allowed.includes(region)) {
      problems.push(`region ${JSON.stringify(region)} is not allowed for dispatch`);
    }
  }
  if (problems.length > 0) {
    throw new DispatchValidationError(
      `regions: ${problems.join('; ')}; allowed: ${allowed.map((r) => JSON.stringify(r)).join(', ')} ` +
        '(config dispatch.allowedRegions)',
    );
  }
  return allowed.filter((region, index) => requested.includes(region) && allowed.indexOf(region) === index);
}
