// SafeReplace: writes a file's new content beside it and swaps it in atomically, so that
// whatever happens (an error, kill -9, a power cut) the name holds either the old content
// or the whole new content, never a part.
//
// Begin() creates ".NAME.sockfilter-XXXXXX" in the target's directory (O_EXCL, mode 0600,
// dot-prefixed so log globs do not pick it up) and gives it the original's owner and group
// at once, so a file that cannot keep its owner is refused before any work is done.
// Commit() gives the temp file the original's mode and times, fsyncs it, renames it over
// the target (or to a new name, never overwriting one that exists), fsyncs the directory,
// and only then removes the old name when the name changed. Abort(), or destruction
// before a successful Commit(), removes the temp file; the original is never touched.
//
//   SafeReplace replace;
//   Status s = replace.Begin("logs/app.log.1", original_stat);
//   if (!s.ok()) return s;
//   WriteEverything(replace.fd());
//   s = replace.Commit("logs/app.log.1.gz");      // or the same name
//
// Error messages are the problem only ("cannot create a temporary file: Permission
// denied"); the caller names the file.
#pragma once

#include <sys/stat.h>

#include <string>

#include "analyzer/status.h"

namespace sockfilter {

class SafeReplace {
 public:
  SafeReplace() = default;
  ~SafeReplace() { Abort(); }
  SafeReplace(const SafeReplace&) = delete;
  SafeReplace& operator=(const SafeReplace&) = delete;

  // `original` is the lstat of `target` (the file to replace), or of the file whose owner
  // and mode a new file at `target` takes; `keep_times` also copies its access and
  // modification times.
  Status Begin(const std::string& target, const struct stat& original, bool keep_times = true);

  // Swaps the new content in under `final_name` (in the target's directory). When it
  // differs from the target, the target is unlinked once the new file is durable.
  Status Commit(const std::string& final_name);

  void Abort();

  int fd() const { return fd_; }
  const std::string& temp_path() const { return temp_path_; }

 private:
  Status ApplyMetadata();
  Status SyncDirectory();

  std::string target_;
  std::string temp_path_;
  struct stat original_ {};
  bool keep_times_ = true;
  int fd_ = -1;
};

// The directory part of `path` ("." when it has none) and the last component.
std::string DirectoryOf(const std::string& path);
std::string BaseName(const std::string& path);

}  // namespace sockfilter
