#!/usr/bin/env python3
"""A listener with backlog 1 that never accepts: its accept queue fills after two
connections (the kernel queues backlog + 1) and every later SYN is dropped and counted in
TcpExtListenOverflows / TcpExtListenDrops. Writes its port to --port-file; exits by itself
after --lifetime seconds, so a lost process cannot outlive the lab for long."""

import argparse
import os
import socket
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--lifetime", type=float, default=600)
    args = p.parse_args()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(listener.getsockname()[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    time.sleep(args.lifetime)


if __name__ == "__main__":
    main()
