#!/usr/bin/env python3
"""Writes the seed corpora in tests/fuzz/corpus/<target>/ from samples/ and rules/.

Each target reads parameter bytes first (see its FuzzInput calls), then the data. Seeds
are small (a few KiB). Run from anywhere; rerun after changing a target's parameters.
Crashers found later are added by hand (as crash-<what>) and are not touched here.
"""
import gzip
import os
import pathlib
import struct
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests/fuzz/corpus"


def excerpt(path, size=3000):
    data = (ROOT / path).read_bytes()[:size]
    return data[: data.rfind(b"\n") + 1] or data


def write(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / ("seed-" + name)).write_bytes(data)


LOGS = ["samples/java/spring-reset.log", "samples/python/requests-reset.log",
        "samples/go/proxy-reset.log", "samples/node/server-econnreset.log",
        "samples/dotnet/kestrel-reset.log", "samples/nginx/error.log"]


def u16(v):
    return struct.pack(">H", v)


def lines_events():
    # chunk, block, max_line (2 bytes), max_lines, max_bytes (2 bytes)
    for i, log in enumerate(LOGS):
        params = bytes([7 + i, 3 + i]) + u16(120 + i) + bytes([5 + i]) + u16(900 + i)
        write("lines_events", pathlib.Path(log).parent.name, params + excerpt(log, 2000))
    tail = b"==> a.log <==\nline one\n\n==> b.log <==\n\tat x.y(Z.java:1)\n\n==> a.log <==\n\tat q\n"
    write("lines_events", "tail-headers", bytes([3, 2]) + u16(40) + bytes([4]) + u16(300) + tail)
    write("lines_events", "crlf-cr", bytes([1, 1]) + u16(5) + bytes([2]) + u16(10) +
          b"a\r\nbb\rcc\r\n\r\n\n\nlong line without end")


