// `sockfilter analyze`: what is behind the socket errors in a batch of logs — counts by
// cause and signature, timelines, peers, and the likely root causes with their evidence
// and fix. The work is in analyze_run.h (pipelines, one per file, in parallel), summary.h
// (the statistics), root_causes.h (inference) and report.h (printers).
#include <spdlog/spdlog.h>

#include <thread>

#include "analyzer/analyze_run.h"
#include "analyzer/cli.h"
#include "analyzer/commands.h"
#include "analyzer/diagnostics.h"
#include "analyzer/input_list.h"
#include "analyzer/load_rules.h"
#include "analyzer/progress.h"
#include "analyzer/report_args.h"

namespace sockfilter {

namespace {

constexpr CommandSpec kAnalyzeSpec = {
    "analyze", "sockfilter analyze [OPTIONS] [FILE|DIR|-]...",
    "Reads logs (plain, gzip or zstd files, directories recursively, or standard input `-`)\n"
    "and host captures (netstat -s, nstat, ss -lnt, `sockfilter probe --format json`), and\n"
    "reports the socket errors by cause and signature with their timelines, peers and\n"
    "components, then the likely root causes with evidence and a fix. `--format json`\n"
    "writes a summary (sockfilter.summary.v1) that `sockfilter merge` combines.\n"
    "Exit status: 0 ok, 1 an input failed, 2 usage, 3 a --fail-on threshold was met."};

struct AnalyzeArgs {
  CommonOptions common;
  ReportArgs report;
  std::vector<std::string> inputs;
  std::string glob;
  int jobs = 0;
};

}  // namespace

int RunAnalyzeCommand(const Args& args) {
  AnalyzeArgs raw;
  po::options_description options("Options");
  AddCommonOptions(&options, &raw.common);
  AddReportOptions(&options, &raw.report);
  options.add_options()("glob", po::value(&raw.glob)->value_name("PATTERN"),
                        "in directories, only files whose name matches (e.g. '*.log*')")(
      "jobs,j", po::value(&raw.jobs)->default_value(0)->value_name("N"),
      "threads: files analysed in parallel, a big plain file in as many pieces, and "
      "threads to spare read the inputs ahead (default: the number of cores; 1: one "
      "thread)")("input", po::value(&raw.inputs)->value_name("FILE"), "inputs");
  po::positional_options_description positional;
  positional.add("input", -1);
  po::variables_map vm;
  ParseOutcome outcome =
      ParseCommandLine(kAnalyzeSpec, args, options, positional, &raw.common, &vm);
  if (outcome != ParseOutcome::kRun) return ExitCodeFor(outcome);
  if (raw.inputs.empty()) raw.inputs.push_back("-");
  if (raw.jobs < 0) {
    spdlog::error("analyze: --jobs {}: must be 0 (the number of cores) or more", raw.jobs);
    return kExitUsage;
  }

  Result<RuleBook> rules = LoadRulesFor(raw.common);
  if (!rules.ok()) {
    LogErrorLines(rules.status().message());
    return kExitUsage;
  }
  Result<ReportPlan> plan = BuildReportPlan(raw.report, rules->causes);
  if (!plan.ok()) {
    spdlog::error("analyze: {}", plan.status().message());
    return kExitUsage;
  }
  Result<InputList> inputs = ExpandInputs(raw.inputs, raw.glob);
  if (!inputs.ok()) {
    spdlog::error("analyze: {}", inputs.status().message());
    return kExitUsage;
  }
  // A name that cannot be used is one error; the other inputs are still analysed.
  for (const Status& error : inputs->errors) spdlog::error("{}", error.message());
  const std::vector<InputFile>& files = inputs->files;
  if (files.empty() && inputs->errors.empty()) spdlog::warn("analyze: no input files matched");

  AnalyzeOptions run;
  run.jobs = raw.jobs > 0 ? raw.jobs : static_cast<int>(std::thread::hardware_concurrency());
  uint64_t total = 0;
  bool sizes_known = true;
  for (const InputFile& f : files) {
    total += f.size;
    sizes_known = sizes_known && f.size > 0;
  }
  std::unique_ptr<Progress> progress;
  if (!raw.common.quiet && Progress::Wanted(files.size(), total)) {
    progress = std::make_unique<Progress>(sizes_known ? total : 0);
    progress->Start();
    run.progress = progress.get();
  }
  AnalyzeBatch batch = AnalyzeFiles(files, *rules, run);
  if (progress) progress->Stop();
  for (const Status& error : batch.errors) spdlog::error("{}", error.message());
  int code = PrintReport(batch.summary, *plan);
  const bool input_failed = !inputs->errors.empty() || !batch.errors.empty();
  if (code == kExitOk && input_failed) return kExitInputError;
  return code;
}

}  // namespace sockfilter
