// Puts the split and bound SPA into the folder trunk built (see scripts/build-web):
//   node scripts/link-wasm.js <work folder> <dist folder>
// The work folder holds `bound/web.js` (wasm-bindgen's loader), `bound/web_bg.wasm` (the
// main module) and `split/` (wasm-split-cli's link module `__wasm_split.js` and the
// modules loaded on demand), all optimised. The modules go out as one bundle per area of
// the site, and the link module is rewritten to load them so (below). Every file gets the
// build's hash in its name, so the server can let browsers keep them for good; the loader
// and the link module import each other, so one hash over all of them names them all. The
// page gets the script that starts the SPA and preloads for what it needs at once, with
// their integrity.
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

// wasm-split-cli makes a module per area and one per set of areas that share code: with a
// dozen areas an area waits for tens of modules (up to 145), most of them a few hundred
// bytes, and compressed apart they come to about a third more than together. So each
// area's modules are sent as one file: its bundle, the modules one after another, which
// the link module fetches when the area is first shown and cuts into modules by their
// sizes. A module that two areas share is in both bundles and is instantiated once, by
// whichever area comes first.
const header = link.slice(0, link.search(/^(\/\*|const __chunk_|export const )/m));
const fetched = /new URL\("\.\/([^"]+\.wasm)", import\.meta\.url\)/;
const chunks = new Map(
  [...link.matchAll(/^const (__chunk_\d+) = makeLoad\(\(\) => \{\s*const src = fetch\(([^\n]+)\);/gm)].map(
    (m) => [m[1], m[2].match(fetched)[1]],
  ),
);
const areas = [
  ...link.matchAll(
    /^export const (__wasm_split_load_render_(\w+?)_\d+) = wrapAsyncCb\(makeLoad\(\(\) => \{\s*const src = fetch\(([^\n]+)\);[^]*?, \[([^\]]*)\]\)\);/gm,
  ),
].map(([, loader, area, source, deps]) => ({
  loader,
  area,
  modules: [
    source.match(fetched)[1],
    ...deps
      .split(",")
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => chunks.get(d)),
  ],
}));
// Every module loader the generated code declares must have been understood here.
const declared = (link.match(/makeLoad\(/g) || []).length - 1;
const numbered = [...chunks].every(([name, file]) => name === `__${file.replace(/\.wasm$/, "")}`);
if (declared !== chunks.size + areas.length || !numbered || areas.some((a) => a.modules.includes(undefined))) {
  throw new Error(`link-wasm: ${declared} module loaders, ${chunks.size} chunks and ${areas.length} areas understood`);
}
const bundleName = (area) => `area_${area}-${tag}.bin`;
// Modules by a short key: a shared chunk by its number, an area's own module by the area.
const chunkKey = (file) => Number(file.match(/^chunk_(\d+)\.wasm$/)[1]);
let linked = replaceAll(header, 'from "./web.js"', `from "./${names.loader}"`);
linked += `// Each module's bytes by key, from the bundle of the area that first needed it.
const parts = new Map();
function fromBundle(key) {
    const bytes = parts.get(key);
    return async (imports) => {
        const instantiated = await WebAssembly.instantiate(await bytes, imports);
        // Its loader keeps the module from now on: the bytes are not needed again.
        parts.set(key, null);
        return instantiated;
    };
}
const chunkSizes = ${JSON.stringify(Object.fromEntries([...chunks.values()].map((f) => [chunkKey(f), modules.get(f).length])))};
const chunks = {};
for (const key in chunkSizes) chunks[key] = makeLoad(() => fromBundle(Number(key)), []);
function area(name, size, deps) {
    const load = makeLoad(() => fromBundle(name), deps.map((key) => chunks[key]));
    const contents = [[name, size], ...deps.map((key) => [key, chunkSizes[key]])];
    return wrapAsyncCb(() => {
        if (contents.some(([key]) => !parts.has(key))) {
            const file = \`area_\${name}-${tag}.bin\`;
            const all = fetch(new URL(\`./\${file}\`, import.meta.url)).then((r) => {
                if (!r.ok) throw new Error(\`\${file}: \${r.status}\`);
                return r.arrayBuffer();
            });
            let at = 0;
            for (const [key, size] of contents) {
                const start = (at += size) - size;
                if (parts.has(key)) continue;
                const bytes = all.then((b) => b.slice(start, start + size));
                parts.set(key, bytes);
                // A failed download is tried again the next time the area is shown.
                bytes.catch(() => parts.get(key) === bytes && parts.delete(key));
            }
        }
        return load();
    });
}
`;
for (const { loader: load, area: name, modules: files } of areas) {
  const deps = files.slice(1).map(chunkKey);
  linked += `export const ${load} = area(${JSON.stringify(name)}, ${modules.get(files[0]).length}, ${JSON.stringify(deps)});\n`;
  write(bundleName(name), Buffer.concat(files.map((f) => modules.get(f))));
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
// what it imports; an area, on top of that, its bundle.
const brotli = (name) =>
  zlib.brotliCompressSync(written.get(name), {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY },
  }).length;
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
const first = brotli(names.loader) + brotli(names.main) + brotli(names.link);
console.log(`link-wasm: ${areas.length} areas, ${modules.size} modules; brotli: first screen (wasm and JS) ${kb(first)}`);
for (const { area: name, modules: files } of areas) {
  const extra = brotli(bundleName(name));
  console.log(`link-wasm:   ${name}: + ${kb(extra)} (${files.length} modules), ${kb(first + extra)} in all`);
}
