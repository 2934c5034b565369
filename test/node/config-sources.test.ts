// README's configuration table is the operator's truth: it must name exactly the variables the worker
// reads (src/config.ts), and mark the local stack's own knobs as such.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONFIG_VARIABLES, LOCAL_TOOLING_VARIABLES } from "../../src/config";

function configurationTable(): Map<string, string> {
  const readme = readFileSync("README.md", "utf8");
  const section = readme.slice(readme.indexOf("\n## Configuration\n"), readme.indexOf("\n## ", readme.indexOf("\n## Configuration\n") + 1));
  const rows = new Map<string, string>();
  for (const line of section.split("\n").filter((l) => l.startsWith("| `"))) {
    const [first, required] = line.split("|").slice(1, 3).map((cell) => cell.trim());
    for (const name of first!.matchAll(/`([A-Z0-9_]+)`/g)) rows.set(name[1]!, required!);
  }
  return rows;
}

describe("README's configuration table", () => {
  const table = configurationTable();

  it("lists exactly the variables the worker reads", () => {
    expect([...table.keys()].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it("names the local stack's own variables as tooling, not deployment settings", () => {
    for (const name of LOCAL_TOOLING_VARIABLES) expect(table.get(name), name).toMatch(/tooling/);
    for (const name of CONFIG_VARIABLES.filter((v) => !(LOCAL_TOOLING_VARIABLES as readonly string[]).includes(v))) {
      expect(table.get(name), name).not.toMatch(/tooling/);
    }
  });
});
