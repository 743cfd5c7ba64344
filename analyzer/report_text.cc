// RenderText: the terminal report, readable at 80 columns. Root causes first (what to do),
// then each cause with its sparkline, peers, components and top signatures with a sample.
#include <fmt/format.h>

#include <algorithm>

#include "analyzer/report.h"
#include "analyzer/report_util.h"
#include "analyzer/timestamp.h"

namespace sockfilter {

namespace {

class TextReport {
 public:
  TextReport(const Summary& s, const ReportOptions& o)
      : s_(s), o_(o), width_(std::max<size_t>(60, o.width)) {}

  std::string Render(const std::vector<RootCause>& roots) {
    Header();
    RootCauses(roots);
    Causes();
    return std::move(out_);
  }

 private:
  std::string Paint(std::string_view text, const char* code) const {
    if (!o_.colour) return std::string(text);
    return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
  }
  void Line(std::string_view text = "") {
    out_ += text;
    out_ += '\n';
  }
  void Header();
  void RootCauses(const std::vector<RootCause>& roots);
  void Causes();
  void Cause(const std::string& id, const CauseStats& c, int64_t bucket_ms);
  void KeyList(const char* label, const CappedCounts& counts);
  size_t SparkWidth() const { return width_ - 31; }
  std::vector<uint64_t> AlignedCounts(const CauseStats& c, int64_t bucket_ms) const;

  const Summary& s_;
  const ReportOptions& o_;
  size_t width_;
  std::string out_;
};

std::string Span(TimeMs first, TimeMs last) {
  if (first == kNoTime) return "no timestamps";
  return fmt::format("{} .. {} ({})", FormatIsoUtc(first).substr(0, 19),
                     FormatIsoUtc(last).substr(0, 19), Duration(last - first));
}

void TextReport::Header() {
  Line(Paint("sockfilter analyze", "1"));
  Line(fmt::format("{} input{}, {} bytes, {} lines, {} events", WithCommas(s_.inputs),
                   s_.inputs == 1 ? "" : "s", WithCommas(s_.bytes), WithCommas(s_.lines),
                   WithCommas(s_.events)));
  Line("span " + Span(s_.first, s_.last));
  uint64_t errors = s_.SocketErrorEvents();
  Line(fmt::format("{} socket-error events ({:.1f}% of events)", WithCommas(errors),
                   s_.events ? 100.0 * errors / s_.events : 0.0));
  if (!s_.host.empty()) Line(fmt::format("{} host capture(s)", s_.host.size()));
  Line();
}

void TextReport::RootCauses(const std::vector<RootCause>& roots) {
  Line(Paint("Likely root causes", "1"));
  if (roots.empty()) Line("  none: no socket errors or host evidence with a known pattern");
  int rank = 0;
  for (const RootCause& rc : roots) {
    ++rank;
    Line(fmt::format("{:2}. {}  confidence {:.2f}, {} events", rank, Paint(rc.id, "1;33"),
                     rc.confidence, WithCommas(rc.events)));
    for (const std::string& e : rc.evidence) Line("    - " + Wrap(e, width_, 6, 6));
    Line("    fix: " + Wrap(rc.advice, width_, 9, 9));
  }
  Line();
}

// The cause's timeline on the whole report's grid, so every sparkline starts at the same
// time and marks line up across causes.
std::vector<uint64_t> TextReport::AlignedCounts(const CauseStats& c, int64_t bucket_ms) const {
  Timeline t = c.timeline.Coarsened(bucket_ms);
  if (t.empty() || s_.first == kNoTime || t.width_ms() != bucket_ms) return t.counts();
  Timeline all = Timeline::FromCounts(s_.first, bucket_ms, {1});
  int64_t first = all.start_ms() / bucket_ms;
  int64_t last = Timeline::FromCounts(s_.last, bucket_ms, {1}).start_ms() / bucket_ms;
  std::vector<uint64_t> counts(static_cast<size_t>(last - first + 1), 0);
  int64_t offset = t.start_ms() / bucket_ms - first;
  for (size_t i = 0; i < t.counts().size(); ++i) {
    int64_t k = offset + static_cast<int64_t>(i);
    if (k >= 0 && k < static_cast<int64_t>(counts.size())) counts[k] += t.counts()[i];
  }
  return counts;
}

void TextReport::KeyList(const char* label, const CappedCounts& counts) {
  if (counts.size() == 0) return;
  std::string list;
  for (const auto& [key, n] : counts.Top(o_.top)) {
    if (!list.empty()) list += ", ";
    list += fmt::format("{} ({})", EscapeForTerminal(key, 120), WithCommas(n));
  }
  Line(fmt::format("    {}: ", label) + Wrap(list, width_, 6 + std::string_view(label).size(), 6));
}

void TextReport::Cause(const std::string& id, const CauseStats& c, int64_t bucket_ms) {
  Line(fmt::format("  {} {:>9}  {}", Paint(fmt::format("{:<16}", id), "1;36"), WithCommas(c.count),
                   Sparkline(AlignedCounts(c, bucket_ms), SparkWidth())));
  Line(fmt::format("    {}", Span(c.first, c.last)));
  Line(fmt::format("    {} distinct peer{}{}", WithCommas(c.peers.Count()),
                   c.peers.Count() == 1 ? "" : "s", c.peers.exact() ? "" : " (estimate)"));
  KeyList("top peers", c.top_peers);
  KeyList("endpoints", c.endpoints);
  KeyList("components", c.components);
  auto top = TopSignatures(c, o_.top);
  if (!top.empty())
    Line(fmt::format("    {} signature{}, top:", WithCommas(c.signatures.size()),
                     c.signatures.size() == 1 ? "" : "s"));
  for (const auto* entry : top) {
    const SignatureStats& sig = entry->second;
    Line(fmt::format("      {:>7} x {:016x}", WithCommas(sig.count), entry->first));
    std::string first = EscapeForTerminal(FirstLine(sig.sample), 1024);
    Line("        " + Paint(Fit(first, width_ - 8), "2"));
  }
}

void TextReport::Causes() {
  if (s_.causes.empty()) return;
  int64_t bucket_ms = DisplayBucketMs(s_, o_);
  int64_t buckets = s_.first == kNoTime ? 1 : (s_.last - s_.first) / bucket_ms + 1;
  int64_t per_mark = (buckets + SparkWidth() - 1) / SparkWidth();
  Line(Paint("Socket errors by cause", "1") +
       fmt::format("  (timeline: one mark per {})", BucketName(bucket_ms * per_mark)));
  std::vector<std::pair<const std::string*, const CauseStats*>> order;
  for (const auto& [id, c] : s_.causes) order.emplace_back(&id, &c);
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.second->count > b.second->count; });
  for (const auto& [id, c] : order) Cause(*id, *c, bucket_ms);
}

}  // namespace

std::string RenderText(const Summary& summary, const std::vector<RootCause>& roots,
                       const ReportOptions& options) {
  return TextReport(summary, options).Render(roots);
}

}  // namespace sockfilter
