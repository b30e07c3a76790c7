#!/usr/bin/env python3
"""A registry token server for the pull tests (the distribution token spec).

GET /token?service=S&scope=repository:NAME:pull[&scope=...] answers
{"<field>": JWT, "expires_in": 300}, the JWT signed RS256 with --key and
carrying --cert in its x5c header, so a docker-registry configured with
auth.token.rootcertbundle = --cert accepts it. Anonymous requests get pull
access to every repository except those under "private/"; requests with the
Basic credentials --user/--password may pull and push everything; other credentials get
401 {"details": "incorrect username or password"}, as Docker Hub's server says.
--field chooses "token" or "access_token" (OAuth's name). Each request is logged
to --log as "user=<account or -> scope=<scopes>". The server listens on
127.0.0.1 on a free port and writes it to --port-file. Signing goes through the
openssl command line, so nothing beyond Python's standard library is needed.
"""
import argparse
import base64
import http.server
import json
import os
import subprocess
import threading
import time
import urllib.parse


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def main():
    ap = argparse.ArgumentParser()
    for name in ("--key", "--cert", "--issuer", "--user", "--password", "--log", "--port-file"):
        ap.add_argument(name, required=True)
    ap.add_argument("--field", choices=("token", "access_token"), default="token")
    args = ap.parse_args()
    pem = open(args.cert).read()
    der = base64.b64decode("".join(l for l in pem.splitlines() if "-----" not in l))
    lock = threading.Lock()

    def sign(claims):
        header = {"typ": "JWT", "alg": "RS256", "x5c": [base64.b64encode(der).decode()]}
        signing_input = (b64url(json.dumps(header).encode()) + "." +
                         b64url(json.dumps(claims).encode())).encode()
        signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", args.key],
                                   input=signing_input, capture_output=True, check=True).stdout
        return signing_input.decode() + "." + b64url(signature)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *unused):
            pass

        def reply(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            account = None
            auth = self.headers.get("Authorization", "")
            if auth.startswith("Basic "):
                account, _, password = base64.b64decode(auth[6:]).decode().partition(":")
                if (account, password) != (args.user, args.password):
                    self.reply(401, {"details": "incorrect username or password"})
                    return
            scopes = query.get("scope", [])
            with lock, open(args.log, "a") as f:
                f.write("user=%s scope=%s\n" % (account or "-", ",".join(scopes)))
            access = []
            for scope in scopes:
                kind, name, actions = scope.split(":")
                if kind == "repository" and (account or not name.startswith("private/")):
                    # Anonymous tokens may pull only; the test user may push too.
                    allowed = ("pull", "push") if account else ("pull",)
                    access.append({"type": kind, "name": name,
                                   "actions": [a for a in actions.split(",") if a in allowed]})
            now = int(time.time())
            claims = {"iss": args.issuer, "sub": account or "",
                      "aud": query.get("service", [""])[0], "exp": now + 300, "nbf": now - 10,
                      "iat": now, "jti": b64url(os.urandom(12)), "access": access}
            self.reply(200, {args.field: sign(claims), "expires_in": 300})

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
