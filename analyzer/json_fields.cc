#include "analyzer/json_fields.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

#include "analyzer/timestamp.h"

namespace sockfilter {
namespace {

namespace od = simdjson::ondemand;

enum class Role : uint8_t { kNone, kMessage, kTime, kLevel };

// Nested message objects deeper than this contribute nothing more (the parser skips them).
constexpr int kMaxNesting = 6;

std::string_view Trim(std::string_view s) {
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

JsonFieldNames JsonFieldNames::Defaults() {
  JsonFieldNames names;
  names.message = {"msg",         "message",    "error", "err", "exception",
                   "stack_trace", "stacktrace", "stack", "log"};
  names.time = {"@timestamp", "time", "ts", "timestamp"};
  names.level = {"level", "lvl", "severity", "log.level"};
  return names;
}

class JsonFieldExtractor::Impl {
 public:
  Impl(JsonFieldNames names, int default_year) : default_year_(default_year) {
    for (auto& n : names.message) keys_.emplace_back(std::move(n), Role::kMessage);
    for (auto& n : names.time) keys_.emplace_back(std::move(n), Role::kTime);
    for (auto& n : names.level) keys_.emplace_back(std::move(n), Role::kLevel);
  }

  void set_default_year(int year) { default_year_ = year; }

  // A byte scan of an object without escapes: strings end at the next quote, so depth and
  // keys can be followed exactly without a parser.
  TimeMs ScanTime(std::string_view line) const {
    size_t i = 0, n = line.size();
    while (i < n && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i == n || line[i] != '{') return kNoTime;
    int depth = 0;
    bool key_next = false;  // the next string at depth 1 is a key
    for (; i < n; ++i) {
      char c = line[i];
      if (c == '"') {
        size_t close = line.find('"', i + 1);
        if (close == std::string_view::npos) return kNoTime;
        if (depth == 1 && key_next && IsTimeKey(line.substr(i + 1, close - i - 1))) {
          size_t v = SkipBlanks(line, close + 1);
          if (v < n && line[v] == ':') {
            TimeMs t = TimeValue(line, SkipBlanks(line, v + 1));
            if (t != kNoTime) return t;
          }
        }
        key_next = false;
        i = close;
      } else if (c == '{' || c == '[') {
        ++depth;
        key_next = depth == 1;
      } else if (c == '}' || c == ']') {
        --depth;
      } else if (c == ',' && depth == 1) {
        key_next = true;
      }
    }
    return kNoTime;
  }

  bool Extract(std::string_view line, JsonFields* fields) {
    *fields = JsonFields();
    text_.clear();
    level_ = {};
    time_ = kNoTime;
    if (!Parse(line)) {
      text_.clear();
      return false;
    }
    fields->text = text_;
    fields->time = time_;
    fields->level = level_;
    return true;
  }

 private:
  struct Key {
    Key(std::string n, Role r) : name(std::move(n)), role(r) {
      char bytes[2 * sizeof(uint64_t)] = {};
      char ones[sizeof(bytes)] = {};
      const size_t n_head = std::min(name.size(), sizeof(bytes));
      std::memcpy(bytes, name.data(), n_head);
      std::memset(ones, 0xff, n_head);
      std::memcpy(head, bytes, sizeof(head));
      std::memcpy(mask, ones, sizeof(mask));
    }
    std::string name;
    Role role;
    uint64_t head[2];  // the name's first 16 bytes, zero-filled
    uint64_t mask[2];  // ones over the bytes the name has
  };

  // Copies the line into the padded buffer simdjson reads (it reads up to
  // SIMDJSON_PADDING bytes past the end). The buffer only grows.
  void Load(std::string_view line) {
    const size_t needed = line.size() + simdjson::SIMDJSON_PADDING;
    if (padded_.size() < needed) padded_.resize(needed);
    std::memcpy(padded_.data(), line.data(), line.size());
    std::memset(padded_.data() + line.size(), 0, simdjson::SIMDJSON_PADDING);
  }

  bool Parse(std::string_view line) {
    Load(line);
    od::document doc;
    od::object object;
    if (parser_.iterate(padded_.data(), line.size(), padded_.size()).get(doc) ||
        doc.get_object().get(object)) {
      return false;
    }
    for (auto result : object) {
      od::field field;
      if (std::move(result).get(field) || !OnField(field)) return false;
    }
    // The object must be the whole line: anything after it makes the line plain text.
    const char* rest = nullptr;
    return doc.current_location().get(rest) == simdjson::OUT_OF_BOUNDS;
  }

  // Matches the key as written (without unescaping): a configured name matches when the
  // key's bytes equal it and its closing quote follows, so an escaped key matches no name.
  // Keys are compared 16 bytes at a time; the padding makes reading past a short key safe.
  Role RoleOf(const od::raw_json_string& key) const {
    const char* raw = key.raw();
    uint64_t head[2];
    std::memcpy(head, raw, sizeof(head));
    const size_t room = static_cast<size_t>(padded_.data() + padded_.size() - raw);
    for (const Key& k : keys_) {
      if (k.name.size() < room && raw[k.name.size()] == '"' &&
          ((head[0] & k.mask[0]) == k.head[0]) && ((head[1] & k.mask[1]) == k.head[1]) &&
          (k.name.size() <= sizeof(head) ||
           std::memcmp(raw + sizeof(head), k.name.data() + sizeof(head),
                       k.name.size() - sizeof(head)) == 0)) {
        return k.role;
      }
    }
    return Role::kNone;
  }

  bool OnField(od::field& field) {
    switch (RoleOf(field.key())) {
      case Role::kMessage:
        return AppendStrings(field.value(), 0);
      case Role::kTime:
        return time_ != kNoTime || ReadTime(field.value());
      case Role::kLevel:
        return !level_.empty() || ReadLevel(field.value());
      case Role::kNone:
        return true;  // the parser skips the value when the next field is read
    }
    return true;
  }

  bool ReadTime(od::value value) {
    od::json_type type;
    if (value.type().get(type)) return false;
    if (type == od::json_type::string) {
      std::string_view s;
      if (value.get_string().get(s)) return false;
      time_ = ParseTimestampValue(s, default_year_);
    } else if (type == od::json_type::number) {
      time_ = ParseEpochNumber(Trim(value.raw_json_token()));
    }
    return true;
  }

  bool ReadLevel(od::value value) {
    od::json_type type;
    if (value.type().get(type)) return false;
    if (type == od::json_type::string) return !value.get_string().get(level_);
    if (type == od::json_type::number) level_ = Trim(value.raw_json_token());
    return true;
  }

  // Every string in `value`, recursively for objects and arrays, in document order.
  bool AppendStrings(od::value value, int depth) {
    od::json_type type;
    if (value.type().get(type)) return false;
    if (type == od::json_type::string) {
      std::string_view s;
      if (value.get_string().get(s)) return false;
      AppendText(s);
    } else if (type == od::json_type::object && depth < kMaxNesting) {
      od::object object;
      if (value.get_object().get(object)) return false;
      for (auto result : object) {
        od::field field;
        if (std::move(result).get(field) || !AppendStrings(field.value(), depth + 1)) return false;
      }
    } else if (type == od::json_type::array && depth < kMaxNesting) {
      od::array array;
      if (value.get_array().get(array)) return false;
      for (auto result : array) {
        od::value element;
        if (std::move(result).get(element) || !AppendStrings(element, depth + 1)) return false;
      }
    }
    return true;
  }

  bool IsTimeKey(std::string_view key) const {
    for (const Key& k : keys_)
      if (k.role == Role::kTime && k.name == key) return true;
    return false;
  }

  static bool IsNumberEnd(char c) {
    return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  static size_t SkipBlanks(std::string_view s, size_t i) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
    return i;
  }

  // The value at `at` as ReadTime reads it: a string in any timestamp format, or an epoch
  // number; kNoTime for anything else.
  TimeMs TimeValue(std::string_view line, size_t at) const {
    if (at >= line.size()) return kNoTime;
    if (line[at] == '"') {
      size_t close = line.find('"', at + 1);
      if (close == std::string_view::npos) return kNoTime;
      return ParseTimestampValue(line.substr(at + 1, close - at - 1), default_year_);
    }
    // A number ends at a delimiter (find_first_of would call memchr on the set per byte).
    size_t end = at;
    while (end < line.size() && !IsNumberEnd(line[end])) ++end;
    if (line[at] != '-' && !(line[at] >= '0' && line[at] <= '9')) return kNoTime;
    return ParseEpochNumber(line.substr(at, end - at));
  }

  void AppendText(std::string_view s) {
    // Docker's json-file keeps the line's own newline in "log"; one separator is enough.
    s = Trim(s);
    if (s.empty()) return;
    if (!text_.empty()) text_.push_back('\n');
    text_.append(s);
  }

  std::vector<Key> keys_;
  int default_year_;
  od::parser parser_;
  std::vector<char> padded_;
  std::string text_;
  std::string_view level_;  // into the parser's string buffer or padded_
  TimeMs time_ = kNoTime;
};

JsonFieldExtractor::JsonFieldExtractor(JsonFieldNames names, int default_year)
    : impl_(std::make_unique<Impl>(std::move(names), default_year)) {}

JsonFieldExtractor::~JsonFieldExtractor() = default;

void JsonFieldExtractor::set_default_year(int year) { impl_->set_default_year(year); }

bool JsonFieldExtractor::Extract(std::string_view line, JsonFields* fields) {
  return impl_->Extract(line, fields);
}

TimeMs JsonFieldExtractor::ScanTime(std::string_view line) const { return impl_->ScanTime(line); }

}  // namespace sockfilter
