#!/usr/bin/env python3
"""A forward HTTP proxy for the settings tests: plain requests with an absolute
URL are passed on (GET/HEAD, with their headers), CONNECT opens a tunnel.
Each request is logged to --log as "METHOD TARGET". Listens on 127.0.0.1 on a
free port and writes it to --port-file.
"""
import argparse
import http.client
import http.server
import os
import select
import socket
import threading
import urllib.parse


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--port-file", required=True)
    args = ap.parse_args()
    lock = threading.Lock()

    def log(line):
        with lock, open(args.log, "a") as f:
            f.write(line + "\n")

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_CONNECT(self):
            log("CONNECT " + self.path)
            host, port = self.path.rsplit(":", 1)
            upstream = socket.create_connection((host.strip("[]"), int(port)))
            self.send_response(200, "Connection established")
            self.end_headers()
            sockets = [self.connection, upstream]
            while True:
                ready, _, _ = select.select(sockets, [], [], 30)
                if not ready:
                    break
                for s in ready:
                    data = s.recv(65536)
                    if not data:
                        upstream.close()
                        return
                    (upstream if s is self.connection else self.connection).sendall(data)

        def forward(self):
            log(self.command + " " + self.path)
            url = urllib.parse.urlsplit(self.path)
            conn = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=30)
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() not in ("proxy-connection", "connection", "host")}
            path = url.path + ("?" + url.query if url.query else "")
            conn.request(self.command, path, headers=headers)
            resp = conn.getresponse()
            body = resp.read()
            self.send_response(resp.status)
            for k, v in resp.getheaders():
                if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = forward
        do_HEAD = forward

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
