// Event traits: cheap facts read from a socket-error event's text for the analysis —
// which call failed (read or write side), whether it was an HTTP response to a client,
// which component logged it, and a peer's host part.
//
// Pure functions over views; literal searches only (no regex), on at most
// kTraitScanBytes of the event, so they cost little even for long stack traces. Called
// only for events the classifier tagged with a cause.
//
//   CallTraits call = DescribeCall(event.raw);
//   std::string_view component = ComponentOf(event.first_line_text());
#pragma once

#include <cstddef>
#include <string_view>

#include "filters/body_memo.h"
#include "filters/line_memo.h"

namespace sockfilter {

inline constexpr size_t kTraitScanBytes = 8192;

struct CallTraits {
  bool write = false;          // a write/send failed (broken pipe, "while sending", ...)
  bool read = false;           // a read/recv failed
  bool http_response = false;  // the failed write carried an HTTP response to a client
};

CallTraits DescribeCall(std::string_view text);

// DescribeCall with memos of what follows the first line: a repeated stack trace repeats
// it byte for byte (one look-up for the whole of it), and its frames recur in other traces
// (one look-up per line instead of a scan, which is bound by the latency of its skip table,
// about 3 cycles a byte). Same result as DescribeCall for every text. Not thread-safe: one
// per pipeline.
class CallDescriber {
 public:
  CallTraits Describe(std::string_view text);

 private:
  uint8_t BodyKinds(std::string_view body);

  BodyMemo bodies_;
  LineMemo lines_;
};

// The logger, thread pool or service that wrote the event's first line, or "".
std::string_view ComponentOf(std::string_view first_line);

// "10.0.0.7:5432" -> "10.0.0.7", "[::1]:80" -> "::1", "db:5432" -> "db"; a bare IPv6
// address stays whole.
std::string_view PeerHost(std::string_view peer);

}  // namespace sockfilter
