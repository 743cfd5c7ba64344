// `sockfilter analyze` and `sockfilter merge` end to end, through the built binary:
// merge(analyze(A), analyze(B)) equals analyze(A + B), input forms, exit status.
#include <simdjson.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include <random>
#include <string>
#include <vector>

#include "tests/test_util.h"

namespace sockfilter {
namespace {

using test::RunSockfilter;
using test::TempDir;
using test::WriteFile;

// The JSON report without the line that counts input files (3 files vs 1 file).
std::string WithoutInputs(std::string json) {
  size_t at = json.find("\"inputs\":");
  REQUIRE(at != std::string::npos);
  json.erase(at, json.find('\n', at) - at);
  return json;
}

std::string Analyze(const std::vector<std::string>& args) {
  std::vector<std::string> all = {"analyze", "--format", "json"};
  all.insert(all.end(), args.begin(), args.end());
  test::ProcessResult r = RunSockfilter(all);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

TEST_CASE("Merging the summaries of a corpus split at random points equals analysing it whole") {
  std::string gen = test::GenCorpusScript();
  if (gen.empty()) {
    WARN("gen_corpus.py not found beside the checkout; merge equivalence not checked");
    return;
  }
  TempDir dir;
  std::mt19937_64 rng(Catch::rngSeed());
  uint64_t seed = rng() % 1000;
  INFO("corpus seed " << seed);
  REQUIRE(test::Shell("python3 " + gen + " 1.5 " + dir.File("all.log") + " --seed " +
                      std::to_string(seed) + " >/dev/null 2>&1") == 0);
  std::string text = test::ReadFile(dir.File("all.log"));
  std::vector<size_t> starts = test::RecordStarts(text);
  REQUIRE(starts.size() > 100);
  size_t a = starts[rng() % (starts.size() / 2)];
  size_t b = starts[starts.size() / 2 + rng() % (starts.size() / 2)];
  WriteFile(dir.File("p1.log"), text.substr(0, a));
  WriteFile(dir.File("p2.log"), text.substr(a, b - a));
  WriteFile(dir.File("p3.log"), text.substr(b));

  std::string whole = Analyze({dir.File("all.log")});
  std::vector<std::string> parts;
  for (const char* p : {"p1", "p2", "p3"}) {
    parts.push_back(dir.File(std::string(p) + ".json"));
    WriteFile(parts.back(), Analyze({dir.File(std::string(p) + ".log")}));
  }
  test::ProcessResult merged =
      RunSockfilter({"merge", "--format", "json", parts[0], parts[1], parts[2]});
  INFO(merged.err);
  REQUIRE(merged.exit_code == 0);
  REQUIRE(WithoutInputs(merged.out) == WithoutInputs(whole));
  REQUIRE(whole.find("\"root_causes\": [\n    {") != std::string::npos);

  // The same parts as three inputs of one parallel run (per-file summaries, merged).
  std::string parallel =
      Analyze({"--jobs", "2", dir.File("p1.log"), dir.File("p2.log"), dir.File("p3.log")});
  REQUIRE(WithoutInputs(parallel) == WithoutInputs(whole));
}

TEST_CASE("One file is summed up the same read ahead on a second thread as on one thread") {
  std::string gen = test::GenCorpusScript();
  if (gen.empty()) {
    WARN("gen_corpus.py not found beside the checkout; read-ahead equivalence not checked");
    return;
  }
  TempDir dir;
  // Over 2 MiB: several read-ahead blocks, so events and the rules' literals cross seams.
  REQUIRE(test::Shell("python3 " + gen + " 3 " + dir.File("c.log") + " --seed 9 >/dev/null 2>&1") ==
          0);
  REQUIRE(test::Shell("gzip -k " + dir.File("c.log")) == 0);
  for (const char* name : {"c.log", "c.log.gz"}) {
    INFO(name);
    // --jobs 2 for one file leaves a thread over, which reads the file ahead; --jobs 1 not.
    std::string ahead = Analyze({"--jobs", "2", dir.File(name)});
    std::string single = Analyze({"--jobs", "1", dir.File(name)});
    CHECK(ahead.find("\"conn_reset\"") != std::string::npos);
    CHECK(ahead == single);
  }
}

// Connection-refused lines (nginx) from `n` clients, one every 7 s.
std::string RefusedLog(int n) {
  std::string log;
  for (int i = 0; i < n; ++i)
    log += "2024/03/11 03:" + std::to_string(10 + i * 7 / 60) + ":" + (i * 7 % 60 < 10 ? "0" : "") +
           std::to_string(i * 7 % 60) + " [error] 2661#2661: *31" + std::to_string(i) +
           " connect() failed (111: Connection refused) while connecting to upstream, client: "
           "10.0.0." +
           std::to_string(i) +
           ", server: api, request: \"GET / HTTP/1.1\", "
           "upstream: \"http://10.1.1.1:9095/\", host: \"api\"\n";
  return log;
}

TEST_CASE("--fail-on exits 3 when a cause or root cause reaches its count") {
  TempDir dir;
  WriteFile(dir.File("a.log"), RefusedLog(12));
  auto run = [&](const std::string& rule) {
    return RunSockfilter({"analyze", "--fail-on", rule, dir.File("a.log")}).exit_code;
  };
  CHECK(run("conn_refused") == 3);
  CHECK(run("conn_refused=12") == 3);
  CHECK(run("conn_refused=13") == 0);
  CHECK(run("no_listener") == 3);
  CHECK(run("idle_timeout") == 0);
  CHECK(run("conn_reset") == 0);
  CHECK(run("no_such_cause") == 2);
  CHECK(run("conn_refused=many") == 2);
}

TEST_CASE("Directories are read recursively with --glob, gzip and zstd alike") {
  TempDir dir;
  std::string log = RefusedLog(30);
  std::string a = log.substr(0, log.size() / 3);
  a = a.substr(0, a.rfind('\n') + 1);
  std::string rest = log.substr(a.size());
  std::string b = rest.substr(0, rest.size() / 2);
  b = b.substr(0, b.rfind('\n') + 1);
  std::string c = rest.substr(b.size());
  REQUIRE(test::Shell("mkdir -p " + dir.File("logs/old")) == 0);
  WriteFile(dir.File("logs/app.log"), a);
  WriteFile(dir.File("logs/old/app.log.1"), b);
  WriteFile(dir.File("logs/old/app.log.2"), c);
  REQUIRE(test::Shell("gzip " + dir.File("logs/old/app.log.1")) == 0);
  REQUIRE(test::Shell("zstd -q --rm " + dir.File("logs/old/app.log.2")) == 0);
  WriteFile(dir.File("logs/notes.txt"), RefusedLog(5));  // not matched by the glob
  WriteFile(dir.File("whole.log"), log);

  std::string from_dir = Analyze({"--glob", "app.log*", dir.File("logs")});
  CHECK(from_dir.find("\"inputs\": 3") != std::string::npos);
  CHECK(WithoutInputs(from_dir) == WithoutInputs(Analyze({dir.File("whole.log")})));
  CHECK(from_dir.find("\"count\": 30") != std::string::npos);
}

TEST_CASE("Standard input is analysed like a file") {
  TempDir dir;
  WriteFile(dir.File("a.log"), RefusedLog(6));
  test::ProcessResult piped = RunSockfilter({"analyze", "--format", "json", "-"}, RefusedLog(6));
  REQUIRE(piped.exit_code == 0);
  CHECK(piped.out.find("\"conn_refused\"") != std::string::npos);
  CHECK(piped.out.find("\"count\": 6") != std::string::npos);
}

size_t LinesOf(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

// README: an input that cannot be used is one line on stderr naming it, the others are still
// processed, and the status is 1. A missing name used to end analyze and merge at once,
// before anything was printed.
TEST_CASE("A missing or malformed input is one error; the others are still analysed or merged") {
  TempDir dir;
  WriteFile(dir.File("a.log"), RefusedLog(6));
  const std::string missing = dir.File("missing.log");
  test::ProcessResult alone = RunSockfilter({"analyze", "--format", "json", dir.File("a.log")});
  REQUIRE(alone.exit_code == 0);
  for (const char* jobs : {"1", "2"}) {
    for (bool missing_first : {true, false}) {
      std::vector<std::string> args = {"analyze", "--format", "json", "--jobs", jobs};
      args.push_back(missing_first ? missing : dir.File("a.log"));
      args.push_back(missing_first ? dir.File("a.log") : missing);
      test::ProcessResult r = RunSockfilter(args);
      INFO("--jobs " << jobs << (missing_first ? ", missing file first" : ", missing file last")
                     << "\n"
                     << r.err);
      CHECK(r.exit_code == 1);
      CHECK(r.out == alone.out);
      CHECK(LinesOf(r.err) == 1);
      CHECK(r.err.find(missing + ": No such file or directory") != std::string::npos);
    }
  }

  const std::string good = dir.File("a.json");
  WriteFile(good, alone.out);
  test::ProcessResult merged = RunSockfilter({"merge", "--format", "json", good});
  REQUIRE(merged.exit_code == 0);
  // A file whose first summary is good and whose second line is not adds nothing at all.
  test::ProcessResult line =
      RunSockfilter({"analyze", "--format", "json", "--compact", dir.File("a.log")});
  REQUIRE(line.exit_code == 0);
  WriteFile(dir.File("half-good.json"), line.out + "{\"schema\": \"sockfilter.summary.v1\",\n");
  WriteFile(dir.File("truncated.json"), alone.out.substr(0, alone.out.size() / 2));
  WriteFile(dir.File("not-json.json"), "{\"x\": 1\n");
  for (const std::string& bad : {dir.File("missing.json"), dir.File("half-good.json"),
                                 dir.File("truncated.json"), dir.File("not-json.json")}) {
    for (bool bad_first : {true, false}) {
      test::ProcessResult r = RunSockfilter(
          {"merge", "--format", "json", bad_first ? bad : good, bad_first ? good : bad});
      INFO(bad << (bad_first ? " first" : " last") << "\n" << r.err);
      CHECK(r.exit_code == 1);
      CHECK(r.out == merged.out);
      CHECK(LinesOf(r.err) == 1);
      CHECK(r.err.find(bad) != std::string::npos);
    }
  }
}

// Two jobs read the one standard input at once, each a part of it: the counts changed from
// run to run. A second "-" could only ever see what the first left.
TEST_CASE("Standard input named twice is a usage error") {
  TempDir dir;
  WriteFile(dir.File("a.log"), RefusedLog(6));
  for (const std::vector<std::string>& inputs :
       {std::vector<std::string>{"-", "-"}, {"-", dir.File("a.log"), "-"}}) {
    for (const char* jobs : {"1", "2"}) {
      std::vector<std::string> args = {"analyze", "--jobs", jobs};
      args.insert(args.end(), inputs.begin(), inputs.end());
      test::ProcessResult r = RunSockfilter(args, RefusedLog(50));
      INFO(r.err);
      CHECK(r.exit_code == 2);
      CHECK(r.out.empty());
      CHECK(r.err == "sockfilter: analyze: standard input given more than once\n");
    }
  }
  // merge read it twice: the second read found nothing and said so, after the first merged.
  test::ProcessResult one = RunSockfilter({"analyze", "--format", "json", dir.File("a.log")});
  REQUIRE(one.exit_code == 0);
  test::ProcessResult r = RunSockfilter({"merge", "-", "-"}, one.out);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "sockfilter: merge: standard input given more than once\n");
}

TEST_CASE("Host captures given as inputs are recognised and feed accept queue overflow") {
  TempDir dir;
  std::string capture = test::SourcePath("samples/host/mixed_date_nstat_ss.txt");
  test::ProcessResult r = RunSockfilter({"analyze", "--format", "json", capture});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("\"id\": \"accept_queue_overflow\"") != std::string::npos);
  CHECK(r.out.find("TcpExtListenOverflows") != std::string::npos);
  // The capture survives a round trip through merge.
  WriteFile(dir.File("s.json"), r.out);
  test::ProcessResult m =
      RunSockfilter({"merge", "--fail-on", "accept_queue_overflow", dir.File("s.json")});
  CHECK(m.exit_code == 3);
  CHECK(m.out.find("accept_queue_overflow") != std::string::npos);
}

TEST_CASE("The text report keeps terminal escapes from the log out of the terminal") {
  std::string log =
      "2024-03-11 03:13:29,842 ERROR [app] \x1b]0;owned\x07\x1b[31mread: connection reset by "
      "peer\x1b[0m\n";
  for (const char* format : {"text", "markdown", "json"}) {
    test::ProcessResult r = RunSockfilter({"analyze", "--format", format}, log);
    INFO(format << "\n" << r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find('\x1b') == std::string::npos);
    CHECK(r.out.find('\x07') == std::string::npos);
    CHECK(r.out.find("conn_reset") != std::string::npos);
  }
}

TEST_CASE("Summaries on one line each, as streaming jobs write them, merge from stdin") {
  TempDir dir;
  WriteFile(dir.File("a.log"), RefusedLog(4));
  WriteFile(dir.File("b.log"), RefusedLog(9));
  test::ProcessResult a =
      RunSockfilter({"analyze", "--format", "json", "--compact", dir.File("a.log")});
  test::ProcessResult b =
      RunSockfilter({"analyze", "--format", "json", "--compact", dir.File("b.log")});
  REQUIRE(a.out.find('\n') == a.out.size() - 1);
  // Hadoop Streaming hands the reducer key<TAB>value lines.
  test::ProcessResult m =
      RunSockfilter({"merge", "--format", "json", "-"}, "summary\t" + a.out + "summary\t" + b.out);
  INFO(m.err);
  REQUIRE(m.exit_code == 0);
  CHECK(m.out.find("\"count\": 13") != std::string::npos);
}

}  // namespace
}  // namespace sockfilter

