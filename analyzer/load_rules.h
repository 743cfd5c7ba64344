// The rules a command runs with: the default rule files (installed or embedded), then the
// files of every --rules DIR, whose rules add to or override the defaults by id.
#pragma once

#include "analyzer/cli.h"
#include "rules/rule_loader.h"

namespace sockfilter {

Result<RuleBook> LoadRulesFor(const CommonOptions& common);

}  // namespace sockfilter
