// rule_atoms: prints the literals of the classifier's prefilter (one per line, lower case),
// the strings that every socket-error match holds. bench/classify_vs_rg.sh gives them to
// `rg -i -F` to time a grep that looks for everything the exact counts need.
//
//   rule_atoms > atoms.txt
#include <cstdio>

#include "rules/rule_files.h"
#include "rules/rule_loader.h"

int main() {
  using namespace sockfilter;
  Result<RuleBook> rules = LoadRuleBook(EmbeddedRuleFiles(), ExampleChecks::kSkipBuiltIn);
  if (!rules.ok()) {
    fprintf(stderr, "rule_atoms: %s\n", rules.status().message().c_str());
    return 1;
  }
  const LiteralSieve& sieve = rules->classifier->sieve();
  for (size_t i = 0; i < sieve.atom_count(); ++i) printf("%s\n", sieve.atom(i).c_str());
  return 0;
}
