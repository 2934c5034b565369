// The typed client a team would copy from the README (test/client/example.ts): its types must be the
// document's current ones, it must compile the way their app would compile it, and the README must show
// exactly this file. That it works against a running service is test/e2e/typed-client.test.ts.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { CLIENT_TYPES_FILE, clientTypes } from "../../dev/client-types";

const EXAMPLE_FILE = new URL("../client/example.ts", import.meta.url);
const README_FILE = new URL("../../README.md", import.meta.url);
const README_HEADING = "Using the API from TypeScript";

/** The first ```ts block after the README heading, or undefined when there is none. */
function readmeExample(readme: string): string | undefined {
  const heading = new RegExp(`^#+ ${README_HEADING}$`, "m").exec(readme);
  if (!heading) return undefined;
  return /^```ts\n([\s\S]*?)^```$/m.exec(readme.slice(heading.index))?.[1];
}

describe("the typed client example", () => {
  it("uses types that are what `npm run client:types` generates from the document now", async () => {
    expect(readFileSync(CLIENT_TYPES_FILE, "utf8"), "test/client/api.d.ts is stale: run `npm run client:types` and commit it").toBe(
      await clientTypes(),
    );
  }, 60_000);

  it("type-checks under test/client/tsconfig.json, a consumer's settings rather than this repo's", async () => {
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    const project = fileURLToPath(new URL("../client", import.meta.url));
    // tsc prints its diagnostics on stdout; an empty string is a clean compile.
    const diagnostics = await promisify(execFile)(process.execPath, [tsc, "--pretty", "false", "-p", project]).then(
      () => "",
      (err: { stdout?: string; message: string }) => err.stdout || err.message,
    );
    expect(diagnostics).toBe("");
  }, 120_000);

  it(`is what README.md shows under "${README_HEADING}"`, () => {
    const shown = readmeExample(readFileSync(README_FILE, "utf8"));
    expect(shown, `README.md needs a "${README_HEADING}" section whose first \`\`\`ts block is test/client/example.ts`).toBeDefined();
    expect(shown, "the README's example differs from test/client/example.ts: copy the file into it").toBe(readFileSync(EXAMPLE_FILE, "utf8"));
  });
});
