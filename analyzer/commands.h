// The subcommands. Each takes its arguments (without the program and command names) and
// returns the process exit code; main() picks one, and checks stdout after it.
#pragma once

#include <string>
#include <vector>

namespace sockfilter {

using Args = std::vector<std::string>;

int RunFilterCommand(const Args& args);   // the default: stream filter
int RunAnalyzeCommand(const Args& args);  // socket errors by cause
int RunMergeCommand(const Args& args);    // combine analyze summaries
int RunRulesCommand(const Args& args);    // rules list | rules check [DIR]
int RunCompactCommand(const Args& args);  // rewrite rotated logs in place
int RunProbeCommand(const Args& args);    // host evidence: kernel TCP counters, listeners

// main() flushes stdout after the command and turns a write error that is still on it into
// one line and status 1; a reader that went away (EPIPE: `... | head`) is no error, and ends
// the program quietly.

}  // namespace sockfilter
