// Input lists: the files `analyze` reads, from what the user named.
//
// A directory is walked recursively; its regular files are taken when their name matches
// the --glob pattern (fnmatch, against the file name; every file when the pattern is
// empty), in sorted path order so runs are reproducible. Files and "-" (standard input)
// named explicitly are taken as they are, in the order given. A path that does not exist
// is an error naming it.
//
//   Result<std::vector<InputFile>> files = ExpandInputs({"logs/", "-"}, "*.log*");
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analyzer/status.h"

namespace sockfilter {

struct InputFile {
  std::string path;   // "-" for standard input
  uint64_t size = 0;  // bytes on disk (0 for stdin and pipes)
  int64_t mtime_ms = 0;
};

Result<std::vector<InputFile>> ExpandInputs(const std::vector<std::string>& names,
                                            const std::string& glob);

}  // namespace sockfilter
