#include "filters/signature.h"

#include <array>
#include <bit>
#include <cstring>
#include <memory>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "filters/body_memo.h"
#include "filters/header_scanner.h"
#include "filters/line_memo.h"
#include "filters/stream_hash.h"

namespace sockfilter {

namespace {

enum CharClass : uint8_t { kDigit = 1, kHex = 2, kWord = 4, kBlank = 8, kSpecial = 16 };

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = kDigit | kHex | kWord;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = kWord | (c <= 'f' ? kHex : 0);
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = kWord | (c <= 'F' ? kHex : 0);
  t['_'] = kWord;
  t[' '] = kBlank;
  t['\t'] = kBlank;
  t[':'] = kSpecial;  // may start an IPv6 address ("::1")
  t['\r'] = kSpecial;
  return t;
}
constexpr std::array<uint8_t, 256> kClasses = MakeClasses();

inline uint8_t ClassAt(std::string_view s, size_t i) {
  return i < s.size() ? kClasses[static_cast<uint8_t>(s[i])] : 0;
}
inline bool Is(std::string_view s, size_t i, uint8_t cls) { return (ClassAt(s, i) & cls) != 0; }

class StringOut {
 public:
  explicit StringOut(std::string* s) : s_(s) {}
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
  if (i + 36 > s.size() || s[i + 8] != '-') return 0;
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
      size_t letters = i;
      while (i < end && !Is(s, i, kDigit)) ++i;
      out->Append(s.substr(letters, i - letters));
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
  if (Is(s, i, kHex) && Is(s, RunEnd(s, i, kHex), kSpecial)) {
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

// Finds, for the masking loop, the next position at or after `i` where masking may change
// something, or where a token that changes starts: a digit, a tab, a ':' or '\r', a space
// followed by a blank, or the start of 8 hex letters ("deadbeef" is masked though it has
// no digit); or a position near the end, from where the loop looks byte by byte. Every
// byte before it is plain text that the byte-by-byte loop would hand on unchanged: words
// without a digit and without 8 hex letters, single spaces, other punctuation.
//
// A window of 16 positions is classified at once (SSE2, reading 32 bytes: the byte after
// each for "  ", the 7 after each for runs of hex letters) and its mask kept, since a line
// of numbers asks again every few bytes.
class PlainSkipper {
 public:
  explicit PlainSkipper(std::string_view s) : s_(s) {}

  size_t Next(size_t i) {
#if defined(__SSE2__)
    while (i + 32 <= s_.size()) {
      if (i < base_ || i >= base_ + 16) {
        base_ = i;
        bits_ = Window(s_.data() + i);
      }
      uint32_t rest = bits_ >> (i - base_);
      if (rest != 0) return i + static_cast<size_t>(std::countr_zero(rest));
      i = base_ + 16;
    }
#endif
    return i;
  }

 private:
#if defined(__SSE2__)
  static uint32_t Window(const char* p) {
    auto in_range = [](__m128i x, char low, char span) {  // low <= x <= low + span
      __m128i d = _mm_sub_epi8(x, _mm_set1_epi8(low));
      return _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(span)), d);
    };
    auto is = [](__m128i x, char c) { return _mm_cmpeq_epi8(x, _mm_set1_epi8(c)); };
    auto mask = [](__m128i m) { return static_cast<uint32_t>(_mm_movemask_epi8(m)); };
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
    const __m128i case_bit = _mm_set1_epi8(0x20);
    uint32_t found = mask(_mm_or_si128(_mm_or_si128(in_range(a, '0', 9), is(a, '\t')),
                                       _mm_or_si128(is(a, ':'), is(a, '\r'))));
    const uint32_t blank = mask(_mm_or_si128(is(a, ' '), is(a, '\t'))) |
                           mask(_mm_or_si128(is(b, ' '), is(b, '\t'))) << 16;
    found |= mask(is(a, ' ')) & (blank >> 1);
    uint32_t hex = mask(in_range(_mm_or_si128(a, case_bit), 'a', 5)) |
                   mask(in_range(_mm_or_si128(b, case_bit), 'a', 5)) << 16;
    hex &= hex >> 1;
    hex &= hex >> 2;
    hex &= hex >> 4;  // a bit for each start of 8 hex letters
    return (found | hex) & 0xffff;
  }
#endif

  std::string_view s_;
  size_t base_ = ~size_t{0} >> 1;  // the window's first position; none yet
  uint32_t bits_ = 0;              // of the window's positions that need a look
};

// Writes the body with variable parts masked, blanks collapsed and "\r\n" read as "\n".
// Text that stays as it is (most of it: words without digits, punctuation, single spaces)
// is handed on in whole segments; only what changes goes through the slower matchers.
template <class Out>
class Masker {
 public:
  // `skip_plain` false: every byte through the loop below (the reference for tests).
  Masker(std::string_view s, Out* out, bool skip_plain = true)
      : s_(s), out_(out), skip_plain_(skip_plain), skipper_(s) {}

