#include "analyzer/summary_json.h"

#include <simdjson.h>

#include <charconv>

#include "analyzer/timestamp.h"

namespace sockfilter {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// Reading stops at the first problem; `error_` names the field.
class Reader {
 public:
  explicit Reader(const std::string& name) : name_(name) {}

  Status Read(element doc, Summary* s);

 private:
  bool Fail(std::string_view what) {
    if (error_.empty()) error_ = std::string(what);
    return false;
  }
  bool Uint(element e, std::string_view key, uint64_t* out) {
    return !e[key].get(*out) || Fail(key);
  }
  bool Time(element e, std::string_view key, TimeMs* out);
  bool Span(element e, TimeMs* first, TimeMs* last);
  bool Hex(std::string_view text, uint64_t* out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out, 16);
    return (ec == std::errc() && end == text.data() + text.size()) || Fail("hex value");
  }
  bool Distinct(element e, DistinctCounter* out);
  bool Counts(element e, CappedCounts* out);
  bool Cause(element shown, element stats, CauseStats* c);
  bool Signatures(element shown, CauseStats* c);
  bool Timeline(element shown, sockfilter::Timeline* out);
  bool Gaps(element e, QuietGaps* gaps);
  // [[lower edge ms, gaps], ...] as (bin, gaps); `what` names it in the error.
  bool GapBins(array bins, std::string_view what, std::vector<std::pair<int, uint64_t>>* out);
  bool Bursts(element e, BurstSeconds* bursts);
  bool Host(element e, std::vector<HostInput>* host);
  bool Snapshot(element e, HostSnapshot* snap);

  const std::string& name_;
  std::string error_;
};

bool Reader::Time(element e, std::string_view key, TimeMs* out) {
  element v;
  if (e[key].get(v)) return Fail(key);
  if (v.is_null()) {
    *out = kNoTime;
    return true;
  }
  std::string_view text;
  if (v.get(text)) return Fail(key);
  *out = ParseTimestampValue(text, 1970);
  return *out != kNoTime || Fail(key);
}

// "first" and "last" of one span: both null, or both times in order. A file edited by
// hand (or damaged) with last before first would make the report's spans negative.
bool Reader::Span(element e, TimeMs* first, TimeMs* last) {
  if (!Time(e, "first", first) || !Time(e, "last", last)) return false;
  bool ordered = (*first == kNoTime) == (*last == kNoTime) && *first <= *last;
  return ordered || Fail("first/last");
}

bool Reader::Distinct(element e, DistinctCounter* out) {
  std::string_view registers;
  if (!e["registers"].get(registers)) {
    Result<DistinctCounter> d = DistinctCounter::FromRegistersHex(registers);
    if (!d.ok()) return Fail(d.status().message());
    *out = *d;
    return true;
  }
  array hashes;
  if (e["hashes"].get(hashes)) return Fail("hashes");
  std::vector<uint64_t> values;
  for (element h : hashes) {
    std::string_view text;
    uint64_t v = 0;
    if (h.get(text) || !Hex(text, &v)) return Fail("hashes");
    values.push_back(v);
  }
  Result<DistinctCounter> d = DistinctCounter::FromHashes(values);
  if (!d.ok()) return Fail(d.status().message());
  *out = *d;
  return true;
}

bool Reader::Counts(element e, CappedCounts* out) {
  array entries;
  uint64_t others = 0;
  if (e["entries"].get(entries) || e["others"].get(others)) return Fail("counts");
  for (element entry : entries) {
    std::string_view key;
    uint64_t count = 0;
    if (entry.at(0).get(key) || entry.at(1).get(count)) return Fail("counts entry");
    out->Add(key, count);
  }
  out->AddOthers(others);
  return true;
}

