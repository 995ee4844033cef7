#!/usr/bin/env python3
"""Writes the hand-made seed inputs of corpus/<target>/ (named by SHA-1, like
libFuzzer names corpus files) and the dictionaries corpus/create_dto.dict,
response.dict, judge_multi.dict and spec.dict (corpus/http_response.dict is
written by hand).  Seeds include the boundaries the oracles need: duplicate
names below the top level, leading zeros at depth, member names near the
JSON pointer caps, boundary date-times (T24:00:00Z, leap seconds), null for
allOf-wrapped members, and pairs of 201 bodies for judge_multi.

Usage: fuzz/gen-corpus.py [REPO]   (default: the repository this file is in)

The dictionaries take their property names, enum values and pattern
fragments from spec/create-api-token.openapi.json; rerun after a spec change.
Existing corpus files are never removed (merged inputs from nightly runs stay).
Needs only Python 3's standard library; the build does not use it."""
import copy, hashlib, json, os, sys

repo = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(repo, 'corpus')
SPEC = os.path.join(repo, 'spec', 'create-api-token.openapi.json')


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), 'wb') as f:
        f.write(data)

V = '{"account":{"id":"ACC-1234-5678"},"name":"Reporting token","modules":[{"id":"MOD-1234"}]}'
dto = [
 V,
 '{"account":{"id":"ACC-0000-0001"},"name":"Full","icon":"https://example.com/i.png","description":"All fields","modules":[{"id":"MOD-0001"},{"id":"MOD-9999"}],"extensions":[{"id":"EXT-1"}]}',
 '{"account":{"id":"ACC-1234-5678"},"name":"n","icon":null,"description":null,"modules":[{"id":"MOD-1234"}],"extensions":null}',
 '{"account":{"id":"ACC-1234-5678"},"name":"","modules":[{"id":"MOD-1234"}]}',
 '{"account":{"id":"ACC-1234-5678"},"name":"\\u00e9\\ud83d\\ude00 \\"quoted\\" \\\\ \\/ \\b\\f\\n\\r\\t","modules":[{"id":"MOD-1234"}]}',
 '{"account":{"id":"ACC-1234-5678"},"name":"caf\u00e9 \u65e5\u672c","modules":[{"id":"MOD-1234"}]}',
 '{\n  "account": {"id": "ACC-1234-5678"},\n  "name": "pretty",\n  "modules": [ {"id": "MOD-1234"} ]\n}\n',
 # near misses
 '{"account":{"id":"ACC-123-5678"},"name":"n","modules":[{"id":"MOD-1234"}]}',
 '{"account":{"id":"ACC-1234-56789"},"name":"n","modules":[{"id":"MOD-1234"}]}',
 '{"account":{"id":"acc-1234-5678"},"name":"n","modules":[{"id":"MOD-1234"}]}',
 '{"account":{"id":"ACC-1234-5678\\n"},"name":"n","modules":[{"id":"MOD-1234"}]}',
 '{"account":{"id":" ACC-1234-5678"},"name":"n","modules":[{"id":"MOD-1234"}]}',
 '{"account":{"id":"ACC-\u0661\u0662\u0663\u0664-5678"},"name":"n","modules":[{"id":"MOD-1234"}]}',
 '{"account":{"id":"ACC-1234-5678\\u0000junk"},"name":"n","modules":[{"id":"MOD-1234"}]}',
 '{"account":{"id":"ACC-1234-5678"},"name":"n","modules":[{"id":"MOD-123"}]}',
 '{"account":{"id":"ACC-1234-5678"},"name":"n","modules":[{"id":"mod-1234"}]}',
 '{"account":{"id":"ACC-1234-5678"},"name":"n","modules":[{"id":""}]}',
 '{"account":{"id":"ACC-1234-5678"},"modules":[{"id":"MOD-1234"}]}',
 '{"account":{"id":"ACC-1234-5678"},"name":"n"}',
 '{"account":{"id":"ACC-1234-5678"},"name":"n","modules":[]}',
 '{"account":{"id":"ACC-1234-5678"},"name":"n","modules":null}',
 '{"account":{},"name":"n","modules":[{"id":"MOD-1234"}]}',
 '{"name":"n","modules":[{"id":"MOD-1234"}]}',
 '{"account":{"id":"ACC-1234-5678"},"name":"n","modules":[{"id":"MOD-1234"}],"extra":1}',
 '{"account":{"id":"ACC-1234-5678"},"Name":"n","modules":[{"id":"MOD-1234"}]}',
 '{"account":{"id":"ACC-1234-5678","name":"x"},"name":"n","modules":[{"id":"MOD-1234"}]}',
 '{"account":{"id":"ACC-1234-5678"},"name":"n","modules":[{"id":"MOD-1234","x":true}]}',
 '{"account":{"id":"ACC-1234-5678"},"name":"n","modules":[{"id":"MOD-1234"}],"extensions":[{"id":"E","y":0}]}',
 '{"account":{"id":"ACC-1234-5678"},"name":42,"modules":[{"id":"MOD-1234"}]}',
 '{"account":"ACC-1234-5678","name":"n","modules":[{"id":"MOD-1234"}]}',
 '{"account":{"id":12345678},"name":"n","modules":[{"id":"MOD-1234"}]}',
 '{"account":{"id":"ACC-1234-5678"},"name":"n","modules":["MOD-1234"]}',
 '{"account":{"id":"ACC-1234-5678"},"name":"n","modules":{"id":"MOD-1234"}}',
 '{"account":{"id":"ACC-1234-5678"},"name":null,"modules":[{"id":"MOD-1234"}]}',
 '{"account":{"id":"ACC-1234-5678"},"name":true,"modules":[{"id":"MOD-1234"}],"icon":[],"description":{}}',
 '{"account":{"id":"ACC-1234-5678"},"name":"a","name":"b","modules":[{"id":"MOD-1234"}]}',
 '{"account":{"id":"ACC-1234-5678"},"name":"n","modules":[{"id":"MOD-1234"}]} x',
 '{"account":{"id":"ACC-1234-5678"},"name":"n","modules":[{"id":"MOD-1234"}],}',
 '{"account":{"id":"ACC-1234-5678"},"name":"\\ud800","modules":[{"id":"MOD-1234"}]}',
 '{"account":{"id":"ACC-1234-5678"},"name":"\\x41","modules":[{"id":"MOD-1234"}]}',
 '{"account":{"id":"ACC-1234-5678"},"name":"n","modules":[{"id":"MOD-1234"}],"extensions":[{"id":1e400}]}',
 '{"account":{"id":"ACC-1234-5678"},"name":"n","modules":[{"id":"MOD-1234"}],"extensions":[{"id":-0.5e-3}, 012]}',
 # duplicate names below the top level, leading zeros at depth
 '{"account":{"id":"ACC-1234-5678","id":"ACC-1234-5678"},"name":"n","modules":[{"id":"MOD-1234"}]}',
 '{"account":{"id":"ACC-1234-5678"},"name":"n","modules":[{"id":"MOD-1234","id":"MOD-1234"}]}',
 '{"account":{"id":"ACC-1234-5678"},"name":"n","modules":[{"id":"MOD-1234"}],"extensions":[{"id":"E","id":"F"}]}',
 '{"account":{"id":"ACC-1234-5678"},"name":"n","modules":[{"id":"MOD-1234"}],"extensions":[{"id":"E"}],"icon":null,"description":"d","x":[00]}',
 # member names near the pointer caps (the reader's 256-byte error pointer, the validator's 1024)
 '{"' + 'k' * 250 + '":[1,]}',
 '{"account":{"id":"ACC-1234-5678","' + 'k' * 1000 + '":1},"name":"n","modules":[{"id":"MOD-1234"}]}',
 '[' * 200 + ']' * 200,
 '', 'null', '[]', '{}', '"ACC-1234-5678"', '0', '-1.5E+10', 'true',
]
raw = [
 b'\xef\xbb\xbf' + V.encode(),
 V.encode().replace(b'Reporting', b'Rep\xc3\x28rting'),
 V.encode().replace(b'Reporting', b'Rep\xed\xa0\x80rting'),
 V.encode().replace(b'Reporting', b'Rep\x01rting'),
 V.encode().replace(b'Reporting', b'Rep\xf0\x9f\x98rting'),
 V.encode() + b'\x00',
]

