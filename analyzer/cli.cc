#include "analyzer/cli.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <iostream>

#include "analyzer/diagnostics.h"

#ifndef SOCKFILTER_VERSION
#define SOCKFILTER_VERSION "0.0.0"
#endif

namespace sockfilter {

const char* VersionString() { return SOCKFILTER_VERSION; }

void AddCommonOptions(po::options_description* options, CommonOptions* common) {
  options->add_options()("help,h", "show this help and exit")("version",
                                                              "show the version and exit")(
      "config", po::value(&common->config)->value_name("FILE"),
      "read options from an INI file (same names as the long options)")(
      "verbose,v", po::value(&common->verbose)->implicit_value(1)->value_name("LEVEL"),
      "more diagnostics on stderr (-v: info, --verbose=2: debug)")(
      "quiet,q", po::bool_switch(&common->quiet), "only errors on stderr")(
      "rules", po::value(&common->rule_dirs)->value_name("DIR")->composing(),
      "add rule files from DIR (*.toml); same ids override the built-in rules");
}

ParseOutcome ParseCommandLine(const CommandSpec& spec, const std::vector<std::string>& args,
                              const po::options_description& options,
                              const po::positional_options_description& positional,
                              CommonOptions* common, po::variables_map* vm) {
  try {
    po::store(
        po::command_line_parser(args)
            .options(options)
            .positional(positional)
            .style(po::command_line_style::default_style & ~po::command_line_style::allow_guessing)
            .run(),
        *vm);
    if (vm->count("help")) {
      std::cout << "Usage: " << spec.usage << "\n\n" << spec.summary << "\n\n" << options;
      return ParseOutcome::kExitOk;
    }
    if (vm->count("version")) {
      std::cout << "sockfilter " << VersionString() << "\n";
      return ParseOutcome::kExitOk;
    }
    auto config = vm->find("config");
    if (config != vm->end()) {
      const std::string& path = config->second.as<std::string>();
      std::ifstream in(path);
      if (!in) {
        spdlog::error("{}: cannot read config file", path);
        return ParseOutcome::kUsageError;
      }
      po::store(po::parse_config_file(in, options), *vm);
    }
    po::notify(*vm);
  } catch (const po::error& error) {
    spdlog::error("{}: {} (see `sockfilter {} --help`)", spec.name, error.what(), spec.name);
    return ParseOutcome::kUsageError;
  }
  SetupDiagnostics(common->quiet ? -1 : common->verbose);
  return ParseOutcome::kRun;
}

}  // namespace sockfilter
