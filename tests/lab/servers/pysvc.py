#!/usr/bin/env python3
"""The lab's Python service: a threaded http.server that logs through `logging`.

It is both a service of its own (clients reach it directly) and the upstream behind the
lab's nginx. Its paths are the behaviours the fault injectors need:

  GET /ok                       a small response
  GET /big?size=N&chunk=C&pace=MS
                                N bytes in writes of C bytes, MS milliseconds apart
  GET /call?port=P              calls a backend at 127.0.0.1:P (a closed port: refused)
  GET /reset                    reads the request, then closes abortively (RST)
  GET /drop                     reads the request, then closes without a response, as a
                                worker that dies mid-request does

With --idle-timeout S, a keep-alive connection that was idle longer than S seconds when
its next request arrives is closed abortively: the server enforces its idle timeout when
it next reads the connection, so a pooling client that reuses it gets a reset.

Errors are logged as applications do: logger.exception(), a message and the traceback.
The port it listens on (ephemeral, 127.0.0.1) is written to --port-file once it listens.
"""

import argparse
import http.client
import http.server
import logging
import os
import socket
import struct
import sys
import threading
import time
import urllib.parse

LOG = logging.getLogger("pysvc.http")


def abort(sock):
    """Closes with SO_LINGER {1, 0}: the kernel sends RST instead of FIN."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as nginx's upstream keepalive needs
    idle_timeout = 0.0

    def setup(self):
        super().setup()
        self.last_used = time.monotonic()

    def handle_one_request(self):
        # Enforce the idle timeout on the next request: read its first line, then decide.
        self.raw_requestline = self.rfile.readline(65537)
        if not self.raw_requestline:
            self.close_connection = True
            return
        idle = time.monotonic() - self.last_used
        if self.idle_timeout and idle > self.idle_timeout:
            LOG.info("closing connection from %s:%d idle for %.1f s (keep-alive timeout %.0f s)",
                     *self.client_address, idle, self.idle_timeout)
            self.close_connection = True
            abort(self.connection)
            return
        if not self.parse_request():
            return
        path = urllib.parse.urlsplit(self.path)
        route = {"/ok": self.ok, "/big": self.big, "/call": self.call, "/reset": self.reset,
                 "/drop": self.drop}.get(path.path, self.not_found)
        route(urllib.parse.parse_qs(path.query))
        self.wfile.flush()
        self.last_used = time.monotonic()

    def respond(self, status, body, length=None):
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def ok(self, _query):
        self.respond(200, b"ok\n")

    def not_found(self, _query):
        self.respond(404, b"not found\n")

    def big(self, query):
        size = int(query.get("size", ["1048576"])[0])
        chunk = int(query.get("chunk", ["65536"])[0])
        pace = int(query.get("pace", ["0"])[0]) / 1000.0
        sent = 0
        try:
            self.respond(200, b"", length=size)
            while sent < size:
                n = min(chunk, size - sent)
                self.wfile.write(b"x" * n)
                self.wfile.flush()
                sent += n
                if pace and sent < size:
                    time.sleep(pace)
        except OSError:
            LOG.exception("client %s:%d went away while sending response body (%d of %d bytes)",
                          *self.client_address, sent, size)
            self.close_connection = True

    def call(self, query):
        port = int(query["port"][0])
        backend = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            backend.request("GET", "/ok")
            backend.getresponse().read()
            self.respond(200, b"backend ok\n")
        except OSError:
            LOG.exception("backend call to 127.0.0.1:%d failed", port)
            self.respond(502, b"backend down\n")
        finally:
            backend.close()

    def reset(self, _query):
        LOG.info("fault: resetting the connection from %s:%d", *self.client_address)
        self.close_connection = True
        abort(self.connection)

    def drop(self, _query):
        LOG.info("fault: dropping the connection from %s:%d without a response",
                 *self.client_address)
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    def log_message(self, fmt, *args):
        # The access log line, through logging like the rest.
        logging.getLogger("pysvc.access").info("%s %s", self.address_string(), fmt % args)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # socketserver prints tracebacks to stderr; services route them into their log.
        LOG.exception("error while processing a request from %s:%d", *client_address)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--idle-timeout", type=float, default=0.0)
    args = parser.parse_args()
    handler = logging.FileHandler(args.log)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(name)s] %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    Handler.idle_timeout = args.idle_timeout
    server = Server(("127.0.0.1", 0), Handler)
    LOG.info("listening on 127.0.0.1:%d", server.server_address[1])
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    # Renamed into place, so a reader never sees a half-written port.
    os.rename(args.port_file + ".tmp", args.port_file)
    threading.current_thread().name = "acceptor"
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