for name in ['create_dto', 'dto_structure', 'endpoint']:
    for s in dto: put(name, s)
    for b in raw: put(name, b)

tok = {"id":"TKN-0001-0002-0003","audit":{"created":{"at":"2026-11-28T12:00:00Z","by":{"id":"USR-0000-0001","name":"Harness","revision":1}}},
 "name":"Reporting token","icon":None,"revision":1,"status":"Active","description":"fuzz","lastAccessAt":None,"token":"idt:TKN-0001:abcdefghijklmnopqrstuvwxyz012345",
 "account":{"id":"ACC-1234-5678","name":"Acme","type":"Client","status":"Active"},"modules":[{"id":"MOD-1234","name":"Module"}],"extensions":[]}
def v(**kw):
    d = json.loads(json.dumps(tok))
    for k,x in kw.items():
        if x is Ellipsis: d.pop(k, None)
        else: d[k] = x
    return json.dumps(d, separators=(',',':'), ensure_ascii=False)
r201 = [v(), json.dumps(tok, indent=2), v(revision=2), v(token=Ellipsis), v(token=""), v(extra=1), v(revision="1"), v(revision=2147483648),
  v(lastAccessAt="2026-02-30T00:00:00Z"), v(lastAccessAt="2024-02-29T23:59:60+01:00"), v(lastAccessAt="yesterday"),
  v(account={"id":"ACC-1234-5678","name":1,"type":"Robot","status":"Gone"}), v(modules=[{"id":"MOD-1234","filters":{"group.buyers":["a"]},"settings":{"sharedAccount":True,"eligibility":{"multi":True}}}]),
  v(name="Other"), v(**{"$meta":{"omitted":["token"]}}), v(**{"$meta":None}), v(audit={"created":None,"updated":None}),
  v(extensions=[{"id":"EXT-1","status":"Public","audit":None}]),
  '{"id":"x"}', '{}', '[]', 'null', '', '{"token":"secret-token-value-123456", "revision": 1', 'not json',
]
r201 += [v(lastAccessAt="2026-11-28T24:00:00Z"), v(lastAccessAt="1990-12-31T23:59:60Z"), v(lastAccessAt="1990-12-31T15:59:60-08:00"),
  v(lastAccessAt="2026-11-28T12:00:60Z"), v(lastAccessAt="2026-11-28t12:00:00.5z"), v(lastAccessAt="2026-11-28T12:00:00+24:00"),
  v(audit={"created":{"at":"2026-11-28T12:00:00Z\n","by":{"id":"USR-1"}},"updated":None}),
  v(account={"id":"ACC-1234-5678","type":None,"status":None,"extra":1}), v(modules=[{"id":"MOD-1234","filters":None,"settings":{"eligibility":None,"x":1}}]),
  v(**{"$meta":{"omitted":["token"],"x":1}}), v(revision=1.5), v(revision=1e0)]
