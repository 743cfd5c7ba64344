#include "analyzer/report_util.h"

#include <fmt/format.h>

#include <algorithm>

#include "analyzer/report.h"
#include "analyzer/timeline.h"

namespace sockfilter {

namespace {

size_t Columns(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80;
  return n;
}

bool IsC1ControlAt(std::string_view s, size_t i) {
  // U+0080..U+009F in UTF-8 (C2 80..C2 9F): CSI and friends for some terminals.
  return static_cast<unsigned char>(s[i]) == 0xc2 && i + 1 < s.size() &&
         static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
         static_cast<unsigned char>(s[i + 1]) <= 0x9f;
}

size_t Utf8SequenceLength(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size() || (n == 2 && c < 0xc2)) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 0;
  return n;
}

}  // namespace

std::string EscapeForTerminal(std::string_view text, size_t max_bytes) {
  text = text.substr(0, max_bytes);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t n = Utf8SequenceLength(text, i);
    bool control = c < 0x20 || c == 0x7f || IsC1ControlAt(text, i);
    if (c == '\t') {
      out.push_back(' ');
      ++i;
    } else if (c == '\n') {
      out.push_back('\n');
      ++i;
    } else if (control || n == 0) {
      size_t bad = control && c >= 0x80 ? 2 : 1;
      for (size_t k = 0; k < bad; ++k)
        out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[i + k]));
      i += bad;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string Sparkline(const std::vector<uint64_t>& counts, size_t width) {
  static const char* const kBars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  if (counts.empty() || width == 0) return "";
  size_t group = (counts.size() + width - 1) / width;
  std::vector<uint64_t> cells;
  for (size_t i = 0; i < counts.size(); i += group) {
    uint64_t sum = 0;
    for (size_t k = i; k < std::min(counts.size(), i + group); ++k) sum += counts[k];
    cells.push_back(sum);
  }
  uint64_t max = *std::max_element(cells.begin(), cells.end());
  std::string out;
  for (uint64_t v : cells) {
    if (v == 0) {
      out += ' ';
      continue;
    }
    size_t level = max ? static_cast<size_t>((v * 7 + max - 1) / max) : 0;
    out += kBars[std::min<size_t>(7, level)];
  }
  return out;
}

int64_t DisplayBucketMs(const Summary& s, const ReportOptions& options) {
  if (options.bucket_ms > 0) return Timeline::LadderAtLeast(options.bucket_ms);
  if (s.first == kNoTime) return 1000;
  return Timeline::ChooseWidth(s.last - s.first);
}

std::string WithCommas(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string Duration(int64_t ms) {
  int64_t s = ms / 1000;
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m {}s", s / 60, s % 60);
  if (s < 86400) return fmt::format("{}h {}m", s / 3600, s % 3600 / 60);
  return fmt::format("{}d {}h", s / 86400, s % 86400 / 3600);
}

std::string BucketName(int64_t ms) {
  int64_t s = ms / 1000;
  if (s % 86400 == 0) return fmt::format("{} d", s / 86400);
  if (s % 3600 == 0) return fmt::format("{} h", s / 3600);
  if (s % 60 == 0) return fmt::format("{} min", s / 60);
  return fmt::format("{} s", s);
}

std::string Wrap(std::string_view text, size_t width, size_t first_column, size_t indent) {
  std::string out;
  size_t column = first_column;
  bool line_start = true;
  while (!text.empty()) {
    size_t space = text.find(' ');
    std::string_view word = text.substr(0, space);
    text.remove_prefix(space == std::string_view::npos ? text.size() : space + 1);
    if (word.empty()) continue;
    size_t len = Columns(word);
    if (!line_start && column + 1 + len > width) {
      out += '\n';
      out.append(indent, ' ');
      column = indent;
    } else if (!line_start) {
      out += ' ';
      ++column;
    }
    out += word;
    column += len;
    line_start = false;
  }
  return out;
}

std::string Fit(std::string_view text, size_t columns) {
  if (Columns(text) <= columns) return std::string(text);
  std::string out;
  size_t n = 0;
  for (size_t i = 0; i < text.size() && n + 1 < columns; ++i) {
    out += text[i];
    if ((static_cast<unsigned char>(text[i]) & 0xc0) != 0x80) ++n;
    // finish a multi-byte character before stopping
    while (i + 1 < text.size() && (static_cast<unsigned char>(text[i + 1]) & 0xc0) == 0x80)
      out += text[++i];
  }
  return out + "…";
}

std::vector<const SignatureEntry*> TopSignatures(const CauseStats& c, size_t n) {
  std::vector<const SignatureEntry*> top;
  for (const auto& entry : c.signatures) top.push_back(&entry);
  // Largest first; ties by first appearance, then by signature.
  std::stable_sort(top.begin(), top.end(), [](const auto* a, const auto* b) {
    if (a->second.count != b->second.count) return a->second.count > b->second.count;
    return a->second.first < b->second.first;
  });
  if (top.size() > n) top.resize(n);
  return top;
}

std::string_view FirstLine(std::string_view sample) {
  std::string_view line = sample.substr(0, sample.find('\n'));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace sockfilter