namespace sockfilter {
namespace {

// Per cause: "count lines signatures(sig:count,...)", from analyze's JSON.
std::map<std::string, std::string> CauseFacts(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(json);
  std::map<std::string, std::string> facts;
  for (auto [id, cause] : doc["causes"].get_object()) {
    std::string f = std::to_string(uint64_t(cause["count"])) + " " +
                    std::to_string(uint64_t(cause["lines"])) + " ";
    for (simdjson::dom::element s : cause["signatures"].get_array())
      f += std::string(std::string_view(s["sig"])) + ":" + std::to_string(uint64_t(s["count"])) +
           ",";
    facts[std::string(id)] = f;
  }
  return facts;
}

TEST_CASE("A filtered log analyses to the counts of the original, and filters to itself") {
  for (const char* sample :
       {"samples/dotnet/console-reset.log", "samples/go/proxy-reset.log",
        "samples/java/spring-reset.log", "samples/nginx/error.log",
        "samples/node/server-econnreset.log", "samples/python/requests-reset.log"}) {
    INFO(sample);
    TempDir dir;
    std::string original = test::SourcePath(sample);
    test::ProcessResult filtered = RunSockfilter({original});
    REQUIRE(filtered.exit_code == 0);
    REQUIRE(filtered.out.find("[sockfilter] suppressed repeats=") != std::string::npos);
    WriteFile(dir.File("filtered.log"), filtered.out);
    // The markers stand for what they suppressed: per cause, the same events, lines and
    // signatures with their counts.
    CHECK(CauseFacts(Analyze({dir.File("filtered.log")})) == CauseFacts(Analyze({original})));
    // An earlier run's markers pass through, so filtering again (or compacting a log twice)
    // changes nothing.
    test::ProcessResult again = RunSockfilter({dir.File("filtered.log")});
    REQUIRE(again.exit_code == 0);
    CHECK(again.out == filtered.out);
  }
}

}  // namespace
}  // namespace sockfilter
