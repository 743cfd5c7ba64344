// RenderMarkdown: the report for a ticket or a wiki page: root causes with evidence and
// fix, a table of causes, and the top signatures' samples in fenced blocks.
#include <fmt/format.h>

#include <algorithm>

#include "analyzer/report.h"
#include "analyzer/report_util.h"
#include "analyzer/timestamp.h"

namespace sockfilter {

namespace {

// Table cells: no pipes or line breaks, control bytes escaped.
std::string Cell(std::string_view text) {
  std::string escaped = EscapeForTerminal(text, 200);
  std::string out;
  for (char c : escaped) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

// A fence longer than any backtick run inside the sample.
std::string Fence(std::string_view text) {
  size_t longest = 0, run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return std::string(std::max<size_t>(3, longest + 1), '`');
}

std::string Time(TimeMs t) { return t == kNoTime ? "-" : FormatIsoUtc(t); }

void RootCauses(const std::vector<RootCause>& roots, std::string* out) {
  *out += "## Likely root causes\n\n";
  if (roots.empty())
    *out += "None found: no socket errors or host evidence with a known pattern.\n\n";
  int rank = 0;
  for (const RootCause& rc : roots) {
    *out += fmt::format("{}. **{}** (confidence {:.2f}, {} events)\n", ++rank, rc.id, rc.confidence,
                        WithCommas(rc.events));
    for (const std::string& e : rc.evidence) *out += "   - " + Cell(e) + "\n";
    *out += "\n   **Fix:** " + Cell(rc.advice) + "\n\n";
  }
}

void CauseTable(const Summary& s, std::string* out) {
  *out += "## Socket errors by cause\n\n";
  *out += "| cause | events | peers | first | last | top component |\n";
  *out += "|---|---:|---:|---|---|---|\n";
  for (const auto& [id, c] : s.causes) {
    auto top = c.components.Top(1);
    *out += fmt::format("| {} | {} | {}{} | {} | {} | {} |\n", id, WithCommas(c.count),
                        WithCommas(c.peers.Count()), c.peers.exact() ? "" : " (est.)",
                        Time(c.first), Time(c.last), top.empty() ? "" : Cell(top[0].first));
  }
  *out += "\n";
}

void Samples(const Summary& s, const ReportOptions& o, std::string* out) {
  *out += "## Top signatures\n\n";
  for (const auto& [id, c] : s.causes) {
    for (const auto* entry : TopSignatures(c, o.top)) {
      const SignatureStats& sig = entry->second;
      *out += fmt::format("**{}** `{:016x}`: {} events, {} .. {}\n\n", id, entry->first,
                          WithCommas(sig.count), Time(sig.first), Time(sig.last));
      std::string sample = EscapeForTerminal(sig.sample, 2048);
      while (!sample.empty() && sample.back() == '\n') sample.pop_back();
      std::string fence = Fence(sample);
      *out += fence + "\n" + sample + "\n" + fence + "\n\n";
    }
  }
}

}  // namespace

std::string RenderMarkdown(const Summary& s, const std::vector<RootCause>& roots,
                           const ReportOptions& options) {
  std::string out = "# Socket errors: analysis\n\n";
  out += fmt::format("{} inputs, {} lines, {} events, {} socket-error events; span {} .. {}\n\n",
                     WithCommas(s.inputs), WithCommas(s.lines), WithCommas(s.events),
                     WithCommas(s.SocketErrorEvents()), Time(s.first), Time(s.last));
  RootCauses(roots, &out);
  CauseTable(s, &out);
  Samples(s, options, &out);
  return out;
}

}  // namespace sockfilter
