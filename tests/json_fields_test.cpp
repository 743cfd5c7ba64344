#include "analyzer/json_fields.h"

#include <catch2/catch.hpp>

#include <string>

namespace sockfilter {
namespace {

// Expected times were computed independently with `date -u -d '<time>' +%s%3N`.

struct Extracted {
  bool json = false;
  std::string text;
  TimeMs time = kNoTime;
  std::string level;
};

Extracted Extract(JsonFieldExtractor& extractor, std::string_view line) {
  JsonFields fields;
  Extracted out;
  out.json = extractor.Extract(line, &fields);
  out.text = std::string(fields.text);
  out.time = fields.time;
  out.level = std::string(fields.level);
  return out;
}

Extracted Extract(std::string_view line) {
  JsonFieldExtractor extractor;
  return Extract(extractor, line);
}

TEST_CASE("JSON lines are recognised by their first byte", "[json_fields]") {
  CHECK(LooksLikeJsonObject("{\"msg\":\"x\"}"));
  CHECK(LooksLikeJsonObject("  \t{\"msg\":\"x\"}"));
  CHECK_FALSE(LooksLikeJsonObject(""));
  CHECK_FALSE(LooksLikeJsonObject("   "));
  CHECK_FALSE(LooksLikeJsonObject("[1,2]"));
  CHECK_FALSE(LooksLikeJsonObject("2026-11-24 10:00:00 {\"msg\":\"x\"}"));
}

TEST_CASE("pino lines give message, error object, epoch millis and numeric level",
          "[json_fields]") {
  const Extracted e = Extract(
      R"({"level":50,"time":1795514400123,"pid":4242,"hostname":"web-1","msg":"request failed",)"
      R"("err":{"type":"Error","message":"read ECONNRESET","stack":"Error: read ECONNRESET\n)"
      R"j(    at TCP.onStreamRead (node:internal/stream_base_commons:217:20)","errno":-104,)j"
      R"("code":"ECONNRESET","syscall":"read"}})");
  REQUIRE(e.json);
  CHECK(e.text ==
        "request failed\nError\nread ECONNRESET\nError: read ECONNRESET\n"
        "    at TCP.onStreamRead (node:internal/stream_base_commons:217:20)\nECONNRESET\nread");
  CHECK(e.time == 1795514400123);
  CHECK(e.level == "50");
}

TEST_CASE("logstash-logback-encoder lines give message and stack trace", "[json_fields]") {
  const Extracted e = Extract(
      R"({"@timestamp":"2026-11-24T10:00:00.123+01:00","@version":"1",)"
      R"("message":"Servlet.service() threw exception","logger_name":"org.apache.catalina",)"
      R"("thread_name":"http-nio-8080-exec-1","level":"ERROR","level_value":40000,)"
      R"("stack_trace":"java.net.SocketException: Connection reset\n\tat java.base/)"
      R"(sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:323)\n"})");
  REQUIRE(e.json);
  CHECK(e.text ==
        "Servlet.service() threw exception\njava.net.SocketException: Connection reset\n"
        "\tat java.base/sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:323)");
  CHECK(e.time == 1795510800123);
  CHECK(e.level == "ERROR");
}

TEST_CASE("a logstash exception object contributes every string inside it", "[json_fields]") {
  const Extracted e = Extract(
      R"({"message":"call failed","exception":{"exception_class":)"
      R"("java.net.SocketTimeoutException","exception_message":"Read timed out",)"
      R"j("stacktrace":"java.net.SocketTimeoutException: Read timed out\n\tat X.y(X.java:1)"}})j");
  REQUIRE(e.json);
  CHECK(e.text ==
        "call failed\njava.net.SocketTimeoutException\nRead timed out\n"
        "java.net.SocketTimeoutException: Read timed out\n\tat X.y(X.java:1)");
}

TEST_CASE("zap lines give epoch seconds with a fraction and the error text", "[json_fields]") {
  const Extracted e =
      Extract(R"({"level":"error","ts":1710126809.076685,"caller":"server/conn.go:42",)"
              R"("msg":"read failed","error":"read tcp 10.0.0.1:8080->10.0.0.2:5555: read: )"
              R"(connection reset by peer","stacktrace":"main.serve\n\t/app/main.go:42"})");
  REQUIRE(e.json);
  CHECK(e.text ==
        "read failed\nread tcp 10.0.0.1:8080->10.0.0.2:5555: read: connection reset by peer\n"
        "main.serve\n\t/app/main.go:42");
  CHECK(e.time == 1710126809076);
  CHECK(e.level == "error");
}

TEST_CASE("Docker json-file lines give the log field without its newline", "[json_fields]") {
  const Extracted e = Extract(
      R"({"log":"2026-11-24 10:00:00.123 ERROR recv() failed (104: Connection reset by peer)\n",)"
      R"("stream":"stderr","time":"2026-11-24T10:00:00.123456789Z"})");
  REQUIRE(e.json);
  CHECK(e.text == "2026-11-24 10:00:00.123 ERROR recv() failed (104: Connection reset by peer)");
  CHECK(e.time == 1795514400123);
  CHECK(e.level.empty());
}

