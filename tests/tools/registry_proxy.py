#!/usr/bin/env python3
"""A misbehaving HTTP proxy in front of a registry, for the pull tests.

Every request is passed to the upstream registry; layer blobs (answers larger
than 64 KiB) are then mistreated as --mode says:

  drop      the first GET of each blob sends the full Content-Length but only
            half of the bytes, then closes the connection (a dropped download;
            a client must resume it with Range)
  flip      every GET of a blob arrives with one byte in its middle changed
  redirect  a blob GET is answered 307 to /_storage/<the same path>, which the
            proxy then serves (a registry handing blobs to storage elsewhere)
  slow      blobs trickle out at about 160 KiB/s (time to interrupt a pull)

Each request is logged to --log as "METHOD PATH range=<Range header>".
The proxy listens on 127.0.0.1 on a free port and writes it to --port-file.
"""
import argparse
import http.client
import http.server
import os
import socket
import threading
import time
import urllib.parse

BIG = 64 << 10
PASSED_HEADERS = ("Accept", "Range", "Authorization")
RETURNED_HEADERS = ("Content-Type", "Docker-Content-Digest", "Content-Range",
                    "WWW-Authenticate", "Location", "Docker-Distribution-Api-Version", "Link")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--upstream", required=True, help="host:port of the registry")
    ap.add_argument("--mode", choices=("drop", "flip", "redirect", "slow"), required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--port-file", required=True)
    args = ap.parse_args()
    lock = threading.Lock()
    dropped = set()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *unused):
            pass

        def handle(self):
            # A TLS ClientHello (a client trying https first): this proxy speaks
            # plain HTTP only, so it hangs up at once instead of waiting for a line.
            if self.connection.recv(1, socket.MSG_PEEK)[:1] == b"\x16":
                return
            super().handle()

        def note(self):
            with lock, open(args.log, "a") as f:
                f.write("%s %s range=%s\n" % (self.command, self.path,
                                              self.headers.get("Range", "")))

        def upstream(self, path):
            conn = http.client.HTTPConnection(args.upstream, timeout=30)
            headers = {h: self.headers[h] for h in PASSED_HEADERS if h in self.headers}
            conn.request(self.command, path, headers=headers)
            return conn.getresponse()

        def answer(self, status, headers, body, send=None, slow=False):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command == "HEAD":
                return
            data = body if send is None else send
            step = 16 << 10 if slow else len(data) or 1
            try:
                for i in range(0, len(data), step):
                    self.wfile.write(data[i:i + step])
                    self.wfile.flush()
                    if slow:
                        time.sleep(0.1)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client went away (an interrupted pull)

        def do_HEAD(self):
            self.do_GET()

        def do_GET(self):
            self.note()
            path = self.path
            is_blob = "/blobs/sha256:" in path
            if args.mode == "redirect" and is_blob and not path.startswith("/_storage/"):
                self.answer(307, [("Location", "/_storage" + path)], b"")
                return
            if path.startswith("/_storage/"):
                path = path[len("/_storage"):]
            resp = self.upstream(path)
            body = resp.read()
            headers = [(h, resp.getheader(h)) for h in RETURNED_HEADERS if resp.getheader(h)]
            big = is_blob and self.command == "GET" and len(body) > BIG
            if big and args.mode == "flip":
                mid = len(body) // 2
                body = body[:mid] + bytes([body[mid] ^ 0x40]) + body[mid + 1:]
            if big and args.mode == "drop" and "Range" not in self.headers:
                key = urllib.parse.urlsplit(path).path
                with lock:
                    first = key not in dropped
                    dropped.add(key)
                if first:
                    self.answer(resp.status, headers, body, send=body[:len(body) // 2])
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
            self.answer(resp.status, headers, body, slow=big and args.mode == "slow")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
