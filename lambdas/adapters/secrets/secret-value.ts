import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A credential that cannot leak by accident: `String()`, template literals, `JSON.stringify`, `util.inspect`
 * (console.log, Powertools Logger) all print `[redacted]`. Only {@link SecretValue.reveal} gives the value, at the
 * one place it is put into a request header.
 */
export class SecretValue {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself; call only where it goes into a request. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
