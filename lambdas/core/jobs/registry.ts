import type { AnyJobDefinition } from './job-definition';

/** A job payload names a kind no handler is registered for. */
export class UnknownJobKindError extends Error {
  constructor(
    readonly kind: string,
    readonly registered: readonly string[],
  ) {
    super(
      `no job handler is registered for kind ${JSON.stringify(kind)}; registered kinds: ` +
        `${registered.map((k) => JSON.stringify(k)).join(', ')} (register yours in lambdas/jobs/index.ts)`,
    );
    this.name = 'UnknownJobKindError';
  }
}

/** Two handlers claim the same kind. */
export class DuplicateJobKindError extends Error {
  constructor(readonly kind: string) {
    super(`job kind ${JSON.stringify(kind)} is registered twice; each kind needs exactly one handler`);
    this.name = 'DuplicateJobKindError';
  }
}

/** The job handlers a worker knows, by kind. */
export interface JobRegistry {
  /** Registered kinds, sorted. */
  kinds(): string[];
  /** The handler of `kind`, or undefined. */
  get(kind: string): AnyJobDefinition | undefined;
  /**
   * The handler of `kind`.
   * @throws {UnknownJobKindError} naming the registered kinds
   */
  require(kind: string): AnyJobDefinition;
}

/**
 * Build a registry from job definitions.
 * @throws {DuplicateJobKindError} when two definitions share a kind
 */
export function createJobRegistry(definitions: readonly AnyJobDefinition[]): JobRegistry {
  const byKind = new Map<string, AnyJobDefinition>();
  for (const definition of definitions) {
    if (byKind.has(definition.kind)) throw new DuplicateJobKindError(definition.kind);
    byKind.set(definition.kind, definition);
  }
  const kinds = () => [...byKind.keys()].sort();
  return {
    kinds,
    get: (kind) => byKind.get(kind),
    require: (kind) => {
      const definition = byKind.get(kind);
      if (!definition) throw new UnknownJobKindError(kind, kinds());
      return definition;
    },
  };
}
