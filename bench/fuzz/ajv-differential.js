#!/usr/bin/env node
// The nightly differential: the fuzz corpora validated by `apiharness validate
// --ndjson --json` and by ajv 8 (an independent JSON Schema validator), and
// every disagreement reported with both verdicts.
//
//   node ajv-differential.js --spec SPEC --apiharness BIN --out DIR
//        [--modules DIR] GROUP=DIR[,DIR...] ...
//
// GROUP is "request" (the operation's request schema, --direction request),
// "201" or "400" (the schema documented for that response, --direction
// response); each DIR is a corpus directory, read one level deep.  The schema
// names come from the spec's $ref (components/schemas/<name>).
//
// Each file becomes one NDJSON line: bare CR and LF bytes outside strings are
// replaced by spaces (tokens stay apart, the document means the same); a file
// with a raw CR/LF inside a string, or empty, is skipped (it cannot be one
// line; it is not strict JSON anyway).  apiharness reads every line strictly
// (RFC 8259); only the lines it reads as JSON are compared ("after strict JSON
// reading"), JSON.parse'd and validated by ajv.
//
// ajv: strict false, unicodeRegExp true (ECMA-262 patterns with the u flag:
// \d is ASCII), allErrors, ajv-formats (date-time, date, int32, int64 ...).
// The spec is transformed to the project's documented reading (README "How
// the spec is read") before ajv compiles it: a schema object with
// "nullable": true becomes {"anyOf": [{"type": "null"}, <the object without
// nullable>]} - null is also allowed there, whatever stands beside it ($ref
// and allOf included); an OpenAPI 3.0 boolean exclusiveMinimum/Maximum
// becomes the draft-07 number form.
//
// One disagreement is known and documented (README "How the spec is read"):
// `type: integer` is a number written without a fraction or an exponent, so
// apiharness refuses 1.0 or 1e0 where ajv, which sees the parsed value 1,
// accepts it.  A document that apiharness refuses only with "type" violations
// on numbers whose value is an integer is counted as "known", not as a
// disagreement (its line in differential.ndjson carries "known": the reason).
//
// Output: DIR/differential.ndjson (one line per disagreement: group, schema,
// file, the document (escaped excerpt), apiharness's verdict and violations,
// ajv's verdict and errors), DIR/differential.json (counts per group) and one
// summary line on stdout.  Exit 0 all agree (known disagreements aside), 1
// some disagree, 2 could not run.
'use strict';
const fs = require('fs');
const path = require('path');
const {spawnSync} = require('child_process');

