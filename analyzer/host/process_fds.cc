#include "analyzer/host/process_fds.h"

#include <dirent.h>

#include <cerrno>
#include <string>

#include "analyzer/host/proc_files.h"
#include "analyzer/host/text_fields.h"

namespace sockfilter {

namespace {

std::optional<int64_t> LimitValue(std::string_view field) {
  if (field == "unlimited") return -1;
  return ParseInt(field);
}

// Counts the entries of /proc/PID/fd, or says why it could not.
Result<int64_t> CountEntries(const std::string& dir) {
  DIR* handle = opendir(dir.c_str());
  if (handle == nullptr) {
    std::string why = ErrnoWords(errno);
    if (errno == EACCES) why += " (another user's process: run as that user or root)";
    return Status::Error(why);
  }
  int64_t count = 0;
  while (dirent* entry = readdir(handle)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(handle);
  return count;
}

}  // namespace

std::optional<std::pair<int64_t, int64_t>> ParseOpenFilesLimit(std::string_view limits_text) {
  constexpr std::string_view kLabel = "Max open files";
  for (std::string_view line : SplitLines(limits_text)) {
    if (!StartsWith(line, kLabel)) continue;
    std::vector<std::string_view> fields = SplitFields(line.substr(kLabel.size()));
    if (fields.size() < 2) return std::nullopt;
    std::optional<int64_t> soft = LimitValue(fields[0]);
    std::optional<int64_t> hard = LimitValue(fields[1]);
    if (!soft || !hard) return std::nullopt;
    return std::make_pair(*soft, *hard);
  }
  return std::nullopt;
}

ProcessFds ReadProcessFds(int pid, std::vector<Unreadable>* unreadable,
                          const std::string& proc_root) {
  ProcessFds fds;
  fds.pid = pid;
  std::string base = proc_root + "/" + std::to_string(pid);
  Result<std::string> comm = ReadProcFile(base + "/comm");
  if (comm.ok()) fds.name = std::string(Trim(*comm));

  Result<int64_t> open = CountEntries(base + "/fd");
  if (open.ok()) {
    fds.open = *open;
  } else {
    unreadable->push_back({base + "/fd", open.status().message()});
  }
  Result<std::string> limits = ReadProcFile(base + "/limits");
  std::optional<std::pair<int64_t, int64_t>> limit =
      limits.ok() ? ParseOpenFilesLimit(*limits) : std::nullopt;
  if (limit) {
    fds.soft_limit = limit->first;
    fds.hard_limit = limit->second;
  } else {
    unreadable->push_back(
        {base + "/limits", limits.ok() ? "no \"Max open files\" line" : limits.status().message()});
  }
  return fds;
}

}  // namespace sockfilter
