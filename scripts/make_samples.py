#!/usr/bin/env python3
"""Writes the sample logs in samples/<ecosystem>/ (deterministic: same bytes every run).

Each sample is a stretch of an ordinary service log in which one or a few socket-error
traces repeat many times (a flood) with varying timestamps, threads and peers, mixed with
ordinary one-line records. Every record starts a line with a timestamp, except a Go
`panic:` and the .NET console logger's `info:`/`warn:`/`fail:` headers; every other line is
a continuation of the record above it. The tests rely on
that (tests/event_assembler_test.cpp).

    python3 scripts/make_samples.py      # rewrites the files in samples/
"""

import os
import random
from datetime import datetime, timedelta, timezone

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "samples")
START = datetime(2024, 3, 11, 3, 13, 29, 842000, tzinfo=timezone.utc)


class Clock:
    def __init__(self, rng):
        self.rng = rng
        self.now = START

    def tick(self):
        self.now += timedelta(milliseconds=self.rng.randint(1, 900))
        return self.now


def peer(rng):
    return "10.%d.%d.%d:%d" % (rng.randint(0, 3), rng.randint(0, 255), rng.randint(1, 254),
                               rng.randint(32768, 60999))


def write(path, lines):
    with open(os.path.join(HERE, path), "w", newline="\n") as f:
        f.write("".join(line + "\n" for line in lines))


# ---- Java ----------------------------------------------------------------------------------

JAVA_READ_FRAMES = [
    "\tat java.base/sun.nio.ch.SocketDispatcher.read0(Native Method)",
    "\tat java.base/sun.nio.ch.SocketDispatcher.read(SocketDispatcher.java:47)",
    "\tat java.base/sun.nio.ch.NioSocketImpl.tryRead(NioSocketImpl.java:256)",
    "\tat java.base/sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:307)",
    "\tat java.base/sun.nio.ch.NioSocketImpl.read(NioSocketImpl.java:345)",
    "\tat java.base/sun.nio.ch.NioSocketImpl$1.read(NioSocketImpl.java:790)",
    "\tat java.base/java.net.Socket$SocketInputStream.read(Socket.java:1025)",
    "\tat org.postgresql.core.VisibleBufferedInputStream.readMore(VisibleBufferedInputStream.java:161)",
    "\tat org.postgresql.core.VisibleBufferedInputStream.ensureBytes(VisibleBufferedInputStream.java:128)",
    "\tat org.postgresql.core.PGStream.receiveChar(PGStream.java:455)",
    "\tat org.postgresql.core.v3.QueryExecutorImpl.processResults(QueryExecutorImpl.java:2120)",
    "\tat org.postgresql.core.v3.QueryExecutorImpl.execute(QueryExecutorImpl.java:356)",
]
JAVA_OUTER_FRAMES = [
    "\tat org.springframework.jdbc.support.SQLStateSQLExceptionTranslator.doTranslate(SQLStateSQLExceptionTranslator.java:107)",
    "\tat org.springframework.jdbc.core.JdbcTemplate.translateException(JdbcTemplate.java:1548)",
    "\tat org.springframework.jdbc.core.JdbcTemplate.query(JdbcTemplate.java:732)",
    "\tat com.example.cart.CartRepository.findOpenCarts(CartRepository.java:88)",
    "\tat com.example.cart.CartService.refresh(CartService.java:54)",
    "\tat com.example.cart.CartController.get(CartController.java:41)",
    "\tat java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)",
    "\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)",
    "\tat org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:166)",
    "\tat org.apache.tomcat.util.threads.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:659)",
    "\tat java.base/java.lang.Thread.run(Thread.java:1583)",
]
TOMCAT_WRITE_FRAMES = [
    "\tat org.apache.catalina.connector.OutputBuffer.realWriteBytes(OutputBuffer.java:341)",
    "\tat org.apache.catalina.connector.OutputBuffer.flushByteBuffer(OutputBuffer.java:778)",
    "\tat org.apache.catalina.connector.OutputBuffer.append(OutputBuffer.java:676)",
    "\tat org.apache.catalina.connector.CoyoteOutputStream.write(CoyoteOutputStream.java:157)",
    "\tat com.fasterxml.jackson.core.json.UTF8JsonGenerator._flushBuffer(UTF8JsonGenerator.java:2171)",
    "\tat org.springframework.http.converter.json.AbstractJackson2HttpMessageConverter.writeInternal(AbstractJackson2HttpMessageConverter.java:480)",
    "\tat org.apache.tomcat.util.threads.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:659)",
    "\tat java.base/java.lang.Thread.run(Thread.java:1583)",
]
TOMCAT_CAUSE_FRAMES = [
    "\tat java.base/sun.nio.ch.SocketDispatcher.write0(Native Method)",
    "\tat java.base/sun.nio.ch.SocketDispatcher.write(SocketDispatcher.java:62)",
    "\tat java.base/sun.nio.ch.IOUtil.writeFromNativeBuffer(IOUtil.java:137)",
    "\tat java.base/sun.nio.ch.SocketChannelImpl.write(SocketChannelImpl.java:530)",
    "\tat org.apache.tomcat.util.net.NioChannel.write(NioChannel.java:122)",
    "\tat org.apache.tomcat.util.net.NioEndpoint$NioSocketWrapper.doWrite(NioEndpoint.java:1378)",
]


