// Event: one log record with its continuation lines (a message and its stack trace), the
// unit that every stage after the assembler sees.
//
// Lifetime: `raw` and the views in `tags` point into the line reader's buffer and are valid
// only during the EventSink::OnEvent call that receives the event. A stage that keeps
// anything (a sample, a peer address) copies it.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace sockfilter {

// Milliseconds since the Unix epoch, UTC. kNoTime when an event carries no timestamp.
using TimeMs = int64_t;
inline constexpr TimeMs kNoTime = std::numeric_limits<int64_t>::min();

enum class EventKind : uint8_t {
  kRecord,      // a record and its continuation lines
  kContinued,   // continuation lines whose record was already passed on (flush timeout,
                // --max-event-* cut, or a `tail -f` file switch)
  kBlank,       // blank lines that belong to no record
  kTailHeader,  // `==> name <==` written by `tail -f a b` (with the blank line before it)
  kPiece,       // a piece of a line longer than the reader's limit
  kMarker,      // written by a filter (a suppression marker), not read from the input
};

// What the classify stage found out about an event (socket-error cause, peer, time).
struct EventTags {
  int cause = -1;         // primary cause (index in the loaded taxonomy); -1: none
  uint32_t causes = 0;    // every cause found, one bit per taxonomy index
  std::string_view peer;  // remote address[:port], when a rule captured it
  std::string_view errno_text;
  std::string_view endpoint;  // endpoint or upstream, when a rule captured it
  TimeMs time = kNoTime;      // the event's own timestamp
  bool json = false;          // the event is one JSON object line
  bool marker = false;        // a suppression marker read from the input (an earlier run's
                              // output: a compacted log, a filtered log filtered again)
};

class AtomHitFeed;

struct InputInfo {
  std::string name;  // as given by the user; "<stdin>" for standard input
  // The prefilter's hits of this input, found ahead on the read-ahead thread; null when
  // the input is read on the main thread (a live stream, or read-ahead off).
  AtomHitFeed* hits = nullptr;
};

struct Event {
  std::string_view raw;     // every byte of every line, line terminators included
  uint64_t offset = 0;      // of raw[0] in its (decompressed) input
  uint64_t first_line = 0;  // 1-based number of the first line
  uint32_t line_count = 0;  // lines that end in this event (a non-final piece ends none)
  EventKind kind = EventKind::kRecord;
  const InputInfo* input = nullptr;
  // Bytes of the first line without its terminator, when the assembler knew it (it found
  // the line's end already); kUnknownLength otherwise, and first_line_text() looks.
  static constexpr uint32_t kUnknownLength = ~uint32_t{0};
  uint32_t first_line_length = kUnknownLength;
  EventTags tags;

  // The first line, without its terminator.
  std::string_view first_line_text() const {
    if (first_line_length != kUnknownLength) return raw.substr(0, first_line_length);
    std::string_view s = raw.substr(0, raw.find('\n'));
    if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
    return s;
  }
};

}  // namespace sockfilter
