#include "analyzer/event_traits.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <iterator>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace sockfilter {

namespace {

// Said of the call that failed. The first line names it more often than the stack trace,
// whose frames mention both reads and writes, so it is asked first.
constexpr std::string_view kWriteWords[] = {
    "Broken pipe", "broken pipe", "EPIPE",  "write", "Write",         "send(",          "sendfile",
    "sendmsg",     "SendBuf",     "writev", "flush", "while sending", "Failed to write"};
constexpr std::string_view kReadWords[] = {"read", "Read", "recv", "Recv", "while reading"};
// An HTTP response on its way to a client (servlet containers, nginx, Node, Python).
constexpr std::string_view kHttpResponseWords[] = {
    "ClientAbortException", "client prematurely closed", "while sending to client",
    "sending response", "write response", "Failed to write response", "HttpServletResponse",
    "ServerResponse", "EofException", "wsgi", "response body", "writing response", "response to ",
    // nginx passing a response on: a failed
    // writev() here is a write to the client
    "while reading upstream"};

// One pass finds every word of the three lists, case-sensitively as written. It steps
// through the text like Wu-Manber: a window of kMinWord bytes is judged by its last two
// bytes, which either show that no word can start in the window's first bytes (then it
// moves up to three bytes on) or select the candidates, whose first two bytes pick the
// words (a bit per word in each table, so the AND is exact for two bytes) that are then
// compared in full.
enum WordKind : uint8_t { kWrite = 1, kRead = 2, kHttp = 4 };

constexpr size_t kMinWord = 4;
constexpr size_t kMaxShift = kMinWord - 1;

// The skip table's index for two bytes: 7 bits of each, so the table is 16 KiB and stays
// in the L1 cache (a 64 KiB table indexed by whole bytes missed it at every step). Bytes
// that differ only in the top bit share an entry, which holds the smaller shift: a shift
// is never too long, only sometimes shorter than it could be.
constexpr size_t kBigramBits = 14;
constexpr size_t Bigram(uint8_t a, uint8_t b) { return (a & 0x7f) | size_t{b & 0x7fu} << 7; }
size_t BigramAt(const uint8_t* p) { return Bigram(p[0], p[1]); }

struct WordTable {
  std::string_view words[32];
  uint8_t kinds[32] = {};
  int size = 0;
  std::array<uint32_t, 256> first{};   // bit w: words[w] starts with this byte
  std::array<uint32_t, 256> second{};  // bit w: words[w] has this byte second
  // By the window's last two bytes: how far the window may move without passing the start
  // of a word; 0 when a word may start where the window does.
  std::array<uint8_t, size_t{1} << kBigramBits> shift{};

  constexpr WordTable() { shift.fill(kMaxShift); }