raw201 = [v().replace('"status":"Active"}', '"status":"Active","status":"Active"}').encode(),
          v().replace('"revision":1,"status"', '"revision":01,"status"').encode(),
          v().replace('Harness', 'Har\xed\xa0\x80ness').encode('latin-1').replace(b'\\xed\\xa0\\x80', b'\xed\xa0\x80')]
for b in raw201: put('api_token_response', b)
raw201 = [v().encode().replace(b'Acme', b'Ac\xc3\x28me'), v().replace('"revision":1', '"revision":1,"revision":2').encode(), b'\xef\xbb\xbf' + v().encode(),
          v().replace('Reporting', 'Rep\\ud800orting').encode()]
for s in r201: put('api_token_response', s)
for b in raw201: put('api_token_response', b)
pd = {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,
      "detail":"account.id does not match the pattern","instance":"/public/v1/accounts/api-tokens","errors":{"/account/id":["does not match ^ACC-\\d\\d\\d\\d-\\d\\d\\d\\d$"]}}
def p(**kw):
    d = dict(pd)
    for k,x in kw.items():
        if x is Ellipsis: d.pop(k, None)
        else: d[k] = x
    return json.dumps(d, separators=(',',':'))
r400 = [p(), p(status=Ellipsis), p(status=401), p(status="400"), p(status=None), p(status=400.0), p(status=4e2), p(status=-400), p(status=2147483648),
  p(title=None, type=None, detail=None, instance=None), p(title=1), p(errors=Ellipsis), p(traceId="00-abc-01"), '{"status":400}', '{}', '[]', '"Bad Request"', '', 'null',
  '{"type":"about:blank","status":400,"status":500}', 'Bad Request']