bool Reader::Timeline(element shown, sockfilter::Timeline* out) {
  TimeMs start = kNoTime;
  uint64_t bucket = 0;
  array counts;
  if (!Time(shown, "start", &start) || !Uint(shown, "bucket_seconds", &bucket) ||
      shown["counts"].get(counts))
    return Fail("timeline");
  std::vector<uint64_t> values;
  for (element c : counts) {
    uint64_t v = 0;
    if (c.get(v)) return Fail("timeline counts");
    values.push_back(v);
  }
  if (start == kNoTime || values.empty()) return true;
  if (bucket == 0) return Fail("timeline bucket_seconds");
  *out = sockfilter::Timeline::FromCounts(start, static_cast<int64_t>(bucket) * 1000,
                                          std::move(values));
  return true;
}

bool Reader::Signatures(element shown, CauseStats* c) {
  array sigs;
  if (shown["signatures"].get(sigs)) return Fail("signatures");
  for (element e : sigs) {
    std::string_view sig_text, sample;
    uint64_t sig = 0;
    if (e["sig"].get(sig_text) || !Hex(sig_text, &sig) || e["sample"].get(sample))
      return Fail("signature");
    SignatureStats* s = c->FindOrAddSignature(sig);
    if (s == nullptr) return Fail("too many signatures");
    s->sample = std::string(sample);
    if (!Uint(e, "count", &s->count) || !Span(e, &s->first, &s->last)) return false;
  }
  return true;
}

bool Reader::Cause(element shown, element stats, CauseStats* c) {
  element peers, clients, peer_counts, endpoint_counts, component_counts, timeline;
  if (!Uint(shown, "count", &c->count) || !Uint(shown, "lines", &c->lines) ||
      !Span(shown, &c->first, &c->last) || !Uint(shown, "on_write", &c->on_write) ||
      !Uint(shown, "on_read", &c->on_read) || !Uint(shown, "http_response", &c->http_response) ||
      !Signatures(shown, c))
    return false;
  if (shown["timeline"].get(timeline) || !Timeline(timeline, &c->timeline)) return Fail("timeline");
  if (stats["peers"].get(peers) || stats["http_clients"].get(clients) ||
      stats["peer_counts"].get(peer_counts) || stats["endpoint_counts"].get(endpoint_counts) ||
      stats["component_counts"].get(component_counts))
    return Fail("stats of a cause");
  return Distinct(peers, &c->peers) && Distinct(clients, &c->http_clients) &&
         Counts(peer_counts, &c->top_peers) && Counts(endpoint_counts, &c->endpoints) &&
         Counts(component_counts, &c->components) &&
         Uint(stats, "signature_others", &c->signature_others);
}

bool Reader::Gaps(element e, QuietGaps* gaps) {
  array bins, peers;
  uint64_t untracked = 0;
  if (e["bins"].get(bins) || e["peers"].get(peers) || e["untracked"].get(untracked))
    return Fail("gaps");
  std::vector<std::pair<int, uint64_t>> all;
  if (!GapBins(bins, "gap bin", &all)) return false;
  for (const auto& [bin, count] : all) gaps->RestoreBin(bin, count);
  gaps->AddUntracked(untracked);
  for (element p : peers) {
    std::string_view peer;
    QuietGaps::PeerState state;
    array fields;
    if (p.get(fields) || p.at(0).get(peer) || p.at(1).get(state.first) ||
        p.at(2).get(state.first_is_reset) || p.at(3).get(state.last))
      return Fail("gap peer");
    // Each peer's resets and own gaps, so that a merge past the cap can take them out
    // again; a summary of an earlier version has neither (its merges past the cap are near).
    if (fields.size() > 4) {
      array own;
      if (p.at(4).get(state.resets) || p.at(5).get(own)) return Fail("gap peer");
      if (!GapBins(own, "gap peer bin", &state.gaps)) return false;
    }
    gaps->RestorePeer(peer, std::move(state));
  }
  return true;
}

