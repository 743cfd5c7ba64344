// Marker: the line a filter writes in place of suppressed repeats (docs/markers.md is the
// contract; change both together).
//
//   [sockfilter] suppressed repeats=E lines=L cause=ID sig=HEX first=TS last=TS peers=N
//   sample="..."
//
// or, when the suppressed events were JSON lines, one JSON object with the same fields:
//
//   {"sockfilter":"suppressed","repeats":E,"lines":L,"cause":"ID","sig":"HEX",
//    "first":"TS","last":"TS","peers":N,"sample":"..."}
//
// TS is ISO 8601 UTC with milliseconds ("2024-03-11T03:13:29.842Z"); an unknown time or
// cause is `-` (logfmt) or null (JSON). The sample is the first line of the first
// suppressed event, cut to kMaxSampleBytes (then it ends in "..."), escaped as a JSON
// string body: `"` and `\` get a backslash, control characters become \n, \r, \t or
// \u00XX, and bytes that are not valid UTF-8 become \ufffd, so both forms parse.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "analyzer/event.h"

namespace sockfilter {

inline constexpr size_t kMaxSampleBytes = 200;  // < 256 (stored with a one-byte length)

struct MarkerFields {
  uint64_t repeats = 0;    // suppressed events
  uint64_t lines = 0;      // their lines
  std::string_view cause;  // cause id; empty: none
  uint64_t sig = 0;
  TimeMs first = kNoTime;  // of the first and last suppressed event
  TimeMs last = kNoTime;
  uint64_t peers = 0;       // distinct peer addresses among them
  std::string_view sample;  // already cut (see CutSample)
  bool sample_cut = false;  // the line was longer than the sample
};

// Appends one marker line, terminated by '\n'.
void AppendMarker(const MarkerFields& fields, bool json, std::string* out);

// Reads a marker line of either form (an earlier run's output met again in the input: a
// compacted log, a filtered log filtered again). Fills every field but `sample` (left empty)
// and `sample_cut`; a cause of `-`/null gives an empty cause. False when `line` is not a
// marker as AppendMarker writes it; `*fields` is then unspecified.
bool ParseMarker(std::string_view line, MarkerFields* fields);

// False for a line that cannot be a marker, by its first bytes (inline: every event's first
// line is asked, and almost all are turned away here). A marker starts with "[s" or, blanks
// allowed, with "{\"s".
inline bool MayBeMarker(std::string_view line) {
  if (line.size() < 3) return false;
  return line[0] == '['   ? line[1] == 's'
         : line[0] == '{' ? line[1] == '"' && line[2] == 's'
                          : line[0] == ' ' || line[0] == '\t';
}

// The first kMaxSampleBytes of `line`, not splitting a UTF-8 character; *cut tells
// whether anything was left out.
std::string_view CutSample(std::string_view line, bool* cut);

// True when `line` is one JSON object ('{' ... '}', blanks around allowed): its marker is
// written as JSON too.
bool IsJsonObjectLine(std::string_view line);

// Appends `text` escaped as the body of a JSON string.
void AppendEscaped(std::string_view text, std::string* out);

}  // namespace sockfilter
