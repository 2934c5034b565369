// Loaded by /docs. Kept as a file (not inline) so the page works under a strict CSP.
window.ui = SwaggerUIBundle({
  url: "/api/v1/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: false,
});