TEST_CASE("bunyan lines give the err object and the message in document order", "[json_fields]") {
  const Extracted e = Extract(
      R"({"name":"api","hostname":"web-1","pid":123,"level":50,"err":{"message":"write EPIPE",)"
      R"j("name":"Error","stack":"Error: write EPIPE\n    at afterWriteDispatched (x.js:160:15)",)j"
      R"("code":"EPIPE"},"msg":"write EPIPE","time":"2026-11-24T10:00:00.123Z","v":0})");
  REQUIRE(e.json);
  CHECK(e.text ==
        "write EPIPE\nError\nError: write EPIPE\n    at afterWriteDispatched (x.js:160:15)\n"
        "EPIPE\nwrite EPIPE");
  CHECK(e.time == 1795514400123);
  CHECK(e.level == "50");
}

TEST_CASE("ECS and slog lines give nested error fields and dotted level keys", "[json_fields]") {
  const Extracted ecs = Extract(
      R"({"@timestamp":"2026-11-24T10:00:00.123Z","log.level":"error","message":"upstream )"
      R"(failed","error":{"type":"java.net.ConnectException","message":"Connection refused"}})");
  REQUIRE(ecs.json);
  CHECK(ecs.text == "upstream failed\njava.net.ConnectException\nConnection refused");
  CHECK(ecs.level == "error");
  CHECK(ecs.time == 1795514400123);

  const Extracted slog = Extract(
      R"({"time":"2026-11-24T10:00:00.123456789+01:00","level":"ERROR","msg":"accept failed",)"
      R"("err":"accept tcp [::]:8080: accept4: too many open files"})");
  REQUIRE(slog.json);
  CHECK(slog.text == "accept failed\naccept tcp [::]:8080: accept4: too many open files");
  CHECK(slog.time == 1795510800123);
}

TEST_CASE("string escapes are unescaped", "[json_fields]") {
  const Extracted e =
      Extract(R"({"msg":"line1\nline2 \"quoted\" back\\slash tab\tcaf\u00e9 \ud83d\ude00 \/"})");
  REQUIRE(e.json);
  CHECK(e.text == "line1\nline2 \"quoted\" back\\slash tab\tcaf\xc3\xa9 \xf0\x9f\x98\x80 /");
}

TEST_CASE("epoch seconds, millis and strings in time fields", "[json_fields]") {
  CHECK(Extract(R"({"ts":1795514400})").time == 1795514400000);
  CHECK(Extract(R"({"time":1795514400123})").time == 1795514400123);
  CHECK(Extract(R"({"time": 1795514400123 , "msg":"x"})").time == 1795514400123);
  CHECK(Extract(R"({"ts":"1795514400.5"})").time == 1795514400500);
  CHECK(Extract(R"({"timestamp":"2026-11-24 10:00:00,123"})").time == 1795514400123);
  // The first time field that parses wins.
  CHECK(Extract(R"({"time":"soon","ts":1795514400})").time == 1795514400000);
  CHECK(Extract(R"({"time":1795514400,"ts":1})").time == 1795514400000);
  CHECK(Extract(R"({"time":true,"msg":"x"})").time == kNoTime);
  const Extracted bad = Extract(R"({"time":"not a time","msg":"x"})");
  CHECK(bad.json);
  CHECK(bad.time == kNoTime);
}

TEST_CASE("syslog-style time fields use the extractor's default year", "[json_fields]") {
  JsonFieldExtractor extractor(JsonFieldNames::Defaults(), 2024);
  CHECK(Extract(extractor, R"({"time":"Feb 29 12:00:00"})").time == 1709208000000);
  extractor.set_default_year(2023);
  CHECK(Extract(extractor, R"({"time":"Feb 29 12:00:00"})").time == kNoTime);
}

TEST_CASE("objects without the configured fields are JSON with empty fields", "[json_fields]") {
  for (const char* line : {"{}", R"({"a":1,"b":[1,2,{"c":"d"}],"e":null})",
                           R"(  {"msg":null,"error":12,"level":null}  )"}) {
    INFO(line);
    const Extracted e = Extract(line);
    CHECK(e.json);
    CHECK(e.text.empty());
    CHECK(e.time == kNoTime);
    CHECK(e.level.empty());
  }
}

TEST_CASE("malformed lines are not JSON", "[json_fields]") {
  JsonFieldExtractor extractor;
  for (const char* line :
       {"", "{", R"({"msg":"abc")", R"({"msg":"abc"} trailing)", R"({"msg":abc})", R"({msg:"a"})",
        R"({"msg":"a",})", R"({"msg":["a",)", R"({"msg":"bad \x escape"})",
        R"({"msg":"a"}{"msg":"b"})", "{not json}", "[1,2]", "\"just a string\"",
        "{\"msg\":\"invalid utf-8 \xff\"}", R"({"msg":"unterminated)"}) {
    INFO(line);
    JsonFields fields;
    fields.text = "stale";
    CHECK_FALSE(extractor.Extract(line, &fields));
    CHECK(fields.text.empty());
    CHECK(fields.time == kNoTime);
  }
  // The extractor still works after failures.
  CHECK(Extract(extractor, R"({"msg":"fine"})").text == "fine");
}

