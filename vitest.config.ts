import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { generateSigningJwk, generateTokenSecret } from "./dev/stack/secrets.ts";
import type { ConfigVariable } from "./src/config.ts";
import { WholeRunLast } from "./test/setup/whole-run-last.ts";

// Fresh per run: no key or secret is ever checked in, not even for tests.
const jwtPrivateKey = generateSigningJwk();
const tokenSecret = generateTokenSecret();

export default defineConfig({
  test: {
    sequence: { sequencer: WholeRunLast },
    // The worker's per-request access log is noise in test output; warnings and errors still show.
    onConsoleLog: (log) => !log.includes('"level":"info"'),
    projects: [
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                // Every variable the worker reads is pinned (the type makes sure no new one is missed), so
                // a developer's .dev.vars, which the pool also reads, cannot change what tests expect.
                ...({
                  // Any Neon-style URL: the local endpoint ignores its host and uses its own database.
                  DATABASE_URL: "postgresql://app:app@db.localtest.me/app",
                  NEON_LOCAL_ENDPOINT: inject<string>("sqlEndpointUrl"),
                  JWT_PRIVATE_KEY: jwtPrivateKey,
                  JWT_ISSUER: "https://accounts.test",
                  JWT_AUDIENCE: "accounts-test",
                  TOKEN_SECRET: tokenSecret,
                  RESEND_API_KEY: "re_test_key",
                  RESEND_API_URL: inject<string>("mailCatcherUrl"),
                  MAIL_FROM: "Accounts <no-reply@accounts.test>",
                  APP_URL: "https://accounts.test",
                  REQUIRE_EMAIL_VERIFICATION: "true",
                  ADMIN_EMAILS: "admin@example.test",
                  CORS_ORIGINS: "",
                  TOTP_ISSUER: "Accounts Test",
                  WEBAUTHN_RP_ID: "accounts.test",
                  WEBAUTHN_RP_NAME: "Accounts Test",
                  WEBAUTHN_ORIGINS: "https://accounts.test",
                  JWT_PUBLIC_KEYS: "[]",
                  ACCESS_TOKEN_TTL: "1800",
                  REFRESH_TOKEN_TTL: "604800",
                  SESSION_MAX_AGE: "2592000",
                  REFRESH_REUSE_WINDOW: "10",
                  PENDING_ACCOUNT_MAX_AGE: "604800",
                  MAX_SESSIONS_PER_USER: "50",
                  MAIL_CATCHER_URL: inject<string>("mailCatcherUrl"),
                } satisfies Record<ConfigVariable, string>),
                TEST_SQL_ENDPOINT_URL: inject<string>("sqlEndpointUrl"),
                TEST_MAIL_CATCHER_URL: inject<string>("mailCatcherUrl"),
                TEST_ANSWER_RECORDER_URL: inject<string>("answerRecorderUrl"),
              },
            },
          })),
        ],
        test: {
          name: "worker",
          include: ["test/worker/**/*.test.ts"],
          globalSetup: ["./test/setup/global-setup.ts"],
          setupFiles: ["./test/setup/flush-answers.ts"],
          // Round-trip assertions read the endpoint's global request counter: one file at a time.
          fileParallelism: false,
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "node",
          include: ["test/node/**/*.test.ts"],
          environment: "node",
          testTimeout: 30_000,
        },
      },
    ],
  },
});
