#include "filters/dedupe_filter.h"

#include <time.h>

#include <algorithm>
#include <cstdlib>

#include "analyzer/timestamp.h"
#include "filters/marker.h"

namespace sockfilter {

namespace {

constexpr uint32_t kNoIndex = ~uint32_t{0};

// A timestamp written without a year (syslog's "Mar 11 03:13:30") was completed with some
// default year; in a stream that also has dated lines, it belongs to the stream's year
// (the one of Y-1, Y, Y+1 closest to `reference`, for streams that cross New Year).
// Returns `t` unchanged when the line's time carries its own year.
TimeMs InStreamYear(TimeMs t, TimeMs reference, std::string_view first_line,
                    DedupeFilter::YearMemo* memo) {
  constexpr TimeMs kMsPerDay = 86400000;
  TimeMs day = t >= 0 ? t / kMsPerDay : (t - kMsPerDay + 1) / kMsPerDay;
  TimeMs time_of_day = t - day * kMsPerDay;
  int stream_year = YearOf(reference);
  // The year of t and its day moved into the years around the stream's are the same for
  // every time of that day: a syslog stream asks once a day, not once a line.
  if (day != memo->day || stream_year != memo->stream_year) {
    memo->day = day;
    memo->stream_year = stream_year;
    memo->year = YearOf(t);
    memo->year_start = TimeFromCivil(memo->year, 1, 1, 0, 0, 0, 0);
    for (int i = 0; i < 3; ++i) memo->moved[i] = InYear(day * kMsPerDay, stream_year - 1 + i);
  }
  int year = memo->year;
  if (year == stream_year) return t;
  // `next_year_clock` reads the line as ParseLineTimestamp(line, year + 1) would, cheaply
  // when the line repeats the layout of the one before.
  memo->next_year_clock.set_default_year(year + 1);
  if (memo->next_year_clock.Time(first_line) == t) return t;
  // The line's time in another year is its month, day and time of day moved there (no
  // yearless format has a zone), which spares a parse per year tried. Only a leap second
  // read at the turn of the year ("Dec 31 23:59:60", now Jan 1 00:00:00) needs the parse.
  bool new_year = t - memo->year_start >= 0 && t - memo->year_start < 1000;
  TimeMs best = t;
  for (int i = 0; i < 3; ++i) {
    TimeMs candidate = new_year ? ParseLineTimestamp(first_line, stream_year - 1 + i)
                       : memo->moved[i] == kNoTime ? kNoTime
                                                   : memo->moved[i] + time_of_day;
    if (candidate == kNoTime) continue;
    if (best == t || std::llabs(candidate - reference) < std::llabs(best - reference))
      best = candidate;
  }
  return best;
}

}  // namespace

bool ParseDedupeMode(std::string_view text, DedupeMode* mode) {
  if (text == "socket") {
    *mode = DedupeMode::kSocket;
  } else if (text == "all") {
    *mode = DedupeMode::kAll;
  } else if (text == "none") {
    *mode = DedupeMode::kNone;
  } else {
    return false;
  }
  return true;
}

std::string FormatStatsJson(const DedupeStats& s) {
  const std::pair<const char*, uint64_t> fields[] = {{"lines_in", s.lines_in},
                                                     {"lines_out", s.lines_out},
                                                     {"lines_suppressed", s.lines_suppressed},
                                                     {"events_in", s.events_in},
                                                     {"events_suppressed", s.events_suppressed},
                                                     {"markers", s.markers},
                                                     {"bytes_in", s.bytes_in},
                                                     {"bytes_out", s.bytes_out},
                                                     {"signatures", s.signatures},
                                                     {"evicted", s.evicted}};
  std::string out = "{";
  for (const auto& [name, value] : fields) {
    if (out.size() > 1) out += ',';
    out += '"';
    out += name;
    out += "\":";
    out += std::to_string(value);
  }
  out += '}';
  return out;
}

TimeMs SystemWallClock() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<TimeMs>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

DedupeFilter::DedupeFilter(DedupeOptions options, EventSink* next, WallClock clock)
    : options_(std::move(options)),
      next_(next),
      clock_(clock),
      signer_(options_.signature),
      table_(options_.max_signatures),
      continued_index_(kNoIndex) {}

void DedupeFilter::OnEvent(const Event& event) {
  if (event.kind == EventKind::kMarker) {  // written by an earlier stage: not input
    stats_.bytes_out += event.raw.size();
    next_->OnEvent(event);
    return;
  }
  input_ = event.input;
  ++order_;
  ++stats_.events_in;
  stats_.lines_in += event.line_count;
  stats_.bytes_in += event.raw.size();
  if (event.kind == EventKind::kContinued) {
    // The rest of a record already handled (no time of its own): it shares the record's fate.
    if (!SuppressContinuation(event)) Forward(event);
    return;
  }
  continued_index_ = kNoIndex;
  if (options_.mode == DedupeMode::kNone) {  // nothing is held, so no time is needed
    Forward(event);
    return;
  }
  TimeMs t = EventTime(event);
  if (t != kNoTime) WriteDueMarkers(t);
  if (event.kind == EventKind::kRecord && Eligible(event)) {
    HandleRecord(event, t);
  } else {
    Forward(event);
  }
}

TimeMs DedupeFilter::EventTime(const Event& event) {
  if (event.tags.time != kNoTime) {
    TimeMs t = event.tags.time;
    bool same_year = t >= year_begin_ && t < year_end_;  // the common case, no calendar math
    last_time_ = same_year || last_time_ == kNoTime
                     ? t
                     : InStreamYear(t, last_time_, event.first_line_text(), &year_memo_);
    if (last_time_ < year_begin_ || last_time_ >= year_end_) {
      int year = YearOf(last_time_);
      year_begin_ = TimeFromCivil(year, 1, 1, 0, 0, 0, 0);
      year_end_ = TimeFromCivil(year + 1, 1, 1, 0, 0, 0, 0);
    }
    if (live_) wall_at_last_time_ = clock_();
    return last_time_;
  }
  if (last_time_ != kNoTime) return last_time_;
  return live_ ? clock_() : kNoTime;
}

bool DedupeFilter::Eligible(const Event& event) const {
  switch (options_.mode) {
    case DedupeMode::kSocket:
      return event.tags.cause >= 0;
    case DedupeMode::kAll:
      return event.tags.cause >= 0 || event.line_count > 1;
    case DedupeMode::kNone:
      return false;
  }
  return false;
}

void DedupeFilter::HandleRecord(const Event& event, TimeMs t) {
  uint64_t sig = signer_.Sign(event.raw, event.tags.json);
  SignatureState* s = Lookup(sig, event.tags.cause);
  // A window is [start, start + window); time running backwards by more than a window
  // (an older file after a newer one) also starts a new one.
  bool fresh = s->kept == 0 && !s->run;
  bool closed =
      t != kNoTime && (s->window_start == kNoTime || t >= s->window_start + options_.window_ms ||
                       t < s->window_start - options_.window_ms);
  if (fresh || closed) {
    if (s->run) WriteMarker(s);
    s->window_start = t;
    s->kept = 0;
  }
  if (s->kept < options_.keep) {
    ++s->kept;
    Forward(event);
    return;
  }
  Suppress(s, event, t);
}

SignatureState* DedupeFilter::Lookup(uint64_t sig, int cause) {
  if (SignatureState* s = table_.Find(sig, cause)) return s;
  if (table_.full()) {
    SignatureState* oldest = table_.Oldest();
    if (oldest->run) WriteMarker(oldest);
    table_.Remove(oldest);
    ++stats_.evicted;
  }
  ++stats_.signatures;
  return table_.Insert(sig, cause);
}

void DedupeFilter::Suppress(SignatureState* s, const Event& event, TimeMs t) {
  if (!s->run) StartRun(s, event, t);
  SuppressedRun& run = *s->run;
  ++run.repeats;
  run.lines += event.line_count;
  if (t != kNoTime) run.last = t;
  run.peers.Add(event.tags.peer);
  ++stats_.events_suppressed;
  stats_.lines_suppressed += event.line_count;
  continued_index_ = table_.IndexOf(s);
  continued_generation_ = s->generation;
}

bool DedupeFilter::SuppressContinuation(const Event& event) {
  SignatureState* s = continued_index_ == kNoIndex ? nullptr : table_.At(continued_index_);
  if (s == nullptr || s->generation != continued_generation_ || !s->run) return false;
  s->run->lines += event.line_count;
  ++stats_.events_suppressed;
  stats_.lines_suppressed += event.line_count;
  return true;
}

void DedupeFilter::StartRun(SignatureState* s, const Event& event, TimeMs t) {
  s->run = std::make_unique<SuppressedRun>();
  SuppressedRun& run = *s->run;
  run.first = t;
  run.order = order_;
  std::string_view first_line = event.first_line_text();
  run.json = event.tags.json || IsJsonObjectLine(first_line);
  run.set_sample(CutSample(first_line, &run.sample_cut));
  if (t != kNoTime) {
    run.due = std::min(s->window_start + options_.window_ms, t + options_.marker_interval_ms);
    PushDeadline(*s);
  }
  ++open_runs_;
}

void DedupeFilter::WriteMarker(SignatureState* s) {
  const SuppressedRun& run = *s->run;
  MarkerFields fields;
  fields.repeats = run.repeats;
  fields.lines = run.lines;
  if (s->cause >= 0 && static_cast<size_t>(s->cause) < options_.cause_ids.size())
    fields.cause = options_.cause_ids[s->cause];
  fields.sig = s->sig;
  fields.first = run.first;
  fields.last = run.last;
  fields.peers = run.peers.Count();
  fields.sample = run.sample_text();
  fields.sample_cut = run.sample_cut;
  marker_.clear();
  AppendMarker(fields, run.json, &marker_);

  Event marker;
  marker.raw = marker_;
  marker.line_count = 1;
  marker.kind = EventKind::kMarker;
  marker.input = input_;
  marker.tags.json = run.json;
  ++stats_.markers;
  stats_.bytes_out += marker_.size();
  s->run.reset();
  ++s->generation;
  --open_runs_;
  next_->OnEvent(marker);
}

void DedupeFilter::PushDeadline(const SignatureState& s) {
  deadlines_.push_back({s.run->due, s.run->order, table_.IndexOf(&s), s.generation});
  std::push_heap(deadlines_.begin(), deadlines_.end(), std::greater<>());
  if (deadlines_.size() > 2 * open_runs_ + 1024) CompactDeadlines();
}

// Runs written out early (window closed by their own next event, eviction) leave stale
// deadlines behind; drop them before they add up.
void DedupeFilter::CompactDeadlines() {
  auto stale = [this](const Deadline& d) {
    SignatureState* s = table_.At(d.index);
    return s == nullptr || s->generation != d.generation || !s->run;
  };
  deadlines_.erase(std::remove_if(deadlines_.begin(), deadlines_.end(), stale), deadlines_.end());
  std::make_heap(deadlines_.begin(), deadlines_.end(), std::greater<>());
}

void DedupeFilter::WriteDueMarkers(TimeMs now) {
  while (!deadlines_.empty() && deadlines_.front().due <= now) {
    Deadline d = deadlines_.front();
    std::pop_heap(deadlines_.begin(), deadlines_.end(), std::greater<>());
    deadlines_.pop_back();
    SignatureState* s = table_.At(d.index);
    if (s != nullptr && s->generation == d.generation && s->run) WriteMarker(s);
  }
}

void DedupeFilter::Idle() {
  if (!live_) {
    live_ = true;
    wall_at_last_time_ = clock_();
  }
  // A quiet live stream: its time moves on with the wall clock since the last event.
  TimeMs wall = clock_();
  TimeMs now = last_time_ == kNoTime ? wall : last_time_ + (wall - wall_at_last_time_);
  WriteDueMarkers(now);
  next_->Idle();
}

void DedupeFilter::Finish() {
  std::vector<std::pair<uint64_t, uint32_t>> open;  // (order, index)
  table_.ForEach([&](SignatureState& s) {
    if (s.run) open.emplace_back(s.run->order, table_.IndexOf(&s));
  });
  std::sort(open.begin(), open.end());
  for (const auto& [order, index] : open) WriteMarker(table_.At(index));
  deadlines_.clear();
  next_->Finish();
}

void DedupeFilter::Forward(const Event& event) {
  stats_.lines_out += event.line_count;
  stats_.bytes_out += event.raw.size();
  next_->OnEvent(event);
}

}  // namespace sockfilter
