#include "rules/classifier.h"

#include <re2/filtered_re2.h>
#include <re2/re2.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "rules/rule_problems.h"

namespace sockfilter {

namespace {

constexpr int kMaxGroups = 16;

std::string RuleError(const ClassifyRuleSpec& spec, const std::string& problem) {
  return spec.source + ": rule " + spec.id + ": " + problem;
}

re2::RE2::Options PatternOptions() {
  re2::RE2::Options options;
  options.set_log_errors(false);
  return options;
}

// The literal atoms any match of `pattern` must contain one of (lower case), from RE2's
// FilteredRE2; empty when the pattern has no literal of LiteralSieve::kMinAtom bytes.
//
// FilteredRE2 gives every atom of the pattern's prefilter, an AND/OR formula: for `a.*b`
// both a and b, though either alone suffices to find every match. So the set is then
// reduced: an atom is dropped (the most common text first) while the remaining ones still cover
// every match, that is while the pattern is not a potential match of a text that holds every atom
// except the remaining ones.
//
// The rules' own shortest literals that no alternative can replace ("etimedout", "[errno 9]")
// have 9 bytes; a shorter atom would shrink the sieve's stride for every rule.
constexpr size_t kShortAtom = 9;

//
// `required` gets the atoms that every match contains (a text holding every other atom but
// not this one cannot match): a line without one of them needs no RE2 search.
//
// `filter` holds the rule's pattern alone (its RE2 is the one the rule matches with).
std::vector<std::string> AtomsOf(re2::FilteredRE2& filter, std::vector<std::string>* required) {
  std::vector<std::string> atoms;
  filter.Compile(&atoms);
  auto covers = [&](const std::vector<bool>& kept) {
    std::vector<int> others;
    for (size_t i = 0; i < atoms.size(); ++i)
      if (!kept[i]) others.push_back(static_cast<int>(i));
    std::vector<int> potential;
    filter.AllPotentials(others, &potential);
    return potential.empty();
  };
  std::vector<bool> kept(atoms.size(), true);
  if (!covers(kept)) return {};  // unfiltered: a potential match of any text
  for (size_t i = 0; i < atoms.size(); ++i) {
    std::vector<bool> only(atoms.size(), false);
    only[i] = true;
    if (covers(only)) required->push_back(atoms[i]);
  }
  std::vector<size_t> order(atoms.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  // The shortest atom of all rules sets the sieve's stride, how often it looks at every
  // line: an atom shorter than kShortAtom goes first when the pattern offers another (the
  // " - - sc-- " of a haproxy line rather than its "haproxy["), then the most common text.
  auto short_by = [&](size_t i) { return kShortAtom - std::min(atoms[i].size(), kShortAtom); };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (short_by(a) != short_by(b)) return short_by(a) > short_by(b);
    return LiteralSieve::Commonness(atoms[a]) > LiteralSieve::Commonness(atoms[b]);
  });
  for (size_t i : order) {
    kept[i] = false;
    if (!covers(kept)) kept[i] = true;
  }
  std::vector<std::string> reduced;
  for (size_t i = 0; i < atoms.size(); ++i)
    if (kept[i]) reduced.push_back(atoms[i]);
  return reduced;
}

// The byte of `literal` least common in log text: where ContainsFolded looks first.
uint32_t AnchorOf(const std::string& literal) {
  uint32_t best = 0;
  for (uint32_t i = 1; i < literal.size(); ++i) {
    if (LiteralSieve::Commonness(literal.substr(i, 1)) <
        LiteralSieve::Commonness(literal.substr(best, 1)))
      best = i;
  }
  return best;
}

// Whether `text` holds `literal` (ASCII lower case) in any ASCII case: each place of its
// anchor byte, in either case, is compared whole.
bool ContainsFolded(std::string_view text, const std::string& literal, uint32_t anchor) {
  if (literal.size() > text.size()) return false;
  const char lower = literal[anchor];
  const char upper = lower >= 'a' && lower <= 'z' ? static_cast<char>(lower - 32) : lower;
  for (char c : {lower, upper}) {
    const char* p = text.data() + anchor;
    const char* last = text.data() + text.size() - (literal.size() - anchor);  // last place
    while (p <= last) {
      p = static_cast<const char*>(std::memchr(p, c, last - p + 1));
      if (p == nullptr) break;
      const char* at = p - anchor;
      size_t k = 0;
      while (k < literal.size() && AsciiLower(at[k]) == literal[k]) ++k;
      if (k == literal.size()) return true;
      ++p;
    }
    if (upper == lower) break;
  }
  return false;
}

}  // namespace

