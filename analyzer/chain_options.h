// The command-line options of the filter chain (analyzer/filter_chain.h), declared once so
// that every command running the chain (`sockfilter [filter]`, `sockfilter compact`) takes
// the same names, defaults and help, and so produces the same bytes from the same flags.
//
//   ChainArgs chain;
//   AddChainArgs(&options, &chain);             // --window, --keep, --dedupe, ...
//   ... parse ...
//   Status s = ResolveChainArgs(&chain);        // "--dedupe: expected socket, all or none"
//   BuildFilterChain(rules, chain.filter, &out);
#pragma once

#include <string>

#include "analyzer/cli.h"
#include "analyzer/filter_chain.h"

namespace sockfilter {

struct ChainArgs {
  FilterOptions filter;
  std::string dedupe = "socket";
  std::string signature = "normalized";
  bool stats = false;  // --stats: the chain's counts as one JSON line on stderr
};

void AddChainArgs(po::options_description* options, ChainArgs* raw);

// Turns the textual options into `raw->filter`; an error names the option.
Status ResolveChainArgs(ChainArgs* raw);

}  // namespace sockfilter
