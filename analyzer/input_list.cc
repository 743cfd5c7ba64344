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

Status WalkDirectory(const std::string& dir, const std::string& glob, std::vector<InputFile>* out) {
  std::error_code ec;
  std::vector<std::string> found;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string name = it->path().filename().string();
    if (!glob.empty() && fnmatch(glob.c_str(), name.c_str(), 0) != 0) continue;
    found.push_back(it->path().string());
  }
  if (ec) return Status::Error(dir + ": " + ec.message());
  std::sort(found.begin(), found.end());
  for (const std::string& path : found) out->push_back(Describe(path));
  return Status::Ok();
}

}  // namespace

Result<std::vector<InputFile>> ExpandInputs(const std::vector<std::string>& names,
                                            const std::string& glob) {
  std::vector<InputFile> files;
  for (const std::string& name : names) {
    std::error_code ec;
    if (name != "-" && fs::is_directory(name, ec)) {
      Status s = WalkDirectory(name, glob, &files);
      if (!s.ok()) return s;
      continue;
    }
    if (name != "-" && !fs::exists(name, ec))
      return Status::Error(name + ": No such file or directory");
    files.push_back(Describe(name));
  }
  return files;
}

}  // namespace sockfilter
