#include "analyzer/input_list.h"

#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace sockfilter {

namespace {

namespace fs = std::filesystem;

InputFile Describe(const std::string& path) {
  InputFile file{path};
  struct stat st;
  if (path != "-" && stat(path.c_str(), &st) == 0) {
    if (S_ISREG(st.st_mode)) file.size = static_cast<uint64_t>(st.st_size);
    file.mtime_ms = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
  }
  return file;
}

// Adds the paths of the regular files under `dir` whose name matches `glob` to `found`, and
// an error to `errors` for each directory (or entry) that cannot be read; the rest of the
// tree is still walked. Symbolic links count as what they point to, but one to a directory
// is not followed (no loops).
void WalkDirectory(const fs::path& dir, const std::string& glob, std::vector<std::string>* found,
                   std::vector<Status>* errors) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    std::error_code entry_ec;
    if (entry.symlink_status(entry_ec).type() == fs::file_type::directory) {
      WalkDirectory(entry.path(), glob, found, errors);
      continue;
    }
    const bool regular = entry.is_regular_file(entry_ec);
    // A file removed meanwhile, or a dangling link, is simply not an input.
    if (entry_ec && entry_ec != std::errc::no_such_file_or_directory)
      errors->push_back(Status::Error(entry.path().string() + ": " + entry_ec.message()));
    if (!regular) continue;
    std::string name = entry.path().filename().string();
    if (!glob.empty() && fnmatch(glob.c_str(), name.c_str(), 0) != 0) continue;
    found->push_back(entry.path().string());
  }
  if (ec) errors->push_back(Status::Error(dir.string() + ": " + ec.message()));
}

}  // namespace

Status CheckStandardInputOnce(const std::vector<std::string>& names) {
  if (std::count(names.begin(), names.end(), "-") > 1)
    return Status::Error("standard input given more than once");
  return Status::Ok();
}

Result<InputList> ExpandInputs(const std::vector<std::string>& names, const std::string& glob) {
  if (Status once = CheckStandardInputOnce(names); !once.ok()) return once;
  InputList list;
  for (const std::string& name : names) {
    std::error_code ec;
    if (name != "-" && fs::is_directory(name, ec)) {
      std::vector<std::string> found;
      WalkDirectory(name, glob, &found, &list.errors);
      std::sort(found.begin(), found.end());
      for (const std::string& path : found) list.files.push_back(Describe(path));
      continue;
    }
    if (name != "-" && !fs::exists(name, ec)) {
      list.errors.push_back(Status::Error(name + ": No such file or directory"));
      continue;
    }
    list.files.push_back(Describe(name));
  }
  return list;
}

}  // namespace sockfilter