Classifier::~Classifier() = default;

namespace {

// An event's header: the lines before the one of its primary match (which begins at
// `match_line_begin`), at most two: the record's line, and the message that a logger
// prints under its category line (.NET's console format). Lines after those are the
// trace's, which name code, not peers.
constexpr int kHeaderLines = 2;
std::string_view Header(std::string_view text, size_t match_line_begin) {
  size_t end = 0;
  for (int line = 0; line < kHeaderLines && end < match_line_begin; ++line) {
    size_t newline = text.find('\n', end);
    if (newline == std::string_view::npos) break;
    end = newline + 1;
  }
  return text.substr(0, std::min(end, match_line_begin));
}

}  // namespace

bool Classifier::AddRule(const ClassifyRuleSpec& spec, const std::vector<std::string>& causes,
                         RuleProblems* problems) {
  RuleInfo info;
  info.id = spec.id;
  info.source = spec.source;
  info.root_first = spec.root_first;
  info.description = spec.description;
  info.pattern = spec.pattern;
  info.examples = spec.examples;
  info.counter_examples = spec.counter_examples;
  bool ok = true;
  if (spec.kind == ClassifyRuleSpec::Kind::kCause) {
    auto it = std::find(causes.begin(), causes.end(), spec.cause);
    if (it != causes.end()) {
      info.cause = static_cast<int>(it - causes.begin());
    } else {
      problems->Add(RuleError(spec, "unknown cause `" + spec.cause + "`"));
      ok = false;  // and the pattern's problems are reported too
    }
  }
  Rule rule;
  // The prefilter's FilteredRE2 compiles the pattern anyway: its RE2 is the rule's, not a
  // second compile of the same pattern (half the work of a start).
  rule.filter = std::make_unique<re2::FilteredRE2>(static_cast<int>(LiteralSieve::kMinAtom));
  int id = 0;
  if (rule.filter->Add(spec.pattern, PatternOptions(), &id) != re2::RE2::NoError) {
    re2::RE2 bad(spec.pattern, PatternOptions());  // for RE2's message, which Add drops
    problems->Add(RuleError(spec, "bad pattern: " + bad.error() + " at `" + bad.error_arg() + "`"));
    return false;
  }
  rule.regex = &rule.filter->GetRE2(id);
  rule.groups = 1;
  rule.literal = LiteralRule::Parse(spec.pattern);
  for (const auto& [name, index] : rule.regex->NamedCapturingGroups()) {
    int* slot = name == "peer"                               ? &rule.peer
                : name == "errno"                            ? &rule.errno_group
                : (name == "endpoint" || name == "upstream") ? &rule.endpoint
                                                             : nullptr;
    if (slot == nullptr) {
      problems->Add(RuleError(
          spec, "unknown capture name `" + name + "` (use peer, errno, endpoint or upstream)"));
      return false;
    }
    if (index >= kMaxGroups) {
      problems->Add(RuleError(spec, "too many groups before `" + name + "`"));
      return false;
    }
    *slot = index;
    rule.groups = std::max(rule.groups, index + 1);
  }
  std::vector<std::string> required;
  info.atoms = AtomsOf(*rule.filter, &required);
  for (const std::string& atom : required) {
    // The prefilter sends a rule only lines that hold one of its atoms: a sole one is there.
    // FilteredRE2 lower-cases beyond ASCII, which ContainsFolded does not: such atoms stay out.
    if ((info.atoms.size() == 1 && atom == info.atoms[0]) || !IsAscii(atom)) continue;
    rule.required.emplace_back(atom, AnchorOf(atom));
  }
  if (info.atoms.empty()) {
    problems->Add(RuleError(spec, "pattern has no literal text of " +
                                      std::to_string(LiteralSieve::kMinAtom) +
                                      "+ bytes that every match contains (needed by the "
                                      "prefilter)"));
    return false;
  }
  if (!ok) return false;
  infos_.push_back(std::move(info));
  rules_.push_back(std::move(rule));
  return true;
}

