// The subcommands. Each takes its arguments (without the program and command names) and
// returns the process exit code; main() only picks one.
#pragma once

#include <string>
#include <vector>

namespace sockfilter {

using Args = std::vector<std::string>;

int RunFilterCommand(const Args& args);  // the default: stream filter
int RunAnalyzeCommand(const Args& args);  // socket errors by cause
int RunMergeCommand(const Args& args);    // combine analyze summaries
int RunRulesCommand(const Args& args);    // rules list | rules check [DIR]
int RunCompactCommand(const Args& args);  // rewrite rotated logs in place
int RunProbeCommand(const Args& args);    // host evidence: kernel TCP counters, listeners

}  // namespace sockfilter
