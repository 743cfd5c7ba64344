// Fuzz target: JSON-lines ingestion (JsonFieldExtractor) on arbitrary lines.
//
// Invariants:
//   - a line simdjson's DOM parser accepts as one object (the oracle) is accepted, and the
//     extracted text is what the oracle computes: every string of the message fields, in
//     document order, trailing blanks trimmed, joined by '\n' (compared for lines without
//     backslashes, since an escaped key deliberately matches no configured name);
//   - the first non-empty string level field is the level;
//   - ScanTime (the byte scan for the time field) gives Extract's time, for valid lines
//     without backslashes;
//   - a rejected line leaves the fields empty; extracting twice gives the same answer;
//   - any bytes wrapped as {"msg": "<escaped>"} come back unescaped when they are UTF-8.
#include <simdjson.h>

#include <string>
#include <string_view>

#include "analyzer/json_fields.h"
#include "tests/fuzz/fuzz_util.h"

namespace sockfilter::fuzz {
namespace {

constexpr int kMaxNesting = 6;  // as in json_fields.cc

bool IsIn(const std::vector<std::string>& names, std::string_view key) {
  for (const std::string& n : names)
    if (n == key) return true;
  return false;
}

std::string_view TrimEnd(std::string_view s) {
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

void OracleStrings(simdjson::dom::element value, int depth, std::string* text) {
  if (value.is_string()) {
    std::string_view s = TrimEnd(std::string_view(value));
    if (s.empty()) return;
    if (!text->empty()) text->push_back('\n');
    text->append(s);
  } else if (value.is_object() && depth < kMaxNesting) {
    for (auto field : simdjson::dom::object(value)) OracleStrings(field.value, depth + 1, text);
  } else if (value.is_array() && depth < kMaxNesting) {
    for (auto element : simdjson::dom::array(value)) OracleStrings(element, depth + 1, text);
  }
}

struct Oracle {
  std::string text;
  std::string level;
  bool level_known = true;  // false when the first level field is a number (raw text)
};

Oracle Compute(simdjson::dom::object object, const JsonFieldNames& names) {
  Oracle oracle;
  bool level_done = false;
  for (auto field : object) {
    if (IsIn(names.message, field.key)) OracleStrings(field.value, 0, &oracle.text);
    if (!level_done && IsIn(names.level, field.key)) {
      if (field.value.is_string() && !std::string_view(field.value).empty()) {
        oracle.level = std::string(std::string_view(field.value));
        level_done = true;
      } else if (field.value.is_number()) {
        oracle.level_known = false;
        level_done = true;
      }
    }
  }
  return oracle;
}

void CheckLine(std::string_view line, JsonFieldExtractor* extractor) {
  JsonFields fields;
  bool accepted = extractor->Extract(line, &fields);
  std::string text(fields.text), level(fields.level);
  TimeMs time = fields.time;
  if (!accepted) {
    FUZZ_CHECK(fields.text.empty() && fields.level.empty() && fields.time == kNoTime);
  }
  // The scan reads lines without escapes only; on any of them, valid JSON or not, it
  // must return (its result is compared below once the line is known to be valid).
  if (line.find('\\') == std::string_view::npos) extractor->ScanTime(line);
  JsonFields again;
  FUZZ_CHECK(extractor->Extract(line, &again) == accepted);
  FUZZ_CHECK(again.text == text && again.level == level && again.time == time);

  static simdjson::dom::parser dom;
  simdjson::dom::element root;
  if (dom.parse(line.data(), line.size()).get(root) || !root.is_object()) return;
  if (line.find('\n') != std::string_view::npos || line.find('\r') != std::string_view::npos)
    return;  // JSON whitespace, but never inside one log line
  FUZZ_CHECK(accepted);
  FUZZ_CHECK(LooksLikeJsonObject(line));
  if (line.find('\\') != std::string_view::npos) return;
  FUZZ_CHECK(extractor->ScanTime(line) == time);
  Oracle oracle = Compute(simdjson::dom::object(root), JsonFieldNames::Defaults());
  FUZZ_CHECK(text == oracle.text);
  if (oracle.level_known) FUZZ_CHECK(level == oracle.level);
}

std::string JsonEscaped(std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

void CheckWrapped(std::string_view bytes, JsonFieldExtractor* extractor) {
  std::string line = "{\"msg\":\"" + JsonEscaped(bytes) + "\",\"level\":\"warn\"}";
  JsonFields fields;
  bool accepted = extractor->Extract(line, &fields);
  if (!simdjson::validate_utf8(bytes.data(), bytes.size())) {
    FUZZ_CHECK(!accepted);
    return;
  }
  FUZZ_CHECK(accepted);
  FUZZ_CHECK(fields.text == TrimEnd(bytes));
  FUZZ_CHECK(fields.level == "warn");
}

}  // namespace
}  // namespace sockfilter::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sockfilter;
  fuzz::FuzzInput in(data, size);
  static JsonFieldExtractor extractor;
  extractor.set_default_year(static_cast<int>(in.TakeInRange(0, 12000)));
  std::string_view line = in.Rest();
  fuzz::CheckLine(line, &extractor);
  fuzz::CheckWrapped(line, &extractor);
  return 0;
}
