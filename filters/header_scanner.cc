#include "filters/header_scanner.h"

#include <array>
#include <cstdint>

namespace sockfilter {

namespace {

constexpr std::string_view kLevels[] = {"TRACE",    "DEBUG", "INFO",  "NOTICE", "WARN",
                                        "WARNING",  "ERROR", "ERR",   "SEVERE", "FATAL",
                                        "CRITICAL", "CRIT",  "ALERT", "EMERG"};
constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::string_view kLogfmtTimeKeys[] = {
    "ts=", "time=", "timestamp=", "@timestamp=", "t=", "level=", "lvl=", "severity="};
// Keys that loggers put before the message of a JSON line and that vary per line or only
// say when and on which host or thread it was written. A JSON logger name is a field
// like any other: it stays part of the signature.
constexpr std::string_view kJsonVolatileKeys[] = {
    "time",        "ts",         "timestamp",   "@timestamp", "@version", "level",
    "lvl",         "severity",   "pid",         "hostname",   "host",     "thread",
    "thread_name", "threadName", "level_value", "v"};
// Endings of the last name segment that make a token an exception class, not a logger.
constexpr std::string_view kExceptionEndings[] = {"Exception", "Error", "Throwable", "Failure"};

constexpr std::array<bool, 256> MakeNumberTokenChars() {
  std::array<bool, 256> t{};
  for (char c : std::string_view("0123456789:.,-/+TZ#")) t[static_cast<uint8_t>(c)] = true;
  return t;
}
constexpr std::array<bool, 256> kNumberTokenChars = MakeNumberTokenChars();

bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || IsUpper(c); }

char Lower(char c) { return IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

template <size_t N>
bool OneOf(std::string_view word, const std::string_view (&set)[N]) {
  for (std::string_view w : set) {
    if (w == word) return true;
  }
  return false;
}

bool IsLevelIgnoreCase(std::string_view word) {
  for (std::string_view w : kLevels) {
    if (EqualsIgnoreCase(w, word)) return true;
  }
  return false;
}

bool EndsWith(std::string_view s, std::string_view end) {
  return s.size() >= end.size() && s.substr(s.size() - end.size()) == end;
}

bool IsLoggerChar(char c) {
  return IsAlpha(c) || IsDigit(c) || c == '_' || c == '.' || c == '$' || c == '-' || c == '/' ||
         c == '[' || c == ']';
}

// `strict`: a log4j logger printed as `name:`, which must be a dotted class name.
bool LooksLikeLogger(std::string_view name, bool strict) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!IsLoggerChar(c)) return false;
  }
  std::string_view last = name.substr(name.rfind('.') + 1);
  for (std::string_view e : kExceptionEndings) {
    if (EndsWith(last, e)) return false;
  }
  if (!strict) return true;
  return name.find('.') != std::string_view::npos && !last.empty() && IsUpper(last[0]);
}

}  // namespace

size_t HeaderScanner::SkipBlanks(size_t p) const {
  while (p < s_.size() && IsBlank(s_[p])) ++p;
  return p;
}

size_t HeaderScanner::TokenEnd(size_t p) const {
  while (p < s_.size() && !IsBlank(s_[p])) ++p;
  return p;
}

size_t HeaderScanner::TextLength() const {
  size_t p = SkipBlanks(0);
  if (size_t end = Syslog(p)) return SkipBlanks(end);
  size_t header_end = 0;
  bool seen = false;
  bool bracket = false;
  while (p < s_.size()) {
    bool last = false;
    size_t next = 0;
    char c = s_[p];
    if (c == '[') {
      next = Bracket(p, seen);
      bracket |= next != 0;
    } else if (IsDigit(c) || (seen && c == '+')) {
      next = NumberToken(p);
    } else if ((next = Level(p, &last)) || (next = LogfmtTime(p))) {
    } else if (seen && ((next = Separator(p)) != 0)) {
      last = bracket;  // "ts - LEVEL [thread:Class@42] - message" (ZooKeeper, log4j)
    } else if (seen && ((next = Logger(p)) != 0)) {
      last = true;  // the logger is the header's last field
    }
    if (next == 0) break;
    seen = true;
    p = header_end = SkipBlanks(next);
    if (last) break;
  }
  return header_end;
}

// "Mar 11 03:13:30 host prog[123]: " (RFC 3164).
size_t HeaderScanner::Syslog(size_t p) const {
  if (p + 3 > s_.size() || !OneOf(s_.substr(p, 3), kMonths)) return 0;
  size_t q = SkipBlanks(p + 3);
  if (q == p + 3) return 0;
  size_t day = q;
  while (q < s_.size() && IsDigit(s_[q])) ++q;
  if (q == day || q - day > 2) return 0;
  size_t time = SkipBlanks(q);
  if (time == q || time + 8 > s_.size()) return 0;
  std::string_view hms = s_.substr(time, 8);
  for (size_t i = 0; i < 8; ++i) {
    bool colon = i == 2 || i == 5;
    if (colon ? hms[i] != ':' : !IsDigit(hms[i])) return 0;
  }
  size_t host = SkipBlanks(TokenEnd(time));
  size_t host_end = TokenEnd(host);
  if (host_end == host) return 0;
  size_t prog = SkipBlanks(host_end);
  size_t prog_end = TokenEnd(prog);
  if (prog_end > prog + 1 && s_[prog_end - 1] == ':') return prog_end;
  return host_end;
}

