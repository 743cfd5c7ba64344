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
