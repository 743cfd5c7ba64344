// The "stats" object of a summary file: every raw statistic that merging needs and the
// conclusions do not show (see docs/summary-schema.md, "stats").
#include <fmt/format.h>

#include "analyzer/json_writer.h"
#include "analyzer/summary.h"

namespace sockfilter {

namespace {

std::string Hex(uint64_t v) { return fmt::format("{:016x}", v); }

void Distinct(JsonWriter* w, const DistinctCounter& d) {
  w->BeginObject();
  if (d.exact()) {
    w->Key("hashes");
    w->BeginArray();
    for (uint64_t h : d.exact_hashes()) w->String(Hex(h));
    w->EndArray();
  } else {
    w->Key("registers");
    w->String(d.RegistersHex());
  }
  w->EndObject();
}

// [[key, count], ...] in admission order, then the count of keys past the cap.
void AllCounts(JsonWriter* w, const char* name, const CappedCounts& counts) {
  w->Key(name);
  w->BeginObject();
  w->Key("entries");
  w->BeginArray();
  for (const auto& [key, count] : counts.Entries()) {
    w->BeginArray();
    w->String(key);
    w->Uint(count);
    w->EndArray();
  }
  w->EndArray();
  w->Key("others");
  w->Uint(counts.others());
  w->EndObject();
}

void CauseStatsJson(JsonWriter* w, const CauseStats& c) {
  w->BeginObject();
  w->Key("peers");
  Distinct(w, c.peers);
  w->Key("http_clients");
  Distinct(w, c.http_clients);
  AllCounts(w, "peer_counts", c.top_peers);
  AllCounts(w, "endpoint_counts", c.endpoints);
  AllCounts(w, "component_counts", c.components);
  w->Key("signature_others");
  w->Uint(c.signature_others);
  w->EndObject();
}

// [[lower edge in ms, gaps], ...] of (bin, gaps) pairs.
template <typename Bins>
void GapBinsJson(JsonWriter* w, const Bins& bins) {
  w->BeginArray();
  for (const auto& [bin, count] : bins) {
    w->BeginArray();
    w->Int(QuietGaps::BinLow(bin));
    w->Uint(count);
    w->EndArray();
  }
  w->EndArray();
}

void GapsJson(JsonWriter* w, const QuietGaps& g) {
  w->BeginObject();
  w->Key("bins");
  GapBinsJson(w, g.bins());
  w->Key("peers");  // [peer, first ms, first is a reset, last ms, resets, [[lower edge, gaps]]]
  w->BeginArray();
  for (const auto& [peer, state] : g.SortedPeers()) {
    w->BeginArray();
    w->String(peer);
    w->Int(state->first);
    w->Bool(state->first_is_reset);
    w->Int(state->last);
    w->Uint(state->resets);
    GapBinsJson(w, state->gaps);
    w->EndArray();
  }
  w->EndArray();
  w->Key("untracked");
  w->Uint(g.untracked());
  w->EndObject();
}

void BurstsJson(JsonWriter* w, const BurstSeconds& b) {
  w->BeginObject();
  w->Key("seconds");  // [second since the epoch, resets, fd errors, "peer hashes"]
  w->BeginArray();
  for (const auto& [second, s] : b.seconds()) {
    w->BeginArray();
    w->Int(second);
    w->Uint(s.resets);
    w->Uint(s.fd_errors);
    std::string hashes;
    for (uint64_t h : s.peer_hashes) hashes += (hashes.empty() ? "" : " ") + Hex(h);
    w->String(hashes);
    w->EndArray();
  }
  w->EndArray();
  w->Key("dropped");
  w->Uint(b.dropped());
  w->EndObject();
}

void SnapshotJson(JsonWriter* w, const HostSnapshot& snap) {
  w->BeginObject();
  if (snap.unix_time) {
    w->Key("unix_time");
    w->Double(*snap.unix_time, 3);
  }
  w->Key("time_text");
  w->String(snap.time_text);
  w->Key("counters");
  w->BeginObject();
  for (const auto& [name, value] : snap.counters) {
    w->Key(name);
    w->Int(value);
  }
  w->EndObject();
  w->Key("increments");
  w->Bool(snap.counters_are_increments);
  if (snap.listeners) {
    w->Key("listeners");
    w->BeginArray();
    for (const Listener& l : *snap.listeners) {
      w->BeginObject();
      w->Key("local");
      w->String(l.local);
      w->Key("port");
      w->Uint(l.port);
      w->Key("recv_q");
      w->Uint(l.recv_q);
      w->Key("send_q");
      w->Uint(l.send_q);
      w->EndObject();
    }
    w->EndArray();
  }
  w->EndObject();
}

void HostJson(JsonWriter* w, const std::vector<HostInput>& host) {
  w->BeginArray();
  for (const HostInput& capture : host) {
    w->BeginObject();
    w->Key("source");
    w->String(capture.source);
    w->Key("settings");
    w->BeginObject();
    for (const auto& [name, value] : capture.evidence.settings) {
      w->Key(name);
      w->Int(value);
    }
    w->EndObject();
    w->Key("snapshots");
    w->BeginArray();
    for (const HostSnapshot& snap : capture.evidence.snapshots) SnapshotJson(w, snap);
    w->EndArray();
    w->EndObject();
  }
  w->EndArray();
}

}  // namespace

void WriteStats(JsonWriter* w, const Summary& s) {
  w->BeginObject();
  w->Key("causes");
  w->BeginObject();
  for (const auto& [id, c] : s.causes) {
    w->Key(id);
    CauseStatsJson(w, c);
  }
  w->EndObject();
  w->Key("gaps");
  GapsJson(w, s.gaps);
  w->Key("bursts");
  BurstsJson(w, s.bursts);
  w->Key("client_abort_peers");
  Distinct(w, s.client_abort_peers);
  w->Key("host");
  HostJson(w, s.host);
  w->EndObject();
}

}  // namespace sockfilter
