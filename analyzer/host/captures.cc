#include "analyzer/host/captures.h"

#include "analyzer/host/capture_text_parser.h"
#include "analyzer/host/probe_json_reader.h"
#include "analyzer/host/text_fields.h"

namespace sockfilter {

namespace {

HostCapture ParseText(std::string_view text) {
  CaptureTextParser parser;
  for (std::string_view line : SplitLines(text)) parser.Line(line);
  return parser.Finish();
}

// A stray line in a log can look like one counter; real captures carry many, or list
// sockets.
constexpr size_t kMinCounters = 3;

bool Substantial(const HostCapture& capture) {
  size_t counters = 0;
  for (const HostSnapshot& s : capture.evidence.snapshots) {
    if (s.listeners && !s.listeners->empty()) return true;
    counters += s.counters.size();
  }
  return counters >= kMinCounters;
}

}  // namespace

uint32_t DetectCaptureKinds(std::string_view head) {
  if (LooksLikeProbeJson(head)) return kProbeJson;
  HostCapture capture = ParseText(head);
  return Substantial(capture) ? capture.kinds : 0;
}

std::string CaptureKindNames(uint32_t kinds) {
  static constexpr std::pair<CaptureKind, const char*> kNames[] = {
      {kProcNetstat, "/proc/net/netstat"},
      {kNetstatS, "netstat -s"},
      {kNstat, "nstat"},
      {kSsListen, "ss"},
      {kProbeJson, "probe JSON"}};
  std::string names;
  for (const auto& [kind, name] : kNames) {
    if (!(kinds & kind)) continue;
    if (!names.empty()) names += ", ";
    names += name;
  }
  return names;
}

Result<HostCapture> ParseCapture(std::string_view text) {
  if (LooksLikeProbeJson(text)) {
    Result<HostEvidence> evidence = ReadProbeJson(text);
    if (!evidence.ok()) return evidence.status();
    return HostCapture{kProbeJson, std::move(*evidence)};
  }
  HostCapture capture = ParseText(text);
  if (capture.evidence.snapshots.empty() || capture.kinds == 0)
    return Status::Error("no host evidence (netstat -s, nstat, ss or probe output) found");
  return capture;
}

}  // namespace sockfilter
