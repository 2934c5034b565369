import type { ProblemCode } from "../domain/problems";
import type { AppError, FieldError } from "../errors";
import { PROBLEM_TYPE_PATH } from "./paths";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  instance?: string;
  errors?: FieldError[];
}

export const problemTitle = (status: number): string => TITLES[status] ?? "Error";

/** RFC 9457 problem details. `type` is a relative URI, resolving on this origin to the code's page. */
export function problemResponse(problem: AppError, requestId?: string): Response {
  const { status, code, detail, extra } = problem;
  const body: Problem = { type: `${PROBLEM_TYPE_PATH}/${code}`, title: problemTitle(status), status, detail, code };
  if (requestId) body.instance = `urn:request:${requestId}`;
  if (extra.errors) body.errors = extra.errors;
  return new Response(JSON.stringify(extra.members ? { ...body, ...extra.members } : body), {
    status,
    headers: { "Content-Type": PROBLEM_CONTENT_TYPE, ...extra.headers },
  });
}
