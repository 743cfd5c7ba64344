// DedupeFilter: collapses repeated events into one sample and a marker.
//
// Each event it may suppress (by default: classified socket errors, tags.cause >= 0) gets
// a signature (filters/signature.h); two events are repeats when cause and signature
// match. Per signature, a window opens at its first event and lasts `window_ms`: the first
// `keep` events of the window pass whole, at once (a new signature is never held back),
// the rest are suppressed and counted. A marker (filters/marker.h, docs/markers.md) is
// written in place in the stream, before the event that is being handled, for the
// repeats suppressed since the last one:
//   * when the window closes (stream time passes its end),
//   * every `marker_interval_ms` during a long flood,
//   * when the signature is evicted (more than `max_signatures` live, least recently seen
//     first),
//   * at Finish() (end of input, or a shutdown signal), in the order the runs began.
// A marker reaches the next stage as an Event of kind kMarker (one line, raw = the line
// with its '\n'). Continuation lines of a suppressed event that arrive as a separate kContinued
// event are suppressed with it.
//
// Time is the event's own (tags.time); an event without one takes the last time seen;
// only a live input (Idle() is called) that has shown no time at all uses the wall clock.
// While a live input is quiet, Idle() advances stream time by the wall clock since the
// last event, so markers of closed windows come out without waiting for the next line.
// For a file the output depends only on its bytes.
//
// Accounting (stats()): lines_in == lines_out + lines_suppressed, and the lines= of all
// markers add up to lines_suppressed.
//
//   DedupeOptions options;
//   options.cause_ids = {"conn_reset", ...};    // RuleBook::causes, for cause=
//   DedupeFilter dedupe(options, &out);
//   ... pipeline pushes events into &dedupe ...
//   std::string line = FormatStatsJson(dedupe.stats());
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/event_sink.h"
#include "analyzer/line_clock.h"
#include "filters/signature.h"
#include "filters/signature_table.h"

namespace sockfilter {

enum class DedupeMode : uint8_t {
  kSocket,  // events classified as socket errors (the default)
  kAll,     // and any other repeated multi-line event
  kNone,    // nothing: pure pass-through
};

// Parses "socket" / "all" / "none" (the values of --dedupe); false when unknown.
bool ParseDedupeMode(std::string_view text, DedupeMode* mode);

struct DedupeOptions {
  TimeMs window_ms = 300'000;
  uint32_t keep = 1;  // >= 1
  TimeMs marker_interval_ms = 60'000;
  DedupeMode mode = DedupeMode::kSocket;
  SignatureMode signature = SignatureMode::kNormalized;
  uint32_t max_signatures = 100'000;   // >= 1
  std::vector<std::string> cause_ids;  // EventTags::cause -> id printed as cause=
};

struct DedupeStats {
  uint64_t lines_in = 0;
  uint64_t lines_out = 0;  // markers excluded
  uint64_t lines_suppressed = 0;
  uint64_t events_in = 0;
  uint64_t events_suppressed = 0;
  uint64_t markers = 0;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;   // markers included
  uint64_t signatures = 0;  // signatures created (one evicted and seen again counts twice)
  uint64_t evicted = 0;
};

// One JSON object line, without a terminator: {"lines_in":..,...,"evicted":..}.
std::string FormatStatsJson(const DedupeStats& stats);

using WallClock = TimeMs (*)();
TimeMs SystemWallClock();

class DedupeFilter : public EventSink {
 public:
  // `next` is not owned and must outlive the filter.
  DedupeFilter(DedupeOptions options, EventSink* next, WallClock clock = SystemWallClock);

  void BeginInput(const InputInfo& input) override { next_->BeginInput(input); }
  void OnEvent(const Event& event) override;
  void EndInput(const InputInfo& input) override { next_->EndInput(input); }
  void Idle() override;
  void Finish() override;
  bool ok() const override { return next_->ok(); }

  const DedupeStats& stats() const { return stats_; }

 public:
  // What moving a yearless time into the stream's year learnt of the last day it moved.
  struct YearMemo {
    TimeMs day = kNoTime;  // days since the epoch
    int stream_year = 0;
    int year = 0;               // of the day
    TimeMs year_start = 0;      // of `year`
    TimeMs moved[3] = {};       // the day's start in stream_year - 1, +0, +1 (InYear)
    LineClock next_year_clock;  // tells a yearless time from one that has its year
  };

 private:
  struct Deadline {
    TimeMs due;
    uint64_t order;
    uint32_t index;
    uint32_t generation;
    bool operator>(const Deadline& o) const { return due != o.due ? due > o.due : order > o.order; }
  };

  TimeMs EventTime(const Event& event);
  bool Eligible(const Event& event) const;
  void HandleRecord(const Event& event, TimeMs t);
  SignatureState* Lookup(uint64_t sig, int cause);
  void Suppress(SignatureState* state, const Event& event, TimeMs t);
  bool SuppressContinuation(const Event& event);
  void StartRun(SignatureState* state, const Event& event, TimeMs t);
  void WriteMarker(SignatureState* state);
  void WriteDueMarkers(TimeMs now);
  void PushDeadline(const SignatureState& state);
  void CompactDeadlines();
  void Forward(const Event& event);

  DedupeOptions options_;
  EventSink* next_;
  WallClock clock_;
  Signer signer_;
  SignatureTable table_;
  std::vector<Deadline> deadlines_;  // a min-heap on (due, order); stale entries skipped
  size_t open_runs_ = 0;
  DedupeStats stats_;

  bool live_ = false;
  TimeMs last_time_ = kNoTime;  // the last event time seen
  TimeMs year_begin_ = 0;       // [begin, end) of last_time_'s year
  TimeMs year_end_ = 0;
  TimeMs wall_at_last_time_ = 0;  // wall clock when it was seen (live inputs)
  YearMemo year_memo_;
  uint64_t order_ = 0;        // events handled
  uint32_t continued_index_;  // the state whose last event was suppressed, or none
  uint32_t continued_generation_ = 0;
  const InputInfo* input_ = nullptr;  // of the last event, for the markers
  std::string marker_;                // reused buffer
};

}  // namespace sockfilter
