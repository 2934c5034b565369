import { OpenApiGeneratorV31, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import { createApi } from "./app";
import { API_TAGS, ROUTE_RESPONSES, type RouteResponses } from "./http/api-route";
import { API_BASE_PATH } from "./http/paths";
import { API_DOCUMENT_PATH } from "./routes/api-document";
import { problemResponses } from "./schemas/problem-responses";
import { VERSION } from "./version";

/** Where the prebuilt document lives in the repository: the static asset the worker serves. */
export const API_DOCUMENT_FILE = `static${API_BASE_PATH}${API_DOCUMENT_PATH}`;

/**
 * The API's OpenAPI 3.1 document, generated from the routes' schemas. Tools and tests call this; the worker
 * never does (its bundle has no generator): it serves API_DOCUMENT_FILE, which `npm run openapi:document`
 * writes from this and a test keeps equal to it.
 */
export function generateApiDocument() {
  const definitions = createApi().openAPIRegistry.definitions.map((definition) =>
    definition.type === "route" ? { ...definition, route: withResponses(definition.route) } : definition,
  );
  return new OpenApiGeneratorV31(definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Accounts API",
      version: VERSION,
      description: "Registration, verification, login, tokens and profiles.",
      // Whoever deploys the service answers for it; the reference pages are where its users start.
      contact: { name: "Accounts API maintainers", url: "/redoc" },
      license: { name: "MIT", url: "https://opensource.org/license/mit" },
    },
    servers: [{ url: API_BASE_PATH }],
    tags: Object.entries(API_TAGS).map(([name, description]) => ({ name, description })),
  });
}

/** The operation's responses, successes and failures, from what apiRoute recorded. */
function withResponses(route: RouteConfig): RouteConfig {
  const documented = (route as RouteConfig & { [ROUTE_RESPONSES]?: RouteResponses })[ROUTE_RESPONSES];
  if (!documented) return route;
  const { successes, problems, style } = documented;
  return { ...route, responses: { ...successes(), ...problemResponses(problems, style) } };
}

/** The file's text: indented, so a change to a route reads as a small diff. */
export const apiDocumentText = () => `${JSON.stringify(generateApiDocument(), null, 2)}\n`;
