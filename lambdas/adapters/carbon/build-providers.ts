import type { UnavailableProvider } from '../../core/carbon/fetch-carbon';
import type { CarbonProvider } from '../../core/carbon/provider';
import type { ProviderName } from '../../core/carbon/reading';
import type { Clock } from '../../core/clock';
import type { SecretValue } from '../secrets/secret-value';
import { ElectricityMapsProvider } from './electricity-maps';
import type { ProviderEndpoints } from './endpoints';
import type { HttpOptions } from './http-client';
import { StaticProvider } from './static-provider';
import { UkCarbonIntensityProvider } from './uk-carbon-intensity';
import { WattTimeProvider } from './watttime';
import type { WattTimeTokenCache } from './watttime-token-cache';

/** Provider credentials, wrapped so they never print. */
export interface ProviderCredentials {
  readonly electricityMapsApiKey?: SecretValue;
  readonly wattTime?: { readonly username: string; readonly password: SecretValue };
}

/** Everything needed to build the configured providers. */
export interface ProviderSetup {
  /** Providers in priority order (config `carbon.providers`). */
  readonly order: readonly ProviderName[];
  readonly credentials: ProviderCredentials;
  readonly endpoints: ProviderEndpoints;
  readonly http: HttpOptions;
  /** GB DNO region for the UK provider (config `carbon.ukRegionId`); national figures when undefined. */
  readonly ukRegionId?: number;
  /** Shared WattTime token cache (module scope in the Lambda). */
  readonly tokenCache?: WattTimeTokenCache;
  /** Clock for WattTime token expiry. */
  readonly clock?: Clock;
  /** Providers not to use in this run, with the reason shown to the user (e.g. CLI without network opt-in). */
  readonly disabled?: Partial<Record<ProviderName, string>>;
  /** Use Electricity Maps without an API key (a proxy at `ELECTRICITYMAPS_API_URL` adds it). Default false. */
  readonly electricityMapsWithoutKey?: boolean;
}

/**
 * Build the configured providers in priority order; a provider without credentials is skipped and listed in
 * `unavailable` with the reason (docs/carbon.md). `static` needs nothing and is always buildable.
 */
export function buildProviders(setup: ProviderSetup): {
  providers: CarbonProvider[];
  unavailable: UnavailableProvider[];
} {
  const providers: CarbonProvider[] = [];
  const unavailable: UnavailableProvider[] = [];
  for (const name of new Set(setup.order)) {
    const disabled = setup.disabled?.[name];
    if (disabled) {
      unavailable.push({ provider: name, reason: disabled });
      continue;
    }
    switch (name) {
      case 'electricitymaps': {
        const apiKey = setup.credentials.electricityMapsApiKey;
        if (!apiKey && !setup.electricityMapsWithoutKey) {
          unavailable.push({ provider: name, reason: 'no API key' });
          break;
        }
        providers.push(
          new ElectricityMapsProvider({
            baseUrl: setup.endpoints.electricityMaps,
            http: setup.http,
            ...(apiKey ? { apiKey } : {}),
          }),
        );
        break;
      }
      case 'watttime': {
        const credentials = setup.credentials.wattTime;
        if (!credentials) {
          unavailable.push({ provider: name, reason: 'no username and password' });
          break;
        }
        providers.push(
          new WattTimeProvider({
            baseUrl: setup.endpoints.wattTime,
            username: credentials.username,
            password: credentials.password,
            http: setup.http,
            ...(setup.tokenCache ? { tokenCache: setup.tokenCache } : {}),
            ...(setup.clock ? { clock: setup.clock } : {}),
          }),
        );
        break;
      }
      case 'uk-carbon-intensity':
        providers.push(
          new UkCarbonIntensityProvider({
            baseUrl: setup.endpoints.ukCarbonIntensity,
            http: setup.http,
            ...(setup.ukRegionId !== undefined ? { regionId: setup.ukRegionId } : {}),
          }),
        );
        break;
      case 'static':
        providers.push(new StaticProvider());
        break;
    }
  }
  return { providers, unavailable };
}