def decompress():
    text = excerpt("samples/nginx/error.log", 1500)
    zst = subprocess.run(["zstd", "-q", "-c"], input=text, stdout=subprocess.PIPE,
                         check=True).stdout
    gz = gzip.compress(text, mtime=0)
    arbitrary = lambda chunk, read: bytes([0]) + u16(chunk) + u16(read)
    write("decompress", "gzip", arbitrary(100, 4000) + gz)
    write("decompress", "gzip-two-members", arbitrary(7, 300) + gz + gzip.compress(b"x\n", mtime=0))
    write("decompress", "gzip-truncated", arbitrary(50, 1000) + gz[: len(gz) // 2])
    write("decompress", "gzip-trailing", arbitrary(50, 1000) + gz + b"\0\0garbage")
    write("decompress", "zstd", arbitrary(100, 4000) + zst)
    write("decompress", "zstd-truncated", arbitrary(9, 333) + zst[:-5])
    write("decompress", "plain", arbitrary(3, 10) + b"plain text\n\x1f")
    # gzip?, chunk, read, split, cut, data
    for g in (0, 1):
        write("decompress", f"roundtrip-{g}", bytes([1, g]) + u16(33) + u16(1000) + u16(700) +
              u16(150) + text)


def json_fields():
    lines = [
        b'{"@timestamp":"2024-03-11T03:13:30.606Z","level":"ERROR","message":"read: connection reset by peer","logger":"x"}',
        b'{"level":"error","ts":1710126809.076685,"caller":"proxy/proxy.go:88","msg":"upstream error","error":"read tcp 10.0.0.1:443->10.0.0.2:5555: read: connection reset by peer"}',
        b'{"time":"2024-03-11T03:13:30Z","level":"ERROR","msg":"write failed","err":{"message":"EPIPE","stack":"Error: write EPIPE\\n    at afterWriteDispatched (node:internal/stream_base_commons:160:15)"}}',
        b'{"log":"2024/03/11 03:13:30 [error] 12#12: *1 recv() failed (104: Connection reset by peer)\\n","stream":"stderr","time":"2024-03-11T03:13:30.123456789Z"}',
        b'{"name":"app","hostname":"h","pid":1,"level":50,"err":{"message":"socket hang up","code":"ECONNRESET"},"msg":"x","time":"2024-03-11T03:13:30.606Z","v":0}',
        b'  {"a":[1,2,{"msg":"deep"}],"exception":["one",["two",{"three":"3"}]]}  ',
        b'{"msg":"\\u00e9t\\u00e9 \\"quoted\\" \\ud83d\\ude00","level":"warn"}',
        b'{"msg":"x"} trailing',
    ]
    for i, line in enumerate(lines):
        write("json_fields", f"line{i}", u16(2024) + line)


def rules():
    for name in ["multiline", "jvm", "python", "errno", "nginx", "go", "kernel"]:
        write("rules", name, (ROOT / f"rules/{name}.toml").read_bytes())
    write("rules", "bad-regex", b'[[rule]]\nid = "bad"\ncause = "conn_reset"\npattern = \'(unclosed\'\n')


def timestamp():
    texts = [b"2026-11-24T10:00:00.123Z rest", b"2026-11-24 10:00:00+01:00", b"2026-11-24 10:00:00,123",
             b"2026/11/24 10:00:00 [error]", b'127.0.0.1 - - [24/Nov/2026:10:00:00 +0000] "GET /"',
             b"Nov 24 10:00:00 host sshd[1]:", b"<34>1 2026-11-24T10:00:00.003Z host app",
             b"<34>Nov 24 10:00:00 host", b"[Sun Dec 04 04:47:44 2005] [error]",
             b"E0517 15:04:22.619632 1 x.go:1]", b"17/06/09 20:10:40 INFO", b"081109 203615 143 INFO",
             b'ts=2026-11-24T10:00:00Z level=info', b'time="2026-11-24 10:00:00"', b"1710126809.076",
             b"1.7101268e9", b"2026-02-30 10:00:00", b"2026-12-31T23:59:60Z"]
    for i, text in enumerate(texts):
        params = bytes([2 + (i % 2), 0x07, 0xe8 + i % 3]) + struct.pack(">Q", 1710126809 * 10 ** (i % 4))
        civil = u16(2026) + bytes([11, 24, 10, 0, 0]) + u16(123)
        write("timestamp", f"text{i}", params + civil + text)
    # Many lines at once, for LineClock: runs that repeat a layout, two layouts in turn, a
    # sample log, cut lines; the default year changes at line 5 (epoch % 8).
    runs = [b"2026-11-24 10:00:%02d,%03d INFO x" % (s, s * 7) for s in range(0, 61, 6)]
    runs += [b"10.0.0.%d - - [24/Nov/2026:10:00:%02d +0000] \"GET /\"" % (s, s) for s in range(9)]
    runs += [t for pair in zip(texts, texts[::-1]) for t in pair]
    runs += [text[:cut] for text in texts[:6] for cut in range(12, len(text), 3)]
    lines = b"\n".join(runs) + b"\n" + excerpt("samples/nginx/error.log", 1500)
    params = bytes([2, 0x07, 0xe8]) + struct.pack(">Q", 5)
    write("timestamp", "lines", params + civil + lines)


def captures():
    for name in ["netstat_s_two_snapshots.txt", "nstat_az_two_snapshots.txt",
                 "proc_net_netstat_snmp.txt", "ss_lnt.txt"]:
        params = struct.pack(">QQQ", 54, 3, 128)
        write("captures", name.split(".")[0], params + (ROOT / "samples/host" / name).read_bytes())


def filter_chain():
    # window, marker interval, keep, dedupe, signature, max signatures, block, max line
    # (2 bytes), max lines, chunk (2 bytes)
    for i, log in enumerate(LOGS):
        params = bytes([4, 3, 0, i % 3, i % 2, 3 + i, 40 + i]) + u16(300 + i) + bytes([50]) + u16(77 + i)
        write("filter_chain", pathlib.Path(log).parent.name, params + excerpt(log, 6000))
    flood = b"".join(b"2024-03-11 03:13:%02d,842 ERROR [main] upstream 10.0.0.%d:443: "
                     b"java.net.SocketException: Connection reset\n" % (i % 60, i % 7) for i in range(120))
    write("filter_chain", "flood", bytes([1, 1, 1, 0, 0, 2, 64]) + u16(380) + bytes([10]) + u16(200) + flood)
    json = b"".join(b'{"time":"2024-03-11T03:13:%02dZ","level":"error","msg":"read: connection reset by peer"}\n'
                    % (i % 60) for i in range(60))
    write("filter_chain", "json-flood", bytes([2, 0, 0, 0, 0, 1, 64]) + u16(380) + bytes([10]) + u16(200) + json)


def merge():
    # Summaries written by the built binary (pass its path as the first argument).
    import sys
    if len(sys.argv) < 2:
        print("merge seeds: pass the built sockfilter binary to regenerate them")
        return
    for i, log in enumerate(LOGS[:4]):
        path = ROOT / log
        args = [sys.argv[1], "analyze", "--format", "json"] + (["--compact"] if i % 2 else [])
        out = subprocess.run(args + [str(path)], stdout=subprocess.PIPE, check=True).stdout
        if len(out) < 60000:  # seeds stay under the fuzzer's -max_len
            write("merge", pathlib.Path(log).parent.name, out)
    host = ROOT / "samples/host/netstat_s_two_snapshots.txt"
    out = subprocess.run([sys.argv[1], "analyze", "--format", "json", str(ROOT / LOGS[0]), str(host)],
                         stdout=subprocess.PIPE, check=True).stdout
    write("merge", "with-host", out)


def main():
    merge()
    captures()
    filter_chain()
    lines_events()
    decompress()
    json_fields()
    rules()
    timestamp()


if __name__ == "__main__":
    main()
