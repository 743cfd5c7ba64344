// ns per call of the timestamp parser on typical first lines, and of strptime + timegm
// (the usual hand-rolled alternative) on the same ISO line for comparison; the corpus's
// record lines through the plain parser and through a LineClock.
#include <benchmark/benchmark.h>

#include <ctime>
#include <string>
#include <vector>

#include "analyzer/line_clock.h"
#include "analyzer/timestamp.h"
#include "bench/bench_lines.h"

namespace sockfilter {
namespace {

void BM_ParseLineTimestamp(benchmark::State& state, const char* line) {
  const std::string text = line;
  for (auto _ : state) benchmark::DoNotOptimize(ParseLineTimestamp(text, 2026));
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_CAPTURE(BM_ParseLineTimestamp, spring_boot,
                  "2024-03-11 03:13:29.842  INFO 1234 --- [nio-8080-exec-1] o.s.web.Servlet");
BENCHMARK_CAPTURE(BM_ParseLineTimestamp, log4j_comma,
                  "2024-03-11 03:13:29,817 ERROR [main] org.apache.catalina.core.StandardWrapper");
BENCHMARK_CAPTURE(BM_ParseLineTimestamp, iso_zone,
                  "2026-11-24T10:00:00.123456+01:00 app[1]: request failed");
BENCHMARK_CAPTURE(BM_ParseLineTimestamp, nginx_error,
                  "2024/03/11 03:13:30 [error] 31#31: *1 recv() failed (104: Connection reset");
BENCHMARK_CAPTURE(BM_ParseLineTimestamp, syslog,
                  "Mar 11 03:13:30 web-1 sshd[123]: fatal: Write failed: Connection reset");
BENCHMARK_CAPTURE(BM_ParseLineTimestamp, access_log,
                  "185.194.236.45 - - [11/Mar/2024:03:13:30 +0000] \"GET /api/v1/x HTTP/1.1\"");
BENCHMARK_CAPTURE(BM_ParseLineTimestamp, celery_bracket,
                  "[2024-03-11 03:13:33,849: ERROR/ForkPoolWorker-2] Task failed");
BENCHMARK_CAPTURE(BM_ParseLineTimestamp, logfmt,
                  "ts=2024-03-11T03:14:01.815984030Z level=error caller=client.go:173");
BENCHMARK_CAPTURE(BM_ParseLineTimestamp, no_time_frame,
                  "\tat java.base/sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:323)");
BENCHMARK_CAPTURE(BM_ParseLineTimestamp, no_time_text,
                  "Caused by: java.net.SocketException: Connection reset by peer (abc=1) [x]");

// Every record line (not indented) at the start of the corpus, in turn.
void BM_ParseLineTimestampCorpus(benchmark::State& state) {
  const std::vector<std::string> lines = bench::CorpusLines(
      200'000, [](const std::string& l) { return !l.empty() && l[0] != ' ' && l[0] != '\t'; });
  if (lines.empty()) {
    state.SkipWithError("no corpus (set SOCKFILTER_BENCH_CORPUS)");
    return;
  }
  size_t i = 0;
  size_t found = 0;
  for (auto _ : state) {
    found += ParseLineTimestamp(lines[i], 2024) != kNoTime;
    if (++i == lines.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["with_time"] =
      benchmark::Counter(static_cast<double>(found) / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_ParseLineTimestampCorpus);

// The same lines, in the same order, through a LineClock (as the classify stage times them).
void BM_LineClockCorpus(benchmark::State& state) {
  const std::vector<std::string> lines = bench::CorpusLines(
      200'000, [](const std::string& l) { return !l.empty() && l[0] != ' ' && l[0] != '\t'; });
  if (lines.empty()) {
    state.SkipWithError("no corpus (set SOCKFILTER_BENCH_CORPUS)");
    return;
  }
  LineClock clock(2024);
  size_t i = 0;
  size_t found = 0;
  for (auto _ : state) {
    found += clock.Time(lines[i]) != kNoTime;
    if (++i == lines.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["with_time"] =
      benchmark::Counter(static_cast<double>(found) / static_cast<double>(state.iterations()));
  state.counters["resumed"] = benchmark::Counter(static_cast<double>(clock.resumed()) /
                                                 static_cast<double>(state.iterations()));
}
BENCHMARK(BM_LineClockCorpus);

void BM_StrptimeTimegmReference(benchmark::State& state) {
  const std::string text = "2024-03-11 03:13:29,817 ERROR [main] org.apache.catalina";
  for (auto _ : state) {
    std::tm tm{};
    const char* rest = strptime(text.c_str(), "%Y-%m-%d %H:%M:%S", &tm);
    benchmark::DoNotOptimize(rest);
    benchmark::DoNotOptimize(timegm(&tm));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StrptimeTimegmReference);

void BM_ParseEpochNumber(benchmark::State& state) {
  const std::string text = "1710126809.076685";
  for (auto _ : state) benchmark::DoNotOptimize(ParseEpochNumber(text));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseEpochNumber);

void BM_FormatIsoUtc(benchmark::State& state) {
  char out[kIsoUtcLength];
  TimeMs t = 1710126809076;
  for (auto _ : state) {
    benchmark::DoNotOptimize(FormatIsoUtc(t++, out));
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FormatIsoUtc);

}  // namespace
}  // namespace sockfilter
