// HeaderScanner: finds where the message of a log line starts, after its per-line header
// (timestamp, level, pid, thread, logger), so that signatures compare messages only.
//
// Recognised, in any order, from the start of the line (each step is a literal check, no
// regular expression):
//   timestamps and numbers  2024-03-11 03:13:29.842, 2024/03/11, +0000, pid 2249,
//                           nginx's 2662#2662:
//   levels                  ERROR, WARN, ... (upper case) and Python's `ERROR:logger:`
//   brackets                [thread], [2024-03-11 ...: WARNING/ForkPoolWorker-8], [error]
//                           (a bracket opens a header only when it holds a time or a level)
//   separators              -, ---, | (after a bracket, a separator ends the header)
//   logfmt                  ts=..., time=..., level=...
//   loggers                 `com.acme.Foo: ` (log4j), `c.a.Foo     : ` (Spring Boot)
//   syslog                  Mar 11 03:13:30 host prog[pid]:
// A token that looks like an exception class (`java.io.IOException:`) is never taken for a
// logger. For a JSON object line the header is the run of leading volatile keys ("time",
// "ts", "@timestamp", "level", "pid", "hostname", "thread_name", ...).
//
//   size_t body = HeaderScanner(line).Length(/*json=*/false);
#pragma once

#include <cstddef>
#include <string_view>

namespace sockfilter {

class HeaderScanner {
 public:
  explicit HeaderScanner(std::string_view line) : s_(line) {}

  // Length of the header, trailing blanks included; 0 when the line has none.
  size_t Length(bool json) const { return json || LooksLikeJson() ? JsonLength() : TextLength(); }

 private:
  bool LooksLikeJson() const;
  size_t JsonLength() const;
  size_t TextLength() const;

  // Each returns the end of the element starting at `p`, or 0 when there is none.
  size_t Syslog(size_t p) const;
  size_t Bracket(size_t p, bool header_seen) const;
  size_t NumberToken(size_t p) const;
  size_t Level(size_t p, bool* last) const;
  size_t LogfmtTime(size_t p) const;
  size_t Separator(size_t p) const;
  size_t Logger(size_t p) const;

  size_t TokenEnd(size_t p) const;
  size_t SkipBlanks(size_t p) const;
  size_t JsonValueEnd(size_t p) const;
  size_t JsonStringEnd(size_t p) const;

  std::string_view s_;
};

}  // namespace sockfilter
