#!/usr/bin/env python3
"""An independent implementation of POST /public/v1/accounts/api-tokens in
Python (standard library only), written from the spec and the page, not from
the harness: healthy by default, with ordinary bugs switched on by --bug NAME.
tests/test_peers.c certifies it healthy (no false alarm) and with each bug
(each must be caught, by the requirement named in tests/data/peers/bugs.txt).
Prints the port it listens on (127.0.0.1) on its first line."""
import argparse, json, re, sys, uuid, datetime, hmac, secrets, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATH = "/public/v1/accounts/api-tokens"
ACC = re.compile(r"ACC-[0-9]{4}-[0-9]{4}")
MOD = re.compile(r"MOD-[0-9]{4}")
MEDIA = ("application/json", "text/json")

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, default=0)
ap.add_argument("--token", default="")
ap.add_argument("--bug", action="append", default=[])
args = ap.parse_args()
BUGS = set(args.bug)
NAMES = set()
LOCK = threading.Lock()
COUNTER = [0]

def media_ok(ct):
    if ct is None:
        return False
    if "charset-strict" in BUGS:
        return ct in ("application/json", "application/json; charset=utf-8", "text/json")
    base = ct.split(";")[0].strip().lower()
    if base in MEDIA:
        return True
    return base.startswith("application/") and base.endswith("+json")