bool Reader::GapBins(array bins, std::string_view what,
                     std::vector<std::pair<int, uint64_t>>* out) {
  for (element b : bins) {
    int64_t low = 0;
    uint64_t count = 0;
    if (b.at(0).get(low) || b.at(1).get(count)) return Fail(what);
    out->emplace_back(QuietGaps::BinOf(low), count);
  }
  return true;
}

bool Reader::Bursts(element e, BurstSeconds* bursts) {
  array seconds;
  uint64_t dropped = 0;
  if (e["seconds"].get(seconds) || e["dropped"].get(dropped)) return Fail("bursts");
  for (element row : seconds) {
    int64_t second = 0;
    uint64_t resets = 0, fd = 0;
    std::string_view hashes;
    if (row.at(0).get(second) || row.at(1).get(resets) || row.at(2).get(fd) ||
        row.at(3).get(hashes))
      return Fail("burst second");
    BurstSeconds::Second s;
    s.resets = static_cast<uint32_t>(resets);
    s.fd_errors = static_cast<uint32_t>(fd);
    while (!hashes.empty()) {
      size_t end = std::min(hashes.find(' '), hashes.size());
      uint64_t h = 0;
      if (!Hex(hashes.substr(0, end), &h)) return false;
      s.peer_hashes.push_back(h);
      hashes.remove_prefix(std::min(end + 1, hashes.size()));
    }
    bursts->Restore(second, std::move(s));
  }
  bursts->set_dropped(dropped);
  return true;
}

// Host snapshots and captures: in summary_json_host.cc.
}  // namespace

bool ReadHostCaptures(element e, std::vector<HostInput>* host, std::string* error);

namespace {

bool Reader::Host(element e, std::vector<HostInput>* host) {
  std::string error;
  return ReadHostCaptures(e, host, &error) || Fail(error);
}

Status Reader::Read(element doc, Summary* s) {
  std::string_view schema;
  if (doc["schema"].get(schema) || schema != kSummarySchema)
    return Status::Error(name_ + ": not a " + std::string(kSummarySchema) + " file");
  element span, causes, stats, stats_causes, gaps, bursts, abort, host;
  bool ok = Uint(doc, "inputs", &s->inputs) && Uint(doc, "bytes", &s->bytes) &&
            Uint(doc, "lines", &s->lines) && Uint(doc, "events", &s->events) &&
            Uint(doc, "timed_events", &s->timed_events) && !doc["span"].get(span) &&
            Span(span, &s->first, &s->last) && !doc["causes"].get(causes) &&
            !doc["stats"].get(stats) && !stats["causes"].get(stats_causes) &&
            !stats["gaps"].get(gaps) && !stats["bursts"].get(bursts) &&
            !stats["client_abort_peers"].get(abort) && !stats["host"].get(host);
  if (!ok) return Status::Error(name_ + ": missing or malformed field " + error_);
  object cause_map;
  if (causes.get(cause_map)) return Status::Error(name_ + ": \"causes\" is not an object");
  for (auto [id, shown] : cause_map) {
    element cause_stats;
    if (stats_causes[id].get(cause_stats))
      return Status::Error(name_ + ": no stats for cause " + std::string(id));
    if (!Cause(shown, cause_stats, &s->causes[std::string(id)]))
      return Status::Error(name_ + ": cause " + std::string(id) + ": " + error_);
  }
  if (!Gaps(gaps, &s->gaps) || !Bursts(bursts, &s->bursts) ||
      !Distinct(abort, &s->client_abort_peers) || !Host(host, &s->host))
    return Status::Error(name_ + ": stats: " + error_);
  return Status::Ok();
}

}  // namespace

Result<Summary> ReadSummaryJson(std::string_view text, const std::string& name) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  element doc;
  if (auto error = parser.parse(padded).get(doc))
    return Status::Error(name + ": not JSON: " + simdjson::error_message(error));
  Summary summary;
  Reader reader(name);
  Status status = reader.Read(doc, &summary);
  if (!status.ok()) return status;
  return summary;
}

}  // namespace sockfilter
