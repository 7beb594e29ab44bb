#!/usr/bin/python3
"""Fixture upstream for the ngx_http_apigw_module test suite.

Usage: backend.py PORT          (listens on 127.0.0.1:PORT)

Python 3 standard library only.  HTTP/1.1 with keep-alive, any method.
Behaviour by path (the query string is not part of the routing path):

  /status/NNN     status NNN, JSON body {"status": NNN}
  /sleep/SECONDS  sleep (float seconds), then behave like the default
  /close          close the connection without sending any response
  /chunked        chunked response "chunk1chunk2chunk3" (HTTP/1.1 clients;
                  an HTTP/1.0 client gets the same body delimited by close)
  /headers        ?Name=value&... become response headers, body {}
  /big/N          N bytes of 'x'
  /short/N        announces N bytes of 'x' (Content-Length), sends half of
                  them and closes the connection: a truncated response
  anything else   200, JSON echo of the request:
                  {"body":..,"headers":{lowercased name: value},"method":..,
                   "path": raw path as received, "query": raw query string}
                  plus the response header "X-Backend: echo"

Request bodies may be sent with Content-Length or chunked
Transfer-Encoding.  The server is quiet: no access log, no tracebacks.
"""

import json
import socket
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 64 * 1024 * 1024     # refuse request bodies larger than this
MAX_BIG = 256 * 1024 * 1024     # largest /big/N response
MAX_SLEEP = 600.0               # longest /sleep/SECONDS
HOP_BY_HOP = {"content-length", "transfer-encoding", "connection"}


class BadRequest(Exception):
    """The request (usually its body framing) cannot be understood."""


def to_json(obj):
    """Deterministic compact JSON, UTF-8 encoded."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "apigw-test-backend/1.0"
    timeout = 120               # drop idle keep-alive connections eventually

    # ---- plumbing ---------------------------------------------------------

    def log_message(self, fmt, *args):      # no access/error log at all
        pass

    def version_string(self):
        return self.server_version

    def __getattr__(self, name):
        # BaseHTTPRequestHandler looks up do_<METHOD>; accept every method.
        if name.startswith("do_"):
            return self.dispatch
        raise AttributeError(name)

    def read_body(self):
        te = self.headers.get("Transfer-Encoding")
        if te is not None:
            if te.strip().lower() != "chunked":
                raise BadRequest("unsupported transfer-encoding")
            return self.read_chunked()
        cl = self.headers.get("Content-Length")
        if cl is None:
            return b""
        try:
            n = int(cl.strip())
        except ValueError:
            raise BadRequest("bad content-length")
        if n < 0 or n > MAX_BODY:
            raise BadRequest("bad content-length")
        body = self.rfile.read(n)
        if len(body) != n:
            raise BadRequest("truncated body")
        return body

    def read_chunked(self):
        body = bytearray()
        while True:
            line = self.rfile.readline(4096)
            if not line.endswith(b"\n"):
                raise BadRequest("bad chunk size line")
            size_str = line.split(b";", 1)[0].strip()
            try:
                size = int(size_str, 16)
            except ValueError:
                raise BadRequest("bad chunk size")
            if size < 0 or len(body) + size > MAX_BODY:
                raise BadRequest("chunk too large")
            if size == 0:
                break
            data = self.rfile.read(size)
            if len(data) != size:
                raise BadRequest("truncated chunk")
            body += data
            if self.rfile.readline(4096).strip() != b"":
                raise BadRequest("missing CRLF after chunk")
        # trailer section, up to the empty line
        for _ in range(100):
            line = self.rfile.readline(4096)
            if line in (b"\r\n", b"\n", b""):
                return bytes(body)
        raise BadRequest("too many trailers")

    def reply(self, status, body=b"", headers=(), ctype="application/json"):
        """Send a complete response delimited by Content-Length."""
        no_body = status < 200 or status in (204, 304)
        self.send_response(status)
        names = {k.lower() for k, _ in headers}
        if ctype and "content-type" not in names and not no_body:
            self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        if not no_body:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and not no_body and body:
            self.wfile.write(body)

    def echo(self, body):
        raw_path, _, query = self.path.partition("?")
        headers = {}
        for k, v in self.headers.items():
            k = k.lower()
            headers[k] = headers[k] + ", " + v if k in headers else v
        doc = {
            "method": self.command,
            "path": raw_path,
            "query": query,
            "headers": headers,
            "body": body.decode("utf-8", errors="replace"),
        }
        self.reply(200, to_json(doc), headers=[("X-Backend", "echo")])

    # ---- routes -----------------------------------------------------------

    def dispatch(self):
        try:
            self.route()
        except BadRequest as e:
            self.close_connection = True
            try:
                self.reply(400, to_json({"error": str(e)}),
                           headers=[("Connection", "close")])
            except OSError:
                pass
        except OSError:
            self.close_connection = True

    def route(self):
        body = self.read_body()
        path, _, query = self.path.partition("?")
        # an absolute-form target (http://host/path) routes by its path
        if "://" in path:
            path = "/" + path.split("://", 1)[1].partition("/")[2]

        if path == "/close":
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return

        if path.startswith("/status/"):
            try:
                code = int(path[len("/status/"):])
            except ValueError:
                raise BadRequest("bad status")
            if not 200 <= code <= 599:
                raise BadRequest("status must be 200..599")
            self.reply(code, to_json({"status": code}))
            return

        if path.startswith("/sleep/"):
            try:
                secs = float(path[len("/sleep/"):])
            except ValueError:
                raise BadRequest("bad sleep value")
            if not 0 <= secs <= MAX_SLEEP:
                raise BadRequest("bad sleep value")
            time.sleep(secs)
            self.echo(body)
            return

        if path == "/chunked":
            self.send_chunked([b"chunk1", b"chunk2", b"chunk3"])
            return

        if path == "/headers":
            extra = []
            for k, v in urllib.parse.parse_qsl(query, keep_blank_values=True):
                if not k or any(c in k for c in "\r\n:") or \
                        any(c in v for c in "\r\n") or \
                        k.lower() in HOP_BY_HOP:
                    continue
                extra.append((k, v))
            self.reply(200, b"{}", headers=extra)
            return

        if path.startswith("/big/"):
            try:
                n = int(path[len("/big/"):])
            except ValueError:
                raise BadRequest("bad size")
            if not 0 <= n <= MAX_BIG:
                raise BadRequest("bad size")
            self.send_big(n)
            return

        if path.startswith("/short/"):
            try:
                n = int(path[len("/short/"):])
            except ValueError:
                raise BadRequest("bad size")
            if not 0 <= n <= MAX_BIG:
                raise BadRequest("bad size")
            self.send_short(n)
            return

        self.echo(body)

    def send_chunked(self, chunks):
        chunked = self.request_version == "HTTP/1.1"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Connection", "close")   # body ends at close
        self.end_headers()
        if self.command == "HEAD":
            return
        for c in chunks:
            if chunked:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(c), c))
            else:
                self.wfile.write(c)
            self.wfile.flush()
            time.sleep(0.01)        # let the chunks travel separately
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def send_big(self, n):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(n))
        self.end_headers()
        if self.command == "HEAD":
            return
        block = b"x" * 65536
        while n > 0:
            k = min(n, len(block))
            self.wfile.write(block[:k])
            n -= k


    def send_short(self, n):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(n))
        self.end_headers()
        self.wfile.write(b"x" * (n // 2))
        self.wfile.flush()
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request, client_address):   # stay quiet
        pass


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: backend.py PORT\n")
        return 2
    server = Server(("127.0.0.1", int(sys.argv[1])), Handler)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
