#!/usr/bin/env node
// Materializes the requests of the case catalogue for the plain curl loop of
// bench/certify/run: one body file per case and a tab-separated manifest line
//   method \t content-type ("-": none) \t auth (token|none|wrong) \t repeat \t body file
// Bodies follow the catalogue's description (conformance/cases/catalogue.json,
// see harness/cases/hcases.h): "body" (a JSON value, sent compact), "body_text"
// (exact text) or "body_segments" ({"text"}, {"hex"}, {"repeat","count"});
// "{{name}}" becomes a token name carrying the case id.  Skipped cases are left out.
// Usage: emit-requests.js CATALOGUE OUTDIR   (prints the number of requests)
'use strict';
const fs = require('fs');
const path = require('path');

const [catalogue, outdir] = process.argv.slice(2);
if (!catalogue || !outdir) {
  console.error('usage: emit-requests.js CATALOGUE OUTDIR');
  process.exit(2);
}
let cat;
try {
  cat = JSON.parse(fs.readFileSync(catalogue, 'utf8'));
} catch (e) {
  console.error(`emit-requests: ${catalogue}: ${e.message}`);
  process.exit(2);
}
if (!cat || !Array.isArray(cat.cases)) {
  console.error(`emit-requests: ${catalogue}: no "cases" array`);
  process.exit(2);
}
const PLACEHOLDER = '{{name}}';
fs.mkdirSync(outdir, { recursive: true });

function bodyOf(c, name) {
  let buf;
  if (c.body_segments !== undefined) {
    const parts = c.body_segments.map((s) => {
      if (typeof s.text === 'string') return Buffer.from(s.text, 'utf8');
      if (typeof s.hex === 'string') return Buffer.from(s.hex, 'hex');
      if (typeof s.repeat === 'string') return Buffer.from(s.repeat.repeat(s.count || 0), 'utf8');
      throw new Error(`case ${c.id}: unknown body segment ${JSON.stringify(s)}`);
    });
    buf = Buffer.concat(parts);
  } else if (typeof c.body_text === 'string') {
    buf = Buffer.from(c.body_text, 'utf8');
  } else if (c.body !== undefined) {
    buf = Buffer.from(JSON.stringify(c.body), 'utf8');
  } else {
    buf = Buffer.alloc(0);
  }
  const text = buf.toString('latin1');
  return text.includes(PLACEHOLDER) ? Buffer.from(text.split(PLACEHOLDER).join(name), 'latin1') : buf;
}

const lines = [];
let requests = 0;
cat.cases.forEach((c, i) => {
  if (c.skip) return;
  const file = path.join(outdir, `${String(i).padStart(4, '0')}.body`);
  fs.writeFileSync(file, bodyOf(c, `apiharness-bench-${c.id}`));
  const repeat = Number.isInteger(c.repeat) && c.repeat > 1 ? c.repeat : 1;
  const ct = c.content_type === null || c.content_type === undefined ? '-' : c.content_type;
  lines.push([c.method || 'POST', ct, c.auth || 'token', repeat, file].join('\t'));
  requests += repeat;
});
fs.writeFileSync(path.join(outdir, 'manifest.tsv'), lines.join('\n') + '\n');
console.log(requests);