// A bracketed field (nested brackets allowed). Before anything else of a header it must
// hold a time or a level, so a message that starts with "[rates] ..." keeps it.
size_t HeaderScanner::Bracket(size_t p, bool header_seen) const {
  int depth = 0;
  size_t close = p;
  for (; close < s_.size(); ++close) {
    if (s_[close] == '[') ++depth;
    if (s_[close] == ']' && --depth == 0) break;
  }
  if (close >= s_.size()) return 0;
  std::string_view inner = s_.substr(p + 1, close - p - 1);
  if (!header_seen) {
    size_t word = 0;
    while (word < inner.size() && IsAlpha(inner[word])) ++word;
    bool timeish = !inner.empty() && IsDigit(inner[0]);
    if (!timeish && !(word > 0 && IsLevelIgnoreCase(inner.substr(0, word)))) return 0;
  }
  size_t end = close + 1;
  if (end < s_.size() && s_[end] == ':') ++end;
  return end;
}

// A timestamp piece, a pid, a zone or nginx's "pid#tid:".
size_t HeaderScanner::NumberToken(size_t p) const {
  size_t end = TokenEnd(p);
  for (size_t i = p; i < end; ++i) {
    if (!kNumberTokenChars[static_cast<uint8_t>(s_[i])]) return 0;
  }
  return end;
}

// "ERROR ", or Python's "ERROR:logger.name:" (then it ends the header: *last).
size_t HeaderScanner::Level(size_t p, bool* last) const {
  size_t end = p;
  while (end < s_.size() && IsUpper(s_[end])) ++end;
  if (end == p || !OneOf(s_.substr(p, end - p), kLevels)) return 0;
  if (end == s_.size() || IsBlank(s_[end])) return end;
  if (s_[end] != ':') return 0;
  size_t q = end + 1;
  while (q < s_.size() && !IsBlank(s_[q]) && s_[q] != ':') ++q;
  if (q > end + 1 && q < s_.size() && s_[q] == ':') {
    *last = true;
    return q + 1;
  }
  return end + 1;
}

size_t HeaderScanner::LogfmtTime(size_t p) const {
  for (std::string_view key : kLogfmtTimeKeys) {
    if (s_.substr(p, key.size()) != key) continue;
    size_t q = p + key.size();
    if (q < s_.size() && s_[q] == '"') return JsonStringEnd(q);
    return TokenEnd(q);
  }
  return 0;
}

size_t HeaderScanner::Separator(size_t p) const {
  if (s_[p] != '-' && s_[p] != '|') return 0;  // before measuring a token that may be long
  size_t end = TokenEnd(p);
  std::string_view tok = s_.substr(p, end - p);
  return (tok == "-" || tok == "--" || tok == "---" || tok == "|") ? end : 0;
}

// "com.acme.Foo: " (log4j) or "c.a.t.messaging.FooHandler     : " (Spring Boot).
size_t HeaderScanner::Logger(size_t p) const {
  size_t end = TokenEnd(p);
  std::string_view tok = s_.substr(p, end - p);
  if (tok.size() > 1 && tok.back() == ':' && LooksLikeLogger(tok.substr(0, tok.size() - 1), true))
    return end;
  size_t colon = SkipBlanks(end);
  bool spaced_colon = colon > end && colon < s_.size() && s_[colon] == ':' &&
                      (colon + 1 == s_.size() || IsBlank(s_[colon + 1]));
  return spaced_colon && LooksLikeLogger(tok, false) ? colon + 1 : 0;
}

bool HeaderScanner::LooksLikeJson() const {
  size_t p = SkipBlanks(0);
  if (p >= s_.size() || s_[p] != '{') return false;
  p = SkipBlanks(p + 1);
  return p < s_.size() && s_[p] == '"';
}

size_t HeaderScanner::JsonLength() const {
  size_t p = SkipBlanks(0);
  if (p >= s_.size() || s_[p] != '{') return 0;
  p = SkipBlanks(p + 1);
  size_t header_end = 0;
  while (p < s_.size() && s_[p] == '"') {
    size_t key_end = JsonStringEnd(p);
    std::string_view key = s_.substr(p + 1, key_end - p - 2);
    size_t colon = SkipBlanks(key_end);
    if (colon >= s_.size() || s_[colon] != ':' || !OneOf(key, kJsonVolatileKeys)) break;
    size_t next = SkipBlanks(JsonValueEnd(SkipBlanks(colon + 1)));
    if (next >= s_.size() || s_[next] != ',') break;
    p = header_end = SkipBlanks(next + 1);
  }
  return header_end;
}

// `p` is at an opening quote; returns the index after the closing one (or the end).
size_t HeaderScanner::JsonStringEnd(size_t p) const {
  for (size_t q = p + 1; q < s_.size(); ++q) {
    if (s_[q] == '\\') {
      ++q;
    } else if (s_[q] == '"') {
      return q + 1;
    }
  }
  return s_.size();
}

size_t HeaderScanner::JsonValueEnd(size_t p) const {
  if (p >= s_.size()) return p;
  if (s_[p] == '"') return JsonStringEnd(p);
  if (s_[p] == '{' || s_[p] == '[') {
    int depth = 0;
    for (size_t q = p; q < s_.size(); ++q) {
      char c = s_[q];
      if (c == '"') {
        q = JsonStringEnd(q) - 1;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if ((c == '}' || c == ']') && --depth == 0) {
        return q + 1;
      }
    }
    return s_.size();
  }
  size_t q = p;
  while (q < s_.size() && s_[q] != ',' && s_[q] != '}' && s_[q] != ']' && !IsBlank(s_[q])) ++q;
  return q;
}

}  // namespace sockfilter
