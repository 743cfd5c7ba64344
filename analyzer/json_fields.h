// JsonFieldExtractor: the fields of a JSON-lines record that the classifier needs.
//
// Structured loggers (logstash-logback-encoder, zap, slog, pino, bunyan, Docker's
// json-file driver) write one JSON object per line. Rules must match the message, error
// and stack text inside it, unescaped, not the JSON syntax around it. The extractor
// parses the line with simdjson's On Demand API and hands out:
//   - text:  the string values of the message fields, in document order, joined by '\n'
//            (a field whose value is an object or array, such as ECS
//            `"error":{"message":..,"stack_trace":..}` or bunyan
//            `"err":{"message":..,"stack":..}`, contributes every string inside it);
//   - time:  the first time field that parses (a string in any format ParseTimestampValue
//            knows, or an epoch number in seconds, milliseconds, ...);
//   - level: the first level field, as written (a string unescaped, a number as its text).
// A line that is not one well-formed JSON object returns false: the caller treats it as
// plain text. That is not an error and is never reported.
//
// Per line there is no allocation once the buffers have grown to the longest line seen.
// One extractor per pipeline (it is not thread-safe); the views in JsonFields are valid
// until the next Extract() call.
//
//   JsonFieldExtractor extractor(JsonFieldNames::Defaults(), YearOf(mtime));
//   JsonFields fields;
//   if (LooksLikeJsonObject(line) && extractor.Extract(line, &fields)) Match(fields.text);
//   else Match(line);
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/event.h"

namespace sockfilter {

// Which top-level keys play which part (exact, case-sensitive key names).
struct JsonFieldNames {
  std::vector<std::string> message;  // matched by rules
  std::vector<std::string> time;
  std::vector<std::string> level;

  // message: msg message error err exception stack_trace stacktrace stack log
  // time:    @timestamp time ts timestamp
  // level:   level lvl severity log.level
  static JsonFieldNames Defaults();
};

struct JsonFields {
  std::string_view text;   // message fields joined by '\n'; empty when there are none
  TimeMs time = kNoTime;   // kNoTime when no time field parses
  std::string_view level;  // empty when absent
};

// True when the first byte after optional spaces and tabs is '{'. Inline: every event's
// first line is asked.
inline bool LooksLikeJsonObject(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return i < line.size() && line[i] == '{';
}

class JsonFieldExtractor {
 public:
  explicit JsonFieldExtractor(JsonFieldNames names = JsonFieldNames::Defaults(),
                              int default_year = 1970);
  ~JsonFieldExtractor();
  JsonFieldExtractor(const JsonFieldExtractor&) = delete;
  JsonFieldExtractor& operator=(const JsonFieldExtractor&) = delete;

  // Fills `fields` from `line` (one line without its terminator). False when the line is
  // not exactly one well-formed JSON object; `fields` is then left empty.
  bool Extract(std::string_view line, JsonFields* fields);

  // The time Extract() would give `line`, without parsing it: a scan for the first
  // top-level time field whose value parses. Several times faster than Extract(), for lines
  // that need nothing else. REQUIRES: `line` holds no backslash (no escapes); the line is
  // not checked to be well-formed JSON.
  TimeMs ScanTime(std::string_view line) const;

  // The year for time fields written without one (syslog style); set per input file.
  void set_default_year(int year);

 private:
  class Impl;  // holds the simdjson parser: simdjson stays inside json_fields.cc
  std::unique_ptr<Impl> impl_;
};

}  // namespace sockfilter
