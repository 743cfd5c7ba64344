#include "analyzer/cli.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <iostream>
#include <typeinfo>

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
      "more diagnostics on stderr (-v: info, -vv or --verbose=2: debug)")(
      "quiet,q", po::bool_switch(&common->quiet), "only errors on stderr")(
      "rules", po::value(&common->rule_dirs)->value_name("DIR")->composing(),
      "add rule files from DIR (*.toml); same ids override the built-in rules and the "
      "--rules directories named before");
}

namespace {

// Whether `arg` is an option (long, or a single short one) that takes the next word as its
// value ("--glob" of "--glob -v"), as the parser will read it.
bool TakesNextWord(const std::string& arg, const po::options_description& options) {
  if (arg.size() < 2 || arg[0] != '-' || arg.find('=') != std::string::npos) return false;
  const bool long_name = arg[1] == '-';
  if (!long_name && arg.size() != 2) return false;
  const po::option_description* described =
      options.find_nothrow(long_name ? arg.substr(2) : arg, false, false, false);
  return described != nullptr && described->semantic()->min_tokens() > 0;
}

bool IsDigits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

// `-v`, `-vv`, ... and a bare `--verbose` as `--verbose=N`. Boost gives an option with an
// implicit value the next word when it does not start with '-', so `-v app.log` would read
// "app.log" as the level. A bare `--verbose` still takes a level that follows it
// (`--verbose 2`); the value of another option (`--glob -v`) is left alone.
std::vector<std::string> SpellOutVerbose(const std::vector<std::string>& args,
                                         const po::options_description& options) {
  std::vector<std::string> out;
  out.reserve(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {  // the rest are operands
      out.insert(out.end(), args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
      break;
    }
    const bool vs =
        arg.size() >= 2 && arg[0] == '-' && arg.find_first_not_of('v', 1) == std::string::npos;
    if (vs) {
      out.push_back("--verbose=" + std::to_string(arg.size() - 1));
    } else if (arg == "--verbose") {
      const bool level_follows = i + 1 < args.size() && IsDigits(args[i + 1]);
      out.push_back("--verbose=" + (level_follows ? args[++i] : std::string("1")));
    } else {
      out.push_back(arg);
      if (TakesNextWord(arg, options) && i + 1 < args.size()) out.push_back(args[++i]);
    }
  }
  return out;
}

bool IsUnsigned(const std::type_info& type) {
  return type == typeid(unsigned) || type == typeid(unsigned long) ||
         type == typeid(unsigned long long) || type == typeid(unsigned short);
}

// Boost reads "-1" into an unsigned option as its largest value, which would quietly turn
// a typo into "no limit": a negative value of an unsigned option is a usage error.
void RefuseNegativeCounts(const po::parsed_options& parsed,
                          const po::options_description& options) {
  for (const po::option& option : parsed.options) {
    const po::option_description* described = options.find_nothrow(option.string_key, false);
    if (described == nullptr) continue;
    const auto* typed = dynamic_cast<const po::typed_value_base*>(described->semantic().get());
    if (typed == nullptr || !IsUnsigned(typed->value_type())) continue;
    for (const std::string& value : option.value) {
      if (!value.empty() && value[0] == '-')
        throw po::error("--" + option.string_key + ": must not be negative, not '" + value + "'");
    }
  }
}

}  // namespace

ParseOutcome ParseCommandLine(const CommandSpec& spec, const std::vector<std::string>& args,
                              const po::options_description& options,
                              const po::positional_options_description& positional,
                              CommonOptions* common, po::variables_map* vm) {
  try {
    po::parsed_options parsed =
        po::command_line_parser(SpellOutVerbose(args, options))
            .options(options)
            .positional(positional)
            .style(po::command_line_style::default_style & ~po::command_line_style::allow_guessing)
            .run();
    RefuseNegativeCounts(parsed, options);
    po::store(parsed, *vm);
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
      // The file's own errors name it: "unrecognised option" alone would send the user
      // looking at the command line.
      try {
        po::parsed_options from_file = po::parse_config_file(in, options);
        RefuseNegativeCounts(from_file, options);
        po::store(from_file, *vm);
      } catch (const po::error& error) {
        spdlog::error("{}: {}", path, error.what());
        return ParseOutcome::kUsageError;
      }
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
