#include "analyzer/diagnostics.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdlib>

namespace sockfilter {

bool ColourAllowed(int fd) {
  const char* no_colour = std::getenv("NO_COLOR");
  if (no_colour != nullptr && no_colour[0] != '\0') return false;
  return isatty(fd) == 1;
}

void SetupDiagnostics(int verbosity) {
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>(
      ColourAllowed(STDERR_FILENO) ? spdlog::color_mode::automatic : spdlog::color_mode::never);
  auto logger = std::make_shared<spdlog::logger>("sockfilter", sink);
  // Errors and warnings read as one plain line each; info and debug say their level.
  logger->set_pattern(verbosity >= 1 ? "sockfilter: %^%l%$: %v" : "sockfilter: %^%v%$");
  spdlog::level::level_enum level = spdlog::level::warn;
  if (verbosity < 0) level = spdlog::level::err;
  if (verbosity == 1) level = spdlog::level::info;
  if (verbosity >= 2) level = spdlog::level::debug;
  logger->set_level(level);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

void LogErrorLines(std::string_view message) {
  while (!message.empty()) {
    const size_t end = message.find('\n');
    const std::string_view line = message.substr(0, end);
    if (!line.empty()) spdlog::error("{}", line);
    if (end == std::string_view::npos) break;
    message.remove_prefix(end + 1);
  }
}

}  // namespace sockfilter
