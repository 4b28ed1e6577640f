import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { UnavailableProvider } from '../../core/carbon/fetch-carbon';
import type { ProviderCredentials } from '../carbon/build-providers';
import { SecretValue } from './secret-value';

/** Reads one secret's string value by name or ARN; undefined when the secret has no string value. */
export type SecretReader = (nameOrArn: string) => Promise<string | undefined>;

/** Seconds a secret value is cached in the Lambda execution environment before it is read again. */
export const SECRET_MAX_AGE_SECONDS = 300;

/**
 * A {@link SecretReader} over Secrets Manager through Powertools Parameters (`getSecret`), cached for `maxAge`
 * seconds across invocations. Needs `secretsmanager:GetSecretValue` on the secret (and `kms:Decrypt` for a
 * customer-managed key).
 */
export function powertoolsSecretReader(maxAgeSeconds = SECRET_MAX_AGE_SECONDS): SecretReader {
  return async (nameOrArn) => {
    const value = await getSecret(nameOrArn, { maxAge: maxAgeSeconds });
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
    return JSON.stringify(value);
  };
}

/** Secret names of config `carbon.secrets`. */
export interface ProviderSecretNames {
  readonly electricitymaps?: string;
  readonly watttime?: string;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/**
 * Parse the Electricity Maps secret: the API token as plain text, or JSON `{"apiKey": "<token>"}`.
 * @returns the token, or undefined when the value has neither form (the value itself is never reported)
 */
export function parseElectricityMapsSecret(text: string): SecretValue | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const apiKey = parseObject(trimmed)?.apiKey;
    return nonEmpty(apiKey) ? new SecretValue(apiKey.trim()) : undefined;
  }
  return trimmed === '' ? undefined : new SecretValue(trimmed);
}

/**
 * Parse the WattTime secret: JSON `{"username": "...", "password": "..."}`.
 * @returns the credentials, or undefined when the value is not of that form (the value itself is never reported)
 */
export function parseWattTimeSecret(text: string): ProviderCredentials['wattTime'] | undefined {
  const object = parseObject(text.trim());
  if (!object || !nonEmpty(object.username) || !nonEmpty(object.password)) return undefined;
  return { username: object.username, password: new SecretValue(object.password) };
}

function errorName(error: unknown): string {
  return (error as { name?: string })?.name ?? 'Error';
}

/**
 * Read provider credentials from Secrets Manager (config `carbon.secrets`). A secret that is not configured, cannot
 * be read or has the wrong format leaves its provider unavailable with a reason that names the secret and the
 * expected format, never the value. Never rejects.
 */
export async function loadProviderCredentials(
  names: ProviderSecretNames,
  read: SecretReader,
): Promise<{ credentials: ProviderCredentials; unavailable: UnavailableProvider[] }> {
  const unavailable: UnavailableProvider[] = [];
  const fetchText = async (provider: 'electricitymaps' | 'watttime'): Promise<string | undefined> => {
    const name = names[provider];
    if (!name) return undefined;
    try {
      const text = await read(name);
      if (text === undefined) unavailable.push({ provider, reason: `secret ${name} has no string value` });
      return text;
    } catch (error) {
      unavailable.push({ provider, reason: `secret ${name} could not be read (${errorName(error)})` });
      return undefined;
    }
  };
  const [emText, wtText] = await Promise.all([fetchText('electricitymaps'), fetchText('watttime')]);
  let electricityMapsApiKey: SecretValue | undefined;
  let wattTime: ProviderCredentials['wattTime'];
  if (emText !== undefined) {
    electricityMapsApiKey = parseElectricityMapsSecret(emText);
    if (!electricityMapsApiKey) {
      unavailable.push({
        provider: 'electricitymaps',
        reason: `secret ${names.electricitymaps} is neither a token string nor {"apiKey": "..."}`,
      });
    }
  }
  if (wtText !== undefined) {
    wattTime = parseWattTimeSecret(wtText);
    if (!wattTime) {
      unavailable.push({
        provider: 'watttime',
        reason: `secret ${names.watttime} is not {"username": "...", "password": "..."}`,
      });
    }
  }
  return {
    credentials: {
      ...(electricityMapsApiKey ? { electricityMapsApiKey } : {}),
      ...(wattTime ? { wattTime } : {}),
    },
    unavailable,
  };
}
