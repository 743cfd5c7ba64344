// Classifier: the compiled `[[rule]]` and `[[chain]]` tables of rules/*.toml. It says which
// socket-error causes an event's text shows, which one is primary, and what the matching
// rule captured (peer, errno, endpoint).
//
//   Result<std::shared_ptr<const Classifier>> c = Classifier::Compile(specs, causes);
//   Classifier::Scratch scratch;                       // one per thread, reused
//   Classification found = (*c)->Classify(event.raw, &scratch);
//   if (found.cause >= 0) ...                           // index into `causes`
//
// How it stays cheap: each rule's pattern is reduced (by RE2's FilteredRE2) to literal atoms
// that any match must contain; a LiteralSieve finds those atoms in the event, and RE2 runs
// only on the lines that hold one, and only the rules that own a found atom; what it finds
// on a line is remembered by the line's bytes (rules/line_outcomes.h), since candidate lines
// repeat. A pattern with no usable atom (4+ literal bytes) is refused at compile time.
//
// Patterns are RE2, matched unanchored against one line at a time (without its terminator),
// so `^` and `$` mean the line's start and end. Named groups `peer`, `errno`, `endpoint` and
// `upstream` (same as endpoint) are captured into the Classification.
//
// Peer: captured by the rule that gave the primary cause, else by another matching rule,
// else found by the `[[peer]]` rules (rules/peer_rules.h) in the event's header: the lines
// before the primary match's line, at most two.
//
// Primary cause: the match that starts last in the event (the last `Caused by:`, the
// innermost errno text at the end of a line), unless a `[[chain]]` rule with
// root = "first" matches, which says the first exception printed is the root (Python's
// chained tracebacks print the original exception first).
//
// Lifetime: the views in a Classification point into the text given to Classify.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/status.h"
#include "rules/line_outcomes.h"
#include "rules/literal_rule.h"
#include "rules/literal_sieve.h"
#include "rules/peer_rules.h"

namespace re2 {
class FilteredRE2;
class RE2;
}  // namespace re2

namespace sockfilter {

class RuleProblems;

struct ClassifyRuleSpec {
  enum class Kind { kCause, kChain };
  Kind kind = Kind::kCause;
  std::string id;
  std::string source;       // file the rule came from, for messages
  std::string cause;        // kCause: a cause id
  bool root_first = false;  // kChain: the first exception printed is the root
  std::string description;
  std::string pattern;
  std::vector<std::string> examples;
  std::vector<std::string> counter_examples;
  bool built_in = false;  // from a rule file compiled into the binary
};

// Which rules' examples and counter-examples Compile checks: every rule's, or only those of
// rules read from files at run time (the built-in ones are checked by the test suite and by
// `sockfilter rules check`; checking them again was about 30% of every start's work).
enum class ExampleChecks { kAll, kSkipBuiltIn };

// One occurrence of a prefilter literal in an input, found ahead of the classifier (see
// analyzer/atom_hit_feed.h): at absolute offset `begin`, `size` bytes of atom `atom`.
struct AtomHit {
  uint64_t begin;
  uint32_t atom;
  uint32_t size;
};

struct Classification {
  int cause = -1;       // primary cause, index into the causes given to Compile; -1: none
  uint32_t causes = 0;  // every cause found, one bit per index
  int rule = -1;        // the rule that gave the primary cause
  std::string_view peer;
  std::string_view errno_text;
  std::string_view endpoint;
};

class Classifier {
 public:
  static constexpr size_t kMaxCauses = 32;

  // Per-thread working memory, so that classifying allocates nothing once warm.
  struct Scratch {
    struct Hit {
      size_t begin;
      int atom;
    };
    struct Found {
      int rule;
      size_t begin, end;            // of the match, in the classified text
      size_t line_begin, line_end;  // the line it was found on
      LineOutcomes::Handle memo;    // where the line's outcome is remembered, if it is
      uint32_t memo_index = 0;      // this match in it
    };
    std::vector<Hit> hits;
    std::vector<Found> found;
    std::vector<int> line_rules;
    std::vector<uint64_t> stamps;  // per rule: the line it was last tried on
    uint64_t line_serial = 0;
    LineOutcomes outcomes;  // what RE2 found on recent candidate lines
  };

  struct RuleInfo {
    std::string id;
    std::string source;
    int cause = -1;  // -1 for a chain rule
    bool root_first = false;
    std::string description;
    std::string pattern;
    std::vector<std::string> examples;
    std::vector<std::string> counter_examples;
    std::vector<std::string> atoms;  // the prefilter's literals (lower case)
  };

