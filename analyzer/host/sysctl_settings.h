// The system settings that decide accept-queue size, overflow behaviour, keepalive and
// the descriptor ceiling, read from /proc/sys (what `sysctl NAME` prints).
//
//   std::vector<Unreadable> unreadable;
//   CounterMap settings = ReadSysctlSettings(&unreadable);
//   settings["net.core.somaxconn"]  // 4096
//
// "fs.file-nr" holds only its first field: file handles allocated now.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analyzer/host/host_snapshot.h"

namespace sockfilter {

const std::vector<std::string_view>& SysctlNames();

// "net.core.somaxconn" -> "/proc/sys/net/core/somaxconn".
std::string SysctlPath(std::string_view name);

// Reads every SysctlNames() entry under `proc_sys_root` ("/proc/sys" by default); names
// that cannot be read are added to `unreadable`.
CounterMap ReadSysctlSettings(std::vector<Unreadable>* unreadable,
                              const std::string& proc_sys_root = "/proc/sys");

}  // namespace sockfilter
