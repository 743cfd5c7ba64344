// ns per JSON line of the field extractor (simdjson On Demand), on typical lines of each
// structured logger and on the JSON lines of a generated corpus.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "analyzer/json_fields.h"
#include "bench/bench_lines.h"

namespace sockfilter {
namespace {

void BM_JsonExtract(benchmark::State& state, const char* line) {
  const std::string text = line;
  JsonFieldExtractor extractor;
  JsonFields fields;
  for (auto _ : state) {
    benchmark::DoNotOptimize(extractor.Extract(text, &fields));
    benchmark::DoNotOptimize(fields);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}

BENCHMARK_CAPTURE(BM_JsonExtract, zap,
                  R"({"level":"info","ts":1710126809.076685,"caller":"route/table.go:300",)"
                  R"("msg":"route table updated","routes":332,"version":11554})");
BENCHMARK_CAPTURE(BM_JsonExtract, pino,
                  R"({"level":30,"time":1710126809076,"pid":4242,"hostname":"web-1",)"
                  R"("req":{"method":"GET","url":"/api/v1/x"},"msg":"request completed"})");
BENCHMARK_CAPTURE(BM_JsonExtract, logstash_stack,
                  R"({"@timestamp":"2024-03-11T03:13:30.123Z","@version":"1","message":)"
                  R"("Servlet.service() threw exception","logger_name":"org.apache.catalina",)"
                  R"("thread_name":"http-nio-8080-exec-1","level":"ERROR","level_value":40000,)"
                  R"("stack_trace":"java.net.SocketException: Connection reset\n\tat java.base/)"
                  R"(sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:323)\n"})");
BENCHMARK_CAPTURE(BM_JsonExtract, docker,
                  R"({"log":"2024-03-11 03:13:30.123 INFO GET /healthz 200\n","stream":"stdout",)"
                  R"("time":"2024-03-11T03:13:30.123456789Z"})");
BENCHMARK_CAPTURE(BM_JsonExtract, malformed, R"({"msg":"truncated line, not JSON)");

void BM_JsonExtractCorpus(benchmark::State& state) {
  const std::vector<std::string> lines =
      bench::CorpusLines(100'000, [](const std::string& l) { return LooksLikeJsonObject(l); });
  if (lines.empty()) {
    state.SkipWithError("no corpus (set SOCKFILTER_BENCH_CORPUS)");
    return;
  }
  JsonFieldExtractor extractor;
  JsonFields fields;
  size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(extractor.Extract(lines[i], &fields));
    bytes += static_cast<int64_t>(lines[i].size());
    if (++i == lines.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_JsonExtractCorpus);

}  // namespace
}  // namespace sockfilter
