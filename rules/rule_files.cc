#include "rules/rule_files.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sockfilter {

namespace fs = std::filesystem;

Result<std::vector<RuleFile>> ReadRuleDir(const std::string& dir) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return Status::Error(dir + ": " + ec.message());
  std::vector<std::string> paths;
  for (const fs::directory_entry& entry : it) {
    if (entry.path().extension() == ".toml") paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<RuleFile> files;
  for (const std::string& path : paths) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::Error(path + ": " + strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    files.push_back({path, text.str()});
  }
  return files;
}

Result<std::vector<RuleFile>> DefaultRuleFiles() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed = exe.parent_path().parent_path() / "share" / "sockfilter" / "rules";
    if (fs::is_directory(installed, ec)) {
      Result<std::vector<RuleFile>> files = ReadRuleDir(installed.string());
      if (files.ok())
        for (RuleFile& file : *files) file.installed = true;
      return files;
    }
  }
  return EmbeddedRuleFiles();
}

}  // namespace sockfilter