for s in r400: put('problem_details', s)
put('problem_details', p().encode().replace(b'validation', b'valid\xff'))

# judge_multi: "201 body\n@@@@\n201 body\n@@@@\nrequest body"
SEP = '\n@@@@\n'
other = v(id="TKN-0009-0008-0007", token="idt:TKN-0009:zyxwvutsrqponmlkjihgfedcba543210")
req = '{"account":{"id":"ACC-1234-5678"},"name":"Reporting token","description":"fuzz","modules":[{"id":"MOD-1234"}]}'
for s_ in [v() + SEP + other, v() + SEP + v(), v() + SEP + v(id="TKN-0009-0008-0007"), v() + SEP + v(token="idt:TKN-0009:other"),
           v(), v() + SEP + other + SEP + req, v(name="Other") + SEP + other + SEP + req,
           v() + SEP + other + SEP + req.replace('"Reporting token"', '"idt:TKN-0001:abcdefghijklmnopqrstuvwxyz012345"'),
           v(token=Ellipsis) + SEP + other, v() + SEP + 'not json', '[]' + SEP + '{}', v(token="idt:\u0041bcdefghij") + SEP + v(token="idt:Abcdefghij"),
           v() + SEP + other + SEP + '{"name":"n","modules":[{"id":"MOD-1234"}],"extensions":[{"id":"idt:TKN-0001:abcdefghijklmnopqrstuvwxyz012345"}]}',
           v() + SEP + other + SEP + '{"account":{"id":"ACC-1234-5678","name":"x"},"name":"Reporting token","icon":null}']:
    put('judge_multi', s_)

raw_spec = open(SPEC, 'rb').read()
put('spec', raw_spec)
spec = json.loads(raw_spec)
def dump(d): return json.dumps(d, separators=(',', ':'))
def mod(f):
    d = copy.deepcopy(spec); f(d); put('spec', dump(d))
S = lambda d: d['components']['schemas']
mod(lambda d: S(d).__setitem__('AccountDto', {"$ref": "#/components/schemas/AccountDto"}))
mod(lambda d: S(d).__setitem__('AccountDto', {"allOf": [{"$ref": "#/components/schemas/ModuleDto"}]}) or S(d).__setitem__('ModuleDto', {"allOf": [{"$ref": "#/components/schemas/AccountDto"}]}))
mod(lambda d: S(d)['AccountDto']['properties']['id']['allOf'].append({"pattern": "(a+)+$"}))
mod(lambda d: S(d)['AccountDto']['properties']['id']['allOf'].append({"pattern": "[z-a"}))
mod(lambda d: S(d)['AccountDto']['properties']['id'].__setitem__('pattern', "^(\\w+\\s?)*$"))
mod(lambda d: S(d)['ModuleDto']['properties']['id'].__setitem__('enum', ["MOD-%04d" % i for i in range(2000)]))
mod(lambda d: S(d)['CreateApiTokenDto']['properties']['account']['allOf'].__setitem__(0, {"$ref": "#/components/schemas/Nope"}))
mod(lambda d: S(d)['CreateApiTokenDto']['properties']['account']['allOf'].__setitem__(0, {"$ref": "other.json#/x"}))
mod(lambda d: S(d)['CreateApiTokenDto']['properties']['account']['allOf'].__setitem__(0, {"$ref": "#/components/schemas/Account~1Dto"}))
mod(lambda d: d.__setitem__('openapi', '3.1.0'))
mod(lambda d: d.pop('paths'))
mod(lambda d: d['paths']['/public/v1/accounts/api-tokens'].__setitem__('get', d['paths']['/public/v1/accounts/api-tokens']['post']))
mod(lambda d: S(d)['CreateApiTokenDto'].__setitem__('required', ['account', 'name', 'modules']))
mod(lambda d: S(d)['CreateApiTokenDto']['properties']['name'].update({"minLength": 1, "maxLength": 3, "readOnly": True}))
mod(lambda d: S(d)['ApiToken']['properties']['revision'].update({"minimum": 1, "maximum": 1, "exclusiveMaximum": True, "multipleOf": 0.5}))
mod(lambda d: S(d)['CreateApiTokenDto'].update({"oneOf": [{"required": ["name"]}, {"not": {"required": ["icon"]}}], "anyOf": [{}], "minProperties": 2, "maxProperties": 99}))
deep = {"type": "array"}
cur = deep
for i in range(300):
    cur["items"] = {"type": "array"}; cur = cur["items"]
