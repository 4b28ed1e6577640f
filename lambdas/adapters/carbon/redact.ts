/**
 * Redaction of credentials from text that leaves a provider client: error messages, `fallbackReason`, log lines
 * (docs/security.md, "Provider credentials"). Two passes: every credential value the request carried (and its
 * Base64 and URL-encoded forms, and the parts of a Basic `user:password` pair) is replaced, then the values of
 * known credential header and field names (`auth-token`, `authorization`, `token`, `apiKey`, `password`, …) and of
 * `Bearer`/`Basic` schemes, whatever their value. The result is one line of at most {@link MAX_REDACTED_LENGTH}
 * characters.
 */

/** What replaces a credential. */
export const REDACTED = '[redacted]';

/** Longest text kept from a provider's error body, characters. */
export const MAX_REDACTED_LENGTH = 160;

/** Header and field names whose values are credentials, whatever the provider. */
const CREDENTIAL_NAMES = [
  'auth-token',
  'authorization',
  'x-api-key',
  'api-key',
  'api_key',
  'apikey',
  'access_token',
  'refresh_token',
  'token',
  'password',
  'secret',
];

const escapeRegExp = (value: string): string => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// "name": "value"  |  name=value  |  name: value  (JSON, query strings, echoed header lines)
const NAMED_VALUE = new RegExp(
  `(["']?(?:${CREDENTIAL_NAMES.map(escapeRegExp).join('|')})["']?\\s*[:=]\\s*)("[^"]*"|'[^']*'|[^\\s,;&}"']+)`,
  'gi',
);
const SCHEME_VALUE = /\b(Bearer|Basic)\s+[A-Za-z0-9+/=._~-]+/gi;

/** The forms of one credential that can appear in an echoed request. */
function forms(secret: string): string[] {
  const out = new Set<string>([secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')]);
  // A Basic credential: the decoded user:password and each part.
  const basic = /^Basic\s+(.+)$/i.exec(secret);
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    out.add(basic[1]);
    out.add(decoded);
    for (const part of decoded.split(':')) out.add(part);
  }
  const bearer = /^Bearer\s+(.+)$/i.exec(secret);
  if (bearer?.[1]) out.add(bearer[1]);
  // Values shorter than 4 characters would redact ordinary words; they are caught by the named-value pass.
  return [...out].filter((form) => form.length >= 4).sort((a, b) => b.length - a.length);
}

/**
 * `text` with every credential removed, on one line, truncated to `maxLength` characters.
 *
 * @param text the text to clean (an error body, an error message)
 * @param secrets credential values the request carried (header values such as `Bearer <token>`, API keys)
 * @param maxLength longest result, characters; default {@link MAX_REDACTED_LENGTH}
 */
export function redactCredentials(
  text: string,
  secrets: readonly string[] = [],
  maxLength: number = MAX_REDACTED_LENGTH,
): string {
  let out = text;
  for (const form of secrets.flatMap(forms)) out = out.split(form).join(REDACTED);
  out = out.replace(SCHEME_VALUE, `$1 ${REDACTED}`).replace(NAMED_VALUE, `$1${REDACTED}`);
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > maxLength ? `${out.slice(0, maxLength - 3)}...` : out;
}
