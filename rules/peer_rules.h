// PeerRules: the `[[peer]]` tables of rules/*.toml. They say where the remote peer of a
// socket-error event is written when the line with the error does not name it: in the
// record's own message, before the exception and its trace.
//
//   2024-03-11 03:13:31,514 ERROR [orders.sync] worker-12: push to 10.0.118.69:34395 failed
//   Traceback (most recent call last):
//   ...
//   ConnectionResetError: [Errno 104] Connection reset by peer
//
// The classifier asks them only for an event that has a cause and whose matching rules
// captured no peer, so they cost nothing on other lines. A rule's pattern (RE2, one line
// at a time, unanchored) must have a `peer` group and no other; `causes` limits it to the
// causes where a remote peer means something (an address in a failed `bind` is ours);
// `contains` lists literals of which a line must hold one before RE2 is asked.
//
//   PeerRules peers;
//   peers.Add(spec, cause_ids, &problems);
//   std::string_view peer = peers.Find(header, cause);   // empty when no rule finds one
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rules/literal_gate.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace sockfilter {

class RuleProblems;

struct PeerRuleSpec {
  std::string id;
  std::string source;  // file the rule came from, for messages
  std::string description;
  std::string pattern;
  std::vector<std::string> causes;  // cause ids; empty: every cause
  // Literals (case-sensitive) of which a line must hold one to be tried at all; none: every
  // line is. Most header lines name no address, and these spare RE2 them.
  std::vector<std::string> contains;
  std::vector<std::string> examples;
  std::vector<std::string> counter_examples;
  bool built_in = false;
};

class PeerRules {
 public:
  struct RuleInfo {
    std::string id;
    std::string source;
    std::string description;
    std::string pattern;
    std::vector<std::string> causes;  // as written; empty: every cause
    std::vector<std::string> contains;
  };

  PeerRules();
  ~PeerRules();
  PeerRules(PeerRules&&) noexcept;
  PeerRules& operator=(PeerRules&&) noexcept;

  // Compiles the rule; on a problem (bad pattern, no `peer` group or another group, unknown
  // cause) adds one line per problem, naming file and rule id, and returns false.
  bool Add(const PeerRuleSpec& spec, const std::vector<std::string>& causes,
           RuleProblems* problems);
  // Adds a problem for each example of the last rule added that gives no peer, and each
  // counter-example that gives one.
  void CheckExamples(const PeerRuleSpec& spec, RuleProblems* problems) const;

  // The peer that the first rule for `cause` (in file order) finds on the first line of
  // `text` that has one; empty when none does. A view into `text`.
  std::string_view Find(std::string_view text, int cause) const;

  bool empty() const { return rules_.empty(); }
  size_t size() const { return rules_.size(); }
  const RuleInfo& rule(size_t index) const { return infos_[index]; }

 private:
  struct Rule {
    LiteralGate contains;
    std::unique_ptr<re2::RE2> regex;
    int peer_group = 0;
    uint32_t causes = ~uint32_t{0};  // one bit per cause index
  };
  // The peer the rule finds on `line`, or empty.
  static std::string_view FindOnLine(const Rule& rule, std::string_view line);

  std::vector<Rule> rules_;
  std::vector<RuleInfo> infos_;
};

}  // namespace sockfilter
