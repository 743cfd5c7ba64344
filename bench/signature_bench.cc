// Signature throughput (bytes per second) on typical socket-error events: a Java stack
// trace, a JSON line with an embedded trace, and a one-line nginx error.
#include <benchmark/benchmark.h>

#include <string>

#include "filters/signature.h"

namespace sockfilter {
namespace {

const char kJavaTrace[] =
    "2024-03-11 03:13:29.842  WARN 2249 --- [nio-8080-exec-2] c.a.t.messaging.TenantHandler   "
    "  : Exception in cart pipeline\n"
    "java.io.IOException: Connection reset by peer\n"
    "\tat sun.nio.ch.FileDispatcherImpl.read0(Native Method)\n"
    "\tat sun.nio.ch.SocketDispatcher.read(SocketDispatcher.java:39)\n"
    "\tat sun.nio.ch.IOUtil.readIntoNativeBuffer(IOUtil.java:223)\n"
    "\tat sun.nio.ch.IOUtil.read(IOUtil.java:192)\n"
    "\tat sun.nio.ch.SocketChannelImpl.read(SocketChannelImpl.java:379)\n"
    "\tat io.netty.buffer.PooledByteBuf.setBytes(PooledByteBuf.java:258)\n"
    "\tat io.netty.channel.nio.NioEventLoop.processSelectedKey(NioEventLoop.java:719)\n"
    "\tat com.acme.cart.web.CartController.handleAsync(CartController.java:131)\n"
    "\tat java.lang.Thread.run(Thread.java:750)\n";
const char kJsonLine[] =
    "{\"level\":50,\"time\":1710126809141,\"pid\":5937,\"hostname\":\"checkout-api-0\","
    "\"reqId\":\"req-239\",\"err\":{\"type\":\"Error\",\"message\":\"connect ECONNREFUSED "
    "10.0.41.208:9095\",\"stack\":\"Error: connect ECONNREFUSED 10.0.41.208:9095\\n    at "
    "TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)\"},\"msg\":\"failed\"}\n";
const char kNginx[] =
    "2024/03/11 03:16:38 [error] 2661#2661: *314735 connect() failed (110: Connection timed "
    "out) while connecting to upstream, client: 176.144.168.145, server: api.example.com, "
    "request: \"POST /api/v2/charges HTTP/1.1\", upstream: \"http://10.2.35.249:9095/\"\n";

void BM_Sign(benchmark::State& state, const char* text, SignatureMode mode) {
  const std::string event = text;
  Signer signer(mode);
  for (auto _ : state) benchmark::DoNotOptimize(signer.Sign(event, false));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * event.size()));
}

BENCHMARK_CAPTURE(BM_Sign, java_trace, kJavaTrace, SignatureMode::kNormalized);
BENCHMARK_CAPTURE(BM_Sign, json_line, kJsonLine, SignatureMode::kNormalized);
BENCHMARK_CAPTURE(BM_Sign, nginx_error, kNginx, SignatureMode::kNormalized);
BENCHMARK_CAPTURE(BM_Sign, java_trace_raw, kJavaTrace, SignatureMode::kRaw);

}  // namespace
}  // namespace sockfilter
