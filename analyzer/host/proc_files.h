// Reading the kernel's small text files (/proc, /proc/sys) whole.
//
// A failed read is a value that says why in plain words ("permission denied", "no such
// file"), so the probe can list it under "could not read" and go on.
//
//   Result<std::string> text = ReadProcFile("/proc/net/netstat");
#pragma once

#include <string>

#include "analyzer/status.h"

namespace sockfilter {

Result<std::string> ReadProcFile(const std::string& path);

// "permission denied" for EACCES, ... (strerror in lower case).
std::string ErrnoWords(int error);

}  // namespace sockfilter
