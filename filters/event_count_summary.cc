#include "filters/event_count_summary.h"

#include <fmt/format.h>

namespace sockfilter {

namespace {

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string JsonTime(TimeMs t) { return t == kNoTime ? "null" : std::to_string(t); }

}  // namespace

EventCountSummary::EventCountSummary(std::string file, const std::vector<CauseInfo>& causes)
    : file_(std::move(file)), causes_(causes), per_cause_(causes.size(), 0) {}

void EventCountSummary::OnEvent(const Event& event) {
  if (event.kind == EventKind::kMarker) return;
  lines_ += event.line_count;
  bytes_ += event.raw.size();
  ++events_;
  int cause = event.tags.cause;
  if (cause >= 0 && static_cast<size_t>(cause) < per_cause_.size()) ++per_cause_[cause];
  if (event.tags.time != kNoTime) {
    if (first_ == kNoTime || event.tags.time < first_) first_ = event.tags.time;
    if (last_ == kNoTime || event.tags.time > last_) last_ = event.tags.time;
  }
}

Result<std::string> EventCountSummary::Json() const {
  std::string causes;
  for (size_t i = 0; i < per_cause_.size(); ++i) {
    if (per_cause_[i] == 0) continue;
    if (!causes.empty()) causes += ',';
    causes += fmt::format("{}:{{\"count\":{}}}", JsonString(causes_[i].id), per_cause_[i]);
  }
  return fmt::format(
      "{{\"schema\":\"sockfilter.summary.v1\",\"file\":{},\"lines\":{},\"events\":{},"
      "\"bytes\":{},\"span\":{{\"first\":{},\"last\":{}}},\"causes\":{{{}}}}}",
      JsonString(file_), lines_, events_, bytes_, JsonTime(first_), JsonTime(last_), causes);
}

}  // namespace sockfilter