  void Run() {
    size_t i = 0;
    while (i < s_.size()) {
      // Plain text is passed over in steps; the loop below resumes at the start of the
      // word that holds what SkipPlain found, as it would have reached it byte by byte.
      size_t next = skip_plain_ ? skipper_.Next(i) : i;
      if (next > i && next < s_.size() && Is(s_, next, kWord)) {
        while (next > i && Is(s_, next - 1, kWord)) --next;
      }
      i = next;
      if (i >= s_.size()) break;
      uint8_t cls = kClasses[static_cast<uint8_t>(s_[i])];
      if (cls & kWord) {
        i = Word(i);
      } else if (cls & kBlank) {
        i = Blanks(i);
      } else if (cls & kSpecial) {
        i = Special(i);
      } else {
        ++i;
      }
    }
    Keep(s_.size());
  }

 private:
  // Hands on the unchanged text before `end`.
  void Keep(size_t end) {
    if (end > kept_) out_->Append(s_.substr(kept_, end - kept_));
    kept_ = end;
  }
  void Replace(size_t begin, size_t end, std::string_view with) {
    Keep(begin);
    out_->Append(with);
    kept_ = end;
  }

  size_t Word(size_t i) {
    uint8_t all = 0xff, any = 0;
    size_t end = i;
    for (; end < s_.size(); ++end) {
      uint8_t c = kClasses[static_cast<uint8_t>(s_[end])];
      if (!(c & kWord)) break;
      all &= c;
      any |= c;
    }
    // Without a digit only a long hex word (or a UUID, which starts with one) changes.
    if (!(any & kDigit) && !((all & kHex) && end - i >= 8)) return end;
    // The commonest case, a few digits that nothing after or before makes more (a
    // fraction, an address, an id after '@'), is "<N>" without MaskWord's matchers, as
    // MaskWord would have it; the byte-by-byte reference keeps asking them.
    const bool short_number = (all & kDigit) && end - i < 8;
    if (skip_plain_ && short_number && !ContinuesNumber(end) &&
        !(i > 0 && s_[i - 1] == '@' && end - i >= 4)) {
      Replace(i, end, "<N>");
      return end;
    }
    Keep(i);
    kept_ = MaskWord(s_, i, out_);
    return kept_;
  }

  // A '.' (fraction, IPv4), ':' or '\r' (IPv6, which MaskWord tries on hex before those)
  // right after a number.
  bool ContinuesNumber(size_t end) const {
    if (end >= s_.size()) return false;
    char c = s_[end];
    return c == '.' || c == ':' || c == '\r';
  }

  size_t Blanks(size_t i) {
    size_t end = RunEnd(s_, i, kBlank);
    if (end == i + 1 && s_[i] == ' ') return end;
    Replace(i, end, " ");
    return end;
  }

  size_t Special(size_t i) {
    if (s_[i] == '\r' && i + 1 < s_.size() && s_[i + 1] == '\n') {
      Replace(i, i + 1, "");
    } else if (s_[i] == ':' && IsIpv6Start(s_, i)) {
      size_t end = MatchIpv6(s_, i);
      Replace(i, end, "<IP6>");
      return end;
    }
    return i + 1;
  }

