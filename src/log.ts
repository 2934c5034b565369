export type LogLevel = "debug" | "info" | "warn" | "error";

export type Logger = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

/**
 * JSON lines on the console (Workers Logs and `wrangler tail` index them). Callers pass only
 * non-secret fields: ids, routes, statuses, durations, error codes. Never bodies, tokens or hashes.
 */
export function createLogger(base: Record<string, unknown> = {}): Logger {
  return (level, message, fields = {}) => {
    const line = JSON.stringify({ time: new Date().toISOString(), level, message, ...base, ...fields });
    if (level === "error") console.error(line);
    else if (level === "warn") console.warn(line);
    else console.log(line);
  };
}
