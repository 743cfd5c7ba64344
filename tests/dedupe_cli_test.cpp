// End-to-end tests of flood suppression through the built binary: accounting on generated
// corpora, eviction, signals and latency through real pipes.
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <simdjson.h>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/child_process.h"
#include "tests/test_util.h"

namespace sockfilter {
namespace {

using Clock = std::chrono::steady_clock;
using test::ProcessResult;
using test::RunSockfilter;

// The built binary with its standard input and output on pipes, for live-stream tests:
// write to it, read what it has written so far, signal it, wait with a deadline.
class LiveProcess {
 public:
  explicit LiveProcess(const std::vector<std::string>& args)
      : child_(args, {.in = in_.read_end(), .out = out_.write_end()}) {
    in_.CloseRead();
    out_.CloseWrite();
  }

  void Write(const std::string& bytes) { REQUIRE(test::WriteAllTo(in_.write_end(), bytes)); }
  void CloseInput() { in_.CloseWrite(); }
  void Signal(int signo) { child_.Signal(signo); }

  // Reads what arrives within `ms`; false at end of output.
  bool Read(int ms) {
    struct pollfd p = {out_.read_end(), POLLIN, 0};
    if (poll(&p, 1, ms) <= 0) return true;
    char buf[65536];
    ssize_t n = read(out_.read_end(), buf, sizeof buf);
    if (n <= 0) return false;
    out_text_.append(buf, static_cast<size_t>(n));
    return true;
  }
  // Reads until `text` has arrived or `deadline` passes.
  bool WaitFor(const std::string& text, Clock::time_point deadline) {
    while (out_text_.find(text) == std::string::npos) {
      if (Clock::now() > deadline || !Read(20)) return out_text_.find(text) != std::string::npos;
    }
    return true;
  }
  // Reads to the end of output and returns the exit code (128 + signal when killed); -1
  // when the output has not ended within `seconds` (the process is then killed).
  int Wait(int seconds = 10) {
    auto deadline = Clock::now() + std::chrono::seconds(seconds);
    bool open = true;
    while (open && Clock::now() < deadline) open = Read(50);
    if (open) {
      child_.Signal(SIGKILL);
      child_.Wait();
      return -1;
    }
    return child_.Wait().code;
  }
  const std::string& out() const { return out_text_; }

