#include "filters/marker.h"

#include <charconv>

#include "analyzer/timestamp.h"
#include "filters/signature.h"

namespace sockfilter {

namespace {

void AppendNumber(uint64_t n, std::string* out) {
  char buf[24];
  auto result = std::to_chars(buf, buf + sizeof buf, n);
  out->append(buf, result.ptr);
}

// Writes a time, or `unknown` when there is none.
void AppendTime(TimeMs t, std::string_view unknown, bool quoted, std::string* out) {
  char buf[kIsoUtcLength];
  size_t n = t == kNoTime ? 0 : FormatIsoUtc(t, buf);
  if (n == 0) {
    out->append(unknown);
    return;
  }
  if (quoted) out->push_back('"');
  out->append(buf, n);
  if (quoted) out->push_back('"');
}

void AppendSig(uint64_t sig, std::string* out) {
  char hex[16];
  FormatSignature(sig, hex);
  out->append(hex, 16);
}

// Length of the valid UTF-8 sequence at s[i] (a lead byte >= 0x80), or 0 when invalid.
size_t Utf8Length(std::string_view s, size_t i) {
  auto at = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t b = at(i);
  size_t n = b >= 0xc2 && b <= 0xdf   ? 2
             : b >= 0xe0 && b <= 0xef ? 3
             : b >= 0xf0 && b <= 0xf4 ? 4
                                      : 0;
  if (n == 0 || i + n > s.size()) return 0;
  uint8_t lo = 0x80, hi = 0xbf;  // the second byte's range excludes overlongs and surrogates
  if (b == 0xe0) lo = 0xa0;
  if (b == 0xed) hi = 0x9f;
  if (b == 0xf0) lo = 0x90;
  if (b == 0xf4) hi = 0x8f;
  if (at(i + 1) < lo || at(i + 1) > hi) return 0;
  for (size_t k = i + 2; k < i + n; ++k) {
    if ((at(k) & 0xc0) != 0x80) return 0;
  }
  return n;
}

void AppendControl(uint8_t c, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
    case '\n':
      out->append("\\n");
      return;
    case '\r':
      out->append("\\r");
      return;
    case '\t':
      out->append("\\t");
      return;
    default:
      out->append("\\u00");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
  }
}

void AppendLogfmt(const MarkerFields& f, std::string* out) {
  out->append("[sockfilter] suppressed repeats=");
  AppendNumber(f.repeats, out);
  out->append(" lines=");
  AppendNumber(f.lines, out);
  out->append(" cause=");
  out->append(f.cause.empty() ? std::string_view("-") : f.cause);
  out->append(" sig=");
  AppendSig(f.sig, out);
  out->append(" first=");
  AppendTime(f.first, "-", false, out);
  out->append(" last=");
  AppendTime(f.last, "-", false, out);
  out->append(" peers=");
  AppendNumber(f.peers, out);
  out->append(" sample=\"");
  AppendEscaped(f.sample, out);
  if (f.sample_cut) out->append("...");
  out->append("\"\n");
}

void AppendJson(const MarkerFields& f, std::string* out) {
  out->append("{\"sockfilter\":\"suppressed\",\"repeats\":");
  AppendNumber(f.repeats, out);
  out->append(",\"lines\":");
  AppendNumber(f.lines, out);
  out->append(",\"cause\":");
  if (f.cause.empty()) {
    out->append("null");
  } else {
    out->push_back('"');
    AppendEscaped(f.cause, out);
    out->push_back('"');
  }
  out->append(",\"sig\":\"");
  AppendSig(f.sig, out);
  out->append("\",\"first\":");
  AppendTime(f.first, "null", true, out);
  out->append(",\"last\":");
  AppendTime(f.last, "null", true, out);
  out->append(",\"peers\":");
  AppendNumber(f.peers, out);
  out->append(",\"sample\":\"");
  AppendEscaped(f.sample, out);
  if (f.sample_cut) out->append("...");
  out->append("\"}\n");
}

}  // namespace

void AppendMarker(const MarkerFields& fields, bool json, std::string* out) {
  if (json) {
    AppendJson(fields, out);
  } else {
    AppendLogfmt(fields, out);
  }
}

namespace {

// A cursor over a marker line: each step eats an expected piece or fails.
class MarkerReader {
 public:
  explicit MarkerReader(std::string_view s) : s_(s) {}
  bool Eat(std::string_view piece) {
    if (s_.substr(0, piece.size()) != piece) return false;
    s_.remove_prefix(piece.size());
    return true;
  }
  bool Number(uint64_t* n) {
    auto [end, ec] = std::from_chars(s_.data(), s_.data() + s_.size(), *n);
    if (ec != std::errc() || end == s_.data()) return false;
    s_.remove_prefix(static_cast<size_t>(end - s_.data()));
    return true;
  }
  bool Hex16(uint64_t* n) {
    if (s_.size() < 16) return false;
    for (char c : s_.substr(0, 16))
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    std::from_chars(s_.data(), s_.data() + 16, *n, 16);
    s_.remove_prefix(16);
    return true;
  }
  // Up to (not including) `stop`, which must follow.
  bool Until(char stop, std::string_view* token) {
    size_t at = s_.find(stop);
    if (at == std::string_view::npos) return false;
    *token = s_.substr(0, at);
    s_.remove_prefix(at);
    return true;
  }