mod(lambda d: S(d).__setitem__('Deep', deep))
small = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/x": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}, "responses": {"201": {"description": "ok"}}}}},
         "components": {"schemas": {"A": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}, "p": {"type": "string", "pattern": "^\\d{3,5}$", "format": "date-time"}}, "additionalProperties": {"type": "integer", "format": "int64"}}}}}
put('spec', dump(small))
for t in ['', '{}', '[]', '{"openapi":"3.0.0"}', '{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{}}', 'null']: put('spec', t)

htok = '{"id":"TKN-1","name":"n","revision":1,"status":"Active","token":"idt:TKN-1:secretvalue","account":{"id":"ACC-1234-5678"},"modules":[{"id":"MOD-1234"}]}'
pd = '{"type":"about:blank","title":"Bad Request","status":400,"errors":{"/name":["required"]}}'
def resp(status, reason, headers, body, proto='HTTP/1.1'):
    h = ''.join('%s: %s\r\n' % kv for kv in headers)
    return '%s %d %s\r\n%s\r\n%s' % (proto, status, reason, h, body)
date = ('Date', 'Sat, 28 Nov 2026 12:00:00 GMT')
put('http_response', resp(201, 'Created', [('Content-Type', 'application/json'), ('Content-Length', str(len(htok))), date], htok))
put('http_response', resp(400, 'Bad Request', [('Content-Type', 'application/problem+json'), ('Content-Length', str(len(pd)))], pd))
chunks = ''.join('%x\r\n%s\r\n' % (len(p), p) for p in [htok[:20], htok[20:70], htok[70:]]) + '0\r\nX-Trailer: 1\r\n\r\n'
put('http_response', resp(201, 'Created', [('Content-Type', 'application/json; charset=utf-8'), ('Transfer-Encoding', 'chunked')], chunks))
put('http_response', resp(201, 'Created', [('Content-Type', 'application/json'), ('Transfer-Encoding', 'chunked')], 'ffffffffffffffff\r\nabc\r\n'))
put('http_response', resp(201, 'Created', [('Content-Type', 'application/json'), ('Transfer-Encoding', 'chunked')], '5;ext=1\r\nabc'))
put('http_response', 'HTTP/1.1 100 Continue\r\n\r\n' + resp(201, 'Created', [('Content-Type', 'application/json'), ('Content-Length', str(len(htok)))], htok))
put('http_response', resp(201, 'Created', [('Content-Type', 'application/json')], htok, proto='HTTP/1.0'))
put('http_response', resp(201, 'Created', [('Content-Type', 'application/json'), ('Content-Length', '999')], htok))
put('http_response', resp(201, 'Created', [('Content-Type', 'application/json'), ('Content-Length', '5'), ('Content-Length', '7')], htok))
put('http_response', resp(201, 'Created', [('Content-Type', 'application/json'), ('Content-Encoding', 'gzip'), ('Content-Length', '4')], '\x1f\x8b\x08\x00'))
put('http_response', resp(500, 'Internal Server Error', [('Content-Length', '0')], ''))
put('http_response', resp(405, 'Method Not Allowed', [('Allow', 'POST'), ('Content-Length', '0')], ''))
put('http_response', resp(401, 'Unauthorized', [('WWW-Authenticate', 'Bearer realm="x"'), ('Content-Length', '0')], ''))
put('http_response', resp(301, 'Moved', [('Location', 'http://evil.example/steal'), ('Content-Length', '0')], ''))
put('http_response', resp(201, 'Created', [('Content-Type', 'application/json'), ('X-Folded', 'a\r\n  b'), ('Content-Length', str(len(htok)))], htok))
put('http_response', resp(201, 'Created', [('Content-Type', 'application/json'), ('X-Long', 'a' * 3000), ('Content-Length', str(len(htok)))], htok))
put('http_response', resp(201, 'Created', [('Content-Type', 'text/plain'), ('Content-Length', '2')], 'ok'))
put('http_response', resp(201, 'Created', [('Content-Type', 'application/json'), ('Content-Length', str(len(htok) + 2))], htok.replace('"n"', '"\xff"') ))
put('http_response', b'HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}')
put('http_response', b'HTTP/1.1 2O1 Created\r\n\r\n')
put('http_response', b'HTTP/1.1 201')
put('http_response', b'HTTP/1.1 201 Created\n\n{}')
put('http_response', b'HTTP/1.1 99999 X\r\n\r\n')
put('http_response', b'HTTP/2 201\r\n\r\n')
put('http_response', b'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')
put('http_response', b'\x00\x00\x00\x04\x00\x00\x00\x00\x00')
put('http_response', b'')
put('http_response', b'garbage\r\n\r\n')
put('http_response', b'HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n{}')
put('http_response', b'HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 18446744073709551616\r\n\r\n{}')
put('http_response', b'HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n')
put('http_response', b'HTTP/1.1 201 Created\r\nContent-Type:\r\nContent-Length: 0\r\n\r\n')
put('http_response', b'HTTP/1.1 201 Created\r\n' + b'X-A: b\r\n' * 400 + b'\r\n')
# several responses to consecutive requests on one handle (separated by "\n@@@@\n")
two = resp(400, 'Bad Request', [('Content-Type', 'application/problem+json'), ('Content-Length', str(len(pd)))], pd)
put('http_response', two + '\n@@@@\n' + resp(201, 'Created', [('Content-Type', 'application/json'), ('Content-Length', str(len(htok))), date], htok))
put('http_response', resp(201, 'Created', [('X-A', 'b')], '') + '\n@@@@\n' + 'HTTP/1.1 200 OK\r\n folded\r\n\r\n' + '\n@@@@\n' + 'HTTP/1.1 201 Created\r\n\r\n{}')