 private:
  test::Pipe in_;
  test::Pipe out_;
  test::ChildProcess child_;
  std::string out_text_;
};

struct Stats {
  uint64_t lines_in, lines_out, lines_suppressed, events_in, events_suppressed, markers, bytes_in,
      bytes_out, signatures, evicted;
};

Stats ParseStats(const std::string& err) {
  size_t at = err.rfind("{\"lines_in\"");
  REQUIRE(at != std::string::npos);
  std::string line = err.substr(at, err.find('\n', at) - at);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(line).get(doc) == simdjson::SUCCESS);
  auto n = [&](const char* key) { return uint64_t(doc[key]); };
  return {n("lines_in"),          n("lines_out"), n("lines_suppressed"), n("events_in"),
          n("events_suppressed"), n("markers"),   n("bytes_in"),         n("bytes_out"),
          n("signatures"),        n("evicted")};
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return lines;
}

bool IsMarker(const std::string& line) {
  return line.rfind("[sockfilter] suppressed ", 0) == 0 ||
         line.rfind("{\"sockfilter\":\"suppressed\"", 0) == 0;
}

uint64_t MarkerLines(const std::string& marker) {
  size_t at = marker.find(marker[0] == '{' ? "\"lines\":" : " lines=");
  return std::stoull(marker.substr(at + (marker[0] == '{' ? 8 : 7)));
}

// Checks every accounting rule on one run's output and stats.
void CheckAccounting(const std::string& input, const ProcessResult& run) {
  REQUIRE(run.exit_code == 0);
  Stats s = ParseStats(run.err);
  uint64_t input_lines = std::count(input.begin(), input.end(), '\n');
  CHECK(s.lines_in == input_lines);
  CHECK(s.bytes_in == input.size());
  CHECK(s.lines_in == s.lines_out + s.lines_suppressed);
  CHECK(s.bytes_out == run.out.size());
  uint64_t marker_lines = 0, markers = 0, other_lines = 0;
  for (const std::string& line : SplitLines(run.out)) {
    if (IsMarker(line)) {
      ++markers;
      marker_lines += MarkerLines(line);
    } else {
      ++other_lines;
    }
  }
  CHECK(markers == s.markers);
  CHECK(marker_lines == s.lines_suppressed);
  CHECK(other_lines == s.lines_out);
}

TEST_CASE("the accounting invariant holds on generated corpora", "[dedupe][e2e]") {
  std::string script = test::GenCorpusScript();
  if (script.empty()) {
    WARN("gen_corpus.py not found beside the checkout; skipped");
    return;
  }
  test::TempDir dir;
  const int kSeeds[] = {1, 2, 3, 4};
  std::string generate;  // all seeds at once, in the background
  for (int seed : kSeeds) {
    generate += "python3 " + script + " 2 " + dir.File("corpus-" + std::to_string(seed)) +
                " --seed " + std::to_string(seed) + " 2>/dev/null & ";
  }
  REQUIRE(test::Shell(generate + "wait") == 0);
  for (int seed : kSeeds) {
    std::string log = dir.File("corpus-" + std::to_string(seed));
    std::string input = test::ReadFile(log);
    for (const std::vector<std::string>& extra :
         {std::vector<std::string>{},
          {"--window", "5", "--marker-interval", "2", "--keep", "2"},
          {"--dedupe", "all", "--max-signatures", "50"}}) {
      std::vector<std::string> args = extra;
      args.insert(args.end(), {"--stats", log});
      INFO("seed " << seed << ", " << extra.size() << " extra arguments");
      ProcessResult run = RunSockfilter(args);
      CheckAccounting(input, run);
      CHECK(ParseStats(run.err).events_suppressed > 0);
      if (extra.empty()) CHECK(RunSockfilter(args).out == run.out);  // deterministic
    }
  }
}

// `n` unique single-line socket errors, each written twice in a row.
std::string UniqueFlood(int n) {
  std::string input;
  for (int i = 0; i < n; ++i) {
    std::string name;  // letters only, so that no mask makes two names equal
    for (int k = i; name.size() < 4; k /= 20) name += static_cast<char>('g' + k % 20);
    std::string line = "2024-03-11 03:13:29,842 ERROR [main] worker " + name +
                       ": java.net.SocketException: Connection reset\n";
    input += line + line;
  }
  return input;
}

TEST_CASE("a flood of unique signatures evicts the oldest, each with its marker", "[dedupe][e2e]") {
  std::string input = UniqueFlood(1000);
  ProcessResult run = RunSockfilter({"--stats", "--max-signatures", "10"}, input);
  CheckAccounting(input, run);
  Stats s = ParseStats(run.err);
  CHECK(s.signatures == 1000);
  CHECK(s.evicted == 990);
  CHECK(s.events_suppressed == 1000);
  CHECK(s.markers == 1000);
  // The marker of an evicted signature comes before the event that evicted it.
  std::vector<std::string> lines = SplitLines(run.out);
  REQUIRE(lines.size() == 2000);
  CHECK(lines[9].find("worker pggg:") != std::string::npos);  // the 10th signature
  CHECK(IsMarker(lines[10]));
  CHECK(lines[10].find("sample=\"2024-03-11 03:13:29,842 ERROR [main] worker gggg:") !=
        std::string::npos);
  CHECK(lines[11].find("worker qggg:") != std::string::npos);  // the 11th, which evicted it
}

TEST_CASE("invalid filter options are usage errors", "[dedupe][e2e]") {
  CHECK(RunSockfilter({"--keep", "0"}).exit_code == 2);
  CHECK(RunSockfilter({"--window", "0"}).exit_code == 2);
  CHECK(RunSockfilter({"--dedupe", "most"}).exit_code == 2);
  CHECK(RunSockfilter({"--signature", "fuzzy"}).exit_code == 2);
  CHECK(RunSockfilter({"--max-signatures", "0"}).exit_code == 2);
}

TEST_CASE("dedupe none passes every byte through", "[dedupe][e2e]") {
  std::string input = UniqueFlood(5);
  ProcessResult run = RunSockfilter({"--dedupe", "none"}, input);
  CHECK(run.out == input);
}

TEST_CASE("JSON-lines floods get JSON markers that parse", "[dedupe][e2e]") {
  std::string input;
  for (int i = 0; i < 5; ++i) {
    input += "{\"time\":\"2024-03-11T03:13:2" + std::to_string(i) +
             "Z\",\"level\":\"error\",\"msg\":\"upstream \\\"cart\\\" failed\","
             "\"err\":\"read tcp 10.0.0.1:4" +
             std::to_string(i) + "->10.0.0.9:80: read: connection reset by peer\"}\n";
  }
  ProcessResult run = RunSockfilter({"--stats"}, input);
  CheckAccounting(input, run);
  std::vector<std::string> lines = SplitLines(run.out);
  REQUIRE(lines.size() == 2);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(lines[1]).get(doc) == simdjson::SUCCESS);
  CHECK(std::string_view(doc["sockfilter"]) == "suppressed");
  CHECK(uint64_t(doc["repeats"]) == 4);
  CHECK(std::string_view(doc["sample"]) == SplitLines(input)[1]);
}

