// sockfilter: a log analyzer and socket-error flood suppressor.
//
//   sockfilter [filter] [OPTIONS] [FILE...]     stream filter (default)
//   sockfilter SUBCOMMAND [OPTIONS] ...          see `sockfilter --help`
#include <poll.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
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

// True when whoever reads stdout has gone: a pipe or socket closed at its other end. Linux
// reports a pipe without readers as POLLERR, a socket shut down as POLLHUP.
bool StdoutReaderGone() {
  struct pollfd p = {STDOUT_FILENO, POLLOUT, 0};
  return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)) != 0;
}

// What a command wrote on stdout (std::cout and stdio share its buffer) must have reached
// it: a write error the command left there is one line and status 1, unless the reader
// has gone (EPIPE), which ends the program quietly with the command's status. The reason
// of an error met before this last flush is lost with its errno: "write error" then.
int CheckStdout(int code) {
  errno = 0;
  const bool flush_failed = std::fflush(stdout) != 0;
  const int error = errno;
  if (!flush_failed && !std::ferror(stdout)) return code;
  if ((flush_failed && error == EPIPE) || StdoutReaderGone()) return code;
  spdlog::error("<stdout>: {}", flush_failed ? std::strerror(error) : "write error");
  return code == sockfilter::kExitOk ? sockfilter::kExitInputError : code;
}

int Run(const std::vector<std::string>& args) {
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

}  // namespace

int main(int argc, char** argv) {
  sockfilter::SetupDiagnostics(0);
  sockfilter::InstallShutdownHandlers();
  std::vector<std::string> args(argv + 1, argv + argc);
  return CheckStdout(Run(args));
}
