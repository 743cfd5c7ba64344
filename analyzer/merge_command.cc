// `sockfilter merge A.json B.json ...`: combines summaries (sockfilter.summary.v1) into
// one, with root causes recomputed from the merged statistics. Inputs may hold several
// summaries, one per line (`analyze --format json --compact`), optionally after a key and
// a tab (Hadoop Streaming's key<TAB>value lines); "-" is standard input. See docs/merge.md.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstring>

#include "analyzer/byte_source.h"
#include "analyzer/cli.h"
#include "analyzer/commands.h"
#include "analyzer/diagnostics.h"
#include "analyzer/input_list.h"
#include "analyzer/load_rules.h"
#include "analyzer/report_args.h"
#include "analyzer/summary_json.h"

namespace sockfilter {

namespace {

constexpr CommandSpec kMergeSpec = {
    "merge", "sockfilter merge [OPTIONS] SUMMARY.json... (or - for standard input)",
    "Merges summaries written by `sockfilter analyze --format json` (from other machines,\n"
    "or from the map tasks of a Hadoop Streaming or Spark job) into one report, recomputing\n"
    "the root causes from the combined statistics. Summaries are merged in the order given."};

Result<std::string> ReadAll(const std::string& path) {
  Result<std::unique_ptr<ByteSource>> source = OpenInput(path);
  if (!source.ok()) return source.status();
  std::string text;
  char buf[1 << 16];
  for (;;) {
    Result<size_t> n = (*source)->Read(buf, sizeof buf);
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    text.append(buf, *n);
  }
  return text;
}

// One summary per document: the whole text when it is one (indented) document, else one
// per line, each starting at its first '{'.
Status MergeText(const std::string& text, const std::string& name, Summary* total, size_t* count) {
  size_t first = text.find('{');
  if (first == std::string::npos) return Status::Error(name + ": no summary in it");
  Result<Summary> whole = ReadSummaryJson(std::string_view(text).substr(first), name);
  if (whole.ok()) {
    total->Merge(*whole);
    ++*count;
    return Status::Ok();
  }
  // An indented document opens with a line holding only "{": it is one summary, and its own
  // error says what is wrong (read line by line it would only be "not JSON").
  std::string_view opening = std::string_view(text).substr(first + 1);
  opening = opening.substr(0, opening.find('\n'));
  if (opening.find_first_not_of(" \t\r") == std::string_view::npos) return whole.status();
  size_t line_no = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = std::min(text.find('\n', pos), text.size());
    std::string_view line = std::string_view(text).substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    size_t brace = line.find('{');
    if (brace == std::string_view::npos) continue;
    Result<Summary> one = ReadSummaryJson(line.substr(brace), name + ":" + std::to_string(line_no));
    if (!one.ok()) return one.status();
    total->Merge(*one);
    ++*count;
  }
  return *count > 0 ? Status::Ok() : whole.status();
}

}  // namespace

int RunMergeCommand(const Args& args) {
  CommonOptions common;
  ReportArgs report;
  std::vector<std::string> inputs;
  po::options_description options("Options");
  AddCommonOptions(&options, &common);
  AddReportOptions(&options, &report);
  options.add_options()("input", po::value(&inputs)->value_name("FILE"), "summaries");
  po::positional_options_description positional;
  positional.add("input", -1);
  po::variables_map vm;
  ParseOutcome outcome = ParseCommandLine(kMergeSpec, args, options, positional, &common, &vm);
  if (outcome != ParseOutcome::kRun) return ExitCodeFor(outcome);
  if (inputs.empty()) inputs.push_back("-");
  if (Status once = CheckStandardInputOnce(inputs); !once.ok()) {
    spdlog::error("merge: {}", once.message());
    return kExitUsage;
  }
  Result<RuleBook> rules = LoadRulesFor(common);
  if (!rules.ok()) {
    LogErrorLines(rules.status().message());
    return kExitUsage;
  }
  Result<ReportPlan> plan = BuildReportPlan(report, rules->causes);
  if (!plan.ok()) {
    spdlog::error("merge: {}", plan.status().message());
    return kExitUsage;
  }
  // An input that cannot be read or holds a bad summary is one error and adds nothing (not
  // even the summaries before its bad line); the others are still merged.
  Summary total;
  size_t count = 0;
  bool input_failed = false;
  for (const std::string& path : inputs) {
    Result<std::string> text = ReadAll(path);
    Summary file;
    size_t file_count = 0;
    Status s = text.ok() ? MergeText(*text, path == "-" ? "<stdin>" : path, &file, &file_count)
                         : text.status();
    if (!s.ok()) {
      spdlog::error("{}", s.message());
      input_failed = true;
      continue;
    }
    total.Merge(file);
    count += file_count;
  }
  spdlog::info("merged {} summaries", count);
  if (count == 0) return kExitInputError;  // nothing to report: every input failed
  int code = PrintReport(total, *plan);
  if (code == kExitOk && input_failed) return kExitInputError;
  return code;
}

}  // namespace sockfilter
