// sockfilter: a log analyzer and socket-error flood suppressor.
//
//   sockfilter [filter] [OPTIONS] [FILE...]     stream filter (default)
//   sockfilter SUBCOMMAND [OPTIONS] ...          see `sockfilter --help`
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "analyzer/cli.h"
#include "analyzer/commands.h"
#include "analyzer/diagnostics.h"
#include "analyzer/shutdown.h"

namespace {

struct Subcommand {
  const char* name;
  int (*run)(const sockfilter::Args&);
  const char* summary;
};

const Subcommand kSubcommands[] = {
    {"filter", sockfilter::RunFilterCommand,
     "pass a log through, collapsing repeated socket-error events (the default)"},
    {"analyze", sockfilter::RunAnalyzeCommand, "report a log's socket errors by cause"},
    {"merge", sockfilter::RunMergeCommand, "combine analyze summaries (JSON) into one report"},
    {"rules", sockfilter::RunRulesCommand, "list the classification rules, or check rule files"},
    {"compact", sockfilter::RunCompactCommand,
     "rewrite (rotated) log files in place without their floods, safely"},
    {"probe", sockfilter::RunProbeCommand,
     "read the kernel's TCP state: listen-queue overflows, accept queues, resets"},
};

void PrintOverview() {
  std::cout << "Usage: sockfilter [filter] [OPTIONS] [FILE...]\n"
               "       sockfilter SUBCOMMAND [OPTIONS] ...\n\n"
               "Passes logs through, collapsing floods of repeated socket errors (connection\n"
               "reset, broken pipe, ...) into one sample and a marker, and explains them.\n\n"
               "Subcommands:\n";
  for (const Subcommand& sub : kSubcommands) std::printf("  %-9s %s\n", sub.name, sub.summary);
  std::cout << "\nRun `sockfilter SUBCOMMAND --help` for its options; "
               "`sockfilter filter --help` for the default mode.\n";
}

}  // namespace

int main(int argc, char** argv) {
  sockfilter::SetupDiagnostics(0);
  sockfilter::InstallShutdownHandlers();
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    PrintOverview();
    return sockfilter::kExitOk;
  }
  for (const Subcommand& sub : kSubcommands) {
    if (!args.empty() && args[0] == sub.name) {
      return sub.run(std::vector<std::string>(args.begin() + 1, args.end()));
    }
  }
  return sockfilter::RunFilterCommand(args);
}
