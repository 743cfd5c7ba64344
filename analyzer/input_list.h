// Input lists: the files `analyze` reads, from what the user named.
//
// A directory is walked recursively; its regular files are taken when their name matches
// the --glob pattern (fnmatch, against the file name; every file when the pattern is
// empty), in sorted path order so runs are reproducible. Files and "-" (standard input)
// named explicitly are taken as they are, in the order given. A path that does not exist,
// and a directory (or one below it) that cannot be read, is an error naming it; the other
// names are still taken. Standard input named twice is a usage error: the second read
// could only see what the first left.
//
//   Result<InputList> list = ExpandInputs({"logs/", "-"}, "*.log*");
//   if (!list.ok()) ...usage error...
//   for (const Status& e : list->errors) Log(e);   // then analyse list->files
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

struct InputList {
  std::vector<InputFile> files;  // "-" at most once
  std::vector<Status> errors;    // one per name or directory that could not be used
};

// A usage error when standard input ("-") is named more than once: the second read could
// only see what the first left. Every command that reads several inputs asks this.
Status CheckStandardInputOnce(const std::vector<std::string>& names);

// Not ok only when the names cannot be used together (CheckStandardInputOnce).
Result<InputList> ExpandInputs(const std::vector<std::string>& names, const std::string& glob);

}  // namespace sockfilter