spec = json.load(open(SPEC))
S = spec['components']['schemas']
def props(names):
    out = []
    for n in names:
        for k in S[n].get('properties', {}): out.append(k)
    return sorted(set(out))
def esc(s):
    return enc(s.encode())
def _unused(s):
    r = ''
    for ch in s:
        if ch in '"\\': r += '\\' + ch
        elif ord(ch) < 32 or ord(ch) > 126: r += '\\x%02x' % ord(ch)
        else: r += ch
    return r
def enc(b):
    r=''
    for x in b:
        if x in (34,92): r += '\\'+chr(x)
        elif x<32 or x>126: r += '\\x%02x'%x
        else: r+=chr(x)
    return r
json_tokens = ['{', '}', '[', ']', ':', ',', '""', '"', 'null', 'true', 'false', '0', '-0', '-1', '1e400', '0.5e-3', '2147483648', '9007199254740993',
               '\\"', '\\\\', '\\/', '\\b', '\\f', '\\n', '\\r', '\\t', '\\u0000', '\\u001f', '\\u00e9', '\\ud800', '\\udc00', '\\ud83d\\ude00', '\\uDFFF', '\\uff11', '\\u0661', '\\x41']
raw_bytes = [b'\xc3\x28', b'\xed\xa0\x80', b'\xc0\xaf', b'\xf4\x90\x80\x80', b'\xef\xbb\xbf', b'\xd9\xa1', b'\xef\xbc\x91', b'\x00', b'\x01', b'\x7f']
def write(path, title, names, extra):
    with open(path, 'w') as f:
        f.write('# %s\n# Generated from spec/create-api-token.openapi.json (property names) plus JSON\n' % title)
        f.write('# tokens, escapes, surrogates and invalid UTF-8; libFuzzer dictionary format.\n')
        i = 0
        def kw(v):
            nonlocal i
            f.write('kw%d="%s"\n' % (i, v)); i += 1
        for t in json_tokens: kw(esc(t))
        for b in raw_bytes: kw(enc(b))
        for n in names: kw(esc('"%s"' % n)); kw(esc('"%s":' % n))
        for e in extra: kw(esc(e))
