// `sockfilter [filter]`: the stream filter.
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

#include "analyzer/chain_options.h"
#include "analyzer/cli.h"
#include "analyzer/commands.h"
#include "analyzer/diagnostics.h"
#include "analyzer/filter_chain.h"
#include "analyzer/load_rules.h"
#include "analyzer/output_sink.h"
#include "analyzer/pipeline.h"
#include "analyzer/timestamp.h"

namespace sockfilter {

namespace {

constexpr CommandSpec kFilterSpec = {
    "filter", "sockfilter [filter] [OPTIONS] [FILE...]",
    "Passes each FILE (or standard input, also as `-`) to standard output, event by event:\n"
    "a record and its continuation lines (stack traces) form one event. Plain, gzip and\n"
    "zstd inputs are recognised by their first bytes."};

struct FilterArgs {
  CommonOptions common;
  std::vector<std::string> inputs;
  int flush_timeout_ms = 200;
  uint32_t max_event_lines = 2000;
  uint64_t max_event_bytes = 4 << 20;
  bool single_thread = false;
  ChainArgs chain;  // --window, --keep, --dedupe, ... (shared with `compact`)
};

// Timestamps without a year (syslog) get the year of the first file's last change, as in
// `analyze`, or the current year on a stream.
int DefaultYear(const std::string& first_input) {
  struct stat st;
  if (first_input != "-" && stat(first_input.c_str(), &st) == 0 && S_ISREG(st.st_mode))
    return YearOf(TimeMs{st.st_mtim.tv_sec} * 1000);
  return CurrentUtcYear();
}

}  // namespace

int RunFilterCommand(const Args& args) {
  FilterArgs raw;
  po::options_description options("Options");
  AddCommonOptions(&options, &raw.common);
  AddChainArgs(&options, &raw.chain);
  options.add_options()("flush-timeout",
                        po::value(&raw.flush_timeout_ms)->default_value(200)->value_name("MS"),
                        "pass on a pending event after MS without input (live streams)")(
      "max-event-lines", po::value(&raw.max_event_lines)->default_value(2000)->value_name("N"),
      "pass on an event as it is when it reaches N lines")(
      "max-event-bytes",
      po::value(&raw.max_event_bytes)->default_value(4 << 20)->value_name("BYTES"),
      "pass on an event as it is when it reaches BYTES")(
      "single-thread", po::bool_switch(&raw.single_thread),
      "do all the work on one thread (by default a file is read, and searched for the rules' "
      "literals, on a second thread when the machine has more than one CPU; a pipe never is)")(
      "input", po::value(&raw.inputs)->value_name("FILE"), "input files");
  po::positional_options_description positional;
  positional.add("input", -1);
  po::variables_map vm;
  ParseOutcome outcome = ParseCommandLine(kFilterSpec, args, options, positional, &raw.common, &vm);
  if (outcome != ParseOutcome::kRun) return ExitCodeFor(outcome);
  if (raw.inputs.empty()) raw.inputs.push_back("-");
  if (raw.flush_timeout_ms < 0) {
    // poll() would take a negative timeout as "wait for ever" and hold the last event.
    spdlog::error("filter: --flush-timeout: must not be negative, not '{}'", raw.flush_timeout_ms);
    return kExitUsage;
  }

  Result<RuleBook> rules = LoadRulesFor(raw.common);
  if (!rules.ok()) {
    LogErrorLines(rules.status().message());
    return kExitUsage;
  }
  PipelineOptions pipeline;
  pipeline.flush_timeout_ms = raw.flush_timeout_ms;
  pipeline.limits.max_lines = std::max<uint32_t>(1, raw.max_event_lines);
  pipeline.limits.max_bytes = std::max<uint64_t>(1, raw.max_event_bytes);
  pipeline.read_ahead = !raw.single_thread && std::thread::hardware_concurrency() > 1;

  Status chain_args = ResolveChainArgs(&raw.chain);
  if (!chain_args.ok()) {
    spdlog::error("{}", chain_args.message());
    return kExitUsage;
  }
  OutputSink out(STDOUT_FILENO);
  // Events reach stdout as views of the reader's buffer, written before it is reused.
  out.KeepViews();
  pipeline.reader.before_reuse = [&out] { out.ReleaseViews(); };
  raw.chain.filter.default_year = DefaultYear(raw.inputs.front());
  Result<std::unique_ptr<FilterChain>> chain = BuildFilterChain(*rules, raw.chain.filter, &out);
  if (!chain.ok()) {
    spdlog::error("{}", chain.status().message());
    return kExitUsage;
  }
  PipelineReport report = RunPipeline(raw.inputs, *rules, pipeline, (*chain)->head());
  if (raw.chain.stats) {
    std::string line = FormatStatsJson((*chain)->stats()) + "\n";
    fputs(line.c_str(), stderr);
  }
  for (const Status& error : report.errors) spdlog::error("{}", error.message());
  if (!out.status().ok()) {
    spdlog::error("{}", out.status().message());
    return kExitInputError;
  }
  return report.errors.empty() ? kExitOk : kExitInputError;
}

}  // namespace sockfilter
