// Writes a brotli (.br) and a gzip (.gz) version beside each compressible file of the
// folder given, at the strongest settings: done once per build, so the server never
// compresses its static files while serving. Node's own zlib: nothing to install.
"use strict";
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");

const dir = process.argv[2];
const compressible = /\.(wasm|bin|js|css|html|svg|txt|json|ico)$/;
for (const name of fs.readdirSync(dir)) {
  const file = path.join(dir, name);
  if (!compressible.test(name) || !fs.statSync(file).isFile()) continue;
  const raw = fs.readFileSync(file);
  const br = zlib.brotliCompressSync(raw, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
  const gz = zlib.gzipSync(raw, { level: zlib.constants.Z_BEST_COMPRESSION });
  // A version no smaller than the file itself is not worth a header.
  for (const [suffix, data] of [[".br", br], [".gz", gz]]) {
    const target = file + suffix;
    if (data.length < raw.length) fs.writeFileSync(target, data);
    else fs.rmSync(target, { force: true });
  }
  console.log(`${name}: ${raw.length} B, brotli ${br.length} B, gzip ${gz.length} B`);
}
