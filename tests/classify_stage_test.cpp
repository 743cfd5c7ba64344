// The classify stage in the pipeline: it tags events, never changes their bytes, reads
// JSON lines by their fields and gives each event its time.
#include <catch2/catch.hpp>

#include <string>

#include "analyzer/classify_stage.h"
#include "analyzer/event_assembler.h"
#include "analyzer/line_reader.h"
#include "tests/test_util.h"

namespace sockfilter {
namespace {

std::vector<test::CollectingSink::Collected> Run(const std::string& input, size_t chunk = 1 << 20) {
  const RuleBook& rules = test::DefaultRules();
  test::CollectingSink sink;
  ClassifyStage classify(rules.classifier, &sink);
  classify.set_default_year(2024);
  auto source = test::StringSource(input, chunk);
  LineReader reader(source.get());
  InputInfo info{"test"};
  EventAssembler assembler(rules.multiline, &reader, &classify, EventLimits(), &info);
  Line line;
  while (reader.Next(&line)) assembler.OnLine(line);
  assembler.Flush();
  classify.Finish();
  return sink.events;
}

std::string CauseId(int cause) { return cause < 0 ? "" : test::DefaultRules().causes[cause].id; }

const char kLog[] =
    "2024-03-11 03:13:29,842 INFO [app] started\n"
    "2024-03-11 03:13:30,001 ERROR [app] call failed\n"
    "java.io.IOException: Broken pipe\n"
    "\tat sun.nio.ch.FileDispatcherImpl.write0(Native Method)\n"
    "\n"
    "Mar 11 03:13:31 web-01 sshd[812]: error: accept: Too many open files\r\n"
    "{\"@timestamp\":\"2024-03-11T03:13:32.500Z\",\"level\":\"ERROR\",\"message\":\"call failed\","
    "\"stack_trace\":\"java.net.SocketTimeoutException: Read timed out\\n\\tat x.y(Z.java:1)\\n"
    "Caused by: java.net.SocketException: Connection reset\\n\\tat a.b(C.java:2)\"}\n"
    "{\"level\":30,\"time\":1710127953000,\"msg\":\"request "
    "completed\",\"url\":\"/account/reset\"}\n"
    "{\"level\":50,\"time\":1710127954000,\"msg\":\"upstream request failed\",\"err\":{\"message\":"
    "\"read ECONNRESET\"}}\n"
    "{not json, but Connection refused\n";

TEST_CASE("the classify stage tags events and leaves their bytes as they were") {
  auto events = Run(kLog);
  std::string joined;
  for (const auto& e : events) joined += e.raw;
  CHECK(joined == kLog);
  REQUIRE(events.size() == 8);
  CHECK(CauseId(events[0].tags.cause).empty());
  CHECK(CauseId(events[1].tags.cause) == "broken_pipe");
  CHECK(events[2].kind == EventKind::kBlank);
  CHECK(CauseId(events[3].tags.cause) == "too_many_files");
  CHECK(CauseId(events[4].tags.cause) == "conn_reset");  // the innermost, from the stack field
  CHECK(events[4].tags.json);
  CHECK(CauseId(events[5].tags.cause).empty());
  CHECK(events[5].tags.json);
  CHECK(CauseId(events[6].tags.cause) == "conn_reset");
  CHECK_FALSE(events[7].tags.json);  // malformed JSON: plain text
  CHECK(CauseId(events[7].tags.cause) == "conn_refused");
}

TEST_CASE("the classify stage gives events their own time, JSON lines from their fields") {
  auto events = Run(kLog);
  REQUIRE(events.size() == 8);
  CHECK(events[0].tags.time == 1710126809842);  // 2024-03-11 03:13:29.842 UTC
  CHECK(events[3].tags.time == 1710126811000);  // syslog, year from the input
  CHECK(events[4].tags.time == 1710126812500);  // "@timestamp"
  CHECK(events[6].tags.time == 1710127954000);  // epoch milliseconds
}

TEST_CASE("tags are the same whatever the read size") {
  auto whole = Run(kLog);
  auto bytewise = Run(kLog, 1);
  REQUIRE(whole.size() == bytewise.size());
  for (size_t i = 0; i < whole.size(); ++i) {
    CHECK(whole[i].tags.cause == bytewise[i].tags.cause);
    CHECK(whole[i].tags.causes == bytewise[i].tags.causes);
    CHECK(whole[i].tags.time == bytewise[i].tags.time);
  }
}

}  // namespace
}  // namespace sockfilter
