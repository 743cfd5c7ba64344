// `sockfilter rules list` and `sockfilter rules check [DIR]`: show the loaded rules, and
// validate rule files before they are used.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <string>

#include "analyzer/cli.h"
#include "analyzer/commands.h"
#include "analyzer/diagnostics.h"
#include "analyzer/load_rules.h"

namespace sockfilter {

namespace {

constexpr CommandSpec kRulesSpec = {
    "rules", "sockfilter rules list [OPTIONS]\n       sockfilter rules check [OPTIONS] [DIR]",
    "list: prints the causes and rules in use (the built-in rules, then those of every\n"
    "--rules DIR, which add to or override them by id).\n"
    "check: loads the built-in rules with the *.toml files of DIR (and --rules DIRs) and\n"
    "reports every problem with file, rule id and cause: TOML syntax (line:column), bad\n"
    "patterns, unknown causes, examples that do not match, counter-examples that do,\n"
    "unknown keys and tables, duplicate ids. Exit status 0 when all files are valid, 1 otherwise."};

void Print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

// "1 peer rule", "2 peer rules"
std::string Counted(size_t n, const std::string& what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

std::string Padded(const std::string& text, size_t width) {
  return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

void PrintRules(const RuleBook& book, bool atoms) {
  Print("causes (" + std::to_string(book.causes.size()) + "):\n");
  for (const CauseInfo& cause : book.causes)
    Print("  " + Padded(cause.id, 18) + cause.description + "\n");
  const Classifier& c = *book.classifier;
  Print("\nrules (" + std::to_string(c.rule_count()) + "):\n");
  for (size_t i = 0; i < c.rule_count(); ++i) {
    const Classifier::RuleInfo& rule = c.rule(static_cast<int>(i));
    std::string what = rule.cause >= 0 ? book.causes[rule.cause].id
                                       : std::string(rule.root_first ? "(chain: root first)"
                                                                     : "(chain: root last)");
    Print("  " + Padded(rule.id, 34) + Padded(what, 18) + rule.source + "\n");
    if (!atoms) continue;
    std::string list;
    for (const std::string& atom : rule.atoms) list += (list.empty() ? "" : " | ") + atom;
    Print("      atoms: " + list + "\n");
  }
  const PeerRules& peers = c.peer_rules();
  Print("\npeer rules (" + std::to_string(peers.size()) + "):\n");
  for (size_t i = 0; i < peers.size(); ++i) {
    const PeerRules::RuleInfo& rule = peers.rule(i);
    std::string causes;
    for (const std::string& cause : rule.causes) causes += (causes.empty() ? "" : ",") + cause;
    Print("  " + Padded(rule.id, 34) + rule.source +
          "\n      causes: " + (causes.empty() ? std::string("all") : causes) + "\n");
  }
  Print("\nmultiline rules: " + std::to_string(book.multiline->rule_count()) + "\n");
}

// Checks the defaults with each file of `dir` alone, so that every bad file is named, then
// with all of them together (overrides between files).
int CheckDir(const CommonOptions& common, const std::string& dir) {
  Result<std::vector<RuleFile>> defaults = DefaultRuleFiles();
  Result<std::vector<RuleFile>> files = ReadRuleDir(dir);
  if (!defaults.ok() || !files.ok()) {
    spdlog::error("{}", (defaults.ok() ? files.status() : defaults.status()).message());
    return kExitInputError;
  }
  int errors = 0;
  for (const RuleFile& file : *files) {
    std::vector<RuleFile> set = *defaults;
    set.push_back(file);
    Result<RuleBook> book = LoadRuleBook(set);
    if (!book.ok()) {
      LogErrorLines(book.status().message());
      ++errors;
    }
  }
  if (errors > 0) return kExitInputError;
  CommonOptions with_dir = common;
  with_dir.rule_dirs.push_back(dir);
  Result<RuleBook> book = LoadRulesFor(with_dir, ExampleChecks::kAll);
  if (!book.ok()) {
    LogErrorLines(book.status().message());
    return kExitInputError;
  }
  Print(dir + ": " + std::to_string(files->size()) + " files ok (" +
        std::to_string(book->classifier->rule_count()) + " rules in use)\n");
  return kExitOk;
}

}  // namespace

int RunRulesCommand(const Args& args) {
  CommonOptions common;
  std::vector<std::string> positional_args;
  bool atoms = false;
  po::options_description options("Options");
  AddCommonOptions(&options, &common);
  options.add_options()("atoms", po::bool_switch(&atoms),
                        "list: also show each rule's prefilter literals")(
      "args", po::value(&positional_args)->value_name("ACTION"), "list | check [DIR]");
  po::positional_options_description positional;
  positional.add("args", -1);
  po::variables_map vm;
  ParseOutcome outcome = ParseCommandLine(kRulesSpec, args, options, positional, &common, &vm);
  if (outcome != ParseOutcome::kRun) return ExitCodeFor(outcome);
  std::string action = positional_args.empty() ? "" : positional_args[0];
  bool list = action == "list" && positional_args.size() == 1;
  bool check = action == "check" && positional_args.size() <= 2;
  if (!list && !check) {
    spdlog::error("rules: expected `list` or `check [DIR]` (see `sockfilter rules --help`)");
    return kExitUsage;
  }
  if (check && positional_args.size() == 2) return CheckDir(common, positional_args[1]);
  Result<RuleBook> book =
      LoadRulesFor(common, check ? ExampleChecks::kAll : ExampleChecks::kSkipBuiltIn);
  if (!book.ok()) {
    LogErrorLines(book.status().message());
    return check ? kExitInputError : kExitUsage;
  }
  if (list) {
    PrintRules(*book, atoms);
  } else {
    Print("rules ok: " + std::to_string(book->classifier->rule_count()) + " rules, " +
          Counted(book->classifier->peer_rules().size(), "peer rule") + ", " +
          std::to_string(book->causes.size()) + " causes\n");
  }
  return kExitOk;
}

}  // namespace sockfilter