  template <size_t N>
  constexpr void Add(const std::string_view (&list)[N], WordKind kind) {
    for (std::string_view w : list) {
      words[size] = w;
      kinds[size] = kind;
      first[static_cast<uint8_t>(w[0])] |= uint32_t{1} << size;
      second[static_cast<uint8_t>(w[1])] |= uint32_t{1} << size;
      ++size;
      for (size_t j = 0; j + 2 <= kMinWord; ++j) {
        uint8_t& s = shift[Bigram(w[j], w[j + 1])];
        s = std::min<uint8_t>(s, kMinWord - 2 - j);
      }
    }
  }
};

constexpr WordTable MakeWordTable() {
  WordTable t;
  t.Add(kWriteWords, kWrite);
  t.Add(kReadWords, kRead);
  t.Add(kHttpResponseWords, kHttp);
  return t;
}

template <size_t N>
constexpr size_t Shortest(const std::string_view (&list)[N]) {
  size_t n = SIZE_MAX;
  for (std::string_view w : list) n = std::min(n, w.size());
  return n;
}
static_assert(std::min({Shortest(kWriteWords), Shortest(kReadWords),
                        Shortest(kHttpResponseWords)}) >= kMinWord,
              "the skip table assumes no word is shorter than kMinWord");
static_assert(std::size(kWriteWords) + std::size(kReadWords) + std::size(kHttpResponseWords) <= 32,
              "a word is one bit of a uint32_t");
constexpr WordTable kWordTable = MakeWordTable();

// The kinds of the candidate words `mask` that occur at the start of `rest`.
uint8_t KindsAt(uint32_t mask, std::string_view rest) {
  uint8_t kinds = 0;
  for (; mask != 0; mask &= mask - 1) {
    int w = std::countr_zero(mask);
    if (rest.starts_with(kWordTable.words[w])) kinds |= kWordTable.kinds[w];
  }
  return kinds;
}

struct WordsSeen {
  uint8_t first_line = 0;  // WordKinds of the words in the first line
  uint8_t anywhere = 0;    // ... in the whole text
};

// Notes the word candidates `mask` (bits of words that may start at `i`) in `seen`; true
// when the rest of the text cannot change what DescribeCall makes of it.
bool NoteWordsAt(uint32_t mask, std::string_view text, size_t i, size_t first_end,
                 WordsSeen* seen) {
  uint8_t kinds = KindsAt(mask, text.substr(i));
  if (i < first_end) seen->first_line |= kinds;
  seen->anywhere |= kinds;
  bool call_known = (seen->first_line & kWrite) ||
                    (i >= first_end && ((seen->first_line & kRead) || (seen->anywhere & kWrite)));
  return (seen->anywhere & kHttp) && call_known;
}

// The skip-table walk from `i` on: stops as soon as the rest of the text cannot change
// what DescribeCall makes of it.
WordsSeen FindWordsFrom(std::string_view text, size_t i, size_t first_end, WordsSeen seen) {
  if (text.size() < kMinWord) return seen;
  const size_t last = text.size() - kMinWord;  // the last place a word can start
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  while (i <= last) {
    if (size_t shift = kWordTable.shift[BigramAt(p + i + 2)]) {
      i += shift;
      continue;
    }
    if (uint32_t mask = kWordTable.first[p[i]] & kWordTable.second[p[i + 1]]) {
      if (NoteWordsAt(mask, text, i, first_end, &seen)) break;
    }
    ++i;
  }
  return seen;
}

WordsSeen FindWordsPortable(std::string_view text) {
  const size_t first_end = std::min(text.find('\n'), text.size());
  return FindWordsFrom(text, 0, first_end, WordsSeen());
}

#if defined(__x86_64__) && defined(__GNUC__)
// The bytes that begin some word, and those that come second in some word.
struct PairBytes {
  std::array<uint8_t, 32> first{};
  std::array<uint8_t, 32> second{};
  int first_count = 0;
  int second_count = 0;
};

constexpr PairBytes MakePairBytes() {
  PairBytes b;
  for (int c = 0; c < 256; ++c) {
    if (kWordTable.first[c] != 0) b.first[b.first_count++] = static_cast<uint8_t>(c);
    if (kWordTable.second[c] != 0) b.second[b.second_count++] = static_cast<uint8_t>(c);
  }
  return b;
}
constexpr PairBytes kPairBytes = MakePairBytes();
static_assert(kPairBytes.first_count <= 32 && kPairBytes.second_count <= 32);

// The walk 32 places at a time: a place is a candidate when its byte begins some word and
// the next one comes second in some word, and only candidates are looked up in the
// tables, in order, so the early stop is the walk's own. A compare per byte value instead
// of the skip table's dependent loads: on the 1 GiB corpus the first lines of socket-error
// events cost about a third of the time they took. The last places, where 33 bytes cannot
// be loaded, are left to the skip-table walk.
__attribute__((target("avx2"))) WordsSeen FindWordsAvx2(std::string_view text) {
  const size_t first_end = std::min(text.find('\n'), text.size());
  WordsSeen seen;
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  size_t i = 0;
  for (; i + 33 <= text.size(); i += 32) {
    __m256i here = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    __m256i next = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 1));
    __m256i first = _mm256_setzero_si256();
    for (int k = 0; k < kPairBytes.first_count; ++k) {
      __m256i byte = _mm256_set1_epi8(static_cast<char>(kPairBytes.first[k]));
      first = _mm256_or_si256(first, _mm256_cmpeq_epi8(here, byte));
    }
    __m256i second = _mm256_setzero_si256();
    for (int k = 0; k < kPairBytes.second_count; ++k) {
      __m256i byte = _mm256_set1_epi8(static_cast<char>(kPairBytes.second[k]));
      second = _mm256_or_si256(second, _mm256_cmpeq_epi8(next, byte));
    }
    auto candidates = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_and_si256(first, second)));
    for (; candidates != 0; candidates &= candidates - 1) {
      size_t at = i + static_cast<size_t>(std::countr_zero(candidates));
      if (uint32_t mask = kWordTable.first[p[at]] & kWordTable.second[p[at + 1]]) {
        if (NoteWordsAt(mask, text, at, first_end, &seen)) return seen;
      }
    }
  }
  return FindWordsFrom(text, i, first_end, seen);
}
#endif

