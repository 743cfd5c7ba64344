// Rule files: where rules/*.toml come from at run time.
//
// The rules are data. The build embeds the project's rules/*.toml into the binary, so it
// works from any directory; an installed copy (PREFIX/share/sockfilter/rules) is preferred
// when present. Those are the default rules; `--rules DIR` adds files whose rules add to or
// override by id the default rules and those of the directories named before it (see
// LoadRuleBook).
#pragma once

#include <string>
#include <vector>

#include "analyzer/status.h"

namespace sockfilter {

struct RuleFile {
  std::string name;  // path shown in messages ("(embedded)/java.toml" for built-in rules)
  std::string text;
  bool built_in = false;   // compiled into the binary (its examples are tested at build time)
  bool installed = false;  // read from the installed directory, which replaces the built-in files
  // For a file of a --rules directory: which one, in command-line order (1, 2, ...). A file of
  // a later directory may override the ids of an earlier one's; files of one directory may not
  // define one id twice. The default rules (built in or installed) come before every layer.
  int layer = 1;
};

// Where `file` stands in the order of overrides: 0 for the default rules (built in, or their
// installed copy), which any --rules directory may override; else its layer.
inline int OverrideLayer(const RuleFile& file) {
  return file.built_in || file.installed ? 0 : file.layer;
}

// The rules/*.toml files of the source tree, compiled in.
const std::vector<RuleFile>& EmbeddedRuleFiles();

// Every *.toml file in `dir`, in name order. An unreadable directory or file is an error.
Result<std::vector<RuleFile>> ReadRuleDir(const std::string& dir);

// The default rules: the installed directory beside the executable when it exists (its files
// marked `installed`), else the embedded copy.
Result<std::vector<RuleFile>> DefaultRuleFiles();

}  // namespace sockfilter
