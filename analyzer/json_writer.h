// JsonWriter: builds compact or indented JSON text into a string, escaping every string
// (control bytes, quotes, invalid UTF-8 as U+FFFD) so that log samples are always valid JSON.
//
//   JsonWriter w;
//   w.BeginObject();
//   w.Key("schema"); w.String("sockfilter.summary.v1");
//   w.Key("lines");  w.Uint(42);
//   w.EndObject();
//   std::string text = w.Take();
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sockfilter {

class JsonWriter {
 public:
  explicit JsonWriter(bool pretty = true) : pretty_(pretty) {}

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  void Key(std::string_view key);
  void String(std::string_view value);
  void Uint(uint64_t value);
  void Int(int64_t value);
  void Double(double value, int decimals = 3);
  void Bool(bool value);
  void Null();

  std::string Take() { return std::move(out_); }

  // Appends `text` as the contents of a JSON string (no quotes) to `out`.
  static void Escape(std::string_view text, std::string* out);

 private:
  void Open(char bracket);
  void Close(char bracket);
  void BeforeValue();
  void NewLine();

  bool pretty_;
  std::string out_;
  std::vector<bool> has_items_;  // per open container
  bool after_key_ = false;
};

}  // namespace sockfilter
