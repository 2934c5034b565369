// Copies the API-docs front ends and the app's QR code encoder from node_modules into static/vendor, so
// /docs, /redoc and the two-factor page are served from our own origin (no CDN, no build step for the
// app). Runs on `npm install`; the copies are git-ignored.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

// ReDoc's sidebar credit draws a logo from ReDoc's CDN (no option turns it off), which our
// Content-Security-Policy refuses, with a console error. With no source the image fails at once,
// without a request, and ReDoc's own fallback for a logo that does not load leaves it out.
const REDOC_CDN_LOGO = '"https://cdn.redoc.ly/redoc/logo-mini.svg"';
const withoutCdnLogo = (bundle) => {
  if (!bundle.includes(REDOC_CDN_LOGO)) {
    console.warn("vendor-assets: ReDoc no longer names its CDN logo as before; check /redoc for requests to its CDN");
  }
  return bundle.replaceAll(REDOC_CDN_LOGO, '""');
};

const files = [
  ["swagger-ui-dist/swagger-ui-bundle.js", "swagger-ui/swagger-ui-bundle.js"],
  ["swagger-ui-dist/swagger-ui.css", "swagger-ui/swagger-ui.css"],
  ["redoc/bundles/redoc.standalone.js", "redoc/redoc.standalone.js", withoutCdnLogo],
  // An ES module with no imports: the browser loads it as it is (static/app/qr-code.js).
  ["qrcode-generator/dist/qrcode.mjs", "qrcode/qrcode.mjs"],
];
for (const [from, to, adapt] of files) {
  const source = join(root, "node_modules", from);
  if (!existsSync(source)) {
    console.warn(`vendor-assets: ${from} is not installed; /docs or /redoc will lack it`);
    continue;
  }
  const target = join(root, "static", "vendor", to);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, adapt ? adapt(readFileSync(source, "utf8")) : readFileSync(source));
}
