import { LOCAL_NEON_URL, type WorkerVars } from "../stack/local-env";
import { generateSigningJwk, generateTokenSecret } from "../stack/secrets";

/** The bench worker's configuration: fresh keys, mail to the local catcher, no verification step. */
export const benchWorkerVars = (mailCatcherUrl: string) =>
  ({
    DATABASE_URL: LOCAL_NEON_URL,
    JWT_PRIVATE_KEY: generateSigningJwk(),
    JWT_ISSUER: "https://accounts.bench",
    JWT_AUDIENCE: "accounts-bench",
    TOKEN_SECRET: generateTokenSecret(),
    RESEND_API_KEY: "re_bench",
    RESEND_API_URL: mailCatcherUrl,
    MAIL_FROM: "Accounts (bench) <no-reply@accounts.bench>",
    APP_URL: "https://accounts.bench",
    // Register answers 201 and login works at once: no mail round trip in the way.
    REQUIRE_EMAIL_VERIFICATION: "false",
  }) satisfies WorkerVars;