Result<std::shared_ptr<const Classifier>> Classifier::Compile(
    const std::vector<ClassifyRuleSpec>& specs, const std::vector<std::string>& causes,
    ExampleChecks checks, const std::vector<PeerRuleSpec>& peers) {
  if (causes.size() > kMaxCauses)
    return Status::Error("too many causes (" + std::to_string(causes.size()) + ", at most 32)");
  std::shared_ptr<Classifier> c(new Classifier());
  // Every rule's problems are reported: a rule that cannot be compiled is left out, and the
  // others are compiled and their examples checked all the same.
  RuleProblems problems;
  std::vector<int> rule_of(specs.size(), -1);  // spec -> its rule; -1 when left out
  for (size_t s = 0; s < specs.size(); ++s) {
    if (c->AddRule(specs[s], causes, &problems))
      rule_of[s] = static_cast<int>(c->rules_.size()) - 1;
  }
  std::map<std::string, int> atom_index;
  std::vector<std::string> atoms;
  for (size_t r = 0; r < c->infos_.size(); ++r) {
    for (const std::string& atom : c->infos_[r].atoms) {
      auto [it, added] = atom_index.emplace(atom, static_cast<int>(atoms.size()));
      if (added) {
        atoms.push_back(atom);
        c->atom_rules_.emplace_back();
      }
      c->atom_rules_[it->second].push_back(static_cast<int>(r));
    }
  }
  c->sieve_ = LiteralSieve::Build(atoms);
  for (size_t r = 0; r < c->rules_.size(); ++r)
    c->PlaceLiteralStarts(static_cast<int>(r), atom_index);
  for (size_t s = 0; s < specs.size(); ++s) {
    if (rule_of[s] < 0 || (checks == ExampleChecks::kSkipBuiltIn && specs[s].built_in)) continue;
    c->CheckExamples(specs[s], rule_of[s], &problems);
  }
  for (const PeerRuleSpec& spec : peers) {
    if (!c->peer_rules_.Add(spec, causes, &problems)) continue;
    if (checks == ExampleChecks::kAll || !spec.built_in)
      c->peer_rules_.CheckExamples(spec, &problems);
  }
  if (!problems.empty()) return problems.ToStatus();
  return std::shared_ptr<const Classifier>(std::move(c));
}

void Classifier::PlaceLiteralStarts(int index, const std::map<std::string, int>& atom_index) {
  Rule& rule = rules_[index];
  if (!rule.literal) return;
  // The prefilter finds every occurrence of an atom in any ASCII case, so a match, whose
  // text is an alternative's, holds a hit at each place an atom lies in that alternative.
  for (const std::string& alternative : rule.literal->alternatives()) {
    const std::string text = AsciiLower(alternative);
    bool covered = false;
    for (const std::string& atom : infos_[index].atoms) {
      for (size_t at = text.find(atom); at != std::string::npos; at = text.find(atom, at + 1)) {
        rule.literal_starts.emplace_back(atom_index.at(atom), static_cast<uint32_t>(at));
        covered = true;
      }
    }
    if (!covered) {  // a match might hold no hit: leave the rule to RE2
      rule.literal.reset();
      rule.literal_starts.clear();
      return;
    }
  }
  std::sort(rule.literal_starts.begin(), rule.literal_starts.end());
  rule.literal_starts.erase(std::unique(rule.literal_starts.begin(), rule.literal_starts.end()),
                            rule.literal_starts.end());
}

