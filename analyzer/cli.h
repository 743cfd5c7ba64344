// Command-line plumbing shared by the subcommands (Boost.Program_options lives here and in
// the *_command.cc files only).
//
// Each subcommand declares its options, then calls ParseCommandLine(), which also reads
// `--config FILE` (an INI file with the same option names, command line wins) and handles
// --help and --version. Exit codes: 0 ok, 1 some input failed, 2 usage error, 3 a
// --fail-on threshold was met (analyze).
#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "analyzer/status.h"

namespace sockfilter {

namespace po = boost::program_options;

enum ExitCode { kExitOk = 0, kExitInputError = 1, kExitUsage = 2, kExitThreshold = 3 };

struct CommonOptions {
  int verbose = 0;
  bool quiet = false;
  std::string config;
  std::vector<std::string> rule_dirs;
};

struct CommandSpec {
  const char* name;     // "filter", "analyze", ...
  const char* usage;    // "sockfilter [filter] [OPTIONS] [FILE...]"
  const char* summary;  // one paragraph for --help
};

// Adds --help, --version, --config, -v/--verbose, -q/--quiet and --rules to `options`.
void AddCommonOptions(po::options_description* options, CommonOptions* common);

enum class ParseOutcome { kRun, kExitOk, kUsageError };

// Parses `args` (without the program and subcommand names). On --help / --version prints
// to stdout and returns kExitOk; on a usage error logs one line and returns kUsageError.
ParseOutcome ParseCommandLine(const CommandSpec& spec, const std::vector<std::string>& args,
                              const po::options_description& options,
                              const po::positional_options_description& positional,
                              CommonOptions* common, po::variables_map* vm);

// Returns the exit code for `outcome` when the command must stop now.
inline int ExitCodeFor(ParseOutcome outcome) {
  return outcome == ParseOutcome::kExitOk ? kExitOk : kExitUsage;
}

const char* VersionString();

}  // namespace sockfilter