using FindWordsFunction = WordsSeen (*)(std::string_view);

FindWordsFunction ChooseFindWords() {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2")) return FindWordsAvx2;
#endif
  return FindWordsPortable;
}

const FindWordsFunction kFindWords = ChooseFindWords();

// Every word of the three lists in `text`, or as many as decide what DescribeCall makes
// of it.
WordsSeen FindWords(std::string_view text) { return kFindWords(text); }

std::string_view StripDigitsSuffix(std::string_view s) {
  // "nio-8080-exec-12" -> "nio-8080-exec", "ForkPoolWorker-6" -> "ForkPoolWorker"
  size_t end = s.size();
  while (end > 0 && s[end - 1] >= '0' && s[end - 1] <= '9') --end;
  if (end < s.size() && end > 0 && (s[end - 1] == '-' || s[end - 1] == '_')) --end;
  return end > 0 ? s.substr(0, end) : s;
}

// Where `key` ("\"name\":\"") first occurs in `line`. The search is for what follows its
// opening quote: a JSON line is full of quotes, each of which would start a compare.
size_t FindKey(std::string_view line, std::string_view key) {
  const std::string_view rest = key.substr(1);
  for (size_t at = line.find(rest, 1); at != std::string_view::npos; at = line.find(rest, at + 1)) {
    if (line[at - 1] == key[0]) return at - 1;
  }
  return std::string_view::npos;
}

std::string_view JsonStringField(std::string_view line, std::string_view key) {
  size_t at = FindKey(line, key);
  if (at == std::string_view::npos) return {};
  size_t begin = at + key.size();
  size_t end = line.find('"', begin);
  return end == std::string_view::npos ? std::string_view() : line.substr(begin, end - begin);
}

std::string_view JsonComponent(std::string_view line) {
  for (std::string_view key :
       {"\"logger_name\":\"", "\"logger\":\"", "\"service\":\"", "\"caller\":\"", "\"name\":\""}) {
    std::string_view v = JsonStringField(line, key);
    if (!v.empty()) return v.substr(0, v.find(':'));
  }
  std::string_view host = JsonStringField(line, "\"hostname\":\"");
  return StripDigitsSuffix(host);
}

// Spring Boot: "... --- [thread] logger.Name   : message"
std::string_view SpringLogger(std::string_view line) {
  size_t dashes = line.find(" --- [");
  if (dashes == std::string_view::npos) return {};
  size_t close = line.find("] ", dashes);
  if (close == std::string_view::npos) return {};
  std::string_view rest = line.substr(close + 2);
  size_t end = rest.find(" :");
  if (end == std::string_view::npos) return {};
  rest = rest.substr(0, end);
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  return rest;
}

// "[thread:Class@123]" (log4j with %t:%C{1}@%L) or "[logger.name]" or "[...: LEVEL/Pool-3]".
std::string_view BracketComponent(std::string_view line) {
  size_t open = line.find('[');
  while (open != std::string_view::npos && open < 160) {
    size_t close = line.find(']', open);
    if (close == std::string_view::npos) return {};
    std::string_view inside = line.substr(open + 1, close - open - 1);
    size_t at = inside.rfind('@');
    size_t colon = inside.rfind(':', at);
    if (at != std::string_view::npos && colon != std::string_view::npos)
      return inside.substr(colon + 1, at - colon - 1);
    size_t slash = inside.rfind('/');
    if (slash != std::string_view::npos && inside.find(": ") != std::string_view::npos)
      return StripDigitsSuffix(inside.substr(slash + 1));
    bool dotted = inside.find('.') != std::string_view::npos &&
                  inside.find(' ') == std::string_view::npos && !inside.empty() &&
                  !(inside[0] >= '0' && inside[0] <= '9');
    if (dotted) return inside;
    open = line.find('[', close);
  }
  return {};
}

