/**
 * WattTime bearer tokens shared across provider instances and Lambda invocations (keep one at module scope), keyed
 * by base URL and user name. A login in progress is shared, so parallel requests trigger one `/login` only.
 */
export class WattTimeTokenCache {
  readonly #tokens = new Map<string, { token: string; expiresAtMs: number }>();
  readonly #logins = new Map<string, Promise<string>>();

  /** The cached token for `key` when it is valid until at least `nowMs`. */
  valid(key: string, nowMs: number): string | undefined {
    const entry = this.#tokens.get(key);
    return entry && entry.expiresAtMs > nowMs ? entry.token : undefined;
  }

  /** Cache `token` until `expiresAtMs` (epoch ms). */
  store(key: string, token: string, expiresAtMs: number): void {
    this.#tokens.set(key, { token, expiresAtMs });
  }

  /** Forget the token of `key` if it is still `token` (a 401 on an older token does not drop a fresh one). */
  invalidate(key: string, token: string): void {
    if (this.#tokens.get(key)?.token === token) this.#tokens.delete(key);
  }

  /** Run `login` unless one for `key` is already running, and share its result. */
  login(key: string, login: () => Promise<string>): Promise<string> {
    const running = this.#logins.get(key);
    if (running) return running;
    const started = login().finally(() => this.#logins.delete(key));
    this.#logins.set(key, started);
    return started;
  }
}
