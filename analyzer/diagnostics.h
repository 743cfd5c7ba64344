// The tool's own diagnostics: spdlog to stderr, never stdout.
//
// Messages read "sockfilter: <what>: <problem>" (errors and warnings) so they can be
// grepped; colour only when stderr is a terminal and NO_COLOR is unset.
#pragma once

#include <string_view>

namespace sockfilter {

// verbosity: -1 quiet (errors only), 0 default (warnings), 1 info, 2+ debug.
void SetupDiagnostics(int verbosity);

// Logs each line of `message` as an error of its own, so that each gets the prefix (a
// rules load can refuse several rules at once, one line each).
void LogErrorLines(std::string_view message);

// True when colour may be used on `fd` (a terminal, and NO_COLOR unset or empty).
bool ColourAllowed(int fd);

}  // namespace sockfilter