// RFC 3164 syslog: "Mar 11 03:13:50 host prog[pid]: ..." or "... host kernel: ...".
std::string_view SyslogProgram(std::string_view line) {
  if (line.size() < 16 || line[3] != ' ' || line[9] != ':' || line[12] != ':') return {};
  size_t host_end = line.find(' ', 16);
  if (host_end == std::string_view::npos) return {};
  size_t prog_begin = host_end + 1;
  size_t colon = line.find(':', prog_begin);
  if (colon == std::string_view::npos) return {};
  std::string_view prog = line.substr(prog_begin, colon - prog_begin);
  return prog.substr(0, prog.find('['));
}

}  // namespace

CallTraits DescribeCall(std::string_view text) {
  text = text.substr(0, kTraitScanBytes);
  WordsSeen seen = FindWords(text);
  // The first line is asked first: the stack trace's frames mention both reads and writes.
  uint8_t call = (seen.first_line & (kWrite | kRead)) ? seen.first_line : seen.anywhere;
  CallTraits traits;
  traits.write = (call & kWrite) != 0;
  traits.read = !traits.write && (call & kRead) != 0;
  traits.http_response = (seen.anywhere & kHttp) != 0;
  return traits;
}

CallTraits CallDescriber::Describe(std::string_view text) {
  text = text.substr(0, kTraitScanBytes);
  size_t end = std::min(text.find('\n'), text.size());
  const uint8_t first = FindWords(text.substr(0, end)).anywhere;
  uint8_t anywhere = first;
  if (end < text.size()) anywhere |= BodyKinds(text.substr(end + 1));
  uint8_t call = (first & (kWrite | kRead)) ? first : anywhere;
  CallTraits traits;
  traits.write = (call & kWrite) != 0;
  traits.read = !traits.write && (call & kRead) != 0;
  traits.http_response = (anywhere & kHttp) != 0;
  return traits;
}

// The kinds of every word of every line of `body`. DescribeCall may stop before the last
// line once the words seen decide the call and the HTTP response, but words found after
// that change neither, so the union of all lines describes the event the same way.
uint8_t CallDescriber::BodyKinds(std::string_view body) {
  uint64_t known;
  if (bodies_.Find(body, &known)) return static_cast<uint8_t>(known);
  uint8_t kinds = 0;
  for (size_t begin = 0; begin <= body.size();) {
    size_t end = std::min(body.find('\n', begin), body.size());
    std::string_view line = body.substr(begin, end - begin);
    std::string_view memo;
    if (lines_.Find(line, &memo)) {
      kinds |= static_cast<uint8_t>(memo[0]);
    } else {
      uint8_t line_kinds = FindWords(line).anywhere;
      char value = static_cast<char>(line_kinds);
      lines_.Store(line, std::string_view(&value, 1));
      kinds |= line_kinds;
    }
    begin = end + 1;
  }
  bodies_.Store(body, kinds);
  return kinds;
}

std::string_view ComponentOf(std::string_view line) {
  line = line.substr(0, 512);
  if (!line.empty() && line[0] == '{') return JsonComponent(line);
  if (std::string_view v = SpringLogger(line); !v.empty()) return v;
  if (line.find("] ") != std::string_view::npos && line.find('#') != std::string_view::npos &&
      line.find(": *") != std::string_view::npos)
    return "nginx";
  if (std::string_view v = SyslogProgram(line); !v.empty()) return v;
  size_t caller = line.find("caller=");
  if (caller != std::string_view::npos) {
    std::string_view v = line.substr(caller + 7);
    return v.substr(0, std::min(v.find(':'), v.find(' ')));
  }
  if (std::string_view v = BracketComponent(line); !v.empty()) return v;
  // Python logging.basicConfig: "ERROR:logger.name:message"
  for (std::string_view level : {"ERROR:", "WARNING:", "CRITICAL:", "INFO:"}) {
    if (line.substr(0, level.size()) != level) continue;
    std::string_view rest = line.substr(level.size());
    return rest.substr(0, rest.find(':'));
  }
  return {};
}

std::string_view PeerHost(std::string_view peer) {
  if (!peer.empty() && peer[0] == '[') {
    size_t close = peer.find(']');
    return close == std::string_view::npos ? peer : peer.substr(1, close - 1);
  }
  size_t colon = peer.find(':');
  if (colon == std::string_view::npos || peer.find(':', colon + 1) != std::string_view::npos)
    return peer;
  return peer.substr(0, colon);
}

}  // namespace sockfilter
