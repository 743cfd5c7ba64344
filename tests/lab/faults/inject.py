#!/usr/bin/env python3
"""Fault injectors: bounded loops of client behaviour on loopback, each counting what it did.

Every subcommand runs at most --count times and stops at --deadline seconds, and prints one
JSON object: {"injected": N, ...}. N counts only faults that really happened (a connection
that was made, a response that was being sent), so the test's expectations start from it.

  request         plain requests, read whole (clean traffic; refused upstreams via nginx)
  reset-request   sends part of a request, then closes abortively: SO_LINGER {1,0}, RST
  reset-response  asks for a large response, reads the first 64 KiB, then RST
  abort-response  asks for a paced response, reads its first write, then closes normally
                  (FIN, with nothing unread, so the server's next writes fail: EPIPE)
  idle-reuse      requests --spacing seconds apart, each on a new client connection: the
                  proxy reuses its pooled upstream connection after it sat idle that long
  flood           connects to a listener that never accepts, one SYN each, until the
                  accept queue is full; counts the connections the kernel dropped

Clients bind to 127.0.0.2, 127.0.0.3, ... (--clients of them, round robin): servers see
distinct client addresses, as they would from distinct users. Servers listen on 127.0.0.1.
"""

import argparse
import json
import select
import socket
import struct
import sys
import time

HEADER_END = b"\r\n\r\n"


class Budget:
    """The loop bound: a count and a deadline, whichever comes first."""

    def __init__(self, count, seconds):
        self.count, self.end = count, time.monotonic() + seconds

    def __iter__(self):
        for i in range(self.count):
            if time.monotonic() > self.end:
                return
            yield i


def client_address(args, i):
    return "127.0.0.%d" % (2 + i % args.clients)


def connect(args, i):
    s = socket.socket()
    s.settimeout(args.io_timeout)
    s.bind((client_address(args, i), 0))
    s.connect(("127.0.0.1", args.port))
    return s


def request_bytes(path, close=True):
    extra = b"Connection: close\r\n" if close else b""
    return b"GET " + path.encode() + b" HTTP/1.1\r\nHost: lab\r\n" + extra + b"\r\n"


def abort(s):
    """SO_LINGER {1, 0}: close() sends RST and drops what is unsent or unread."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def read_response(s):
    """The status code of a whole response (read until the server closes)."""
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0


def cmd_request(args):
    statuses = {}
    for i in Budget(args.count, args.deadline):
        with connect(args, i) as s:
            s.sendall(request_bytes(args.path))
            code = read_response(s)
        statuses[code] = statuses.get(code, 0) + 1
        time.sleep(args.gap)
    done = statuses.get(args.expect_status, 0)
    return {"injected": done, "statuses": statuses}


def cmd_reset_request(args):
    done = 0
    for i in Budget(args.count, args.deadline):
        s = connect(args, i)
        s.sendall(b"GET /ok HTTP/1.1\r\nHost: lab\r\n")  # no blank line: headers go on
        time.sleep(args.gap)  # the server has read the part and waits for the rest
        abort(s)
        done += 1
    return {"injected": done}


def cmd_reset_response(args):
    done = 0
    for i in Budget(args.count, args.deadline):
        s = connect(args, i)
        s.sendall(request_bytes(args.path))
        got = 0
        while got < 65536:  # the server is writing: the response is under way
            chunk = s.recv(65536)
            if not chunk:
                break
            got += len(chunk)
        abort(s)
        done += got >= 65536
        time.sleep(args.gap)
    return {"injected": done}


def read_first_write(s, first):
    """Reads the headers and `first` bytes of body, then whatever else is already there."""
    data = b""
    while HEADER_END not in data or len(data.split(HEADER_END, 1)[1]) < first:
        chunk = s.recv(65536)
        if not chunk:
            return False
        data += chunk
    s.setblocking(False)
    try:
        while s.recv(65536):
            pass
    except BlockingIOError:
        pass
    return True


def cmd_abort_response(args):
    done = 0
    for i in Budget(args.count, args.deadline):
        s = connect(args, i)
        s.sendall(request_bytes(args.path))
        ok = read_first_write(s, args.first)
        s.close()  # FIN: nothing is left unread, so no RST from this side
        done += ok
        time.sleep(args.gap)
    return {"injected": done}


def cmd_idle_reuse(args):
    statuses, reuses = {}, 0
    for i in Budget(args.count + 1, args.deadline):
        if i:
            time.sleep(args.spacing)
        with connect(args, 0) as s:
            s.sendall(request_bytes(args.path))
            code = read_response(s)
        statuses[code] = statuses.get(code, 0) + 1
        reuses += i > 0 and code == 200
    return {"injected": reuses, "statuses": statuses}


def listen_counters():
    """TcpExt ListenOverflows and ListenDrops from /proc/net/netstat (host-wide)."""
    lines = open("/proc/net/netstat").read().splitlines()
    for names, values in zip(lines[::2], lines[1::2]):
        if names.startswith("TcpExt:"):
            row = dict(zip(names.split()[1:], map(int, values.split()[1:])))
            return row["ListenOverflows"], row["ListenDrops"]
    return 0, 0


def cmd_flood(args):
    before = listen_counters()
    kept, dropped = [], 0
    for i in Budget(args.count, args.deadline):
        s = socket.socket()
        s.setblocking(False)
        s.bind((client_address(args, i), 0))
        s.connect_ex(("127.0.0.1", args.port))
        # The SYN is answered at once on loopback unless the queue is full; closing an
        # unanswered connect well before the 1 s SYN retransmission keeps it at one SYN.
        _, writable, _ = select.select([], [s], [], args.gap)
        if writable and s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
            kept.append(s)
        else:
            dropped += 1
            s.close()
    after = listen_counters()
    for s in kept:
        s.close()
    return {"injected": dropped, "completed": len(kept),
            "proc_listen_overflows": after[0] - before[0],
            "proc_listen_drops": after[1] - before[1]}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("command", choices=["request", "reset-request", "reset-response",
                                       "abort-response", "idle-reuse", "flood"])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--path", default="/ok")
    p.add_argument("--clients", type=int, default=1)
    p.add_argument("--gap", type=float, default=0.02, help="seconds between faults")
    p.add_argument("--first", type=int, default=16384, help="abort-response: body bytes read")
    p.add_argument("--spacing", type=float, default=5.5, help="idle-reuse: seconds apart")
    p.add_argument("--expect-status", type=int, default=200)
    p.add_argument("--io-timeout", type=float, default=10.0)
    p.add_argument("--deadline", type=float, default=60.0)
    args = p.parse_args()
    run = globals()["cmd_" + args.command.replace("-", "_")]
    print(json.dumps(run(args)))


if __name__ == "__main__":
    sys.exit(main())
