// One process's open descriptors against its limit: the entries of /proc/PID/fd and the
// "Max open files" line of /proc/PID/limits.
//
// /proc/PID/fd is readable only by the process's owner (or root); /proc/PID/limits by
// everyone. What cannot be read stays empty in ProcessFds and is named in `unreadable`.
//
//   std::vector<Unreadable> unreadable;
//   ProcessFds fds = ReadProcessFds(1234, &unreadable);
//   if (fds.open && fds.soft_limit) ...
#pragma once

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzer/host/host_snapshot.h"

namespace sockfilter {

// The soft and hard "Max open files" of a /proc/PID/limits text; -1 for "unlimited".
std::optional<std::pair<int64_t, int64_t>> ParseOpenFilesLimit(std::string_view limits_text);

ProcessFds ReadProcessFds(int pid, std::vector<Unreadable>* unreadable,
                          const std::string& proc_root = "/proc");

}  // namespace sockfilter
