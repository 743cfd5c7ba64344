// EventAssembler: groups lines into events (a record with its continuation lines) and
// pushes each finished event into an EventSink.
//
// Which lines continue an event is data: the `[[multiline]]` state machine in rules/.
// An event is finished when the next record starts, on Flush() (end of input or the
// stream's flush timeout), or when it reaches the line or byte limit (then it is passed on
// as it is, and what follows comes as a kContinued event). Blank lines wait for the next
// line and join the event only if that line continues it.
//
// `tail -f a b` output is understood: a `==> name <==` header line switches to that
// file's own assembly state, so lines of different files never merge into one event.
//
// The pending event stays in the line reader's buffer (pinned) until it is passed on.
//
//   EventAssembler assembler(rules, &reader, &sink, limits);
//   Line line;
//   while (reader.Next(&line)) assembler.OnLine(line);
//   assembler.Flush();
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "analyzer/event_sink.h"
#include "analyzer/line_reader.h"
#include "rules/multiline_rules.h"

namespace sockfilter {

// A line of blanks, tabs and '\r' only (or none): the assembler holds such lines until the
// next line says whether they continue the event before them.
bool IsBlankLine(std::string_view text);

struct EventLimits {
  uint32_t max_lines = 2000;
  uint64_t max_bytes = 4 << 20;
};

class EventAssembler {
 public:
  EventAssembler(std::shared_ptr<const MultilineRules> rules, LineReader* reader, EventSink* sink,
                 EventLimits limits, const InputInfo* input);

  void OnLine(const Line& line);
  // Passes on the pending event and blank lines, if any.
  void Flush();
  bool has_pending() const { return pending_.lines > 0 || blanks_.lines > 0; }
  // How many `==> name <==` header lines were met.
  uint64_t tail_headers() const { return tail_headers_; }

 private:
  struct Span {
    uint64_t begin = 0;  // absolute offsets in the input
    uint64_t end = 0;
    uint64_t first_line = 0;
    uint32_t first_line_length = Event::kUnknownLength;  // of its text (no terminator)
    uint32_t lines = 0;
    EventKind kind = EventKind::kRecord;
  };

  void Start(Span* span, const Line& line, EventKind kind);
  static void Extend(Span* span, const Line& line);
  void Emit(Span* span);
  void EmitPending();
  void OnPiece(const Line& line);
  void OnTailHeader(const Line& line);
  bool FitsLimits(const Line& line) const;
  void UpdatePin();

  std::shared_ptr<const MultilineRules> rules_;
  LineReader* reader_;
  EventSink* sink_;
  EventLimits limits_;
  const InputInfo* input_;

  Event event_;  // the one handed to sink_, refilled per event
  Span pending_;
  Span blanks_;  // blank lines after pending_, undecided
  int state_;
  std::string current_tail_file_;
  std::map<std::string, int> tail_states_;  // assembly state of each `tail -f` file
  uint64_t tail_headers_ = 0;
};

}  // namespace sockfilter
