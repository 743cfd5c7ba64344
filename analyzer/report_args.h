// Report options shared by `analyze` and `merge` (--format, --bucket, --top, --compact,
// --fail-on), and printing the report with the exit status they ask for.
//
//   ReportArgs args;
//   AddReportOptions(&options, &args);
//   ... parse ...
//   Result<ReportPlan> plan = BuildReportPlan(args, rules.causes);
//   return PrintReport(summary, *plan);   // 0, or 3 when a --fail-on threshold is met
#pragma once

#include <string>
#include <vector>

#include "analyzer/cli.h"
#include "analyzer/fail_on.h"
#include "analyzer/report.h"
#include "rules/rule_loader.h"

namespace sockfilter {

struct ReportArgs {
  std::string format = "text";
  std::string bucket;
  size_t top = 3;
  bool compact = false;
  std::vector<std::string> fail_on;
};

struct ReportPlan {
  std::string format;
  bool compact = false;
  ReportOptions options;
  std::vector<FailOn> fail_on;
};

void AddReportOptions(po::options_description* options, ReportArgs* args);

// Checks the raw values; errors read as usage errors ("--bucket 7q: ...").
Result<ReportPlan> BuildReportPlan(const ReportArgs& args, const std::vector<CauseInfo>& causes);

// Infers the root causes, writes the report to stdout and returns the exit code: kExitOk,
// kExitThreshold when a --fail-on threshold is met (whether or not the reader of stdout
// stayed to read it all), kExitInputError when stdout failed otherwise (said on stderr).
int PrintReport(const Summary& summary, const ReportPlan& plan);

// "90", "90s", "5m", "1h", "1d" -> milliseconds; 0 when malformed.
int64_t ParseDurationMs(const std::string& text);

}  // namespace sockfilter
