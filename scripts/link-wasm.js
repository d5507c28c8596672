// Puts the split and bound SPA into the folder trunk built (see scripts/build-web):
//   node scripts/link-wasm.js <work folder> <dist folder>
// The work folder holds `bound/web.js` (wasm-bindgen's loader), `bound/web_bg.wasm` (the
// main module) and `split/` (wasm-split-cli's link module `__wasm_split.js` and the
// modules loaded on demand), all optimised. Every file gets the build's hash in its name,
// so the server can let browsers keep them for good; the loader and the link module import
// each other, so one hash over all of them names them all. The page gets the script that
// starts the SPA and preloads for what it needs at once, with their integrity.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");

const [work, dist] = process.argv.slice(2);
const read = (file) => fs.readFileSync(path.join(work, file));

const loader = read("bound/web.js").toString();
const main = read("bound/web_bg.wasm");
const link = read("split/__wasm_split.js").toString();
// The loaded modules by name, in a fixed order for the hash.
const modules = new Map(
  fs
    .readdirSync(path.join(work, "split"))
    .filter((name) => name.endsWith(".wasm") && name !== "web.wasm")
    .sort()
    .map((name) => [name, read(`split/${name}`)]),
);

const hash = crypto.createHash("sha256");
for (const part of [loader, main, link, ...modules.values()]) {
  hash.update(part);
}
const tag = hash.digest("hex").slice(0, 16);

// `split_render_catalog_6629101901475631662.wasm` → `split_render_catalog-<tag>.wasm`:
// the number is the split point's, the same in every build.
const hashed = (name) => `${name.replace(/\.wasm$/, "").replace(/_\d{6,}$/, "")}-${tag}.wasm`;
const names = {
  loader: `web-${tag}.js`,
  main: `web-${tag}_bg.wasm`,
  link: `wasm-split-${tag}.js`,
};

function replaceAll(text, from, to) {
  if (!text.includes(from)) throw new Error(`link-wasm: "${from}" not found`);
  return text.split(from).join(to);
}

// What was written, kept for the integrity and the sizes below.
const written = new Map();
const write = (name, data) => {
  fs.writeFileSync(path.join(dist, name), data);
  written.set(name, data);
};
// Only the import statement: the wasm's own imports keep the module name it was built with.
write(names.loader, replaceAll(loader, 'from "./__wasm_split.js"', `from "./${names.link}"`));
write(names.main, main);
let linked = replaceAll(link, 'from "./web.js"', `from "./${names.loader}"`);
for (const [m, data] of modules) {
  linked = replaceAll(linked, `"./${m}"`, `"./${hashed(m)}"`);
  write(hashed(m), data);
}
write(names.link, linked);

const integrity = (name) =>
  "sha384-" + crypto.createHash("sha384").update(written.get(name)).digest("base64");
const start = `<script type="module">
import init from '/${names.loader}';
await init({ module_or_path: '/${names.main}' });
</script>
<link rel="modulepreload" href="/${names.loader}" crossorigin="anonymous" integrity="${integrity(names.loader)}">
<link rel="modulepreload" href="/${names.link}" crossorigin="anonymous" integrity="${integrity(names.link)}">
<link rel="preload" href="/${names.main}" crossorigin="anonymous" integrity="${integrity(names.main)}" as="fetch" type="application/wasm">
`;
const page = path.join(dist, "index.html");
fs.writeFileSync(page, replaceAll(fs.readFileSync(page, "utf8"), "</head>", `${start}</head>`));

// What each screen downloads, compressed as served: the first screen the page's script and
// what it imports; an area, on top of that, its module and the shared ones it waits for.
const brotli = (name) =>
  zlib.brotliCompressSync(written.get(name), {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY },
  }).length;
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
const first = brotli(names.loader) + brotli(names.main) + brotli(names.link);
console.log(`link-wasm: ${modules.size} modules; brotli: first screen (wasm and JS) ${kb(first)}`);
const shared = new Map(
  [...linked.matchAll(/const (__chunk_\d+) = makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([^"]+)"/g)].map(
    (m) => [m[1], m[2]],
  ),
);
const areas = /export const __wasm_split_load_render_(\w+?)_\d+ = [^]*?new URL\("\.\/([^"]+)"[^]*?, \[([^\]]*)\]\)\);/g;
for (const [, area, module, deps] of linked.matchAll(areas)) {
  const files = [module, ...deps.split(",").map((d) => d.trim()).filter(Boolean).map((d) => shared.get(d))];
  const extra = files.reduce((sum, f) => sum + brotli(f), 0);
  console.log(`link-wasm:   ${area}: + ${kb(extra)} (${files.length} modules), ${kb(first + extra)} in all`);
}
