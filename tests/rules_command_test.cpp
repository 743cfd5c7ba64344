// `sockfilter rules list|check` and `sockfilter analyze --format json`, run as the real
// binary: user rule files are validated with precise messages, and the cause counts agree
// exactly with gen_corpus.py's ground truth.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
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
