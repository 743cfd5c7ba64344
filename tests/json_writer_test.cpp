// JsonWriter: strings come out as JSON that reads back as the text written, whatever bytes
// the text holds (log samples hold quotes, control bytes and broken UTF-8).
#include "analyzer/json_writer.h"

#include <simdjson.h>

#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

namespace sockfilter {
namespace {

std::string ReadBack(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element doc;
  REQUIRE(parser.parse(padded).get(doc) == simdjson::SUCCESS);
  std::string_view value;
  REQUIRE(doc.get_string().get(value) == simdjson::SUCCESS);
  return std::string(value);
}

std::string Written(std::string_view text) {
  JsonWriter writer(false);
  writer.String(text);
  return writer.Take();
}

TEST_CASE("a written string reads back as the text, with broken UTF-8 as U+FFFD") {
  // Runs of plain text between every kind of byte that needs escaping or checking.
  const std::vector<std::string> pieces = {"Connection reset by peer",
                                           "\"",
                                           "\\",
                                           "\n",
                                           "\t",
                                           "\r",
                                           std::string(1, '\0'),
                                           "\x01",
                                           "\x1f",
                                           "\x7f",
                                           "caf\xC3\xA9",
                                           "\xE2\x82\xAC",
                                           "/",
                                           " ",
                                           "x"};
  std::mt19937 random(9);
  for (int i = 0; i < 5000; ++i) {
    std::string text;
    for (int n = random() % 12; n > 0; --n) text += pieces[random() % pieces.size()];
    INFO(text);
    REQUIRE(ReadBack(Written(text)) == text);
  }
  CHECK(ReadBack(Written("a\xFF"
                         "b\xC3")) ==
        "a\xEF\xBF\xBD"
        "b\xEF\xBF\xBD");
  CHECK(Written("say \"hi\"\n") == "\"say \\\"hi\\\"\\n\"");
}

}  // namespace
}  // namespace sockfilter
