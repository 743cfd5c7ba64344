#include "analyzer/load_rules.h"

#include <filesystem>
#include <set>

namespace sockfilter {

namespace {

// The directory `dir` names, so that one named twice (`--rules d --rules ./d`, or `rules
// check d --rules d`) is read once: its files would otherwise define each of their ids twice.
std::string SameDirKey(const std::string& dir) {
  std::error_code ec;
  std::filesystem::path canonical = std::filesystem::weakly_canonical(dir, ec);
  return ec ? dir : canonical.string();
}

}  // namespace

Result<RuleBook> LoadRulesFor(const CommonOptions& common, ExampleChecks checks) {
  Result<std::vector<RuleFile>> files = DefaultRuleFiles();
  if (!files.ok()) return files.status();
  std::set<std::string> read;
  int layer = 0;
  for (const std::string& dir : common.rule_dirs) {
    if (!read.insert(SameDirKey(dir)).second) continue;
    Result<std::vector<RuleFile>> more = ReadRuleDir(dir);
    if (!more.ok()) return more.status();
    ++layer;  // a later directory overrides an earlier one by id
    for (RuleFile& file : *more) file.layer = layer;
    files->insert(files->end(), more->begin(), more->end());
  }
  return LoadRuleBook(*files, checks);
}

}  // namespace sockfilter
