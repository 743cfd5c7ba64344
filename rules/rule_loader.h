// RuleLoader: parses rule files (TOML) into the compiled rules the pipeline uses.
//
//   Result<RuleBook> book = LoadRuleBook(files);
//   if (!book.ok()) return book.status();   // "rules/java.toml:12:3: ..." or "...: rule X: ..."
//
// A file with any error is refused whole; nothing is half-loaded.
#pragma once

#include <memory>
#include <vector>

#include "analyzer/status.h"
#include "rules/multiline_rules.h"
#include "rules/rule_files.h"

namespace sockfilter {

struct RuleBook {
  std::shared_ptr<const MultilineRules> multiline;
};

// Rules in later files override earlier rules with the same id.
Result<RuleBook> LoadRuleBook(const std::vector<RuleFile>& files);

}  // namespace sockfilter
