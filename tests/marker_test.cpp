#include "filters/marker.h"

#include <simdjson.h>
#include <catch2/catch.hpp>
#include <string>

namespace sockfilter {
namespace {

MarkerFields Sample() {
  MarkerFields f;
  f.repeats = 41;
  f.lines = 779;
  f.cause = "conn_reset";
  f.sig = 0x00ff00ff00ff00ffULL;
  f.first = 1710126809141;  // 2024-03-11T03:13:29.141Z
  f.last = 1710126869000;
  f.peers = 3;
  f.sample = "java.io.IOException: Connection reset by peer";
  return f;
}

TEST_CASE("a logfmt marker has every field in the documented order", "[marker]") {
  std::string out;
  AppendMarker(Sample(), false, &out);
  CHECK(out ==
        "[sockfilter] suppressed repeats=41 lines=779 cause=conn_reset sig=00ff00ff00ff00ff "
        "first=2024-03-11T03:13:29.141Z last=2024-03-11T03:14:29.000Z peers=3 "
        "sample=\"java.io.IOException: Connection reset by peer\"\n");
}

TEST_CASE("unknown times and causes are written as a dash", "[marker]") {
  MarkerFields f = Sample();
  f.cause = "";
  f.first = f.last = kNoTime;
  std::string out;
  AppendMarker(f, false, &out);
  CHECK(out.find(" cause=- sig=00ff00ff00ff00ff first=- last=- peers=3 ") != std::string::npos);
}

TEST_CASE("the sample escapes quotes, backslashes and control characters", "[marker]") {
  std::string out;
  AppendEscaped(std::string_view("a\"b\\c\td\re\x01"
                                 "f\x7f"
                                 "g\x1b\0",
                                 15),
                &out);
  CHECK(out == "a\\\"b\\\\c\\td\\re\\u0001f\\u007fg\\u001b\\u0000");
}

TEST_CASE("valid UTF-8 is kept and invalid bytes are replaced", "[marker]") {
  std::string out;
  AppendEscaped("caf\xc3\xa9 \xe2\x82\xac \xff \xc3", &out);
  CHECK(out == "caf\xc3\xa9 \xe2\x82\xac \\ufffd \\ufffd");
}

TEST_CASE("a long sample is cut on a character boundary and ends in dots", "[marker]") {
  std::string line(kMaxSampleBytes - 1, 'x');
  line += "\xc3\xa9 and more";
  bool cut = false;
  std::string_view sample = CutSample(line, &cut);
  CHECK(cut);
  CHECK(sample.size() == kMaxSampleBytes - 1);
  MarkerFields f = Sample();
  f.sample = sample;
  f.sample_cut = cut;
  std::string out;
  AppendMarker(f, false, &out);
  CHECK(out.find("xx...\"\n") != std::string::npos);
  CHECK_FALSE(CutSample("short", &cut).empty());
  CHECK_FALSE(cut);
}

TEST_CASE("a JSON marker parses and carries the same fields", "[marker]") {
  MarkerFields f = Sample();
  f.sample = "{\"msg\":\"read \\\"ECONNRESET\\\"\",\"x\":\"\x01\"}";
  std::string out;
  AppendMarker(f, true, &out);
  REQUIRE(out.back() == '\n');
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(out).get(doc) == simdjson::SUCCESS);
  CHECK(std::string_view(doc["sockfilter"]) == "suppressed");
  CHECK(uint64_t(doc["repeats"]) == 41);
  CHECK(uint64_t(doc["lines"]) == 779);
  CHECK(std::string_view(doc["cause"]) == "conn_reset");
  CHECK(std::string_view(doc["sig"]) == "00ff00ff00ff00ff");
  CHECK(std::string_view(doc["first"]) == "2024-03-11T03:13:29.141Z");
  CHECK(std::string_view(doc["last"]) == "2024-03-11T03:14:29.000Z");
  CHECK(uint64_t(doc["peers"]) == 3);
  CHECK(std::string_view(doc["sample"]) == f.sample);
}

TEST_CASE("a JSON marker without times or cause has nulls", "[marker]") {
  MarkerFields f = Sample();
  f.cause = "";
  f.first = f.last = kNoTime;
  std::string out;
  AppendMarker(f, true, &out);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(out).get(doc) == simdjson::SUCCESS);
  CHECK(doc["cause"].is_null());
  CHECK(doc["first"].is_null());
  CHECK(doc["last"].is_null());
}

}  // namespace
}  // namespace sockfilter

namespace sockfilter {
namespace {

void CheckReadsBack(const MarkerFields& f, bool json) {
  std::string line;
  AppendMarker(f, json, &line);
  line.pop_back();  // the '\n'
  INFO(line);
  MarkerFields back;
  REQUIRE(ParseMarker(line, &back));
  CHECK(back.repeats == f.repeats);
  CHECK(back.lines == f.lines);
  CHECK(back.cause == f.cause);
  CHECK(back.sig == f.sig);
  CHECK(back.first == f.first);
  CHECK(back.last == f.last);
  CHECK(back.peers == f.peers);
}

TEST_CASE("a marker reads back as it was written, in both forms", "[marker]") {
  for (bool json : {false, true}) {
    CheckReadsBack(Sample(), json);
    MarkerFields unknown = Sample();
    unknown.cause = "";
    unknown.first = unknown.last = kNoTime;
    CheckReadsBack(unknown, json);
    MarkerFields quoting = Sample();
    quoting.sample = "say \"hi\" \\ then\tgo, sig=0000000000000000 first=";
    quoting.sig = ~uint64_t{0};
    CheckReadsBack(quoting, json);
  }
}

TEST_CASE("lines that only look like markers are not read as markers", "[marker]") {
  std::string good;
  AppendMarker(Sample(), false, &good);
  good.pop_back();
  MarkerFields f;
  REQUIRE(ParseMarker(good, &f));
  CHECK_FALSE(ParseMarker(good.substr(0, good.find(" sample=")), &f));  // cut short
  CHECK_FALSE(ParseMarker("2024-03-11 03:13:29 INFO " + good, &f));     // quoted in a log
  CHECK_FALSE(ParseMarker(std::string(good).replace(good.find("sig=") + 4, 2, "FF"), &f));
  CHECK_FALSE(ParseMarker(std::string(good).replace(good.find("repeats=") + 8, 2, "x1"), &f));
  CHECK_FALSE(ParseMarker(std::string(good).replace(good.find("first=") + 6, 4, "1999-13"), &f));
  CHECK_FALSE(ParseMarker("[sockfilter] suppressed", &f));
  CHECK_FALSE(ParseMarker(R"({"sockfilter":"suppressed","repeats":"41"})", &f));
  CHECK_FALSE(ParseMarker("", &f));
}

}  // namespace
}  // namespace sockfilter
