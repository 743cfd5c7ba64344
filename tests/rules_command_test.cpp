// `sockfilter rules list|check` and `sockfilter analyze --format json`, run as the real
// binary: user rule files are validated with precise messages, and the cause counts agree
// exactly with gen_corpus.py's ground truth.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <sstream>
#include <string>

#include "tests/test_util.h"

namespace sockfilter {
namespace {

test::ProcessResult CheckRuleFile(const std::string& text) {
  test::TempDir dir;
  test::WriteFile(dir.File("user.toml"), text);
  return test::RunSockfilter({"rules", "check", dir.path()});
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const char kGood[] =
    "[[rule]]\nid = \"user.h2_reset\"\ncause = \"conn_reset\"\n"
    "pattern = '''\\bstream reset by peer\\b'''\nexamples = [\"h2: stream reset by peer\"]\n";

TEST_CASE("rules list shows the causes and the rules with their files") {
  test::ProcessResult r = test::RunSockfilter({"rules", "list"});
  CHECK(r.exit_code == 0);
  CHECK(Contains(r.out, "causes (13):"));
  CHECK(Contains(r.out, "listen_overflow"));
  CHECK(Contains(r.out, "kernel.netstat_listen_overflow"));
  CHECK(Contains(r.out, "(embedded)/nginx.toml"));
}

TEST_CASE("rules check accepts a valid user file and rules list then shows its rule") {
  test::TempDir dir;
  test::WriteFile(dir.File("user.toml"), kGood);
  test::ProcessResult check = test::RunSockfilter({"rules", "check", dir.path()});
  CHECK(check.exit_code == 0);
  CHECK(Contains(check.out, "1 files ok"));
  test::ProcessResult list = test::RunSockfilter({"rules", "list", "--rules", dir.path()});
  CHECK(Contains(list.out, "user.h2_reset"));
}

TEST_CASE("rules check names the file, the rule and the problem") {
  test::ProcessResult syntax = CheckRuleFile("[[rule]]\nid = \"user.x\"\ncause = conn_reset\n");
  CHECK(syntax.exit_code == 1);
  CHECK(Contains(syntax.err, "user.toml:3:"));

  test::ProcessResult regex = CheckRuleFile(
      "[[rule]]\nid = \"user.x\"\ncause = \"conn_reset\"\npattern = '''reset (by'''\n");
  CHECK(regex.exit_code == 1);
  CHECK(Contains(regex.err, "user.toml: rule user.x: bad pattern: missing )"));
  CHECK(Contains(regex.err, "at `reset (by`"));

  test::ProcessResult cause =
      CheckRuleFile("[[rule]]\nid = \"user.x\"\ncause = \"reset\"\npattern = '''stream reset'''\n");
  CHECK(Contains(cause.err, "user.toml: rule user.x: unknown cause `reset`"));

  test::ProcessResult example =
      CheckRuleFile(std::string(kGood) + "counter_examples = [\"h2: stream reset by peer 3\"]\n");
  CHECK(Contains(example.err,
                 "rule user.h2_reset: counter-example matches: \"h2: stream reset by peer 3\""));

  test::ProcessResult duplicate = CheckRuleFile(std::string(kGood) + kGood);
  CHECK(Contains(duplicate.err, "user.toml:6:1: duplicate rule id user.h2_reset"));
}

TEST_CASE("a bad user rule file is refused at start, never half-loaded") {
  test::TempDir dir;
  test::WriteFile(dir.File("a.toml"), kGood);
  test::WriteFile(dir.File("b.toml"),
                  "[[rule]]\nid = \"user.y\"\ncause = \"timeout\"\npattern = '''x(y'''\n");
  test::ProcessResult r = test::RunSockfilter({"--rules", dir.path()}, "line\n");
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(Contains(r.err, "b.toml: rule user.y: bad pattern"));
}

TEST_CASE(
    "one rule id in two files of one --rules directory is refused; a later directory overrides") {
  const std::string rule =
      "[[rule]]\nid = \"my.dup\"\ncause = \"conn_reset\"\npattern = '''\\bstream reset by "
      "peer\\b'''\nexamples = [\"h2: stream reset by peer\"]\n";
  test::TempDir dir;
  test::WriteFile(dir.File("a.toml"), rule);
  test::WriteFile(dir.File("b.toml"), rule);
  const std::string problem =
      dir.File("b.toml") + ":1:1: duplicate rule id my.dup, also defined in " + dir.File("a.toml");
  test::ProcessResult check = test::RunSockfilter({"rules", "check", dir.path()});
  CHECK(check.exit_code == 1);
  CHECK(Contains(check.err, problem));
  CHECK_FALSE(Contains(check.out, "files ok"));
  test::ProcessResult start = test::RunSockfilter({"--rules", dir.path()}, "line\n");
  CHECK(start.exit_code == 2);
  CHECK(start.out.empty());
  CHECK(Contains(start.err, problem));

  // Two directories that define one id: the one named later wins, as for the built-in rules.
  test::TempDir one, two;
  test::WriteFile(one.File("x.toml"), rule);
  test::WriteFile(two.File("y.toml"), rule);
  test::ProcessResult both =
      test::RunSockfilter({"rules", "list", "--rules", one.path(), "--rules", two.path()});
  CHECK(both.exit_code == 0);
  CHECK(Contains(both.out, two.File("y.toml")));
  CHECK_FALSE(Contains(both.out, one.File("x.toml")));
  // The same directory named twice is read once.
  test::ProcessResult twice =
      test::RunSockfilter({"rules", "list", "--rules", one.path(), "--rules", one.path()});
  CHECK(twice.exit_code == 0);
  CHECK(Contains(twice.out, "my.dup"));
  test::ProcessResult check_listed =
      test::RunSockfilter({"rules", "check", one.path(), "--rules", one.path()});
  CHECK(check_listed.exit_code == 0);
}

TEST_CASE("rules check reports every problem of every rule in every file") {
  test::TempDir dir;
  test::WriteFile(
      dir.File("a.toml"),
      "[[rule]]\nid = \"user.regex\"\ncause = \"conn_reset\"\npattern = '''reset (by'''\n"
      "[[rule]]\nid = \"user.cause\"\ncause = \"reset\"\npattern = '''stream reset'''\n");
  test::WriteFile(dir.File("b.toml"), "[[rule]]\nid = \"user.syntax\"\ncause = conn_reset\n");
  test::WriteFile(dir.File("c.toml"),
                  "[[rule]]\nid = \"user.example\"\ncause = \"timeout\"\n"
                  "pattern = '''deadline hit'''\nexamples = [\"deadline\"]\n");
  test::ProcessResult r = test::RunSockfilter({"rules", "check", dir.path()});
  CHECK(r.exit_code == 1);
  CHECK(Contains(r.err, dir.File("a.toml") + ": rule user.regex: bad pattern: missing )"));
  CHECK(Contains(r.err, dir.File("a.toml") + ": rule user.cause: unknown cause `reset`"));
  CHECK(Contains(r.err, dir.File("b.toml") + ":3:"));
  CHECK(Contains(r.err,
                 dir.File("c.toml") + ": rule user.example: example does not match: \"deadline\""));
  // One problem a line, each prefixed like every diagnostic, when checked and at start.
  test::ProcessResult start = test::RunSockfilter({"--rules", dir.path()}, "x\n");
  CHECK(start.exit_code == 2);
  for (const std::string* err : {&r.err, &start.err}) {
    std::istringstream lines(*err);
    int count = 0;
    for (std::string line; std::getline(lines, line); ++count) {
      INFO(line);
      CHECK(line.rfind("sockfilter: ", 0) == 0);
    }
    CHECK(count >= 4);
  }
}

// The "peers" count of `cause` in an `analyze --format json` summary, or -1.
long long PeersOf(const std::string& json, const std::string& cause) {
  size_t at = json.find("\"" + cause + "\": {", json.find("\"causes\""));
  if (at == std::string::npos) return -1;
  size_t key = json.find("\"peers\": ", at);
  return key == std::string::npos ? -1 : std::stoll(json.substr(key + 9));
}

TEST_CASE("analyze finds the peers that Node.js events name beside the error") {
  // Each event of the sample names its peer: "upstream request to 10.2.193.152:46040 failed:
  // Error: read ECONNRESET" (284 events, 284 hosts), "response to 10.2.17.89:45412 aborted:
  // Error: write EPIPE" (106 events, 106 hosts).
  const std::string sample = test::SourcePath("samples/node/server-econnreset.log");
  test::ProcessResult r = test::RunSockfilter({"analyze", "--format", "json", sample});
  REQUIRE(r.exit_code == 0);
  CHECK(PeersOf(r.out, "conn_reset") == 284);
  CHECK(PeersOf(r.out, "broken_pipe") == 106);
  test::ProcessResult text = test::RunSockfilter({"analyze", sample});
  CHECK_FALSE(Contains(text.out, "does not name the clients"));
}

// The number after `"key":` (spaces allowed) at or after `from`, or -1.
long long NumberAfter(const std::string& json, const std::string& key, size_t from, size_t to) {
  size_t k = json.find("\"" + key + "\"", from);
  if (k == std::string::npos || k >= to) return -1;
  size_t colon = json.find(':', k);
  size_t digit = json.find_first_of("0123456789{", colon);
  if (json[digit] == '{') digit = json.find_first_of("0123456789", json.find("\"count\"", digit));
  return std::stoll(json.substr(digit));
}

// Runs gen_corpus.py and analyze; the nine causes of the generator must agree exactly
// (events by primary cause; a cause absent from the summary counts zero).
void CheckAgainstTruth(const test::TempDir& dir, int seed) {
  std::string log = dir.File("corpus-" + std::to_string(seed) + ".log");
  REQUIRE(test::Shell("python3 '" + test::GenCorpusScript() + "' 2 '" + log + "' --seed " +
                      std::to_string(seed) + " 2>/dev/null") == 0);
  test::ProcessResult r = test::RunSockfilter({"analyze", "--format", "json", log});
  REQUIRE(r.exit_code == 0);
  std::string truth = test::ReadFile(log + ".truth.json");
  size_t truth_causes = truth.find("\"causes\"");
  size_t causes = r.out.find("\"causes\"");
  size_t causes_end = r.out.find("\"root_causes\"");  // later objects repeat cause ids
  REQUIRE(causes != std::string::npos);
  long long total = 0;
  for (const char* cause : {"conn_reset", "broken_pipe", "bad_fd", "not_connected", "conn_refused",
                            "timeout", "too_many_files", "conn_aborted", "listen_overflow"}) {
    long long expected = NumberAfter(truth, cause, truth_causes, truth.size());
    long long counted = NumberAfter(r.out, cause, causes, causes_end);
    INFO("seed " << seed << " cause " << cause);
    CHECK(std::max(counted, 0LL) == expected);
    total += expected;
  }
  CHECK(total > 100);
}

TEST_CASE("analyze counts each cause exactly as gen_corpus.py's truth says") {
  if (test::GenCorpusScript().empty()) {
    WARN("gen_corpus.py not found beside the checkout (../shared/bench): skipped");
    return;
  }
  test::TempDir dir;
  CheckAgainstTruth(dir, 7);
  CheckAgainstTruth(dir, 42);
}

}  // namespace
}  // namespace sockfilter
