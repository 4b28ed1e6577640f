import { COMMERCIAL_REGIONS, KNOWN_REGIONS, regionFacts } from '../lambdas/core/carbon/region-facts';
import { didYouMean, usage } from './options';
import { visible } from './text';

/**
 * Validate an AWS region code given on the command line (or found in an input file).
 * @param where what names the region in the message, e.g. `--region` or `the fleet has an instance in`
 * @throws {CliError} (usage) naming the bad value and the nearest known names, e.g.
 *   `--region "eu-centrall-1" is not an AWS region the product knows. Did you mean eu-central-1?`
 */
export function checkRegion(region: string, where: string): string {
  if (regionFacts(region)) return region;
  const hint = didYouMean(region, KNOWN_REGIONS);
  throw usage(
    `${where} ${JSON.stringify(visible(region))} is not an AWS region the product knows.` +
      (hint || ` Known commercial regions: ${COMMERCIAL_REGIONS.join(', ')}`),
  );
}

/**
 * A comma-separated list of regions, each validated with {@link checkRegion}.
 * @throws {CliError} (usage) when the list is empty or names an unknown region
 */
export function parseRegionList(text: string, option: string): string[] {
  const regions = text
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  if (regions.length === 0) throw usage(`${option} lists no region, e.g. ${option} eu-central-1,eu-north-1`);
  return [...new Set(regions.map((r) => checkRegion(r, option)))];
}