dto_names = props(['CreateApiTokenDto', 'AccountDto', 'ModuleDto', 'ExtensionDto'])
pats = []
for v in ['AccountDto', 'ModuleDto']:
    for a in S[v]['properties']['id'].get('allOf', []):
        pats.append(a['pattern'])
write(CORPUS + '/create_dto.dict', 'create_dto_fuzzer, dto_structure_fuzzer, endpoint_fuzzer', dto_names,
      ['ACC-', 'MOD-', '"ACC-1234-5678"', '"MOD-1234"', '-1234', '1234-5678', 'acc-', 'mod-', '\u0661\u0662', '\\n"', ' "',
       '"ACC-1234-5678\\n"', '"MOD-1234\\n"', '"id":"ACC-1234-5678","id":', '00', '01'])
resp_names = props([n for n in S if n not in ('CreateApiTokenDto','AccountDto','ModuleDto','ExtensionDto')])
enums = sorted({e for n in S for e in S[n].get('enum', [])})
# members that are nullable next to allOf: [{$ref}] (null must be accepted there)
nullable_allof = sorted({k for n in S for k, ps in S[n].get('properties', {}).items() if ps.get('nullable') and 'allOf' in ps})
write(CORPUS + '/response.dict', 'api_token_response_fuzzer, problem_details_fuzzer', resp_names,
      ['"%s"' % e for e in enums] + ['"2026-11-28T12:00:00Z"', '"2026-11-28T12:00:00.123+01:00"', '"2024-02-29T23:59:60Z"', 'T', 'Z', '+00:00',
       '"application/problem+json"', '"https://tools.ietf.org/html/rfc9110#section-15.5.1"', '"errors"', '400', '201', '"ACC-', '"MOD-',
       '"2026-11-28T24:00:00Z"', 'T24:00:00', '"1990-12-31T23:59:60Z"', '"1990-12-31T15:59:60-08:00"', ':60Z', '+24:00', '.5z', 't', 'z',
       '"2026-02-29T00:00:00Z"', '\\n"', '01']
      + ['"%s":null' % n for n in nullable_allof])
write(CORPUS + '/judge_multi.dict', 'judge_multi_fuzzer (two 201 bodies and a request, separated by "\\n@@@@\\n")', resp_names,
      ['"%s"' % e for e in enums] + ['\n@@@@\n', '"idt:TKN-0001:abcdefghijklmnopqrstuvwxyz012345"', '"TKN-0001-0002-0003"', '"token":', '"id":'])
oas = ['"openapi"', '"3.0.1"', '"3.1.0"', '"info"', '"title"', '"version"', '"paths"', '"components"', '"schemas"', '"$ref"', '"#/components/schemas/"',
       '"#/"', '"~0"', '"~1"', '"%25"', '"post"', '"get"', '"requestBody"', '"content"', '"application/json"', '"application/*+json"', '"text/json"',
       '"responses"', '"default"', '"4XX"', '"schema"', '"type"', '"object"', '"array"', '"string"', '"integer"', '"number"', '"boolean"',
       '"properties"', '"additionalProperties"', '"required"', '"allOf"', '"anyOf"', '"oneOf"', '"not"', '"enum"', '"pattern"', '"format"',
       '"items"', '"minItems"', '"maxItems"', '"uniqueItems"', '"minLength"', '"maxLength"', '"minimum"', '"maximum"', '"exclusiveMinimum"',
       '"exclusiveMaximum"', '"multipleOf"', '"minProperties"', '"maxProperties"', '"nullable"', '"readOnly"', '"writeOnly"', '"deprecated"',
       '"date-time"', '"date"', '"int32"', '"int64"', '"(a+)+$"', '"^(a|a)*$"', '"\\\\d"', '"[z-a]"', '"(?<n>x)\\\\k<n>"', '"\\\\p{L}"', '"(?=a)"', '"(*ACCEPT)"']
write(CORPUS + '/spec.dict', 'spec_fuzzer', props(list(S)), oas)
