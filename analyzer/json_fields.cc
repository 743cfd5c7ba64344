#include "analyzer/json_fields.h"

#include <simdjson.h>

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

bool LooksLikeJsonObject(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return i < line.size() && line[i] == '{';
}

class JsonFieldExtractor::Impl {
 public:
  Impl(JsonFieldNames names, int default_year) : default_year_(default_year) {
    for (auto& n : names.message) keys_.push_back({std::move(n), Role::kMessage});
    for (auto& n : names.time) keys_.push_back({std::move(n), Role::kTime});
    for (auto& n : names.level) keys_.push_back({std::move(n), Role::kLevel});
  }

  void set_default_year(int year) { default_year_ = year; }

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
    std::string name;
    Role role;
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

  // The key's bytes as written. An escaped key ends with a backslash here and so matches
  // no configured name, which is the right answer for names without escapes.
  std::string_view RawKey(const od::raw_json_string& key) const {
    const char* begin = key.raw();
    const char* limit = padded_.data() + padded_.size();
    const void* quote = std::memchr(begin, '"', static_cast<size_t>(limit - begin));
    return quote ? std::string_view(begin, static_cast<const char*>(quote) - begin)
                 : std::string_view();
  }

  Role RoleOf(std::string_view key) const {
    for (const Key& k : keys_) {
      if (k.name.size() == key.size() && std::memcmp(k.name.data(), key.data(), key.size()) == 0) {
        return k.role;
      }
    }
    return Role::kNone;
  }

  bool OnField(od::field& field) {
    switch (RoleOf(RawKey(field.key()))) {
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

}  // namespace sockfilter
