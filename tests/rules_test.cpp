// The rule data (rules/*.toml) and its loader: every rule's own evidence holds, and a bad
// rule file is refused with a message that names the file, the rule and the problem.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "rules/rule_files.h"
#include "rules/rule_loader.h"
#include "tests/test_util.h"

namespace sockfilter {
namespace {

const Classifier& Rules() { return *test::DefaultRules().classifier; }

std::string CauseOf(int rule) {
  int cause = Rules().rule(rule).cause;
  return cause < 0 ? "(chain)" : test::DefaultRules().causes[cause].id;
}

// The built-in files plus one more, as `--rules DIR` would add it.
Result<RuleBook> LoadWith(const std::string& name, const std::string& text) {
  std::vector<RuleFile> files = EmbeddedRuleFiles();
  files.push_back({name, text});
  return LoadRuleBook(files);
}

std::string ErrorOf(const std::string& text) {
  Result<RuleBook> book = LoadWith("user/extra.toml", text);
  return book.ok() ? std::string("(loaded)") : book.status().message();
}

// The built-in files, then `more` (as the files of --rules directories).
std::string ErrorWith(const std::vector<RuleFile>& more) {
  std::vector<RuleFile> files = EmbeddedRuleFiles();
  files.insert(files.end(), more.begin(), more.end());
  Result<RuleBook> book = LoadRuleBook(files);
  return book.ok() ? std::string("(loaded)") : book.status().message();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  for (size_t begin = 0; begin <= text.size();) {
    size_t end = std::min(text.find('\n', begin), text.size());
    lines.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return lines;
}

TEST_CASE("the thirteen causes of the taxonomy are declared, each with a description") {
  const std::vector<std::string> ids = {
      "conn_reset",  "broken_pipe",  "bad_fd",         "not_connected",   "conn_refused",
      "timeout",     "conn_aborted", "too_many_files", "listen_overflow", "host_unreachable",
      "addr_in_use", "tls_eof",      "upstream_closed"};
  const std::vector<CauseInfo>& causes = test::DefaultRules().causes;
  REQUIRE(causes.size() == ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    CHECK(causes[i].id == ids[i]);
    CHECK_FALSE(causes[i].description.empty());
  }
}

TEST_CASE("every example matches its own rule and no rule of another cause") {
  size_t examples = 0;
  for (size_t r = 0; r < Rules().rule_count(); ++r) {
    const Classifier::RuleInfo& rule = Rules().rule(static_cast<int>(r));
    CHECK_FALSE(rule.examples.empty());
    for (const std::string& example : rule.examples) {
      INFO(rule.id << ": " << example);
      std::vector<int> matched = Rules().MatchingRules(example);
      CHECK(std::find(matched.begin(), matched.end(), static_cast<int>(r)) != matched.end());
      for (int other : matched) {
        if (Rules().rule(other).cause < 0 || rule.cause < 0) continue;
        INFO("also matched by " << Rules().rule(other).id);
        CHECK(CauseOf(other) == CauseOf(static_cast<int>(r)));
      }
      ++examples;
    }
  }
  CHECK(examples > 150);
}

TEST_CASE("counter-examples match no rule of any cause") {
  for (size_t r = 0; r < Rules().rule_count(); ++r) {
    const Classifier::RuleInfo& rule = Rules().rule(static_cast<int>(r));
    for (const std::string& counter : rule.counter_examples) {
      INFO(rule.id << ": " << counter);
      Classifier::Scratch scratch;
      Classification found = Rules().Classify(counter, &scratch);
      bool same_cause_elsewhere = found.cause >= 0 && found.cause == rule.cause;
      // A counter-example may show another cause (that is what it is), never its rule's.
      CHECK_FALSE(same_cause_elsewhere);
    }
  }
}

TEST_CASE("every rule has a prefilter literal long enough to sample sparsely") {
  for (size_t r = 0; r < Rules().rule_count(); ++r) {
    INFO(Rules().rule(static_cast<int>(r)).id);
    CHECK_FALSE(Rules().rule(static_cast<int>(r)).atoms.empty());
  }
  CHECK(Rules().sieve().stride() >= 6);  // shortest literal >= 9 bytes
}

TEST_CASE("a TOML syntax error is refused with its file, line and column") {
  std::string error = ErrorOf("[[rule]]\nid = \"x\"\ncause = conn_reset\n");
  CHECK(error.rfind("user/extra.toml:3:", 0) == 0);
}

TEST_CASE("a bad pattern is refused with RE2's error and its argument") {
  std::string error = ErrorOf(
      "[[rule]]\nid = \"user.bad\"\ncause = \"conn_reset\"\npattern = '''reset by (peer'''\n");
  CHECK(error.find("user/extra.toml: rule user.bad: bad pattern: missing )") != std::string::npos);
  CHECK(error.find("`reset by (peer`") != std::string::npos);
}

TEST_CASE("an unknown cause is refused") {
  std::string error = ErrorOf(
      "[[rule]]\nid = \"user.x\"\ncause = \"conn_rest\"\npattern = '''Connection rest'''\n");
  CHECK(error == "user/extra.toml: rule user.x: unknown cause `conn_rest`");
}

TEST_CASE("an example that does not match and a counter-example that does are refused") {
  std::string head =
      "[[rule]]\nid = \"user.x\"\ncause = \"conn_reset\"\n"
      "pattern = '''upstream reset the stream'''\n";
  CHECK(ErrorOf(head + "examples = [\"stream reset\"]\n") ==
        "user/extra.toml: rule user.x: example does not match: \"stream reset\"");
  CHECK(
      ErrorOf(head + "counter_examples = [\"h2: upstream reset the stream 3\"]\n") ==
      "user/extra.toml: rule user.x: counter-example matches: \"h2: upstream reset the stream 3\"");
}

TEST_CASE("commands skip only the built-in rules' examples; rules check checks them all") {
  const std::string bad =
      "[[rule]]\nid = \"user.x\"\ncause = \"conn_reset\"\n"
      "pattern = '''upstream reset the stream'''\nexamples = [\"stream reset\"]\n";
  std::vector<RuleFile> files = EmbeddedRuleFiles();
  REQUIRE(!files.empty());
  for (const RuleFile& file : files) CHECK(file.built_in);
  // A built-in file with a wrong example: loaded by commands, refused by a full check.
  files.push_back({"(embedded)/bad.toml", bad, true});
  CHECK(LoadRuleBook(files, ExampleChecks::kSkipBuiltIn).ok());
  Result<RuleBook> checked = LoadRuleBook(files, ExampleChecks::kAll);
  REQUIRE(!checked.ok());
  CHECK(checked.status().message() ==
        "(embedded)/bad.toml: rule user.x: example does not match: \"stream reset\"");
  // The same file read at run time (--rules DIR) is refused either way.
  files.back().built_in = false;
  CHECK(!LoadRuleBook(files, ExampleChecks::kSkipBuiltIn).ok());
}

TEST_CASE("the same rule id twice in one file is refused") {
  std::string rule =
      "[[rule]]\nid = \"user.x\"\ncause = \"timeout\"\npattern = '''deadline hit'''\n";
  std::string error = ErrorOf(rule + rule);
  CHECK(error.rfind("user/extra.toml:5:1: duplicate rule id user.x", 0) == 0);
}

TEST_CASE("a misspelt key and a pattern without a literal are refused") {
  CHECK(ErrorOf("[[rule]]\nid = \"user.x\"\ncause = \"timeout\"\npattern = '''timed out'''\n"
                "counter_example = [\"x\"]\n")
            .find("user/extra.toml:5:19: rule user.x: unknown key `counter_example`") !=
        std::string::npos);
  CHECK(ErrorOf("[[rule]]\nid = \"user.x\"\ncause = \"timeout\"\npattern = '''\\d+ms'''\n")
            .find("rule user.x: pattern has no literal text") != std::string::npos);
}

TEST_CASE("a later file overrides a built-in rule by id") {
  Result<RuleBook> book = LoadWith("user/override.toml",
                                   "[[rule]]\nid = \"errno.broken_pipe\"\ncause = \"conn_reset\"\n"
                                   "pattern = '''(?i)\\bbroken pipe\\b'''\n");
  REQUIRE(book.ok());
  Classifier::Scratch scratch;
  Classification found = book->classifier->Classify("write: Broken pipe", &scratch);
  REQUIRE(found.cause >= 0);
  CHECK(book->causes[found.cause].id == "conn_reset");
  CHECK(book->classifier->rule(found.rule).source == "user/override.toml");
  CHECK(book->classifier->rule_count() == test::DefaultRules().classifier->rule_count());
}

TEST_CASE("one rule id in two --rules files is refused with both files and the id named") {
  const std::string rule =
      "[[rule]]\nid = \"my.dup\"\ncause = \"timeout\"\npattern = '''deadline hit'''\n";
  CHECK(ErrorWith({{"rl/dup/a.toml", rule}, {"rl/dup/b.toml", rule}}) ==
        "rl/dup/b.toml:1:1: duplicate rule id my.dup, also defined in rl/dup/a.toml (the files "
        "of one rules directory must not define one id twice; a later --rules directory "
        "overrides an earlier one)");
  // One --rules file overrides a built-in rule; two files of one directory that both do are
  // as ambiguous.
  const std::string pipe =
      "[[rule]]\nid = \"errno.broken_pipe\"\ncause = \"broken_pipe\"\n"
      "pattern = '''(?i)\\bbroken pipe\\b'''\n";
  CHECK(ErrorWith({{"one/pipe.toml", pipe}}) == "(loaded)");
  CHECK(ErrorWith({{"one/pipe.toml", pipe}, {"one/pipe2.toml", pipe}})
            .rfind("one/pipe2.toml:1:1: duplicate rule id errno.broken_pipe, also defined in "
                   "one/pipe.toml",
                   0) == 0);
  // The same for the ids of [[multiline]] rules and of causes.
  const std::string multiline =
      "[[multiline]]\nid = \"my.frame\"\nfrom = [\"record\"]\nprefix = [\"  at \"]\n"
      "to = \"trace\"\n";
  CHECK(ErrorWith({{"rl/a.toml", multiline}, {"rl/b.toml", multiline}})
            .rfind("rl/b.toml:1:1: duplicate rule id my.frame, also defined in rl/a.toml", 0) == 0);
  const std::string cause = "[[cause]]\nid = \"my_cause\"\ndescription = \"mine\"\n";
  CHECK(ErrorWith({{"rl/a.toml", cause}, {"rl/b.toml", cause}})
            .rfind("rl/b.toml:1:1: duplicate cause id my_cause, also defined in rl/a.toml", 0) ==
        0);
}

TEST_CASE("a later --rules directory overrides an earlier one by id, in command-line order") {
  auto rule = [](const char* pattern) {
    return std::string("[[rule]]\nid = \"errno.broken_pipe\"\ncause = \"broken_pipe\"\n") +
           "pattern = '''" + pattern + "'''\n";
  };
  std::vector<RuleFile> files = EmbeddedRuleFiles();
  files.push_back({"site/pipe.toml", rule("site pipe"), false, false, 1});
  files.push_back({"local/pipe.toml", rule("local pipe"), false, false, 2});
  Result<RuleBook> book = LoadRuleBook(files);
  REQUIRE(book.ok());
  Classifier::Scratch scratch;
  Classification local = book->classifier->Classify("the local pipe burst", &scratch);
  REQUIRE(local.rule >= 0);
  CHECK(book->classifier->rule(local.rule).source == "local/pipe.toml");
  CHECK(book->classifier->Classify("the site pipe burst", &scratch).cause < 0);
  // An earlier directory does not override a later one: the order is the command line's.
  std::swap(files[files.size() - 1].layer, files[files.size() - 2].layer);
  std::swap(files[files.size() - 1], files[files.size() - 2]);
  book = LoadRuleBook(files);
  REQUIRE(book.ok());
  CHECK(book->classifier->Classify("the site pipe burst", &scratch).cause >= 0);
}

TEST_CASE("one rule id in two built-in files is refused too") {
  const std::string rule =
      "[[rule]]\nid = \"my.dup\"\ncause = \"timeout\"\npattern = '''deadline hit'''\n";
  CHECK(ErrorWith({{"(embedded)/a.toml", rule, true}, {"(embedded)/b.toml", rule, true}}) ==
        "(embedded)/b.toml:1:1: duplicate rule id my.dup, also defined in (embedded)/a.toml");
}

TEST_CASE("every problem of every rule is reported on a line of its own with file and rule id") {
  const std::string text =
      "[[rule]]\nid = \"user.regex\"\ncause = \"conn_reset\"\npattern = '''reset (by'''\n"
      "[[rule]]\nid = \"user.cause\"\ncause = \"reset\"\npattern = '''stream reset'''\n"
      "[[rule]]\nid = \"user.good\"\ncause = \"conn_reset\"\n"
      "pattern = '''stream reset by peer'''\nexamples = [\"h2: stream reset by peer\"]\n"
      "[[rule]]\nid = \"user.examples\"\ncause = \"conn_reset\"\n"
      "pattern = '''upstream reset the stream'''\nexamples = [\"stream reset\", \"reset\"]\n"
      "counter_examples = [\"upstream reset the stream 3\"]\n"
      "[[rule]]\nid = \"user.key\"\ncause = \"conn_reset\"\npattern = '''stream gone'''\n"
      "counter_example = [\"x\"]\n"
      "[[rule]]\nid = \"user.no_pattern\"\ncause = \"conn_reset\"\n"
      "[[rule]]\nid = \"user.good\"\ncause = \"conn_reset\"\npattern = '''stream reset'''\n"
      "[[chain]]\nid = \"user.chain\"\nroot = \"middle\"\npattern = '''caused the following'''\n";
  CHECK(Lines(ErrorOf(text)) ==
        std::vector<std::string>{
            "user/extra.toml:24:19: rule user.key: unknown key `counter_example`",
            "user/extra.toml:25:1: rule user.no_pattern: missing string `pattern`",
            "user/extra.toml:28:1: duplicate rule id user.good",
            "user/extra.toml:32:1: rule user.chain: `root` must be \"first\" or \"last\"",
            "user/extra.toml: rule user.regex: bad pattern: missing ): reset (by at `reset (by`",
            "user/extra.toml: rule user.cause: unknown cause `reset`",
            "user/extra.toml: rule user.examples: example does not match: \"stream reset\"",
            "user/extra.toml: rule user.examples: example does not match: \"reset\"",
            "user/extra.toml: rule user.examples: counter-example matches: \"upstream reset the "
            "stream 3\""});
}

TEST_CASE("every bad [[multiline]] rule is reported") {
  const std::string text =
      "[[multiline]]\nid = \"t.a\"\nfrom = [\"record\"]\nprefix = [\"\"]\nto = \"trace\"\n"
      "[[multiline]]\nid = \"t.b\"\nfrom = [\"record\"]\npattern = '''^x('''\nto = \"trace\"\n"
      "[[multiline]]\nid = \"t.c\"\nfrom = [\"record\"]\nprefix = [\"  at \"]\nto = \"trace\"\n"
      "examples = [\"at x\", \"x\"]\n";
  std::vector<std::string> lines = Lines(ErrorOf(text));
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "user/extra.toml: rule t.a: empty prefix");
  CHECK(lines[1].rfind("user/extra.toml: rule t.b: bad pattern: missing ): ", 0) == 0);
  CHECK(lines[2] == "user/extra.toml: rule t.c: example does not match: \"at x\"");
  CHECK(lines[3] == "user/extra.toml: rule t.c: example does not match: \"x\"");
}

TEST_CASE("tables a rule file does not define are refused, not read as nothing") {
  const std::string rule = "id = \"user.x\"\ncause = \"timeout\"\npattern = '''deadline hit'''\n";
  // A misspelt array name: the rule would silently not exist.
  CHECK(ErrorOf("[[rules]]\n" + rule) ==
        "user/extra.toml:1:1: unknown table or key `rules` (a rule file holds [[rule]], "
        "[[chain]], [[peer]], [[cause]] and [[multiline]] tables)");
  // One table instead of an array of them.
  CHECK(ErrorOf("[rule]\n" + rule) ==
        "user/extra.toml:1:1: `rule` must be written [[rule]], an array of tables");
  // A stray key at the top.
  CHECK(ErrorOf("cuase = \"timeout\"\n[[rule]]\n" + rule) ==
        "user/extra.toml:1:9: unknown table or key `cuase` (a rule file holds [[rule]], "
        "[[chain]], [[peer]], [[cause]] and [[multiline]] tables)");
  CHECK(ErrorOf("[[rule]]\n" + rule) == "(loaded)");
}

TEST_CASE("a misspelt key of a multiline rule is refused") {
  CHECK(ErrorOf("[[multiline]]\nid = \"user.cont\"\nfrom = [\"record\"]\nto = \"trace\"\n"
                "prefixes = [\"\\t... \"]\n") ==
        "user/extra.toml:5:12: rule user.cont: unknown key `prefixes`");
}

TEST_CASE("a cause with a problem is reported once, not again by each rule naming it") {
  CHECK(ErrorOf("[[cause]]\nid = \"stream_reset\"\ndescrption = \"h2 stream reset\"\n"
                "[[rule]]\nid = \"user.x\"\ncause = \"stream_reset\"\n"
                "pattern = '''stream reset'''\n") ==
        "user/extra.toml:3:14: cause stream_reset: unknown key `descrption`");
}

TEST_CASE("every problem of a [[peer]] rule is reported with file and id") {
  const std::string text =
      "[[peer]]\nid = \"p.nogroup\"\npattern = '''to \\S+'''\n"
      "[[peer]]\nid = \"p.two\"\npattern = '''(to) (?P<peer>\\S+)'''\n"
      "[[peer]]\nid = \"p.cause\"\ncauses = [\"reset\"]\npattern = '''to (?P<peer>\\S+)'''\n"
      "[[peer]]\nid = \"p.examples\"\npattern = '''to (?P<peer>\\d+\\.\\d+)'''\n"
      "examples = [\"to host\"]\ncounter_examples = [\"to 1.2\"]\n"
      "[[peer]]\nid = \"p.key\"\npattern = '''to (?P<peer>\\S+)'''\ncause = [\"timeout\"]\n";
  CHECK(Lines(ErrorOf(text)) ==
        std::vector<std::string>{
            "user/extra.toml:19:9: peer rule p.key: unknown key `cause`",
            "user/extra.toml: peer rule p.nogroup: pattern must have one group, `(?P<peer>...)`, "
            "and no other (use (?:...) for grouping)",
            "user/extra.toml: peer rule p.two: pattern must have one group, `(?P<peer>...)`, and "
            "no other (use (?:...) for grouping)",
            "user/extra.toml: peer rule p.cause: unknown cause `reset`",
            "user/extra.toml: peer rule p.examples: example gives no peer: \"to host\"",
            "user/extra.toml: peer rule p.examples: counter-example gives peer `1.2`: \"to 1.2\""});
  CHECK(ErrorOf("[[peer]]\nid = \"p.ok\"\ncauses = [\"timeout\"]\n"
                "pattern = '''deadline for (?P<peer>\\S+:\\d+)'''\n"
                "examples = [\"deadline for db:5432\"]\n") == "(loaded)");
}

}  // namespace
}  // namespace sockfilter
