#include "rules/literal_sieve.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <string>

#include "rules/ascii.h"

namespace sockfilter {

namespace {

// How common a (lower-cased) byte is in log text, 0-255. Only the order matters: the build
// prefers grams of rare bytes, so that ordinary lines seldom pass the first test.
int Commonness(unsigned char c) {
  static const std::string_view kByFrequency =
      " etaoinsrlcdhu0123456789mp.:/-fg=\"_,ybwv()[]k'xjqz";
  size_t rank = kByFrequency.find(static_cast<char>(c));
  if (rank == std::string_view::npos) return 4;
  return 255 - static_cast<int>(rank) * 4;
}

int GramCost(std::string_view gram) {
  int cost = 0;
  for (char c : gram) cost += Commonness(static_cast<unsigned char>(c | 0x20));
  return cost;
}

bool IsWordByte(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

// Words that fill log lines whatever they are about. Rare letters do not make their grams
// rare ("ocke" of every "socket", "xcep" of every "exception"), and a gram that fails on
// every such word costs a look-up and a compare per atom that holds it: the build avoids
// them where the atom offers another.
bool InCommonWord(std::string_view gram) {
  static const std::string_view kWords[] = {
      " connection ", " connect", "socket",  "exception", "[error]", "error",    "failed",
      "file",         "status",   "state",   "server",    "network", "attempt",  "refused",
      "timeout",      " time",    "read",    "write",     "request", "response", "client",
      "host",         "port",     "closed",  "reset",     "by peer", " with ",   " from ",
      " the ",        " and ",    " for ",   " to ",      "ing ",    "tion",     "java",
      "http",         "info",     "warn",    "debug",     "message", "code",     "type",
      "thread",       "service",  "handler", "\":\"",     "\",\"",   "\":",      "org.",
      "com.",         ".java",    "true",    "false",     "null",    "upstream", "while"};
  // Every gram of every word, once: the build asks for each gram of each atom.
  static const std::set<std::string, std::less<>> kGrams = [] {
    std::set<std::string, std::less<>> grams;
    for (std::string_view word : kWords) {
      for (size_t i = 0; i + LiteralSieve::kGram <= word.size(); ++i)
        grams.emplace(word.substr(i, LiteralSieve::kGram));
    }
    return grams;
  }();
  if (gram.size() == LiteralSieve::kGram) return kGrams.count(gram) > 0;
  for (std::string_view word : kWords) {
    if (word.find(gram) != std::string_view::npos) return true;
  }
  return false;
}

// The cost of the gram at `offset` of `atom` (lower case). The first letters of a word
// ("conn", "java", "read") are the most frequent grams of log text, more than their letters
// say: a gram that starts a word costs extra, and one inside a common word more.
int PlacedGramCost(const std::string& atom, size_t offset) {
  std::string_view gram = std::string_view(atom).substr(offset, LiteralSieve::kGram);
  int cost = GramCost(gram);
  bool word_start = IsWordByte(atom[offset]) && (offset == 0 || !IsWordByte(atom[offset - 1]));
  if (word_start) cost += 160;
  if (InCommonWord(gram)) cost += 600;
  return cost;
}

std::string MaskOf(const std::string& lower) {
  std::string mask(lower.size(), '\0');
  for (size_t i = 0; i < lower.size(); ++i) {
    if (lower[i] >= 'a' && lower[i] <= 'z') mask[i] = 0x20;
  }
  return mask;
}

uint64_t Word(const std::string& s, size_t at) {
  uint64_t word;
  std::memcpy(&word, s.data() + at, sizeof word);
  return word;
}

}  // namespace

double LiteralSieve::Commonness(std::string_view text) {
  if (text.empty()) return 255;
  // Every byte fewer than 16 adds a common byte's weight: a short literal finds more lines.
  double cost = GramCost(text) + (text.size() < 16 ? (16 - text.size()) * 255.0 : 0);
  return cost / std::max<size_t>(text.size(), 16);
}

LiteralSieve LiteralSieve::Build(const std::vector<std::string>& atoms) {
  LiteralSieve sieve;
  sieve.atoms_ = atoms;
  sieve.bits_.assign(131072 / 64, 0);
  if (atoms.empty()) return sieve;
  for (const std::string& atom : atoms) {
    std::string lower = AsciiLower(atom);
    sieve.masks_.push_back(MaskOf(lower));
    sieve.lower_.push_back(std::move(lower));
  }
  size_t shortest = std::numeric_limits<size_t>::max();
  for (const std::string& atom : atoms) shortest = std::min(shortest, atom.size());
  sieve.stride_ = shortest - kGram + 1;

  // For each atom and each alignment class of the sampled windows, the rarest gram.
  std::map<uint32_t, std::vector<Entry>> by_key;
  for (size_t a = 0; a < atoms.size(); ++a) {
    const std::string& atom = sieve.lower_[a];
    for (size_t cls = 0; cls < sieve.stride_; ++cls) {
      size_t best = cls;
      for (size_t o = cls; o + kGram <= atom.size(); o += sieve.stride_) {
        if (PlacedGramCost(atom, o) < PlacedGramCost(atom, best)) best = o;
      }
      Entry entry = {0,
                     0,
                     static_cast<uint32_t>(a),
                     static_cast<uint32_t>(atom.size()),
                     static_cast<uint32_t>(best),
                     0};
      if (atom.size() >= kWord) {
        // The 8 bytes right after the gram tell apart the atoms that share it ("[errno 104]"
        // and "[errno 110]"); the gram itself has already passed.
        entry.window = static_cast<uint32_t>(std::min(best + kGram, atom.size() - kWord));
        entry.want = Word(atom, entry.window);
        entry.mask = Word(sieve.masks_[a], entry.window);
      }
      by_key[Fold(atom.data() + best)].push_back(entry);
    }
  }
  size_t size = 16;
  while (size < by_key.size() * 2) size *= 2;
  sieve.slots_.assign(size, Slot());
  for (auto& [key, entries] : by_key) {
    uint32_t h = Hash(key);
    sieve.bits_[h >> 6] |= uint64_t{1} << (h & 63);
    size_t i = h & (size - 1);
    while (sieve.slots_[i].count != 0) i = (i + 1) & (size - 1);
    sieve.slots_[i] = {key, static_cast<uint32_t>(sieve.entries_.size()),
                       static_cast<uint32_t>(entries.size())};
    sieve.entries_.insert(sieve.entries_.end(), entries.begin(), entries.end());
  }
  return sieve;
}

const LiteralSieve::Slot* LiteralSieve::Find(uint32_t key) const {
  size_t mask = slots_.size() - 1;
  for (size_t i = Hash(key) & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.count == 0) return nullptr;
    if (slot.key == key) return &slot;
  }
}

bool LiteralSieve::Verify(uint32_t atom, const char* p) const {
  const std::string& lower = lower_[atom];
  const size_t size = lower.size();
  if (size < kWord) {
    for (size_t i = 0; i < size; ++i) {
      if (AsciiLower(p[i]) != lower[i]) return false;
    }
    return true;
  }
  // Whole words, the last one overlapping the one before when the size is no multiple of 8.
  const std::string& mask = masks_[atom];
  for (size_t i = 0;; i += kWord) {
    if (i + kWord > size) i = size - kWord;
    if ((Load(p + i) | Word(mask, i)) != Word(lower, i)) return false;
    if (i + kWord == size) return true;
  }
}

}  // namespace sockfilter
