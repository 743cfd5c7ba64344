// `sockfilter analyze`: reads logs and reports their socket errors by cause.
//
// For now the report is the cause summary (schema sockfilter.summary.v1); the counting is
// done by CauseCounter, this file only parses options and prints.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <string>

#include "analyzer/cause_counter.h"
#include "analyzer/classify_stage.h"
#include "analyzer/cli.h"
#include "analyzer/commands.h"
#include "analyzer/load_rules.h"
#include "analyzer/pipeline.h"

namespace sockfilter {

namespace {

constexpr CommandSpec kAnalyzeSpec = {
    "analyze", "sockfilter analyze [OPTIONS] FILE...",
    "Reads each FILE (or standard input, `-`; plain, gzip or zstd) and reports its socket\n"
    "errors: how many events of each cause (conn_reset, broken_pipe, ...), by the primary\n"
    "(innermost) cause of each event."};

struct AnalyzeArgs {
  CommonOptions common;
  std::vector<std::string> inputs;
  std::string format = "text";
};

void AppendField(std::string* out, const char* name, uint64_t value, bool comma = true) {
  *out += "\"";
  *out += name;
  *out += "\":" + std::to_string(value);
  if (comma) *out += ",";
}

std::string SummaryJson(const CauseCounts& counts, const std::vector<CauseInfo>& causes) {
  std::string out = "{\"schema\":\"sockfilter.summary.v1\",";
  AppendField(&out, "lines", counts.lines);
  AppendField(&out, "bytes", counts.bytes);
  AppendField(&out, "events", counts.events);
  AppendField(&out, "socket_error_events", counts.classified);
  out += "\"causes\":{";
  for (size_t i = 0; i < causes.size(); ++i) {
    const CauseCounts::PerCause& c = counts.by_cause[i];
    if (i > 0) out += ",";
    out += "\"" + causes[i].id + "\":{";  // ids are [a-z_] (rules/causes.toml)
    AppendField(&out, "count", c.events);
    AppendField(&out, "lines", c.lines);
    AppendField(&out, "bytes", c.bytes);
    AppendField(&out, "mentioned", c.mentioned, false);
    out += "}";
  }
  out += "}}\n";
  return out;
}

std::string SummaryText(const CauseCounts& counts, const std::vector<CauseInfo>& causes) {
  std::string out;
  char row[256];
  std::snprintf(row, sizeof row, "%llu lines, %llu events, %llu socket-error events\n\n",
                static_cast<unsigned long long>(counts.lines),
                static_cast<unsigned long long>(counts.events),
                static_cast<unsigned long long>(counts.classified));
  out += row;
  std::snprintf(row, sizeof row, "%-18s %10s %10s\n", "cause", "events", "lines");
  out += row;
  for (size_t i = 0; i < causes.size(); ++i) {
    const CauseCounts::PerCause& c = counts.by_cause[i];
    if (c.events == 0) continue;
    std::snprintf(row, sizeof row, "%-18s %10llu %10llu\n", causes[i].id.c_str(),
                  static_cast<unsigned long long>(c.events),
                  static_cast<unsigned long long>(c.lines));
    out += row;
  }
  return out;
}

}  // namespace

int RunAnalyzeCommand(const Args& args) {
  AnalyzeArgs raw;
  po::options_description options("Options");
  AddCommonOptions(&options, &raw.common);
  options.add_options()("format", po::value(&raw.format)->default_value("text")->value_name("FMT"),
                        "report format: text or json")(
      "input", po::value(&raw.inputs)->value_name("FILE"), "input files");
  po::positional_options_description positional;
  positional.add("input", -1);
  po::variables_map vm;
  ParseOutcome outcome =
      ParseCommandLine(kAnalyzeSpec, args, options, positional, &raw.common, &vm);
  if (outcome != ParseOutcome::kRun) return ExitCodeFor(outcome);
  if (raw.format != "text" && raw.format != "json") {
    spdlog::error("analyze: unknown --format `{}` (text or json)", raw.format);
    return kExitUsage;
  }
  if (raw.inputs.empty()) raw.inputs.push_back("-");

  Result<RuleBook> rules = LoadRulesFor(raw.common);
  if (!rules.ok()) {
    spdlog::error("{}", rules.status().message());
    return kExitUsage;
  }
  CauseCounter counter(rules->causes.size());
  ClassifyStage classify(rules->classifier, &counter);
  PipelineReport report = RunPipeline(raw.inputs, *rules, PipelineOptions(), &classify);
  for (const Status& error : report.errors) spdlog::error("{}", error.message());
  std::string text = raw.format == "json" ? SummaryJson(counter.counts(), rules->causes)
                                          : SummaryText(counter.counts(), rules->causes);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  return report.errors.empty() ? kExitOk : kExitInputError;
}

}  // namespace sockfilter
