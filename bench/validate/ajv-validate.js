#!/usr/bin/env node
// The benchmark peer of `apiharness validate --ndjson`: JSON.parse + ajv 8.
//
//   node ajv-validate.js SPEC.json SCHEMA_NAME FILE.ndjson
//
// Compiles the spec's component schema once (the whole spec added under the id
// "spec", so its local $refs resolve), then validates each non-empty line of
// FILE: a line JSON.parse rejects counts as invalid, like in apiharness.
// Prints "N valid, M invalid"; exit 0 all valid, 1 some invalid, 2 on errors.
//
// ajv options: strict false (the spec carries OpenAPI keywords such as
// "nullable", "deprecated", "readOnly"), unicodeRegExp true so patterns are
// ECMA-262 with the u flag (\d is ASCII digits only), allErrors false (counting
// valid/invalid needs only the first error, the fastest ajv can be).  ajv 8
// reads the OpenAPI "nullable": true keyword itself.
'use strict';
const fs = require('fs');
const path = require('path');

function die(msg) {
  process.stderr.write(`ajv-validate: ${msg}\n`);
  process.exit(2);
}

const [specPath, schemaName, file] = process.argv.slice(2);
if (!specPath || !schemaName || !file) die('usage: ajv-validate.js SPEC.json SCHEMA_NAME FILE.ndjson');

let Ajv, addFormats;
try {
  Ajv = require(path.join(__dirname, 'node_modules', 'ajv'));
  addFormats = require(path.join(__dirname, 'node_modules', 'ajv-formats'));
} catch (e) {
  die(`ajv not installed in ${__dirname}/node_modules (bench/validate/run installs it): ${e.message}`);
}

let spec;
try {
  spec = JSON.parse(fs.readFileSync(specPath, 'utf8'));
} catch (e) {
  die(`cannot load spec ${specPath}: ${e.message}`);
}
if (!spec.components || !spec.components.schemas || !spec.components.schemas[schemaName])
  die(`${specPath}: no component schema "${schemaName}"`);

const ajv = new Ajv({strict: false, unicodeRegExp: true, allErrors: false});
addFormats(ajv);
ajv.addSchema(spec, 'spec');
let validate;
try {
  validate = ajv.compile({$ref: `spec#/components/schemas/${schemaName}`});
} catch (e) {
  die(`cannot compile ${schemaName}: ${e.message}`);
}

let text;
try {
  text = fs.readFileSync(file, 'utf8');
} catch (e) {
  die(`cannot read ${file}: ${e.message}`);
}

let valid = 0, invalid = 0;
let start = 0;
const len = text.length;
while (start < len) {
  let end = text.indexOf('\n', start);
  if (end < 0) end = len;
  if (end > start) {
    let ok;
    try {
      ok = validate(JSON.parse(text.slice(start, end)));
    } catch (e) {
      ok = false;
    }
    if (ok) valid++;
    else invalid++;
  }
  start = end + 1;
}
process.stdout.write(`${valid} valid, ${invalid} invalid\n`);
process.exit(invalid ? 1 : 0);
