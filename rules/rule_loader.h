// RuleLoader: parses rule files (TOML) into the compiled rules the pipeline uses.
//
//   Result<RuleBook> book = LoadRuleBook(files);
//   if (!book.ok()) return book.status();   // "rules/java.toml:12:3: ..." or "...: rule X: ..."
//
// A file with any error is refused whole; nothing is half-loaded. The error reports every
// problem of every file, one per line (a TOML syntax error ends its file's).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "analyzer/status.h"
#include "rules/classifier.h"
#include "rules/multiline_rules.h"
#include "rules/rule_files.h"

namespace sockfilter {

// A cause of the taxonomy (rules/causes.toml): its stable id ("conn_reset") and one line
// saying what it is. EventTags::cause indexes RuleBook::causes.
struct CauseInfo {
  std::string id;
  std::string description;
};

struct RuleBook {
  std::shared_ptr<const MultilineRules> multiline;
  std::vector<CauseInfo> causes;
  std::shared_ptr<const Classifier> classifier;  // the `[[rule]]` and `[[chain]]` tables
};

// Reads `[[cause]]` (id, description), `[[rule]]` (id, cause, pattern, description,
// examples, counter_examples), `[[chain]]` (id, pattern, root = "first" | "last", ...) and
// `[[multiline]]` tables. A file of a later layer (RuleFile::layer: a --rules directory)
// may override a rule or cause of an earlier one by id: the default files, or a --rules
// directory named before it. Any other id defined twice is an error naming both files:
// twice in one file, or in two files of one layer (the default files, or one directory,
// whose files come in no meaningful order). Causes must be declared (rules/causes.toml).
// `checks`: whose examples to check (Classifier::Compile).
Result<RuleBook> LoadRuleBook(const std::vector<RuleFile>& files,
                              ExampleChecks checks = ExampleChecks::kAll);

}  // namespace sockfilter