void Classifier::CheckExamples(const ClassifyRuleSpec& spec, int index,
                               RuleProblems* problems) const {
  for (const std::string& example : spec.examples) {
    std::vector<int> rules = MatchingRules(example);
    if (std::find(rules.begin(), rules.end(), index) == rules.end())
      problems->Add(RuleError(spec, "example does not match: \"" + example + "\""));
  }
  for (const std::string& counter : spec.counter_examples) {
    if (re2::RE2::PartialMatch(counter, *rules_[index].regex))
      problems->Add(RuleError(spec, "counter-example matches: \"" + counter + "\""));
  }
}

void Classifier::CollectHits(std::string_view text, Scratch* scratch) const {
  scratch->hits.clear();
  sieve_.Scan(text, [scratch](int atom, size_t begin) { scratch->hits.push_back({begin, atom}); });
  if (scratch->hits.size() > 1) {
    std::sort(scratch->hits.begin(), scratch->hits.end(),
              [](const Scratch::Hit& a, const Scratch::Hit& b) { return a.begin < b.begin; });
  }
}

bool Classifier::MayMatch(std::string_view text, Scratch* scratch) const {
  CollectHits(text, scratch);
  return !scratch->hits.empty();
}

Classification Classifier::Classify(std::string_view text, Scratch* scratch) const {
  CollectHits(text, scratch);
  return ClassifyHits(text, scratch);
}

Classification Classifier::Classify(std::string_view text, const std::vector<AtomHit>& hits,
                                    uint64_t offset, Scratch* scratch) const {
  scratch->hits.clear();
  for (const AtomHit& hit : hits)
    scratch->hits.push_back({static_cast<size_t>(hit.begin - offset), static_cast<int>(hit.atom)});
  return ClassifyHits(text, scratch);
}

Classification Classifier::ClassifyHits(std::string_view text, Scratch* scratch) const {
  scratch->found.clear();
  if (scratch->hits.empty()) return Classification();
  if (scratch->stamps.size() != rules_.size()) scratch->stamps.assign(rules_.size(), 0);
  const char* data = text.data();
  size_t line_begin = 0, line_end = 0, first_hit = 0;
  bool open = false;
  for (size_t h = 0; h < scratch->hits.size(); ++h) {
    const Scratch::Hit& hit = scratch->hits[h];
    if (!open || hit.begin >= line_end) {
      if (open) MatchLine(text, line_begin, line_end, first_hit, h, scratch);
      first_hit = h;
      const void* nl = hit.begin == 0 ? nullptr : memrchr(data, '\n', hit.begin);
      line_begin = nl ? static_cast<const char*>(nl) - data + 1 : 0;
      nl = memchr(data + hit.begin, '\n', text.size() - hit.begin);
      line_end = nl ? static_cast<const char*>(nl) - data : text.size();
      scratch->line_rules.clear();
      ++scratch->line_serial;
      open = true;
    }
    for (int rule : atom_rules_[hit.atom]) {
      if (scratch->stamps[rule] == scratch->line_serial) continue;
      scratch->stamps[rule] = scratch->line_serial;
      scratch->line_rules.push_back(rule);
    }
  }
  MatchLine(text, line_begin, line_end, first_hit, scratch->hits.size(), scratch);
  return Decide(scratch, text);
}

