// Loaded by /redoc. Kept as a file (not inline) so the page works under a strict CSP.
Redoc.init("/api/v1/openapi.json", { hideDownloadButton: false }, document.getElementById("redoc"));
