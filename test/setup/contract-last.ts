import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Vitest's order, except that the contract test runs after every other worker test file: it asks the
 * answer recorder for its verdict on the whole run.
 */
export class ContractLast extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isContract = (file: TestSpecification) => file.moduleId.endsWith("/contract.test.ts");
    return [...sorted.filter((file) => !isContract(file)), ...sorted.filter(isContract)];
  }
}
