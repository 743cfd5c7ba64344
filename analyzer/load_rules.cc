#include "analyzer/load_rules.h"

namespace sockfilter {

Result<RuleBook> LoadRulesFor(const CommonOptions& common, ExampleChecks checks) {
  Result<std::vector<RuleFile>> files = DefaultRuleFiles();
  if (!files.ok()) return files.status();
  for (const std::string& dir : common.rule_dirs) {
    Result<std::vector<RuleFile>> more = ReadRuleDir(dir);
    if (!more.ok()) return more.status();
    files->insert(files->end(), more->begin(), more->end());
  }
  return LoadRuleBook(*files, checks);
}

}  // namespace sockfilter