  // Compiles the rules; the error has a line for every problem, each naming the file, the
  // rule id and the problem (bad pattern with RE2's error and its argument, unknown cause,
  // unknown capture name, no literal for the prefilter, an example that does not match, a
  // counter-example that does).
  // The `[[peer]]` rules are compiled and checked with them.
  static Result<std::shared_ptr<const Classifier>> Compile(
      const std::vector<ClassifyRuleSpec>& specs, const std::vector<std::string>& causes,
      ExampleChecks checks = ExampleChecks::kAll, const std::vector<PeerRuleSpec>& peers = {});
  ~Classifier();

  Classification Classify(std::string_view text, Scratch* scratch) const;
  // The same, for a text that starts at `offset` of an input whose prefilter hits were
  // found already: `hits` are every occurrence of an atom wholly inside the text, in order
  // of their begin. Gives what Classify(text, scratch) gives, without scanning the text.
  Classification Classify(std::string_view text, const std::vector<AtomHit>& hits, uint64_t offset,
                          Scratch* scratch) const;

  // True when the prefilter finds a literal of some rule in `text`: only then can
  // Classify() find a cause. Cheap; allocates nothing once `scratch` is warm.
  bool MayMatch(std::string_view text, Scratch* scratch) const;

  // The rules whose pattern matches one line of text (through the prefilter), in order.
  std::vector<int> MatchingRules(std::string_view line) const;

  size_t rule_count() const { return infos_.size(); }
  const RuleInfo& rule(int index) const { return infos_[index]; }
  const LiteralSieve& sieve() const { return sieve_; }
  const PeerRules& peer_rules() const { return peer_rules_; }

 private:
  struct Rule {
    std::unique_ptr<re2::FilteredRE2> filter;  // owns the compiled pattern
    const re2::RE2* regex = nullptr;
    int groups = 0;  // submatches to ask RE2 for (0: only whether it matches)
    int peer = -1, errno_group = -1, endpoint = -1;
    // When the pattern is only literal text: matched without RE2 on ASCII lines, at the
    // places its prefilter atoms say a match can start: (atom, offset) for each place an
    // atom lies in an alternative, so a match starts `offset` bytes before a hit of `atom`.
    std::optional<LiteralRule> literal;
    std::vector<std::pair<int, uint32_t>> literal_starts;
    // Literals (lower case, any case in the text) that every match holds, beyond the atom
    // that brought the line, each with the index of its rarest byte: without one of them
    // RE2 is not asked.
    std::vector<std::pair<std::string, uint32_t>> required;
  };

  Classifier() = default;
  // Adds the rule, or adds its problems to `problems` and returns false.
  bool AddRule(const ClassifyRuleSpec& spec, const std::vector<std::string>& causes,
               RuleProblems* problems);
  // Adds to `problems` each example of rule `index` that it does not match, and each
  // counter-example that it does.
  void CheckExamples(const ClassifyRuleSpec& spec, int index, RuleProblems* problems) const;
  void CollectHits(std::string_view text, Scratch* scratch) const;
  // The line [begin, end) of `text` holds scratch->hits[first_hit, last_hit).
  void MatchLine(std::string_view text, size_t begin, size_t end, size_t first_hit, size_t last_hit,
                 Scratch* scratch) const;
  // `ascii`: the line has no byte over 0x7f (the short cuts past RE2 need that).
  bool TryRule(int index, std::string_view text, size_t begin, size_t end, bool ascii,
               const Scratch& scratch, size_t first_hit, size_t last_hit,
               Scratch::Found* found) const;
  static bool FindLiteral(const Rule& rule, std::string_view line, size_t line_begin,
                          const std::vector<Scratch::Hit>& hits, size_t first_hit, size_t last_hit,
                          size_t* match_begin, size_t* match_end);
  // Fills Rule::literal_starts, or drops Rule::literal when an alternative holds no atom.
  void PlaceLiteralStarts(int index, const std::map<std::string, int>& atom_index);
  // Runs the rule of `found` again for its named groups and fills the fields of `result`
  // that are still empty.
  void Capture(const Scratch::Found& found, std::string_view text, Scratch* scratch,
               Classification* result) const;
  Classification Decide(Scratch* scratch, std::string_view text) const;
  // Classify() once scratch->hits holds the text's hits, in order of their begin.
  Classification ClassifyHits(std::string_view text, Scratch* scratch) const;

  std::vector<RuleInfo> infos_;
  std::vector<Rule> rules_;
  std::vector<std::vector<int>> atom_rules_;  // atom index -> rules that own it
  LiteralSieve sieve_;
  PeerRules peer_rules_;
};

}  // namespace sockfilter
