import type { ProviderCredentials, ProviderSetup } from '../../lambdas/adapters/carbon/build-providers';
import { PROVIDER_URL_ENV, providerEndpointsFromEnv } from '../../lambdas/adapters/carbon/endpoints';
import type { HttpOptions } from '../../lambdas/adapters/carbon/http-client';
import { SecretValue } from '../../lambdas/adapters/secrets/secret-value';
import type { ProviderName } from '../../lambdas/core/carbon/reading';

/** Environment variables holding provider credentials for the CLI (the Lambda uses Secrets Manager). */
export const CREDENTIAL_ENV = {
  electricityMapsApiKey: 'ELECTRICITYMAPS_API_KEY',
  wattTimeUsername: 'WATTTIME_USERNAME',
  wattTimePassword: 'WATTTIME_PASSWORD',
} as const;

type Env = Readonly<Record<string, string | undefined>>;

const set = (env: Env, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value ? value : undefined;
};

/** Credentials from `ELECTRICITYMAPS_API_KEY`, `WATTTIME_USERNAME` + `WATTTIME_PASSWORD`, wrapped so they never print. */
export function credentialsFromEnv(env: Env): ProviderCredentials {
  const apiKey = set(env, CREDENTIAL_ENV.electricityMapsApiKey);
  const username = set(env, CREDENTIAL_ENV.wattTimeUsername);
  const password = set(env, CREDENTIAL_ENV.wattTimePassword);
  return {
    ...(apiKey ? { electricityMapsApiKey: new SecretValue(apiKey) } : {}),
    ...(username && password ? { wattTime: { username, password: new SecretValue(password) } } : {}),
  };
}

/**
 * Why the CLI does not use a provider live with this environment, or undefined when it does. The CLI goes to the
 * network only on request: Electricity Maps with `ELECTRICITYMAPS_API_KEY` (or `ELECTRICITYMAPS_API_URL`, e.g. a
 * proxy that adds the key), WattTime with `WATTTIME_USERNAME` and `WATTTIME_PASSWORD`, the UK Carbon Intensity API
 * (no key) only when `UK_CARBON_INTENSITY_API_URL` is set. Everything else uses the static factors.
 */
export function cliProviderUnavailability(provider: ProviderName, env: Env): string | undefined {
  switch (provider) {
    case 'electricitymaps':
      return set(env, CREDENTIAL_ENV.electricityMapsApiKey) || set(env, PROVIDER_URL_ENV.electricityMaps)
        ? undefined
        : `set ${CREDENTIAL_ENV.electricityMapsApiKey} to use it`;
    case 'watttime':
      return set(env, CREDENTIAL_ENV.wattTimeUsername) && set(env, CREDENTIAL_ENV.wattTimePassword)
        ? undefined
        : `set ${CREDENTIAL_ENV.wattTimeUsername} and ${CREDENTIAL_ENV.wattTimePassword} to use it`;
    case 'uk-carbon-intensity':
      return set(env, PROVIDER_URL_ENV.ukCarbonIntensity)
        ? undefined
        : `offline by default; set ${PROVIDER_URL_ENV.ukCarbonIntensity}=https://api.carbonintensity.org.uk to use it`;
    case 'static':
      return undefined;
  }
}

/**
 * The provider setup of the CLI: `order` (config `carbon.providers`, or one provider for `--provider`), credentials
 * and base URLs from `env`, providers the environment does not enable listed as disabled with the reason.
 *
 * @throws {InvalidEndpointError} when a base-URL variable is not an http(s) URL
 */
export function cliProviderSetup(
  env: Env,
  order: readonly ProviderName[],
  http: HttpOptions,
  ukRegionId?: number,
): ProviderSetup {
  const disabled: Partial<Record<ProviderName, string>> = {};
  for (const provider of order) {
    const reason = cliProviderUnavailability(provider, env);
    if (reason) disabled[provider] = reason;
  }
  return {
    order,
    credentials: credentialsFromEnv(env),
    endpoints: providerEndpointsFromEnv(env),
    http,
    disabled,
    electricityMapsWithoutKey: set(env, PROVIDER_URL_ENV.electricityMaps) !== undefined,
    ...(ukRegionId !== undefined ? { ukRegionId } : {}),
  };
}