  std::string_view s_;
  Out* out_;
  size_t kept_ = 0;  // text before this index has been handed on
  bool skip_plain_;
  PlainSkipper skipper_;
};

template <class Out>
void MaskBody(std::string_view s, Out* out) {
  Masker<Out>(s, out).Run();
}

template <class Out>
void RawBody(std::string_view s, Out* out) {
  for (size_t cr = s.find("\r\n"); cr != std::string_view::npos; cr = s.find("\r\n")) {
    out->Append(s.substr(0, cr));
    s.remove_prefix(cr + 1);
  }
  out->Append(s);
}

// The event's text without the first line's header and without its final terminator.
std::string_view Body(std::string_view raw, bool json) {
  if (!raw.empty() && raw.back() == '\n') raw.remove_suffix(1);
  if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
  size_t first_end = raw.find('\n');
  std::string_view first = raw.substr(0, first_end);
  return raw.substr(HeaderLength(first, json));
}

// A line without the '\r' of its "\r\n" terminator; `end` is where the line ends in the body
// (npos for the last line, whose final '\r' is text).
std::string_view WithoutCr(std::string_view line, size_t end) {
  if (end != std::string_view::npos && !line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
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

// The memos: of whole bodies of several lines, of continuation lines (for each, the bytes
// it adds to the normalized text, a "\n" and the line masked), and of the pieces of a line
// between "\n" escapes (a JSON record's stack trace: its frames repeat as lines do).
class Signer::Memo {
 public:
  BodyMemo bodies;

  // Adds `piece` masked to `hash`. `piece` begins at the backslash of a "\n" escape (see
  // Signer::Sign).
  void AppendPiece(std::string_view piece, StreamHash* hash) {
    AppendMasked(&pieces_, "", piece, hash);
  }

  // Adds "\n" and `line` masked to `hash`. `line` holds no '\n' and not the '\r' of a
  // "\r\n".
  void AppendLine(std::string_view line, StreamHash* hash) {
    AppendMasked(&lines_, "\n", line, hash);
  }

 private:
  // Adds `lead` and `text` masked to `hash`, remembered in `memo` by the bytes of `text`.
  void AppendMasked(LineMemo* memo, std::string_view lead, std::string_view text,
                    StreamHash* hash) {
    std::string_view known;
    if (memo->Find(text, &known)) {
      hash->Append(known);
      return;
    }
    masked_.assign(lead);
    StringOut out(&masked_);
    MaskBody(text, &out);
    hash->Append(masked_);
    memo->Store(text, masked_);
  }

  LineMemo lines_;
  LineMemo pieces_;
  std::string masked_;  // the text being masked, reused
};

namespace {

// Where the next piece of a one-line body begins: the backslash of the next "\n" escape
// after `from`, or npos.
size_t NextEscapedNewline(std::string_view body, size_t from) {
  for (size_t at = body.find('\\', from); at != std::string_view::npos;
       at = body.find('\\', at + 2)) {
    if (at + 1 < body.size() && body[at + 1] == 'n') return at;
  }
  return std::string_view::npos;
}

}  // namespace

Signer::Signer(SignatureMode mode) : mode_(mode) {}
Signer::~Signer() = default;
Signer::Signer(const Signer& other) : mode_(other.mode_) {}
Signer& Signer::operator=(const Signer& other) {
  mode_ = other.mode_;
  memo_.reset();
  return *this;
}

uint64_t Signer::Sign(std::string_view raw, bool json) {
  StreamHash hash;
  if (mode_ == SignatureMode::kRaw) {
    Emit(mode_, raw, json, &hash);
    return hash.Final();
  }
  // Line by line, which masks exactly as MaskBody does over the whole body: no mask looks
  // across a '\n', and the '\r' of a "\r\n" is dropped here instead.
  std::string_view body = Body(raw, json);
  size_t end = body.find('\n');
  if (end == std::string_view::npos) {
    // A one-line body with "\n" escapes (a JSON record's stack trace) is masked piece by
    // piece, each piece from a backslash to the next: no mask reads past a backslash or
    // begins on one, so the pieces mask as the whole does, and the pieces after the first
    // (the frames) are remembered.
    size_t cut = NextEscapedNewline(body, 0);
    if (cut == std::string_view::npos) {
      MaskBody(body, &hash);
      return hash.Final();
    }
    if (memo_ == nullptr) memo_ = std::make_unique<Memo>();
    MaskBody(body.substr(0, cut), &hash);
    while (cut != std::string_view::npos) {
      size_t next = NextEscapedNewline(body, cut + 2);
      memo_->AppendPiece(body.substr(cut, next - cut), &hash);
      cut = next;
    }
    return hash.Final();
  }
  // A body of several lines (a stack trace) is signed once per distinct text.
  if (memo_ == nullptr) memo_ = std::make_unique<Memo>();
  uint64_t sig;
  if (memo_->bodies.Find(body, &sig)) return sig;
  MaskBody(WithoutCr(body.substr(0, end), end), &hash);
  while (end != std::string_view::npos) {
    size_t begin = end + 1;
    end = body.find('\n', begin);
    memo_->AppendLine(WithoutCr(body.substr(begin, end - begin), end), &hash);
  }
  sig = hash.Final();
  memo_->bodies.Store(body, sig);
  return sig;
}

std::string Signer::Normalize(std::string_view raw, bool json) const {
  std::string text;
  StringOut out(&text);
  Emit(mode_, raw, json, &out);
  return text;
}

std::string MaskByteByByte(std::string_view text) {
  std::string masked;
  StringOut out(&masked);
  Masker<StringOut>(text, &out, /*skip_plain=*/false).Run();
  return masked;
}

std::string Mask(std::string_view text) {
  std::string masked;
  StringOut out(&masked);
  MaskBody(text, &out);
  return masked;
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