void Classifier::MatchLine(std::string_view text, size_t begin, size_t end, size_t first_hit,
                           size_t last_hit, Scratch* scratch) const {
  if (end > begin && text[end - 1] == '\r') --end;
  std::sort(scratch->line_rules.begin(), scratch->line_rules.end());
  std::string_view line(text.data() + begin, end - begin);
  LineOutcomes::Handle memo;
  if (const LineOutcomes::Outcome* known =
          scratch->outcomes.Find(line, scratch->line_rules, &memo)) {
    for (uint32_t k = 0; k < known->matches.size(); ++k) {
      const LineOutcomes::Match& m = known->matches[k];
      scratch->found.push_back({m.rule, begin + m.begin, begin + m.end, begin, end, memo, k});
    }
    return;
  }
  LineOutcomes::Outcome* outcome = scratch->outcomes.Start(line, scratch->line_rules, &memo);
  const bool ascii = IsAscii(line);
  for (int rule : scratch->line_rules) {
    Scratch::Found found;
    if (!TryRule(rule, text, begin, end, ascii, *scratch, first_hit, last_hit, &found)) continue;
    if (outcome != nullptr) {
      found.memo = memo;
      found.memo_index = static_cast<uint32_t>(outcome->matches.size());
      outcome->matches.push_back({rule, static_cast<uint32_t>(found.begin - begin),
                                  static_cast<uint32_t>(found.end - begin)});
    }
    scratch->found.push_back(found);
  }
}

// Whether the rule matches, and where, without its groups: RE2 answers that with its DFA,
// several times faster than the engines that track groups, which only the rules that give
// the result's captures need (see Capture).
// The same answer as RE2's unanchored search of `line` (which starts at `line_begin` of the
// event), without its two passes: of the places where the line's hits say a match can
// start, the least where one does (LiteralRule::MatchAt).
bool Classifier::FindLiteral(const Rule& rule, std::string_view line, size_t line_begin,
                             const std::vector<Scratch::Hit>& hits, size_t first_hit,
                             size_t last_hit, size_t* match_begin, size_t* match_end) {
  *match_begin = std::string_view::npos;
  for (size_t h = first_hit; h < last_hit; ++h) {
    for (const auto& [atom, offset] : rule.literal_starts) {
      if (atom != hits[h].atom || hits[h].begin < line_begin + offset) continue;
      const size_t at = hits[h].begin - offset - line_begin;
      size_t end;
      if (at < *match_begin && rule.literal->MatchAt(line, at, &end)) {
        *match_begin = at;
        *match_end = end;
      }
    }
  }
  return *match_begin != std::string_view::npos;
}

bool Classifier::TryRule(int index, std::string_view text, size_t begin, size_t end, bool ascii,
                         const Scratch& scratch, size_t first_hit, size_t last_hit,
                         Scratch::Found* found) const {
  const Rule& rule = rules_[index];
  re2::StringPiece line(text.data() + begin, end - begin);
  const std::string_view view(line.data(), line.size());
  if (rule.literal && ascii) {
    size_t match_begin, match_end;
    if (!FindLiteral(rule, view, begin, scratch.hits, first_hit, last_hit, &match_begin,
                     &match_end))
      return false;
    found->begin = begin + match_begin;
    found->end = begin + match_end;
  } else {
    // Only on ASCII text: under (?i) RE2 would also find a literal spelt with KELVIN SIGN.
    if (ascii) {
      for (const auto& [literal, anchor] : rule.required)
        if (!ContainsFolded(view, literal, anchor)) return false;
    }
    re2::StringPiece match;
    if (!rule.regex->Match(line, 0, line.size(), re2::RE2::UNANCHORED, &match, 1)) return false;
    found->begin = static_cast<size_t>(match.data() - text.data());
    found->end = found->begin + match.size();
  }
  found->rule = index;
  found->line_begin = begin;
  found->line_end = end;
  return true;
}