def java_spring(out, rng, clock):
    """A logback record, the reset under it, a nested cause chain and `... N more`."""
    t = clock.tick().strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    thread = "http-nio-8080-exec-%d" % rng.randint(1, 200)
    out.append("%s ERROR 2249 --- [%15s] c.e.cart.CartController                 : "
               "Cart refresh failed for session %08x" % (t, thread[-15:], rng.getrandbits(32)))
    out.append("org.springframework.dao.DataAccessResourceFailureException: "
               "PreparedStatementCallback; I/O error occurred while sending to the backend.")
    out.extend(JAVA_OUTER_FRAMES)
    out.append("Caused by: org.postgresql.util.PSQLException: "
               "An I/O error occurred while sending to the backend.")
    out.extend(JAVA_READ_FRAMES[10:])
    out.append("\t... %d common frames omitted" % len(JAVA_OUTER_FRAMES))
    out.append("Caused by: java.io.IOException: Connection reset by peer")
    out.extend(JAVA_READ_FRAMES[:10])
    out.append("\t... %d more" % (len(JAVA_OUTER_FRAMES) + 2))
    return 1 + 1 + len(JAVA_OUTER_FRAMES) + 1 + 2 + 1 + 1 + 10 + 1


def java_tomcat(out, rng, clock):
    t = clock.tick().strftime("%d-%b-%Y %H:%M:%S.%f")[:-3]
    out.append("%s WARNING [http-nio-8080-exec-%d] org.apache.catalina.core.StandardWrapperValve"
               ".invoke Servlet.service() for servlet [dispatcherServlet] threw exception"
               % (t, rng.randint(1, 200)))
    out.append("org.apache.catalina.connector.ClientAbortException: java.io.IOException: Broken pipe")
    out.extend(TOMCAT_WRITE_FRAMES)
    out.append("Caused by: java.io.IOException: Broken pipe")
    out.extend(TOMCAT_CAUSE_FRAMES)
    out.append("\t... %d more" % len(TOMCAT_WRITE_FRAMES))
    return 1 + 1 + len(TOMCAT_WRITE_FRAMES) + 1 + len(TOMCAT_CAUSE_FRAMES) + 1


def java_netty(out, rng, clock):
    t = clock.tick().strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    out.append("%s  WARN 2249 --- [ntLoopGroup-3-%d] io.netty.channel.DefaultChannelPipeline  : "
               "An exceptionCaught() event was fired, and it reached at the tail of the pipeline. "
               "It usually means the last handler in the pipeline did not handle the exception."
               % (t, rng.randint(1, 8)))
    out.append("io.netty.channel.unix.Errors$NativeIoException: "
               "recvAddress(..) failed: Connection reset by peer")
    return 2


def java_ordinary(out, rng, clock):
    t = clock.tick().strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    msg = rng.choice([
        "c.e.cart.CartController                 : GET /api/cart/%d 200 in %d ms",
        "c.e.cart.CartService                    : refreshed cart %d (%d items)",
        "o.s.web.servlet.DispatcherServlet       : Completed initialization in %d ms%d",
        "com.zaxxer.hikari.pool.HikariPool       : HikariPool-1 - Pool stats (total=%d, idle=%d)",
    ])
    out.append("%s  INFO 2249 --- [http-nio-8080-exec-%d] %s" % (
        t, rng.randint(1, 200), msg % (rng.randint(1, 99999), rng.randint(0, 500))))
    return 1


