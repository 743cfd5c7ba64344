// The rules a command runs with: the default rule files (installed or embedded), then the
// files of every --rules DIR (each directory once, in order), whose rules add to or
// override by id the defaults and the directories named before; two files of one directory
// that define one id are refused. A command
// that runs logs through them skips the built-in rules' examples (ExampleChecks);
// `rules check` checks every example.
#pragma once

#include "analyzer/cli.h"
#include "rules/rule_loader.h"

namespace sockfilter {

Result<RuleBook> LoadRulesFor(const CommonOptions& common,
                              ExampleChecks checks = ExampleChecks::kSkipBuiltIn);

}  // namespace sockfilter