TEST_CASE("field names are configurable", "[json_fields]") {
  JsonFieldNames names;
  names.message = {"text", "detail"};
  names.time = {"when"};
  names.level = {"sev"};
  JsonFieldExtractor extractor(names);
  const Extracted e = Extract(
      extractor, R"({"msg":"ignored","text":"a","when":1795514400,"sev":"W","detail":"b"})");
  REQUIRE(e.json);
  CHECK(e.text == "a\nb");
  CHECK(e.time == 1795514400000);
  CHECK(e.level == "W");
}

TEST_CASE("keys match whole names only, of any length", "[json_fields]") {
  JsonFieldNames names;
  names.message = {"msg", "a_message_field_name_longer_than_sixteen_bytes"};
  JsonFieldExtractor extractor(names);
  const Extracted e = Extract(
      extractor, R"({"msgs":"no","ms":"no","MSG":"no","m\u0073g":"escaped, no","msg":"yes",)"
                 R"("a_message_field_name_longer_than_sixteen_bytez":"no",)"
                 R"("a_message_field_name_longer_than_sixteen_bytes":"long"})");
  REQUIRE(e.json);
  CHECK(e.text == "yes\nlong");
  CHECK(Extract(R"({"timestamp_ms":1795514400,"levels":"x"})").time == kNoTime);
  // A configured name longer than what is left of the line is compared safely.
  CHECK(Extract(extractor, R"({"a":"b"})").text.empty());
}

TEST_CASE("only top-level keys select fields", "[json_fields]") {
  const Extracted e =
      Extract(R"({"http":{"msg":"nested, not a message field"},"req":{"time":1795514400}})");
  REQUIRE(e.json);
  CHECK(e.text.empty());
  CHECK(e.time == kNoTime);
}

TEST_CASE("deeply nested message values are cut, not refused", "[json_fields]") {
  const Extracted e = Extract(R"({"error":["top",[[[[[[[["deep"]]]]]]]],"end"],"msg":"m"})");
  REQUIRE(e.json);
  CHECK(e.text == "top\nend\nm");
}

TEST_CASE("one extractor serves lines of any length in turn", "[json_fields]") {
  JsonFieldExtractor extractor;
  const std::string big(1 << 20, 'x');
  const Extracted long_line = Extract(extractor, "{\"msg\":\"" + big + "\",\"ts\":1}");
  REQUIRE(long_line.json);
  CHECK(long_line.text == big);
  const Extracted short_line = Extract(extractor, R"({"msg":"short"})");
  CHECK(short_line.text == "short");
  CHECK(short_line.time == kNoTime);
  // Views stay valid until the next call.
  JsonFields fields;
  REQUIRE(extractor.Extract(R"({"msg":"kept","level":"info"})", &fields));
  CHECK(fields.text == "kept");
  CHECK(fields.level == "info");
}

}  // namespace
}  // namespace sockfilter

namespace sockfilter {
namespace {

TEST_CASE("ScanTime gives the time Extract gives, for lines without escapes", "[json_fields]") {
  JsonFieldExtractor extractor;
  const std::vector<std::string> lines = {
      // zap: epoch seconds with a fraction; pino: epoch milliseconds
      R"({"level":"info","ts":1710126809.076685,"caller":"route/table.go:300","msg":"ok"})",
      R"({"level":30,"time":1710126809141,"pid":7,"msg":"request completed"})",
      R"({"@timestamp":"2024-03-11T03:13:29.842Z","message":"Connection reset"})",
      // a time key nested in an object or named in a value is not the record's time
      R"({"ctx":{"time":"2001-01-01T00:00:00Z"},"msg":"time","ts":1710126809})",
      R"({"msg":"ts","arr":[{"ts":5},"ts"],"timestamp":"2024-03-11 03:13:29,001"})",
      // the first time field that parses wins; one that does not parse is passed over
      R"({"time":"yesterday","ts":1710126809.5,"timestamp":"2030-01-01T00:00:00Z"})",
      R"({"time":null,"ts":true,"@timestamp":"2024-03-11T03:13:29Z"})",
      R"(  { "ts" : 1710126809 , "msg" : "spaces around everything" })",
      R"({"msg":"no time at all","level":"warn"})",
      R"({"ts":-5})",
  };
  for (const std::string& line : lines) {
    INFO(line);
    Extracted full = Extract(extractor, line);
    REQUIRE(full.json);
    CHECK(extractor.ScanTime(line) == full.time);
  }
  // A line that is not an object has no time field.
  CHECK(extractor.ScanTime("ts=1710126809 msg=plain") == kNoTime);
  CHECK(extractor.ScanTime(R"({"ts":"unterminated)") == kNoTime);
}

}  // namespace
}  // namespace sockfilter