def problem(detail):
    return {"type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            "title": "One or more validation errors occurred.", "status": 400, "detail": detail}

def check_string(v, where, errs, nullable=False):
    if v is None and nullable:
        return
    if not isinstance(v, str):
        errs.append(f"{where} must be a string")

def validate(body):
    errs = []
    if not isinstance(body, dict):
        return ["body must be an object"]
    allowed = {"account", "name", "icon", "description", "modules", "extensions"}
    for k, v in body.items():
        if k not in allowed:
            if "null-undeclared" in BUGS and v is None:
                continue
            errs.append(f"unknown property {k}")
    acc = body.get("account")
    if not isinstance(acc, dict):
        errs.append("account is required and must be an object")
    else:
        for k in acc:
            if k != "id":
                errs.append(f"unknown property account.{k}")
        aid = acc.get("id")
        if not isinstance(aid, str) or not ACC.fullmatch(aid):
            errs.append("account.id must match ^ACC-\\d\\d\\d\\d-\\d\\d\\d\\d$")
    if "name" not in body or not isinstance(body["name"], str):
        errs.append("name is required and must be a string")
    check_string(body.get("icon"), "icon", errs, True)
    check_string(body.get("description"), "description", errs, True)
    mods = body.get("modules")
    if not isinstance(mods, list) or len(mods) == 0:
        errs.append("at least one module is required")
    else:
        items = mods[:1] if "modules-first-only" in BUGS else mods
        for i, m in enumerate(items):
            if not isinstance(m, dict):
                errs.append(f"modules[{i}] must be an object"); continue
            for k in m:
                if k != "id":
                    errs.append(f"unknown property modules[{i}].{k}")
            if "id" in m and (not isinstance(m["id"], str) or not MOD.fullmatch(m["id"])):
                errs.append(f"modules[{i}].id must match ^MOD-\\d\\d\\d\\d$")
    exts = body.get("extensions")
    if exts is not None:
        if not isinstance(exts, list):
            errs.append("extensions must be an array")
        else:
            for i, e in enumerate(exts):
                if not isinstance(e, dict):
                    errs.append(f"extensions[{i}] must be an object"); continue
                for k in e:
                    if k != "id":
                        errs.append(f"unknown property extensions[{i}].{k}")
                if "id" in e and not isinstance(e["id"], str):
                    errs.append(f"extensions[{i}].id must be a string")
    return errs

class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # no 40 ms delayed-ACK stall between header and body writes
    server_version = "pyserver/1.0"

    def log_message(self, *a):
        pass

    def date_time_string(self, timestamp=None):
        return super().date_time_string(timestamp)

    def send(self, status, obj=None, ctype="application/json", extra=None, raw=None, head=False):
        if raw is not None:
            data = raw
        elif obj is not None:
            if "unescaped-detail" in BUGS and isinstance(obj, dict) and "detail" in obj:
                data = ('{"status": %d, "title": "Bad Request", "detail": "%s"}' % (obj["status"], obj["detail"])).encode("utf-8", "surrogatepass")
            else:
                data = json.dumps(obj, ensure_ascii=("latin1-echo" not in BUGS)).encode("utf-8", "surrogatepass") if "latin1-echo" not in BUGS else json.dumps(obj, ensure_ascii=False).encode("latin-1", "replace")
        else:
            data = b""
        self.send_response_only(status)
        if "no-date" not in BUGS:
            self.send_header("Date", self.date_time_string())
        self.send_header("Server", self.server_version)
        if data or obj is not None:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if data and (not head or "head-body" in BUGS):
            self.wfile.write(data)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def other(self, head=False):
        if self.path != PATH:
            self.read_body(); return self.send(404, {"status": 404, "title": "Not Found"}, head=head)
        if not head or "head-body" in BUGS:
            self.read_body()
        self.send(405, {"status": 405, "title": "Method Not Allowed"}, extra={"Allow": "POST"}, head=head)

    do_GET = do_PUT = do_PATCH = do_DELETE = do_BREW = lambda self: self.other()
    def do_HEAD(self):
        self.other(head=True)

    def auth_ok(self):
        if not args.token:
            return True
        vals = self.headers.get_all("Authorization") or []
        if len(vals) != 1:
            return False
        v = vals[0]
        parts = v.split(" ", 1)
        if len(parts) != 2:
            return False
        scheme, cred = parts
        if "basic-accepted" in BUGS and scheme.lower() == "basic":
            return cred == args.token
        if "bearer-case" in BUGS:
            if scheme != "Bearer": return False
        elif scheme.lower() != "bearer":
            return False
        if "auth-prefix" in BUGS:
            return len(cred) > 0 and args.token.startswith(cred[:8]) and len(cred) >= 8
        if "auth-case" in BUGS:
            return cred.lower() == args.token.lower()
        return hmac.compare_digest(cred.encode(), args.token.encode())

    def do_POST(self):
        if self.path != PATH:
            self.read_body(); return self.send(404, {"status": 404, "title": "Not Found"})
        if not self.auth_ok():
            self.read_body()
            return self.send(401, {"status": 401, "title": "Unauthorized"}, extra={"WWW-Authenticate": "Bearer"})
        if not media_ok(self.headers.get("Content-Type")):
            if "misframe-415" not in BUGS:
                self.read_body()
            return self.send(415, {"status": 415, "title": "Unsupported Media Type"})
        raw = self.read_body()
        try:
            text = raw.decode("utf-8")
            body = json.loads(text)
        except RecursionError:
            if "recursion-500" in BUGS:
                return self.send(500, raw=b"Internal Server Error", ctype="text/plain")
            return self.send(400, problem("nesting too deep"))
        except (UnicodeDecodeError, ValueError) as e:
            return self.send(400, problem("invalid JSON: " + str(e)))
        errs = validate(body)
        if errs:
            detail = "; ".join(errs)
            if "unescaped-detail" in BUGS:
                detail = detail + " (got " + text[:60] + ")"
            return self.send(400, problem(detail))
        name = body["name"]
        if "percent-500" in BUGS and "%" in name:
            return self.send(500, raw=b"oops", ctype="text/plain")
        if "trim-name" in BUGS:
            name = name.strip()
        if "truncate-255" in BUGS:
            name = name[:255]
        with LOCK:
            if "unique-name-409" in BUGS and name in NAMES:
                return self.send(409, {"status": 409, "title": "Conflict"})
            NAMES.add(name)
            COUNTER[0] += 1
            n = COUNTER[0]
        mods = body["modules"]
        ids = [m.get("id") for m in mods]
        if "dedup-modules" in BUGS:
            seen = []
            [seen.append(i) for i in ids if i not in seen]
            ids = seen
        if "extra-module" in BUGS and len(ids) > 1:
            ids = ids + ["MOD-0000"]
        tid = "TKN-%04d-%04d" % (n // 10000 % 10000, n % 10000)
        if "same-id" in BUGS:
            tid = "TKN-" + str(abs(hash(name)) % 10**8)
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        out = {
            "id": tid,
            "audit": {"created": {"at": now, "by": {"id": "USR-0000-0001", "name": "api"}}},
            "name": name,
            "icon": body.get("icon"),
            "revision": 1.0 if "revision-float" in BUGS else 1,
            "status": "Active",
            "description": body.get("description"),
            "lastAccessAt": None,
            "token": "idt:" + tid + ":" + secrets.token_hex(16),
            "account": {"id": body["account"]["id"], "name": "Account", "type": "Client", "status": "Active"},
            "modules": [{"id": i, "name": "Module"} if i is not None else {"name": "Module"} for i in ids],
        }
        if body.get("extensions") is not None:
            out["extensions"] = [({"id": e["id"]} if "id" in e else {}) for e in body["extensions"]]
        self.send(201, out)

srv = ThreadingHTTPServer(("127.0.0.1", args.port), H)
srv.daemon_threads = True
print(srv.server_address[1], flush=True)
srv.serve_forever()
