/** Where the API is mounted: the OpenAPI document's server, the refresh cookie's scope. */
export const API_BASE_PATH = "/api/v1";

/** Where each problem code's page is (routes/problem-pages.ts): a problem's `type` is this plus its code. */
export const PROBLEM_TYPE_PATH = "/problems";