 private:
  std::string_view s_;
};

// "-" / null: unknown; otherwise an ISO time as AppendTime writes it.
bool ReadTime(std::string_view token, std::string_view unknown, TimeMs* t) {
  if (token == unknown) {
    *t = kNoTime;
    return true;
  }
  if (token.size() < 2 || token.front() != '"' || token.back() != '"') {
    if (unknown == "null") return false;
  } else {
    token = token.substr(1, token.size() - 2);
  }
  *t = ParseTimestampValue(token, 1970);
  return *t != kNoTime;
}

bool ParseLogfmtMarker(std::string_view line, MarkerFields* f) {
  MarkerReader r(line);
  std::string_view cause, first, last;
  if (!r.Eat("[sockfilter] suppressed repeats=") || !r.Number(&f->repeats) || !r.Eat(" lines=") ||
      !r.Number(&f->lines) || !r.Eat(" cause=") || !r.Until(' ', &cause) || !r.Eat(" sig=") ||
      !r.Hex16(&f->sig) || !r.Eat(" first=") || !r.Until(' ', &first) || !r.Eat(" last=") ||
      !r.Until(' ', &last) || !r.Eat(" peers=") || !r.Number(&f->peers) || !r.Eat(" sample=\"")) {
    return false;
  }
  f->cause = cause == "-" ? std::string_view() : cause;
  return ReadTime(first, "-", &f->first) && ReadTime(last, "-", &f->last);
}

bool ParseJsonMarker(std::string_view line, MarkerFields* f) {
  MarkerReader r(line.substr(line.find_first_not_of(" \t")));
  std::string_view cause, first, last;
  if (!r.Eat("{\"sockfilter\":\"suppressed\",\"repeats\":") || !r.Number(&f->repeats) ||
      !r.Eat(",\"lines\":") || !r.Number(&f->lines) || !r.Eat(",\"cause\":") ||
      !r.Until(',', &cause) || !r.Eat(",\"sig\":\"") || !r.Hex16(&f->sig) ||
      !r.Eat("\",\"first\":") || !r.Until(',', &first) || !r.Eat(",\"last\":") ||
      !r.Until(',', &last) || !r.Eat(",\"peers\":") || !r.Number(&f->peers) ||
      !r.Eat(",\"sample\":\"")) {
    return false;
  }
  if (cause == "null") {
    f->cause = {};
  } else if (cause.size() >= 3 && cause.front() == '"' && cause.back() == '"') {
    f->cause = cause.substr(1, cause.size() - 2);
  } else {
    return false;
  }
  return ReadTime(first, "null", &f->first) && ReadTime(last, "null", &f->last);
}

}  // namespace

bool ParseMarker(std::string_view line, MarkerFields* fields) {
  // Most lines are turned away by their first bytes, before any field is touched.
  if (!MayBeMarker(line)) return false;
  *fields = MarkerFields();
  size_t begin = line.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return false;
  return line[begin] == '{' ? ParseJsonMarker(line, fields) : ParseLogfmtMarker(line, fields);
}

std::string_view CutSample(std::string_view line, bool* cut) {
  *cut = line.size() > kMaxSampleBytes;
  if (!*cut) return line;
  size_t n = kMaxSampleBytes;
  while (n > 0 && (static_cast<uint8_t>(line[n]) & 0xc0) == 0x80) --n;  // not inside a character
  return line.substr(0, n);
}

bool IsJsonObjectLine(std::string_view line) {
  size_t begin = line.find_first_not_of(" \t");
  size_t end = line.find_last_not_of(" \t\r");
  return begin != std::string_view::npos && line[begin] == '{' && line[end] == '}';
}

void AppendEscaped(std::string_view text, std::string* out) {
  for (size_t i = 0; i < text.size();) {
    uint8_t c = static_cast<uint8_t>(text[i]);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
      ++i;
    } else if (c < 0x20 || c == 0x7f) {
      AppendControl(c, out);
      ++i;
    } else if (c < 0x80) {
      out->push_back(static_cast<char>(c));
      ++i;
    } else if (size_t n = Utf8Length(text, i)) {
      out->append(text.substr(i, n));
      i += n;
    } else {
      out->append("\\ufffd");
      ++i;
    }
  }
}

}  // namespace sockfilter
