#include "analyzer/summary_sink.h"

#include "analyzer/event_traits.h"
#include "analyzer/timestamp.h"
#include "filters/marker.h"

namespace sockfilter {

namespace {

// The causes whose events are "resets" for the gap and burst signals: the peer's side
// of the connection went away under us.
bool IsResetLike(const std::string& id) {
  return id == "conn_reset" || id == "broken_pipe" || id == "conn_aborted";
}

}  // namespace

SummarySink::SummarySink(const std::vector<CauseInfo>& causes, SignatureFunction signature,
                         Summary* summary, Options options)
    : causes_(causes),
      signature_(std::move(signature)),
      summary_(summary),
      options_(options),
      json_(JsonFieldNames::Defaults(), options.default_year) {
  stats_.assign(causes.size(), nullptr);
  roles_.reserve(causes.size());
  for (const CauseInfo& cause : causes) {
    Role role = IsResetLike(cause.id)          ? Role::kReset
                : cause.id == "too_many_files" ? Role::kFdError
                                               : Role::kOther;
    roles_.push_back(role);
  }
}

void SummarySink::BeginInput(const InputInfo& /*input*/) { ++summary_->inputs; }

CauseStats* SummarySink::StatsFor(int cause) {
  if (stats_[cause] == nullptr) stats_[cause] = &summary_->causes[causes_[cause].id];
  return stats_[cause];
}

void SummarySink::FlushProgress() {
  if (options_.progress != nullptr) options_.progress->AddBytes(unreported_bytes_);
  unreported_bytes_ = 0;
}

// The classifier may have set the time; otherwise the first line's own timestamp, or a
// JSON record's time field.
TimeMs SummarySink::TimeOf(const Event& event) {
  if (event.tags.time != kNoTime) return event.tags.time;
  std::string_view first = event.first_line_text();
  if (LooksLikeJsonObject(first)) {
    JsonFields fields;
    if (json_.Extract(first, &fields)) return fields.time;
  }
  return ParseLineTimestamp(first, options_.default_year);
}

void SummarySink::OnEvent(const Event& event) {
  if (event.kind == EventKind::kMarker) return;
  unreported_bytes_ += event.raw.size();
  if (unreported_bytes_ >= (1u << 20)) FlushProgress();
  summary_->lines += event.line_count;
  bool text = event.kind == EventKind::kRecord || event.kind == EventKind::kContinued ||
              event.kind == EventKind::kPiece;
  if (!text) return;
  if (event.tags.marker) return CountMarker(event);
  ++summary_->events;
  TimeMs time = TimeOf(event);
  if (time != kNoTime) {
    ++summary_->timed_events;
    ExtendSpan(time, &summary_->first, &summary_->last);
  }
  int cause = event.tags.cause;
  bool counted = cause >= 0 && static_cast<size_t>(cause) < causes_.size();
  if (!counted && event.tags.peer.empty()) return;  // most events: nothing more to note
  std::string_view host = PeerHost(event.tags.peer);
  if (!counted) {
    summary_->gaps.Observe(host, time, false);  // activity: the peer was not quiet
    return;
  }
  CountCause(event, cause, host, time);
}

// Adds `count` events spanning [first, last] to signature `sig` of `c`; `sample` is kept
// when the signature is new.
void SummarySink::CountSignature(CauseStats* c, uint64_t sig, std::string_view sample,
                                 uint64_t count, TimeMs first, TimeMs last) {
  bool known = c->signatures.count(sig) > 0;
  SignatureStats* s = c->FindOrAddSignature(sig);
  if (s == nullptr) {
    c->signature_others += count;
    return;
  }
  if (!known) s->sample.assign(sample.substr(0, Summary::kMaxSampleBytes));
  s->count += count;
  ExtendSpan(first, &s->first, &s->last);
  ExtendSpan(last, &s->first, &s->last);
}

// A marker counts the events it stands for under their cause and signature, so a
// compacted log gives the counts its original would. What the marker does not carry (each
// event's own time, peer, text) adds nothing: peers, components, call traits, gaps and
// bursts see only the events that are in the log.
void SummarySink::CountMarker(const Event& event) {
  ++markers_read_;
  MarkerFields m;
  if (!ParseMarker(event.first_line_text(), &m) || m.cause.empty()) return;
  int cause = -1;
  for (size_t i = 0; i < causes_.size(); ++i)
    if (causes_[i].id == m.cause) cause = static_cast<int>(i);
  if (cause < 0) return;  // a cause of other rules than ours
  CauseStats& c = *StatsFor(cause);
  c.count += m.repeats;
  c.lines += m.lines;
  for (TimeMs t : {m.first, m.last}) {
    ExtendSpan(t, &c.first, &c.last);
    ExtendSpan(t, &summary_->first, &summary_->last);
  }
  if (signature_) CountSignature(&c, m.sig, event.raw, m.repeats, m.first, m.last);
  c.timeline.Add(m.first != kNoTime ? m.first : m.last, m.repeats);
}

void SummarySink::CountCause(const Event& event, int cause, std::string_view host, TimeMs time) {
  CauseStats& c = *StatsFor(cause);
  ++c.count;
  c.lines += event.line_count;
  ExtendSpan(time, &c.first, &c.last);
  if (signature_) CountSignature(&c, signature_(event), event.raw, 1, time, time);
  uint64_t peer_hash = host.empty() ? 0 : HashText(host);
  if (!host.empty()) {
    c.peers.Add(peer_hash);
    c.top_peers.Add(host);
  }
  c.endpoints.Add(event.tags.endpoint);
  c.components.Add(ComponentOf(event.first_line_text()));
  c.timeline.Add(time);

  CallTraits call = describer_.Describe(event.raw);
  c.on_write += call.write;
  c.on_read += call.read;
  Role role = roles_[cause];
  if (role == Role::kReset && call.write && call.http_response) {
    ++c.http_response;
    if (!host.empty()) {
      c.http_clients.Add(peer_hash);
      summary_->client_abort_peers.Add(peer_hash);
    }
  }
  summary_->gaps.Observe(host, peer_hash, time, role == Role::kReset);
  if (role == Role::kReset) summary_->bursts.AddReset(time, peer_hash, !host.empty());
  if (role == Role::kFdError) summary_->bursts.AddFdError(time);
}

}  // namespace sockfilter
