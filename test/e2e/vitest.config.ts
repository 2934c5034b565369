import { defineConfig } from "vitest/config";

// Browser tests: a real Chromium against `npm run dev`'s stack. Kept out of `npm test` (no browser there).
export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/e2e/**/*.test.ts"],
    globalSetup: ["test/e2e/stack.ts"],
    // One stack, one browser at a time: the files share the dev server and its per-IP rate limits.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