def make_java():
    rng = random.Random(11)
    clock = Clock(rng)
    out = []
    while len("\n".join(out)) < 180_000:
        r = rng.random()
        if r < 0.55:
            java_ordinary(out, rng, clock)
        elif r < 0.75:
            java_spring(out, rng, clock)
        elif r < 0.88:
            java_tomcat(out, rng, clock)
        else:
            java_netty(out, rng, clock)
    write("java/spring-reset.log", out)


# ---- Python --------------------------------------------------------------------------------

PY_RECV = [
    '  File "/usr/lib/python3.11/http/client.py", line 287, in _read_status',
    '    line = str(self.fp.readline(_MAXLINE + 1), "iso-8859-1")',
    '               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
    '  File "/usr/lib/python3.11/socket.py", line 706, in readinto',
    "    return self._sock.recv_into(b)",
    "           ^^^^^^^^^^^^^^^^^^^^^^^",
]


def python_chain(out, rng, clock):
    """logging.exception() of a requests call that died on a reset: three chained tracebacks."""
    t = clock.tick()
    out.append("%s,%03d ERROR [orders.sync] worker-%d: push to %s failed" % (
        t.strftime("%Y-%m-%d %H:%M:%S"), t.microsecond // 1000, rng.randint(1, 16), peer(rng)))
    out.append("Traceback (most recent call last):")
    out.append('  File "/srv/app/venv/lib/python3.11/site-packages/urllib3/connectionpool.py", '
               "line 790, in urlopen")
    out.append("    response = self._make_request(")
    out.append("               ^^^^^^^^^^^^^^^^^^^")
    out.extend(PY_RECV)
    out.append("ConnectionResetError: [Errno 104] Connection reset by peer")
    out.append("")
    out.append("During handling of the above exception, another exception occurred:")
    out.append("")
    out.append("Traceback (most recent call last):")
    out.append('  File "/srv/app/venv/lib/python3.11/site-packages/requests/adapters.py", '
               "line 486, in send")
    out.append("    resp = conn.urlopen(")
    out.append("           ^^^^^^^^^^^^")
    out.append("urllib3.exceptions.ProtocolError: ('Connection aborted.', "
               "ConnectionResetError(104, 'Connection reset by peer'))")
    out.append("")
    out.append("During handling of the above exception, another exception occurred:")
    out.append("")
    out.append("Traceback (most recent call last):")
    out.append('  File "/srv/app/orders/sync.py", line 58, in push')
    out.append("    r = session.post(url, json=batch, timeout=10)")
    out.append("requests.exceptions.ConnectionError: ('Connection aborted.', "
               "ConnectionResetError(104, 'Connection reset by peer'))")
    return 29


def python_broken_pipe(out, rng, clock):
    t = clock.tick()
    out.append("%s,%03d ERROR [gunicorn.error] Socket error processing request." % (
        t.strftime("%Y-%m-%d %H:%M:%S"), t.microsecond // 1000))
    out.append("Traceback (most recent call last):")
    out.append('  File "/srv/app/venv/lib/python3.11/site-packages/gunicorn/workers/sync.py", '
               "line 135, in handle")
    out.append("    self.handle_request(listener, req, client, addr)")
    out.append('  File "/srv/app/venv/lib/python3.11/site-packages/gunicorn/http/wsgi.py", '
               "line 346, in write")
    out.append("    util.write(self.sock, arg, self.chunked)")
    out.append("BrokenPipeError: [Errno 32] Broken pipe")
    return 7


def python_ordinary(out, rng, clock):
    t = clock.tick()
    msg = rng.choice([
        "INFO [orders.sync] pushed batch of %d orders in %d ms",
        "INFO [gunicorn.access] 10.0.3.%d - - \"GET /healthz HTTP/1.1\" 200 %d",
        "WARNING [orders.sync] retrying batch %d after %d ms",
        "DEBUG [urllib3.connectionpool] Resetting dropped connection: api-%d.internal:%d",
    ])
    out.append("%s,%03d %s" % (t.strftime("%Y-%m-%d %H:%M:%S"), t.microsecond // 1000,
                               msg % (rng.randint(1, 250), rng.randint(1, 5000))))
    return 1


def make_python():
    rng = random.Random(22)
    clock = Clock(rng)
    out = []
    while len("\n".join(out)) < 180_000:
        r = rng.random()
        if r < 0.6:
            python_ordinary(out, rng, clock)
        elif r < 0.85:
            python_chain(out, rng, clock)
        else:
            python_broken_pipe(out, rng, clock)
    write("python/requests-reset.log", out)


# ---- Go ------------------------------------------------------------------------------------

def go_logfmt(out, rng, clock):
    t = clock.tick().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    if rng.random() < 0.5:
        out.append('time=%s level=error msg="proxy read failed" err="read tcp 10.0.3.7:8080->%s: '
                   'read: connection reset by peer" route=/v1/items' % (t, peer(rng)))
    else:
        out.append('time=%s level=info msg="request" method=GET path=/v1/items/%d status=200 '
                   'duration=%dms' % (t, rng.randint(1, 99999), rng.randint(1, 900)))


def go_stdlog(out, rng, clock):
    t = clock.tick().strftime("%Y/%m/%d %H:%M:%S")
    if rng.random() < 0.5:
        out.append("%s http: proxy error: read tcp 10.0.3.7:%d->10.0.4.2:9000: read: "
                   "connection reset by peer" % (t, rng.randint(32768, 60999)))
    else:
        out.append("%s http: superfluous response.WriteHeader call from main.(*proxy).ServeHTTP "
                   "(proxy.go:%d)" % (t, rng.randint(40, 200)))


def go_panic(out, rng, clock):
    out.append("panic: write tcp 10.0.3.7:8080->%s: write: broken pipe" % peer(rng))
    out.append("")
    out.append("goroutine %d [running]:" % rng.randint(1, 400))
    out.append("main.(*conn).flush(0xc000%06x)" % rng.getrandbits(24))
    out.append("\t/src/proxy/conn.go:88 +0x1a5")
    out.append("main.(*proxy).ServeHTTP(0xc0000a4000, {0x6f5a58, 0xc0001c2000}, 0xc000178100)")
    out.append("\t/src/proxy/proxy.go:141 +0x2c8")
    out.append("net/http.serverHandler.ServeHTTP({0xc000098f60?}, {0x6f5a58?, 0xc0001c2000?}, "
               "0x6?)")
    out.append("\t/usr/local/go/src/net/http/server.go:2938 +0x8e")
    out.append("net/http.(*conn).serve(0xc0001b4000, {0x6f6c38, 0xc0000a7e90})")
    out.append("\t/usr/local/go/src/net/http/server.go:2009 +0x5f4")
    out.append("created by net/http.(*Server).Serve in goroutine 1")
    out.append("\t/usr/local/go/src/net/http/server.go:3086 +0x5cb")
    out.append("")
    out.append("goroutine 1 [IO wait]:")
    out.append("internal/poll.runtime_pollWait(0x7f3c2c1e8f08, 0x72)")
    out.append("\t/usr/local/go/src/runtime/netpoll.go:343 +0x85")
    out.append("net.(*netFD).accept(0xc0000da000)")
    out.append("\t/usr/local/go/src/net/fd_unix.go:172 +0x29")
    out.append("main.main()")
    out.append("\t/src/proxy/main.go:41 +0x2c")
    out.append("exit status 2")
    return 22


def make_go():
    rng = random.Random(33)
    clock = Clock(rng)
    out = []
    while len("\n".join(out)) < 150_000:
        r = rng.random()
        if r < 0.55:
            go_logfmt(out, rng, clock)
        elif r < 0.97:
            go_stdlog(out, rng, clock)
        else:
            go_panic(out, rng, clock)
    write("go/proxy-reset.log", out)


# ---- Node.js -------------------------------------------------------------------------------

def node_reset(out, rng, clock):
    t = clock.tick().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    # console.error(timestamp, message, err): the error's stack follows on the same line.
    out.append("%s upstream request to %s failed: Error: read ECONNRESET" % (t, peer(rng)))
    out.append("    at TCP.onStreamRead (node:internal/stream_base_commons:217:20) {")
    out.append("  errno: -104,")
    out.append("  code: 'ECONNRESET',")
    out.append("  syscall: 'read'")
    out.append("}")
    return 6


def node_epipe(out, rng, clock):
    t = clock.tick().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    out.append("%s response to %s aborted: Error: write EPIPE" % (t, peer(rng)))
    out.append("    at afterWriteDispatched (node:internal/stream_base_commons:160:15)")
    out.append("    at writeGeneric (node:internal/stream_base_commons:151:3)")
    out.append("    at Socket._writeGeneric (node:net:952:11)")
    out.append("    at Socket._write (node:net:964:8)")
    out.append("    at writeOrBuffer (node:internal/streams/writable:447:12)")
    out.append("    at ServerResponse.end (node:_http_outgoing:1010:17)")
    out.append("    at /srv/app/routes/items.js:42:9 {")
    out.append("  errno: -32,")
    out.append("  code: 'EPIPE',")
    out.append("  syscall: 'write'")
    out.append("}")
    return 12


def node_ordinary(out, rng, clock):
    t = clock.tick().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    out.append("%s info: GET /items/%d 200 %d ms" % (t, rng.randint(1, 9999), rng.randint(1, 400)))


def make_node():
    rng = random.Random(44)
    clock = Clock(rng)
    out = []
    while len("\n".join(out)) < 150_000:
        r = rng.random()
        if r < 0.6:
            node_ordinary(out, rng, clock)
        elif r < 0.9:
            node_reset(out, rng, clock)
        else:
            node_epipe(out, rng, clock)
    write("node/server-econnreset.log", out)


# ---- .NET ----------------------------------------------------------------------------------

def dotnet_reset(out, rng, clock):
    t = clock.tick().strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    out.append("%s +00:00 [ERR] Connection id \"0HN1%08X\", Request id \"0HN1%08X:%08X\": "
               "An unhandled exception was thrown by the application." % (
                   t, rng.getrandbits(32), rng.getrandbits(32), rng.randint(1, 99)))
    out.append("System.IO.IOException: Unable to read data from the transport connection: "
               "An existing connection was forcibly closed by the remote host..")
    out.append(" ---> System.Net.Sockets.SocketException (10054): An existing connection was "
               "forcibly closed by the remote host.")
    out.append("   at System.Net.Sockets.NetworkStream.Read(Span`1 buffer)")
    out.append("   --- End of inner exception stack trace ---")
    out.append("   at System.Net.Sockets.NetworkStream.Read(Span`1 buffer)")
    out.append("   at System.Net.Security.SslStream.ReadAsyncInternal[TIOAdapter](TIOAdapter "
               "adapter, Memory`1 buffer)")
    out.append("   at Shop.Api.Upstream.InventoryClient.FetchAsync(Int32 id) in "
               "/src/Shop.Api/Upstream/InventoryClient.cs:line 57")
    out.append("   at Shop.Api.Controllers.ItemsController.Get(Int32 id) in "
               "/src/Shop.Api/Controllers/ItemsController.cs:line 31")
    out.append("   at Microsoft.AspNetCore.Mvc.Infrastructure.ActionMethodExecutor."
               "TaskOfIActionResultExecutor.Execute(ActionContext actionContext)")
    return 10


def dotnet_socket(out, rng, clock):
    t = clock.tick().strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    out.append("%s +00:00 [WRN] Heartbeat to %s failed" % (t, peer(rng)))
    out.append("System.Net.Sockets.SocketException (104): Connection reset by peer")
    out.append("   at System.Net.Sockets.Socket.Receive(Byte[] buffer, Int32 offset, Int32 size, "
               "SocketFlags socketFlags) in /_/src/libraries/System.Net.Sockets/src/System/Net/"
               "Sockets/Socket.cs:line 1543")
    out.append("   at Shop.Worker.Heartbeat.Ping() in /src/Shop.Worker/Heartbeat.cs:line 22")
    return 4


def dotnet_ordinary(out, rng, clock):
    t = clock.tick().strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    out.append("%s +00:00 [INF] Request finished HTTP/1.1 GET http://shop/items/%d - 200 - "
               "application/json %d.%04dms" % (t, rng.randint(1, 9999), rng.randint(0, 300),
                                               rng.randint(0, 9999)))


def make_dotnet():
    rng = random.Random(55)
    clock = Clock(rng)
    out = []
    while len("\n".join(out)) < 150_000:
        r = rng.random()
        if r < 0.55:
            dotnet_ordinary(out, rng, clock)
        elif r < 0.85:
            dotnet_reset(out, rng, clock)
        else:
            dotnet_socket(out, rng, clock)
    write("dotnet/kestrel-reset.log", out)


def console_record(out, level, category, body):
    """The .NET console logger's default format: `level: Category[id]`, body indented."""
    out.append("%s: %s" % (level, category))
    out.extend("      " + line for line in body)


def make_dotnet_console():
    rng = random.Random(56)
    out = []
    while len("\n".join(out)) < 120_000:
        r = rng.random()
        conn = "0HN1%08X" % rng.getrandbits(32)
        if r < 0.5:
            console_record(out, "info", "Microsoft.AspNetCore.Hosting.Diagnostics[2]", [
                "Request finished HTTP/1.1 GET http://shop/items/%d - 200 - application/json "
                "%d.%04dms" % (rng.randint(1, 9999), rng.randint(0, 300), rng.randint(0, 9999))])
        elif r < 0.85:
            console_record(out, "fail", "Microsoft.AspNetCore.Server.Kestrel[13]", [
                "Connection id \"%s\", Request id \"%s:%08X\": An unhandled exception was "
                "thrown by the application." % (conn, conn, rng.randint(1, 99)),
                "System.IO.IOException: Unable to read data from the transport connection: "
                "Connection reset by peer.",
                " ---> System.Net.Sockets.SocketException (104): Connection reset by peer",
                "   at System.Net.Sockets.NetworkStream.Read(Span`1 buffer)",
                "   --- End of inner exception stack trace ---",
                "   at System.Net.Sockets.NetworkStream.Read(Span`1 buffer)",
                "   at Shop.Api.Upstream.InventoryClient.FetchAsync(Int32 id) in "
                "/src/Shop.Api/Upstream/InventoryClient.cs:line 57",
                "   at Shop.Api.Controllers.ItemsController.Get(Int32 id) in "
                "/src/Shop.Api/Controllers/ItemsController.cs:line 31"])
        else:
            console_record(out, "warn", "Microsoft.AspNetCore.Server.Kestrel[0]", [
                "Connection processing ended abnormally.",
                "System.Net.Sockets.SocketException (32): Broken pipe",
                "   at Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.Internal."
                "SocketConnection.DoSend()"])
    write("dotnet/console-reset.log", out)


# ---- nginx ---------------------------------------------------------------------------------

def make_nginx():
    rng = random.Random(66)
    clock = Clock(rng)
    out = []
    while len("\n".join(out)) < 150_000:
        t = clock.tick().strftime("%Y/%m/%d %H:%M:%S")
        pid = rng.choice([1187, 1188, 1189, 1190])
        conn = rng.randint(10000, 999999)
        client = "10.%d.%d.%d" % (rng.randint(0, 3), rng.randint(0, 255), rng.randint(1, 254))
        up = "10.0.4.%d:9000" % rng.randint(2, 5)
        tail = (', client: %s, server: api.example.com, request: "GET /v1/items/%d HTTP/1.1", '
                'upstream: "http://%s/v1/items", host: "api.example.com"' % (
                    client, rng.randint(1, 9999), up))
        r = rng.random()
        if r < 0.45:
            out.append("%s [error] %d#%d: *%d recv() failed (104: Connection reset by peer) while "
                       "reading response header from upstream%s" % (t, pid, pid, conn, tail))
        elif r < 0.7:
            out.append("%s [error] %d#%d: *%d upstream prematurely closed connection while "
                       "reading response header from upstream%s" % (t, pid, pid, conn, tail))
        elif r < 0.8:
            out.append("%s [info] %d#%d: *%d client prematurely closed connection while sending "
                       "to client, client: %s, server: api.example.com" % (t, pid, pid, conn,
                                                                            client))
        elif r < 0.9:
            out.append("%s [warn] %d#%d: *%d an upstream response is buffered to a temporary "
                       "file /var/cache/nginx/proxy_temp/%d/00/%010d while reading upstream%s"
                       % (t, pid, pid, conn, rng.randint(1, 9), conn, tail))
        else:
            out.append("%s [notice] %d#%d: signal process started" % (t, pid, pid))
    write("nginx/error.log", out)


def main():
    for sub in ("java", "python", "go", "node", "dotnet", "nginx"):
        os.makedirs(os.path.join(HERE, sub), exist_ok=True)
    make_java()
    make_python()
    make_go()
    make_node()
    make_dotnet()
    make_dotnet_console()
    make_nginx()


if __name__ == "__main__":
    main()