void Classifier::Capture(const Scratch::Found& found, std::string_view text, Scratch* scratch,
                         Classification* result) const {
  const Rule& rule = rules_[found.rule];
  auto wanted = [](int group, std::string_view field) { return group > 0 && field.empty(); };
  if (!wanted(rule.peer, result->peer) && !wanted(rule.errno_group, result->errno_text) &&
      !wanted(rule.endpoint, result->endpoint))
    return;
  const char* line_start = text.data() + found.line_begin;
  LineOutcomes::Match unremembered{found.rule, 0, 0};  // when the memo no longer holds the line
  LineOutcomes::Match* known = nullptr;
  if (LineOutcomes::Outcome* outcome = scratch->outcomes.Get(found.memo))
    known = &outcome->matches[found.memo_index];
  if (known == nullptr || !known->captured) {
    re2::StringPiece groups[kMaxGroups];
    re2::StringPiece line(line_start, found.line_end - found.line_begin);
    // The match TryRule found, asked for its groups: anchored at both its ends, with the
    // whole line around it for `^`, `$` and `\b`. That is the last step of RE2's own
    // unanchored search (after a forward and a reverse DFA pass to find the match), the
    // same engine on the same span, so the groups are the same for a fraction of the cost.
    if (!rule.regex->Match(line, found.begin - found.line_begin, found.end - found.line_begin,
                           re2::RE2::ANCHOR_BOTH, groups, rule.groups))
      return;
    LineOutcomes::Match* into = known != nullptr ? known : &unremembered;
    auto keep = [&](int group, LineOutcomes::Group* g) {
      if (group <= 0 || groups[group].data() == nullptr) return;
      *g = {static_cast<uint32_t>(groups[group].data() - line_start),
            static_cast<uint32_t>(groups[group].size()), true};
    };
    keep(rule.peer, &into->peer);
    keep(rule.errno_group, &into->errno_text);
    keep(rule.endpoint, &into->endpoint);
    into->captured = true;
    known = into;
  }
  auto fill = [&](int group, const LineOutcomes::Group& g, std::string_view* field) {
    if (group > 0 && field->empty() && g.present)
      *field = std::string_view(line_start + g.begin, g.size);
  };
  fill(rule.peer, known->peer, &result->peer);
  fill(rule.errno_group, known->errno_text, &result->errno_text);
  fill(rule.endpoint, known->endpoint, &result->endpoint);
}

Classification Classifier::Decide(Scratch* scratch, std::string_view text) const {
  Classification result;
  bool root_first = false;
  const Scratch::Found* primary = nullptr;
  for (const Scratch::Found& f : scratch->found) {
    const RuleInfo& info = infos_[f.rule];
    if (info.cause < 0) {
      root_first = root_first || info.root_first;
      continue;
    }
    result.causes |= uint32_t{1} << info.cause;
  }
  for (const Scratch::Found& f : scratch->found) {
    if (infos_[f.rule].cause < 0) continue;
    bool better =
        primary == nullptr || (root_first ? f.begin < primary->begin : f.begin >= primary->begin);
    if (better) primary = &f;
  }
  if (primary == nullptr) return result;
  result.cause = infos_[primary->rule].cause;
  result.rule = primary->rule;
  // The primary match's captures first; a field it leaves empty comes from the first other
  // match (in text order) that captured it.
  Capture(*primary, text, scratch, &result);
  for (const Scratch::Found& f : scratch->found) {
    if (!result.peer.empty() && !result.errno_text.empty() && !result.endpoint.empty()) break;
    if (&f != primary) Capture(f, text, scratch, &result);
  }
  if (result.peer.empty() && !peer_rules_.empty())
    result.peer = peer_rules_.Find(Header(text, primary->line_begin), result.cause);
  return result;
}

std::vector<int> Classifier::MatchingRules(std::string_view line) const {
  Scratch scratch;
  Classify(line, &scratch);
  std::vector<int> rules;
  for (const Scratch::Found& f : scratch.found) rules.push_back(f.rule);
  std::sort(rules.begin(), rules.end());
  rules.erase(std::unique(rules.begin(), rules.end()), rules.end());
  return rules;
}

}  // namespace sockfilter
