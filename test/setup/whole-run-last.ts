import { BaseSequencer, type TestSpecification } from "vitest/node";

// Files that judge the whole run, in the order they go last: the query plans of every statement sent
// (plans.test.ts fills the tables, then empties them again), then every answer against the document.
const LAST = ["/plans.test.ts", "/contract.test.ts"];

/** Vitest's order, except that the files judging the whole run come after every other worker test file. */
export class WholeRunLast extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => LAST.findIndex((name) => file.moduleId.endsWith(name));
    return [...sorted.filter((file) => rank(file) < 0), ...LAST.flatMap((_, i) => sorted.filter((file) => rank(file) === i))];
  }
}
