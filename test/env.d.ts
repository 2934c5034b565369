import type { Env as WorkerEnv } from "../src/env";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_SQL_ENDPOINT_URL: string;
      TEST_MAIL_CATCHER_URL: string;
      TEST_ANSWER_RECORDER_URL: string;
    }
  }
}
