#include "analyzer/host/host_text_printer.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>

#include "analyzer/host/text_fields.h"
#include "analyzer/report.h"

namespace sockfilter {

namespace {

class Painter {
 public:
  explicit Painter(bool on) : on_(on) {}
  std::string Heading(std::string_view s) const { return Paint("\033[1m", s); }
  std::string Alert(std::string_view s) const { return Paint("\033[1;31m", s); }
  std::string Id(std::string_view s) const { return Paint("\033[1;33m", s); }

 private:
  std::string Paint(const char* code, std::string_view s) const {
    return on_ ? code + std::string(s) + "\033[0m" : std::string(s);
  }
  bool on_;
};

std::string Row(const char* format, ...) __attribute__((format(printf, 1, 2)));
std::string Row(const char* format, ...) {
  char line[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(line, sizeof line, format, args);
  va_end(args);
  return line;
}

// A blank line and a heading. (Built by appending: GCC 12 warns falsely on
// "literal" + std::string here.)
std::string Section(const Painter& p, std::string_view title) {
  std::string s = "\n";
  s += p.Heading(title);
  return s;
}

std::string Cell(const std::optional<int64_t>& v) { return v ? std::to_string(*v) : "-"; }

void Header(const HostReport& r, std::string* out) {
  *out += "sockfilter probe: " + std::to_string(r.snapshot_count) + " snapshot" +
          (r.snapshot_count == 1 ? "" : "s");
  if (r.seconds) *out += " over " + FormatFixed(*r.seconds, 1) + " s";
  *out += "\n";
  if (!r.first_time.empty()) {
    *out += "  " + EscapeForTerminal(r.first_time) +
            (r.last_time != r.first_time ? " to " + EscapeForTerminal(r.last_time) : "") + "\n";
  }
}

void Counters(const HostReport& r, const Painter& p, std::string* out) {
  if (r.counters.empty()) return;
  *out += Section(p, "Kernel counters (whole host)") +
          Row("%*s%12s%10s%9s\n", 12, "first", "last", "delta", "per s");
  for (const CounterChange& c : r.counters) {
    std::string rate = c.rate ? FormatFixed(*c.rate, 1) : "-";
    *out += Row("  %-26s%12lld%12lld%10s%9s\n", EscapeForTerminal(c.name).c_str(),
                static_cast<long long>(c.first), static_cast<long long>(c.last),
                Cell(c.delta).c_str(), rate.c_str());
  }
}

void Settings(const HostReport& r, const Painter& p, std::string* out) {
  if (r.settings.empty()) return;
  *out += Section(p, "Settings") + "\n";
  for (const auto& [name, value] : r.settings) {
    *out += Row("  %-34s%lld\n", EscapeForTerminal(name).c_str(), static_cast<long long>(value));
  }
}

void Listeners(const HostReport& r, const Painter& p, std::string* out) {
  if (!r.listeners) return;
  *out += Section(p, "Listening sockets") + Row("%*s%8s%8s\n", 35, "Recv-Q", "Send-Q", "peak");
  if (r.listeners->empty()) *out += "  (none)\n";
  for (const ListenerState& l : *r.listeners) {
    std::string line = Row("  %-42s%8u%8u%8u", EscapeForTerminal(l.last.local).c_str(),
                           l.last.recv_q, l.last.send_q, l.peak_recv_q);
    *out += line + (l.full ? "  " + p.Alert("FULL") : "") + "\n";
  }
}

void States(const HostReport& r, const Painter& p, std::string* out) {
  if (!r.states) return;
  std::string line;
  for (const auto& [state, count] : *r.states) {
    line += (line.empty() ? "" : ", ") + EscapeForTerminal(state) + " " + std::to_string(count);
  }
  *out += Section(p, "Connections by state") + "\n" +
          WrapText(line.empty() ? "(none)" : line, "  ", "  ", 80);
}

void Process(const HostReport& r, const Painter& p, std::string* out) {
  if (!r.process) return;
  const ProcessFds& fds = *r.process;
  *out += Section(p, "Process " + std::to_string(fds.pid) +
                         (fds.name.empty() ? "" : " (" + EscapeForTerminal(fds.name) + ")")) +
          "\n";
  auto limit = [](const std::optional<int64_t>& v) {
    return !v ? std::string("unknown") : *v < 0 ? std::string("unlimited") : std::to_string(*v);
  };
  std::string open = fds.open ? std::to_string(*fds.open) : "unknown";
  *out += "  descriptors open " + open + ", soft limit " + limit(fds.soft_limit) + ", hard limit " +
          limit(fds.hard_limit) + "\n";
}

void Findings(const HostReport& r, const Painter& p, size_t width, std::string* out) {
  *out += Section(p, "Findings") + "\n";
  if (r.findings.empty()) *out += "  none: no accept-queue overflow, descriptor or overload sign\n";
  for (const HostFinding& f : r.findings) {
    *out += "  " + p.Id(f.id) + "  confidence " + FormatFixed(f.confidence, 2) + "\n";
    for (const std::string& e : f.evidence) *out += WrapText(e, "    - ", "      ", width);
    *out += WrapText(f.advice, "    advice: ", "      ", width);
  }
}

void Unreadables(const HostReport& r, const Painter& p, size_t width, std::string* out) {
  if (r.unreadable.empty()) return;
  *out += Section(p, "Could not read") + "\n";
  for (const Unreadable& u : r.unreadable)
    *out += WrapText(u.what + ": " + u.why, "  ", "    ", width);
}

// Whitespace-separated words, except that a `quoted command` stays one word, so a line
// the reader may copy is never broken.
std::vector<std::string_view> Words(std::string_view text) {
  std::vector<std::string_view> words;
  std::vector<std::string_view> fields = SplitFields(text);
  for (size_t i = 0; i < fields.size(); ++i) {
    std::string_view word = fields[i];
    size_t ticks = std::count(word.begin(), word.end(), '`');
    size_t j = i;
    while (ticks % 2 == 1 && j + 1 < fields.size()) {
      ++j;
      ticks += std::count(fields[j].begin(), fields[j].end(), '`');
    }
    const char* end = fields[j].data() + fields[j].size();
    words.push_back(std::string_view(word.data(), static_cast<size_t>(end - word.data())));
    i = j;
  }
  return words;
}

}  // namespace

std::string WrapText(std::string_view text, std::string_view first_indent,
                     std::string_view rest_indent, size_t width) {
  std::string out(first_indent);
  size_t column = first_indent.size();
  bool line_empty = true;
  for (std::string_view word : Words(text)) {
    if (!line_empty && column + 1 + word.size() > width) {
      out += "\n";
      out += rest_indent;
      column = rest_indent.size();
      line_empty = true;
    }
    if (!line_empty) out += ' ', ++column;
    out += word;
    column += word.size();
    line_empty = false;
  }
  return out + "\n";
}

std::string FormatHostReportText(const HostReport& report, const TextStyle& style) {
  Painter painter(style.colour);
  std::string out;
  Header(report, &out);
  Counters(report, painter, &out);
  Settings(report, painter, &out);
  Listeners(report, painter, &out);
  States(report, painter, &out);
  Process(report, painter, &out);
  Findings(report, painter, style.width, &out);
  Unreadables(report, painter, style.width, &out);
  return out;
}

}  // namespace sockfilter