function die(msg) {
  process.stderr.write(`ajv-differential: ${msg}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
let specPath, bin, outDir, modules;
const groups = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--spec') specPath = args[++i];
  else if (a === '--apiharness') bin = args[++i];
  else if (a === '--out') outDir = args[++i];
  else if (a === '--modules') modules = args[++i];
  else if (/^(request|201|400)=/.test(a)) {
    const [g, dirs] = a.split(/=(.*)/s);
    groups.push({group: g, dirs: dirs.split(',').filter(Boolean)});
  } else die(`unknown argument '${a}' (want --spec, --apiharness, --out, --modules, request=DIR, 201=DIR, 400=DIR)`);
}
if (!specPath || !bin || !outDir || !groups.length) die('usage: ajv-differential.js --spec SPEC --apiharness BIN --out DIR GROUP=DIR[,DIR]...');

const searched = [modules, path.join(__dirname, '..', 'node_modules'), path.join(__dirname, 'node_modules'),
                  path.join(__dirname, '..', 'validate', 'node_modules')].filter(Boolean);
let Ajv, addFormats;
for (const m of searched) {
  try {
    Ajv = require(path.join(m, 'ajv'));
    addFormats = require(path.join(m, 'ajv-formats'));
    break;
  } catch (e) { /* next */ }
}
if (!Ajv || !addFormats) die(`ajv and ajv-formats not found in ${searched.join(', ')} (npm install --prefix bench ajv@8 ajv-formats)`);
if (Ajv.default) Ajv = Ajv.default;
if (addFormats.default) addFormats = addFormats.default;

let spec;
try {
  spec = JSON.parse(fs.readFileSync(specPath, 'utf8'));
} catch (e) {
  die(`cannot load the spec ${specPath}: ${e.message}`);
}

// ---- the schema names, from the operation --------------------------------------
function operation() {
  for (const [p, item] of Object.entries(spec.paths || {}))
    if (item && item.post && p === '/public/v1/accounts/api-tokens') return item.post;
  for (const item of Object.values(spec.paths || {})) if (item && item.post) return item.post;
  return null;
}
function jsonMedia(content) {
  for (const [mt, m] of Object.entries(content || {}))
    if (mt === 'application/json' || /\+json$/.test(mt) || /^application\/json;/.test(mt)) return m;
  return null;
}
function refName(schema) {
  // {"allOf": [{"$ref": ...}]} with nothing beside it names the same schema
  if (schema && Array.isArray(schema.allOf) && schema.allOf.length === 1 && Object.keys(schema).length === 1)
    return refName(schema.allOf[0]);
  const r = schema && schema.$ref;
  const m = typeof r === 'string' && r.match(/^#\/components\/schemas\/([^/]+)$/);
  return m ? m[1].replace(/~1/g, '/').replace(/~0/g, '~') : null;
}
const op = operation();
if (!op) die('the spec has no POST operation');
function schemaFor(group) {
  if (group === 'request') {
    const m = jsonMedia(op.requestBody && op.requestBody.content);
    return m && refName(m.schema);
  }
  const r = op.responses && op.responses[group];
  const m = r && jsonMedia(r.content);
  return m && refName(m.schema);
}

// ---- the project's reading of the spec, for ajv ------------------------------------
function transform(node) {
  if (Array.isArray(node)) return node.map(transform);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) out[k] = transform(v);
  for (const [kw, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']]) {
    if (out[kw] === true && typeof out[bound] === 'number') {
      out[kw] = out[bound];
      delete out[bound];
    } else if (out[kw] === false) delete out[kw];
  }
  if (out.nullable === true) {
    delete out.nullable;
    return {anyOf: [{type: 'null'}, out]};
  }
  if (out.nullable === false) delete out.nullable;
  return out;
}
const ajvSpec = transform(spec);
// properties named "nullable" are not keywords: put them back untouched
(function restore(orig, tr) {
  if (!orig || typeof orig !== 'object' || !tr || typeof tr !== 'object') return;
  if (orig.properties && typeof orig.properties === 'object' && tr.properties)
    for (const k of Object.keys(orig.properties))
      if (k === 'nullable') tr.properties[k] = transform(orig.properties[k]);
  for (const k of Object.keys(orig)) restore(orig[k], tr[k]);
})(spec, ajvSpec);

const ajv = new Ajv({strict: false, unicodeRegExp: true, allErrors: true, logger: false});
addFormats(ajv);
ajv.addSchema(ajvSpec, 'spec');

// ---- documents ------------------------------------------------------------------------
function oneLine(buf) {
  const out = Buffer.from(buf);
  let inStr = false, esc = false;
  for (let i = 0; i < out.length; i++) {
    const c = out[i];
    if (inStr) {
      if (esc) esc = false;
      else if (c === 0x5c) esc = true;
      else if (c === 0x22) inStr = false;
      else if (c === 0x0a || c === 0x0d) return null; // a raw line break inside a string
    } else if (c === 0x22) inStr = true;
    else if (c === 0x0a || c === 0x0d) out[i] = 0x20;
  }
  return out;
}
function excerpt(buf) {
  let s = '';
  for (const c of buf.subarray(0, 400)) {
    if (c === 0x5c) s += '\\\\';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += '\\x' + c.toString(16).padStart(2, '0');
  }
  return buf.length > 400 ? `${s}...(${buf.length} bytes)` : s;
}

fs.mkdirSync(outDir, {recursive: true});
const findingsPath = path.join(outDir, 'differential.ndjson');
const findings = [];
const summary = {groups: [], documents: 0, compared: 0, agree: 0, disagree: 0, not_strict: 0, skipped: 0, known: 0};
const KNOWN_INTEGER = 'documented reading: type integer excludes numbers written with a fraction or an exponent (1.0, 1e0); ' +
                      'ajv sees the parsed value and accepts them';

// The value at a JSON pointer ("" the root), or undefined.
function at(value, pointer) {
  if (pointer === '') return value;
  let v = value;
  for (const raw of pointer.split('/').slice(1)) {
    const k = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (v === null || typeof v !== 'object' || !(k in v)) return undefined;
    v = v[k];
  }
  return v;
}

// 1 when apiharness's only errors are "type" on integer-valued numbers.
function onlyIntegerSpelling(value, violations) {
  const errors = violations.filter((v) => v.severity !== 'warning');
  return errors.length > 0 && errors.every((v) => v.keyword === 'type' && typeof v.instance === 'string' &&
                                                  Number.isInteger(at(value, v.instance)));
}

for (const g of groups) {
  const name = schemaFor(g.group);
  const row = {group: g.group, schema: name, documents: 0, compared: 0, agree: 0, disagree: 0, not_strict: 0, skipped: 0,
               known: 0, both_valid: 0, both_invalid: 0};
  summary.groups.push(row);
  if (!name) {
    row.error = `no component schema documented for ${g.group}`;
    continue;
  }
  let validate;
  try {
    validate = ajv.getSchema(`spec#/components/schemas/${name}`) || ajv.compile({$ref: `spec#/components/schemas/${name}`});
  } catch (e) {
    row.error = `ajv cannot compile ${name}: ${e.message}`;
    continue;
  }
  const docs = [];
  for (const d of g.dirs) {
    let names = [];
    try {
      names = fs.readdirSync(d).filter((n) => !n.startsWith('.')).sort();
    } catch (e) {
      continue;
    }
    for (const n of names) {
      const f = path.join(d, n);
      let st;
      try {
        st = fs.statSync(f);
      } catch (e) {
        continue;
      }
      if (!st.isFile()) continue;
      const raw = fs.readFileSync(f);
      const line = oneLine(raw);
      if (!line || !line.length || /^[ \t]*$/.test(line.toString('latin1'))) {
        row.skipped++;
        continue;
      }
      docs.push({file: f, line});
    }
  }
  row.documents = docs.length;
  if (!docs.length) continue;
  const ndjson = path.join(outDir, `differential-${g.group}.ndjson`);
  fs.writeFileSync(ndjson, Buffer.concat(docs.flatMap((d) => [d.line, Buffer.from('\n')])));
  const dir = g.group === 'request' ? 'request' : 'response';
  const r = spawnSync(bin, ['validate', '--spec', specPath, '--schema', name, '--direction', dir, '--ndjson', '--json', ndjson],
                      {maxBuffer: 1 << 30});
  if (r.error || (r.status !== 0 && r.status !== 1)) {
    row.error = `apiharness validate failed (${r.error ? r.error.message : 'exit ' + r.status}): ${String(r.stderr).split('\n')[0]}`;
    continue;
  }
  const byLine = new Map();
  for (const l of r.stdout.toString('utf8').split('\n')) {
    if (!l.startsWith('{')) continue;
    let o;
    try {
      o = JSON.parse(l);
    } catch (e) {
      continue;
    }
    if (o.line) byLine.set(o.line, o);
  }
  docs.forEach((d, i) => {
    const ah = byLine.get(i + 1); // absent: valid without a violation
    if (ah && ah.json_error) {
      row.not_strict++;
      return;
    }
    const ahValid = !ah || ah.valid === true;
    let value;
    try {
      value = JSON.parse(d.line.toString('utf8'));
    } catch (e) {
      findings.push({group: g.group, schema: name, file: d.file, document: excerpt(d.line),
                     apiharness: {valid: ahValid, violations: ah ? ah.violations : []},
                     ajv: {valid: false, errors: [{message: `JSON.parse rejects what apiharness read strictly: ${e.message}`}]}});
      row.compared++;
      row.disagree++;
      return;
    }
    const ajvValid = validate(value);
    row.compared++;
    if (ajvValid === ahValid) {
      row.agree++;
      if (ajvValid) row.both_valid++;
      else row.both_invalid++;
      return;
    }
    const known = ajvValid && !ahValid && onlyIntegerSpelling(value, ah ? ah.violations || [] : []);
    if (known) row.known++;
    else row.disagree++;
    findings.push({group: g.group, schema: name, file: d.file, document: excerpt(d.line),
                   ...(known ? {known: KNOWN_INTEGER} : {}),
                   apiharness: {valid: ahValid, violations: (ah ? ah.violations : []).filter((v) => v.severity !== 'warning').slice(0, 5)},
                   ajv: {valid: ajvValid, errors: (validate.errors || []).slice(0, 5).map((e) => ({instancePath: e.instancePath, keyword: e.keyword, message: e.message, schemaPath: e.schemaPath}))}});
  });
  for (const k of ['documents', 'compared', 'agree', 'disagree', 'not_strict', 'skipped', 'known']) summary[k] += row[k];
}

fs.writeFileSync(findingsPath, findings.map((f) => JSON.stringify(f)).join('\n') + (findings.length ? '\n' : ''));
summary.findings = 'differential.ndjson';
fs.writeFileSync(path.join(outDir, 'differential.json'), JSON.stringify(summary) + '\n');
const errs = summary.groups.filter((g) => g.error).map((g) => `${g.group}: ${g.error}`);
process.stdout.write(`ajv differential: ${summary.compared} strict-JSON documents compared, ${summary.agree} agree, ` +
                     `${summary.disagree} disagree, ${summary.known} known (${summary.not_strict} not strict JSON, ${summary.skipped} skipped)` +
                     (errs.length ? `; errors: ${errs.join('; ')}` : '') + '\n');
process.exit(errs.length && !summary.compared ? 2 : summary.disagree ? 1 : 0);
