// RenderJson: the sockfilter.summary.v1 document (docs/summary-schema.md). The top level
// is for people and tools that read conclusions; "stats" holds the raw signals merging
// needs. Times are ISO 8601 UTC with milliseconds, which round-trips exactly.
#include <fmt/format.h>

#include "analyzer/json_writer.h"
#include "analyzer/report.h"
#include "analyzer/summary_json.h"
#include "analyzer/timestamp.h"

namespace sockfilter {

namespace {

void Time(JsonWriter* w, TimeMs t) {
  if (t == kNoTime) {
    w->Null();
  } else {
    w->String(FormatIsoUtc(t));
  }
}

std::string Hex(uint64_t v) { return fmt::format("{:016x}", v); }

void Counts(JsonWriter* w, const char* name, const char* label, const CappedCounts& counts,
            size_t top) {
  w->Key(name);
  w->BeginArray();
  for (const auto& [key, count] : counts.Top(top)) {
    w->BeginObject();
    w->Key(label);
    w->String(key);
    w->Key("count");
    w->Uint(count);
    w->EndObject();
  }
  w->EndArray();
}

void WriteTimeline(JsonWriter* w, const Timeline& t) {
  w->BeginObject();
  w->Key("start");
  Time(w, t.empty() ? kNoTime : t.start_ms());
  w->Key("bucket_seconds");
  w->Uint(static_cast<uint64_t>(t.width_ms() / 1000));
  w->Key("counts");
  w->BeginArray();
  for (uint64_t c : t.counts()) w->Uint(c);
  w->EndArray();
  w->EndObject();
}

void WriteSignatures(JsonWriter* w, const CauseStats& c) {
  w->Key("signatures");
  w->BeginArray();
  for (const auto& [sig, s] : c.signatures) {
    w->BeginObject();
    w->Key("sig");
    w->String(Hex(sig));
    w->Key("count");
    w->Uint(s.count);
    w->Key("sample");
    w->String(s.sample);
    w->Key("first");
    Time(w, s.first);
    w->Key("last");
    Time(w, s.last);
    w->EndObject();
  }
  w->EndArray();
}

void WriteCause(JsonWriter* w, const CauseStats& c, int64_t bucket_ms, size_t top) {
  w->BeginObject();
  w->Key("count");
  w->Uint(c.count);
  w->Key("lines");
  w->Uint(c.lines);
  w->Key("first");
  Time(w, c.first);
  w->Key("last");
  Time(w, c.last);
  w->Key("peers");
  w->Uint(c.peers.Count());
  w->Key("peers_exact");
  w->Bool(c.peers.exact());
  Counts(w, "top_peers", "peer", c.top_peers, top);
  Counts(w, "endpoints", "endpoint", c.endpoints, top);
  Counts(w, "components", "component", c.components, top);
  WriteSignatures(w, c);
  w->Key("timeline");
  WriteTimeline(w, c.timeline.Coarsened(bucket_ms));
  w->Key("on_write");
  w->Uint(c.on_write);
  w->Key("on_read");
  w->Uint(c.on_read);
  w->Key("http_response");
  w->Uint(c.http_response);
  w->EndObject();
}

void WriteRootCauses(JsonWriter* w, const std::vector<RootCause>& roots) {
  w->BeginArray();
  for (const RootCause& rc : roots) {
    w->BeginObject();
    w->Key("id");
    w->String(rc.id);
    w->Key("confidence");
    w->Double(rc.confidence, 2);
    w->Key("events");
    w->Uint(rc.events);
    w->Key("score");
    w->Double(rc.score, 3);
    w->Key("evidence");
    w->BeginArray();
    for (const std::string& e : rc.evidence) w->String(e);
    w->EndArray();
    w->Key("advice");
    w->String(rc.advice);
    w->Key("causes");
    w->BeginArray();
    for (const std::string& id : rc.causes) w->String(id);
    w->EndArray();
    w->EndObject();
  }
  w->EndArray();
}

}  // namespace

// The raw statistics, in report_json_stats.cc.
void WriteStats(JsonWriter* w, const Summary& s);

std::string RenderJson(const Summary& s, const std::vector<RootCause>& roots,
                       const ReportOptions& options) {
  int64_t bucket_ms = DisplayBucketMs(s, options);
  JsonWriter w;
  w.BeginObject();
  w.Key("schema");
  w.String(kSummarySchema);
  w.Key("inputs");
  w.Uint(s.inputs);
  w.Key("bytes");
  w.Uint(s.bytes);
  w.Key("lines");
  w.Uint(s.lines);
  w.Key("events");
  w.Uint(s.events);
  w.Key("timed_events");
  w.Uint(s.timed_events);
  w.Key("socket_errors");
  w.Uint(s.SocketErrorEvents());
  w.Key("span");
  w.BeginObject();
  w.Key("first");
  Time(&w, s.first);
  w.Key("last");
  Time(&w, s.last);
  w.EndObject();
  w.Key("causes");
  w.BeginObject();
  for (const auto& [id, c] : s.causes) {
    w.Key(id);
    WriteCause(&w, c, bucket_ms, options.top);
  }
  w.EndObject();
  w.Key("root_causes");
  WriteRootCauses(&w, roots);
  w.Key("stats");
  WriteStats(&w, s);
  w.EndObject();
  return w.Take();
}

}  // namespace sockfilter
