#include "filters/signature.h"

#include <array>

#include "filters/header_scanner.h"

namespace sockfilter {

namespace {

enum CharClass : uint8_t { kDigit = 1, kHex = 2, kWord = 4, kBlank = 8 };

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = kDigit | kHex | kWord;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = kWord | (c <= 'f' ? kHex : 0);
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = kWord | (c <= 'F' ? kHex : 0);
  t['_'] = kWord;
  t[' '] = kBlank;
  t['\t'] = kBlank;
  return t;
}
constexpr std::array<uint8_t, 256> kClasses = MakeClasses();

inline uint8_t ClassAt(std::string_view s, size_t i) {
  return i < s.size() ? kClasses[static_cast<uint8_t>(s[i])] : 0;
}
inline bool Is(std::string_view s, size_t i, uint8_t cls) { return (ClassAt(s, i) & cls) != 0; }

// A streaming 64-bit hash: bytes are gathered into little-endian words by shifting (so
// the result does not depend on the machine), each word is mixed in with two multiplies,
// and the length and a final avalanche (MurmurHash3's fmix64) close it.
class StreamHash {
 public:
  void Put(char c) {
    word_ |= uint64_t{static_cast<uint8_t>(c)} << (8 * fill_);
    if (++fill_ == 8) MixWord();
  }
  void Append(std::string_view s) {
    for (char c : s) Put(c);
  }
  uint64_t Final() {
    uint64_t total = length_ + fill_;
    if (fill_ > 0) MixWord();
    uint64_t h = state_ ^ total;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
  }

 private:
  void MixWord() {
    uint64_t k = word_ * 0x87c37b91114253d5ULL;
    k = (k << 31) | (k >> 33);
    state_ ^= k * 0x4cf5ad432745937fULL;
    state_ = ((state_ << 27) | (state_ >> 37)) * 5 + 0x52dce729;
    length_ += 8;
    word_ = 0;
    fill_ = 0;
  }

  uint64_t state_ = 0x9e3779b97f4a7c15ULL;
  uint64_t word_ = 0;
  uint64_t length_ = 0;
  unsigned fill_ = 0;
};

class StringOut {
 public:
  explicit StringOut(std::string* s) : s_(s) {}
  void Put(char c) { s_->push_back(c); }
  void Append(std::string_view s) { s_->append(s); }

