import { COMMERCIAL_REGIONS, regionFacts } from '../carbon/region-facts';

/**
 * AWS partitions and the region codes they hold. A deployment of the product lives in the `aws` (commercial)
 * partition: the AWS Price List API it prices instances with, the carbon data providers' region mappings and the
 * cross-region ARNs the stacks build (worker functions, event buses) all assume it (docs/design-decisions.md).
 */

/** The one partition the product deploys to. */
export const SUPPORTED_PARTITION = 'aws';

/**
 * Region-code prefixes of the other partitions (AWS SDK `partitions.json` region regexes): China, GovCloud (US),
 * the European Sovereign Cloud and the isolated (ISO) partitions. Longest prefixes first, as `us-gov-` and the ISO
 * prefixes share `us-`.
 */
const OTHER_PARTITIONS: readonly { readonly prefix: string; readonly partition: string; readonly name: string }[] = [
  { prefix: 'us-isob-', partition: 'aws-iso-b', name: 'AWS Secret Region (ISO-B)' },
  { prefix: 'us-isof-', partition: 'aws-iso-f', name: 'AWS ISO-F' },
  { prefix: 'eu-isoe-', partition: 'aws-iso-e', name: 'AWS ISO-E' },
  { prefix: 'us-iso-', partition: 'aws-iso', name: 'AWS Top Secret Region (ISO)' },
  { prefix: 'us-gov-', partition: 'aws-us-gov', name: 'AWS GovCloud (US)' },
  { prefix: 'cn-', partition: 'aws-cn', name: 'AWS China' },
  { prefix: 'eusc-', partition: 'aws-eusc', name: 'AWS European Sovereign Cloud' },
];

/**
 * Why `region` cannot be used in a configuration, or undefined when it can (a known region of the `aws` partition).
 * The message names the partition for regions of other partitions, and lists the allowed regions otherwise.
 */
export function regionProblem(region: string): string | undefined {
  const other = OTHER_PARTITIONS.find((p) => region.startsWith(p.prefix));
  const partition = regionFacts(region)?.partition ?? other?.partition;
  if (partition !== undefined && partition !== SUPPORTED_PARTITION) {
    const name = other?.name ?? partition;
    return `${JSON.stringify(region)} is in the ${partition} partition (${name}); a deployment lives in the aws partition (the Price List API, the carbon providers and the cross-region ARNs assume it), so use commercial regions only`;
  }
  if (regionFacts(region) === undefined) {
    return `unknown AWS region ${JSON.stringify(region)}; allowed: ${COMMERCIAL_REGIONS.map((r) => JSON.stringify(r)).join(', ')}`;
  }
  return undefined;
}

/**
 * Why an ARN cannot be used, or undefined when it is an ARN of the `aws` partition (`arn:aws:<service>:…`).
 * @param service the expected service, e.g. `kms`
 */
export function arnProblem(arn: string, service: string): string | undefined {
  const match = /^arn:([a-z-]+):([a-z0-9-]+):/.exec(arn);
  if (!match || match[2] !== service) {
    return `${JSON.stringify(arn)} is not an ARN of ${service} (arn:aws:${service}:<region>:<account>:…)`;
  }
  if (match[1] !== SUPPORTED_PARTITION) {
    return `${JSON.stringify(arn)} is in the ${match[1]} partition; a deployment lives in the aws partition, so use arn:aws:${service}:…`;
  }
  return undefined;
}
