import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Vitest's default order (slowest files first, from the cache), with the integration tier's metrics contract moved
 * to the very end: it checks the EMF documents that every other integration file's invocations printed.
 */
export class IntegrationSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isContract = (spec: TestSpecification) => spec.moduleId.endsWith('metrics-contract.test.ts');
    return [...sorted.filter((spec) => !isContract(spec)), ...sorted.filter(isContract)];
  }
}