 private:
  std::string* s_;
};

// End of a run of characters of class `cls` starting at `i`.
size_t RunEnd(std::string_view s, size_t i, uint8_t cls) {
  while (Is(s, i, cls)) ++i;
  return i;
}

// 8-4-4-4-12 hex digits, not followed by a word character; returns the end or 0.
size_t MatchUuid(std::string_view s, size_t i) {
  static constexpr int kGroups[] = {8, 4, 4, 4, 12};
  for (int g = 0; g < 5; ++g) {
    if (g > 0) {
      if (i >= s.size() || s[i] != '-') return 0;
      ++i;
    }
    size_t end = RunEnd(s, i, kHex);
    if (end - i != static_cast<size_t>(kGroups[g])) return 0;
    i = end;
  }
  return Is(s, i, kWord) ? 0 : i;
}

// 1-3 digits; returns the end or 0.
size_t Octet(std::string_view s, size_t i) {
  size_t end = RunEnd(s, i, kDigit);
  return (end > i && end - i <= 3) ? end : 0;
}

// a.b.c.d with an optional :port, not followed by a word character; returns the end or 0.
size_t MatchIpv4(std::string_view s, size_t i) {
  for (int k = 0; k < 4; ++k) {
    if (k > 0) {
      if (i >= s.size() || s[i] != '.') return 0;
      ++i;
    }
    i = Octet(s, i);
    if (i == 0) return 0;
  }
  if (Is(s, i, kWord)) return 0;
  if (i < s.size() && s[i] == ':') {
    size_t end = RunEnd(s, i + 1, kDigit);
    if (end > i + 1 && end - (i + 1) <= 5 && !Is(s, end, kWord)) return end;
  }
  return i;
}

// An IPv6 address: hex groups of at most 4 digits separated by colons, with "::" or at
// least five colons and at least one decimal digit (so `12:30:05` stays a time and C++'s
// `a::b` stays a name). Returns the end or 0.
size_t MatchIpv6(std::string_view s, size_t i) {
  size_t colons = 0, group = 0;
  bool digit = false, double_colon = false;
  size_t j = i;
  for (; j < s.size(); ++j) {
    char c = s[j];
    if (c == ':') {
      if (j > i && s[j - 1] == ':') {
        if (double_colon) return 0;
        double_colon = true;
      }
      ++colons;
      group = 0;
    } else if (Is(s, j, kHex)) {
      if (++group > 4) return 0;
      digit |= Is(s, j, kDigit);
    } else {
      break;
    }
  }
  if (s[j - 1] == ':' && !(j >= i + 2 && s[j - 2] == ':')) {  // a trailing ':' is text
    --j;
    --colons;
  }
  if (colons < 2 || !digit || !(double_colon || colons >= 5)) return 0;
  return Is(s, j, kWord) ? 0 : j;
}

// "::1", "::ffff:10.0.0.1": an address that starts with "::" after a non-word character.
bool IsIpv6Start(std::string_view s, size_t i) {
  return i + 1 < s.size() && s[i + 1] == ':' && (i == 0 || !Is(s, i - 1, kWord)) &&
         MatchIpv6(s, i) != 0;
}

bool AllHex(std::string_view s, size_t i, size_t end) { return RunEnd(s, i, kHex) >= end; }

bool HasDigit(std::string_view s, size_t i, size_t end) {
  for (; i < end; ++i) {
    if (Is(s, i, kDigit)) return true;
  }
  return false;
}

// Writes the word [i, end) with each run of digits masked; a decimal fraction right after
// the word's last digits ("1.5s") is part of the number. Returns where scanning resumes.
template <class Out>
size_t MaskDigits(std::string_view s, size_t i, size_t end, Out* out) {
  while (i < end) {
    if (!Is(s, i, kDigit)) {
      out->Put(s[i++]);
      continue;
    }
    size_t run = i;
    i = RunEnd(s, i, kDigit);
    out->Append("<N>");
    // "2.5" is one number, but "4.1.100" stays three, from whichever end it is read.
    bool dotted_before = run >= 2 && s[run - 1] == '.' && Is(s, run - 2, kDigit);
    if (!dotted_before && i == end && i + 1 < s.size() && s[i] == '.' && Is(s, i + 1, kDigit)) {
      size_t frac = RunEnd(s, i + 1, kDigit);
      bool dotted_more = frac + 1 < s.size() && s[frac] == '.' && Is(s, frac + 1, kDigit);
      if (!dotted_more) {
        end = RunEnd(s, frac, kWord);  // a unit after the fraction stays ("s", "ms")
        i = frac;
      }
    }
  }
  return end;
}

// One word (a run of letters, digits and '_') starting at `i`, or a longer token that
// starts there (UUID, address). Returns where scanning resumes.
template <class Out>
size_t MaskWord(std::string_view s, size_t i, Out* out) {
  size_t end = RunEnd(s, i, kWord);
  if (size_t u = MatchUuid(s, i)) {
    out->Append("<UUID>");
    return u;
  }
  if (Is(s, i, kDigit)) {
    if (size_t ip = MatchIpv4(s, i)) {
      out->Append("<IP>");
      return ip;
    }
  }
  if (Is(s, i, kHex)) {
    if (size_t ip = MatchIpv6(s, i)) {
      out->Append("<IP6>");
      return ip;
    }
  }
  size_t len = end - i;
  bool hex0x =
      len > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X') && AllHex(s, i + 2, end);
  bool long_hex = len >= 8 && AllHex(s, i, end);
  // `Object@5e2de80c`, `Handler@1b6d35`: identity hashes are printed without a fixed width.
  bool at_hex = i > 0 && s[i - 1] == '@' && len >= 4 && AllHex(s, i, end) && HasDigit(s, i, end);
  if (hex0x || long_hex || at_hex) {
    out->Append("<HEX>");
    return end;
  }
  return MaskDigits(s, i, end, out);
}

// The body with variable parts masked, blanks collapsed and "\r\n" read as "\n".
template <class Out>
void MaskBody(std::string_view s, Out* out) {
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    uint8_t cls = kClasses[static_cast<uint8_t>(c)];
    if (cls & kWord) {
      i = MaskWord(s, i, out);
    } else if (cls & kBlank) {
      out->Put(' ');
      i = RunEnd(s, i, kBlank);
    } else if (c == ':' && IsIpv6Start(s, i)) {
      out->Append("<IP6>");
      i = MatchIpv6(s, i);
    } else if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
      ++i;
    } else {
      out->Put(c);
      ++i;
    }
  }
}

template <class Out>
void RawBody(std::string_view s, Out* out) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
    out->Put(s[i]);
  }
}

// The event's text without the first line's header and without its final terminator.
std::string_view Body(std::string_view raw, bool json) {
  if (!raw.empty() && raw.back() == '\n') raw.remove_suffix(1);
  if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
  size_t first_end = raw.find('\n');
  std::string_view first = raw.substr(0, first_end);
  return raw.substr(HeaderLength(first, json));
}

template <class Out>
void Emit(SignatureMode mode, std::string_view raw, bool json, Out* out) {
  std::string_view body = Body(raw, json);
  if (mode == SignatureMode::kRaw) {
    RawBody(body, out);
  } else {
    MaskBody(body, out);
  }
}

}  // namespace

bool ParseSignatureMode(std::string_view text, SignatureMode* mode) {
  if (text == "normalized") {
    *mode = SignatureMode::kNormalized;
  } else if (text == "raw") {
    *mode = SignatureMode::kRaw;
  } else {
    return false;
  }
  return true;
}

uint64_t Signer::Sign(std::string_view raw, bool json) const {
  StreamHash hash;
  Emit(mode_, raw, json, &hash);
  return hash.Final();
}

std::string Signer::Normalize(std::string_view raw, bool json) const {
  std::string text;
  StringOut out(&text);
  Emit(mode_, raw, json, &out);
  return text;
}

size_t HeaderLength(std::string_view line, bool json) { return HeaderScanner(line).Length(json); }

void FormatSignature(uint64_t sig, char* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (int k = 15; k >= 0; --k) {
    out[k] = kDigits[sig & 15];
    sig >>= 4;
  }
}

std::string FormatSignature(uint64_t sig) {
  std::string s(16, '0');
  FormatSignature(sig, s.data());
  return s;
}

}  // namespace sockfilter
