// Copies the API-docs front ends, the app's QR code encoder and its WebAuthn helpers from node_modules
// into static/vendor, so /docs, /redoc, the two-factor and the passkey pages are served from our own
// origin (no CDN, no build step for the app). Runs on `npm install`; the copies are git-ignored.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

// @simplewebauthn/browser's ES modules as they are: index.js imports ./methods/… and ./helpers/… (and
// an empty ./types/index.js) by relative paths, which the browser resolves under /vendor/simplewebauthn/.
// Only the .js files; the tree is replaced whole, so no module of an older version stays behind.
const webauthn = join(root, "node_modules", "@simplewebauthn", "browser", "esm");
const webauthnTarget = join(root, "static", "vendor", "simplewebauthn");
if (existsSync(webauthn)) {
  rmSync(webauthnTarget, { recursive: true, force: true });
  for (const file of readdirSync(webauthn, { recursive: true })) {
    if (!file.endsWith(".js")) continue;
    mkdirSync(dirname(join(webauthnTarget, file)), { recursive: true });
    writeFileSync(join(webauthnTarget, file), readFileSync(join(webauthn, file)));
  }
} else {
  console.warn("vendor-assets: @simplewebauthn/browser is not installed; the app's passkey pages will not load");
}