TEST_CASE("SIGTERM on a live pipe writes the pending marker and exits cleanly", "[dedupe][e2e]") {
  LiveProcess p({});
  const std::string line =
      "2024-03-11 03:13:29,842 ERROR [main] upstream: java.net.SocketException: Connection "
      "reset\n";
  for (int i = 0; i < 5; ++i) p.Write(line);
  REQUIRE(p.WaitFor(line, Clock::now() + std::chrono::seconds(10)));
  // Give it time to pass the pending event on and block in read().
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  p.Signal(SIGTERM);
  CHECK(p.Wait() == 0);
  std::vector<std::string> lines = SplitLines(p.out());
  REQUIRE(lines.size() == 2);
  CHECK(lines[1].rfind("[sockfilter] suppressed repeats=4 lines=4 ", 0) == 0);
}

TEST_CASE("SIGTERM while a pending event waits for its flush timeout still ends the run",
          "[dedupe][e2e]") {
  // Regression: the signal cut the flush-timeout poll short and the reader then blocked in
  // read() for more input.
  LiveProcess p({"--flush-timeout", "1000"});
  const std::string line =
      "2024-03-11 03:13:29,842 ERROR [main] upstream: java.net.SocketException: Connection "
      "reset\n";
  for (int i = 0; i < 3; ++i) p.Write(line);
  REQUIRE(p.WaitFor(line, Clock::now() + std::chrono::seconds(10)));  // 1 s poll under way
  p.Signal(SIGTERM);
  CHECK(p.Wait(5) == 0);
  std::vector<std::string> lines = SplitLines(p.out());
  REQUIRE(lines.size() == 2);
  CHECK(lines[1].rfind("[sockfilter] suppressed repeats=2 lines=2 ", 0) == 0);
}

TEST_CASE("a live stream shows each line that is not suppressed within the flush timeout",
          "[dedupe][e2e]") {
  LiveProcess p({"--flush-timeout", "200"});
  const std::string reset =
      "2024-03-11 03:13:29,842 ERROR [main] upstream: java.net.SocketException: Connection "
      "reset\n";
  struct Sent {
    std::string line;
    Clock::time_point at;
  };
  std::vector<Sent> expected;
  std::thread writer([&] {
    for (int i = 0; i < 20; ++i) {
      bool socket = i % 3 == 1;
      std::string line =
          socket ? reset
                 : "2024-03-11 03:13:29,842 INFO [main] request " + std::to_string(i) + " served\n";
      auto at = Clock::now();
      p.Write(line);
      if (!socket || i == 1) expected.push_back({line, at});
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  // 13 ordinary lines and the first socket error pass, in order; note when each arrives.
  const size_t kPassing = 14;
  std::vector<Clock::time_point> seen;
  auto deadline = Clock::now() + std::chrono::seconds(15);
  while (Clock::now() < deadline && seen.size() < kPassing) {
    p.Read(5);
    size_t lines = std::count(p.out().begin(), p.out().end(), '\n');
    while (seen.size() < std::min(lines, kPassing)) seen.push_back(Clock::now());
  }
  writer.join();
  REQUIRE(seen.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(seen[i] - expected[i].at);
    INFO("line " << i << " latency " << latency.count() << " ms (flush timeout 200 ms)");
    CHECK(latency.count() < 5000);  // a generous deadline; speed is not asserted
  }
  p.CloseInput();
  CHECK(p.Wait() == 0);
  std::vector<std::string> lines = SplitLines(p.out());
  REQUIRE(lines.size() == kPassing + 1);
  for (size_t i = 0; i < kPassing; ++i) CHECK(lines[i] + "\n" == expected[i].line);
  CHECK(lines[kPassing].rfind("[sockfilter] suppressed repeats=6 lines=6 ", 0) == 0);
}

}  // namespace
}  // namespace sockfilter
