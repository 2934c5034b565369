// A QR code of a text as an <svg> element, built with DOM calls (no markup string to inject), from the
// vendored encoder (qrcode-generator, copied into static/vendor by dev/vendor-assets.mjs): small, no
// dependencies, an ES module the browser loads as it is.
import qrcode from "/vendor/qrcode/qrcode.mjs";

const SVG = "http://www.w3.org/2000/svg";
// The quiet zone the QR specification asks for around the symbol, in modules.
const QUIET = 4;

/** An accessible, scalable QR code of `text` (error correction M: an otpauth URI fits in version 6–8). */
export function qrCodeSvg(text, label) {
  const qr = qrcode(0, "M");
  qr.addData(text, "Byte");
  qr.make();
  const count = qr.getModuleCount();
  const size = count + 2 * QUIET;
  // One path of unit squares, one per dark module: crisp at any size.
  let d = "";
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) if (qr.isDark(row, col)) d += `M${col + QUIET} ${row + QUIET}h1v1h-1z`;
  }
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("shape-rendering", "crispEdges");
  svg.setAttribute("class", "qr-code");
  const background = document.createElementNS(SVG, "rect");
  background.setAttribute("width", String(size));
  background.setAttribute("height", String(size));
  background.setAttribute("fill", "#fff");
  const modules = document.createElementNS(SVG, "path");
  modules.setAttribute("d", d);
  modules.setAttribute("fill", "#000");
  svg.append(background, modules);
  return svg;
}
