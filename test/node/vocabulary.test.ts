// The app speaks the API's vocabulary: every problem code it reacts to and every role it compares with
// must be one the API can actually send (src/domain/*). A renamed code would otherwise fail silently.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROBLEM_CODES } from "../../src/domain/problems";
import { ROLES } from "../../src/domain/roles";

function appSources(dir = "static/app"): { file: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return appSources(path);
    return entry.name.endsWith(".js") ? [{ file: path, text: readFileSync(path, "utf8") }] : [];
  });
}

const sources = appSources();

/** Every match of `pattern` in the app, as [file, captured word]. */
const found = (pattern: RegExp): [string, string][] =>
  sources.flatMap(({ file, text }) => [...text.matchAll(pattern)].map((m) => [file, m[1]!] as [string, string]));

describe("the app's vocabulary", () => {
  it("reacts only to problem codes the API's catalogue has", () => {
    // fieldForCode: { invalid_code: "code", ... } maps, and `.code === "..."` comparisons.
    const maps = sources.flatMap(({ file, text }) =>
      [...text.matchAll(/fieldForCode:\s*\{([^}]*)\}/g)].flatMap((m) => [...m[1]!.matchAll(/(\w+)\s*:/g)].map((k) => [file, k[1]!] as [string, string])),
    );
    const compared = found(/\.code\s*===?\s*"([^"]+)"/g);
    const used = [...maps, ...compared];
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter(([, code]) => !(PROBLEM_CODES as string[]).includes(code))).toEqual([]);
  });

  it("compares roles only with roles the API has", () => {
    const compared = found(/role\s*===?\s*"([^"]+)"/g);
    expect(compared.length).toBeGreaterThan(0);
    expect(compared.filter(([, role]) => !(ROLES as readonly string[]).includes(role))).toEqual([]);
  });
});
