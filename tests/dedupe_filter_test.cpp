#include "filters/dedupe_filter.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "analyzer/timestamp.h"
#include "tests/test_util.h"

namespace sockfilter {
namespace {

using test::CollectingSink;

constexpr TimeMs kT0 = 1710115200000;  // 2024-03-11T00:00:00Z
constexpr TimeMs kSec = 1000;

TimeMs g_fake_wall = 0;
TimeMs FakeWall() { return g_fake_wall; }

// A dedupe filter in front of a collecting sink, fed with hand-tagged events.
class Harness {
 public:
  explicit Harness(DedupeOptions options = DedupeOptions())
      : options_(WithCauses(std::move(options))), filter_(options_, &out_, FakeWall) {}

  void Record(const std::string& raw, TimeMs t, int cause = 0, std::string_view peer = "",
              bool json = false, EventKind kind = EventKind::kRecord) {
    Event e;
    e.raw = raw;
    e.first_line = ++line_;
    e.line_count = static_cast<uint32_t>(std::count(raw.begin(), raw.end(), '\n'));
    e.kind = kind;
    e.tags.cause = cause;
    e.tags.time = t;
    e.tags.peer = peer;
    e.tags.json = json;
    filter_.OnEvent(e);
  }

  std::vector<std::string> Lines() const {
    std::vector<std::string> lines;
    for (const auto& e : out_.events) lines.push_back(e.raw);
    return lines;
  }
  std::vector<std::string> Markers() const {
    std::vector<std::string> markers;
    for (const auto& e : out_.events) {
      if (e.kind == EventKind::kMarker) markers.push_back(e.raw);
    }
    return markers;
  }
  // lines_in == lines_out + lines_suppressed, and markers' lines= add up.
  void CheckAccounting() const {
    const DedupeStats& s = filter_.stats();
    CHECK(s.lines_in == s.lines_out + s.lines_suppressed);
    uint64_t marker_lines = 0;
    for (const std::string& m : Markers()) {
      size_t at = m.find(" lines=");
      REQUIRE(at != std::string::npos);
      marker_lines += std::stoull(m.substr(at + 7));
    }
    CHECK(marker_lines == s.lines_suppressed);
    CHECK(s.markers == Markers().size());
  }

  DedupeFilter& filter() { return filter_; }
  const DedupeStats& stats() const { return filter_.stats(); }

 private:
  static DedupeOptions WithCauses(DedupeOptions o) {
    o.cause_ids = {"conn_reset", "broken_pipe"};
    return o;
  }

  DedupeOptions options_;
  CollectingSink out_;
  DedupeFilter filter_;
  uint64_t line_ = 0;
};

const std::string kReset = "ERROR [main] java.io.IOException: Connection reset by peer\n";
const std::string kPipe = "ERROR [main] java.io.IOException: Broken pipe\n";
const std::string kInfo = "INFO [main] request served\n";

TEST_CASE("the first keep events of a window pass, the rest become one marker", "[dedupe]") {
  DedupeOptions o;
  o.window_ms = 10 * kSec;
  o.keep = 2;
  Harness h(o);
  for (int i = 0; i < 5; ++i) h.Record(kReset, kT0 + i * kSec);
  h.Record(kReset, kT0 + 11 * kSec);  // the window has closed: a new one starts
  h.filter().Finish();
  std::vector<std::string> lines = h.Lines();
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == kReset);
  CHECK(lines[1] == kReset);
  CHECK(lines[2].rfind("[sockfilter] suppressed repeats=3 lines=3 cause=conn_reset sig=", 0) == 0);
  CHECK(lines[2].find(" first=2024-03-11T00:00:02.000Z last=2024-03-11T00:00:04.000Z ") !=
        std::string::npos);
  CHECK(lines[3] == kReset);
  h.CheckAccounting();
}

TEST_CASE("a marker closes the window at its end even when the signature goes quiet", "[dedupe]") {
  DedupeOptions o;
  o.window_ms = 10 * kSec;
  Harness h(o);
  h.Record(kReset, kT0);
  h.Record(kReset, kT0 + 1 * kSec);
  h.Record(kInfo, kT0 + 5 * kSec, -1);
  h.Record(kInfo, kT0 + 10 * kSec, -1);  // the window [0, 10 s) is over
  std::vector<std::string> lines = h.Lines();
  REQUIRE(lines.size() == 4);
  CHECK(lines[1] == kInfo);
  CHECK(lines[2].rfind("[sockfilter] suppressed repeats=1 ", 0) == 0);  // before the 10 s line
  CHECK(lines[3] == kInfo);
  h.filter().Finish();
  CHECK(h.Lines().size() == 4);
  h.CheckAccounting();
}

TEST_CASE("a long flood gets a marker every marker interval", "[dedupe]") {
  DedupeOptions o;
  o.window_ms = 300 * kSec;
  o.marker_interval_ms = 60 * kSec;
  Harness h(o);
  for (int i = 0; i <= 200; ++i) h.Record(kReset, kT0 + i * kSec);
  // Runs start at 1 s, 61 s, 121 s, 181 s: three markers by 200 s, the last one at Finish.
  CHECK(h.Markers().size() == 3);
  h.filter().Finish();
  CHECK(h.Markers().size() == 4);
  CHECK(h.stats().events_suppressed == 200);
  h.CheckAccounting();
}

TEST_CASE("signatures and causes are counted apart", "[dedupe]") {
  Harness h;
  for (int i = 0; i < 3; ++i) {
    h.Record(kReset, kT0 + i);
    h.Record(kPipe, kT0 + i, 1);
    h.Record(kReset, kT0 + i, 1);  // same text, other cause
  }
  h.filter().Finish();
  CHECK(h.stats().signatures == 3);
  REQUIRE(h.Markers().size() == 3);
  CHECK(h.Markers()[0].find("repeats=2 lines=2 cause=conn_reset") != std::string::npos);
  CHECK(h.Markers()[1].find("repeats=2 lines=2 cause=broken_pipe") != std::string::npos);
  h.CheckAccounting();
}

TEST_CASE("dedupe modes choose what may be suppressed", "[dedupe]") {
  const std::string trace = "ERROR [main] job failed\njava.lang.IllegalStateException: x\n";
  auto run = [&](DedupeMode mode) {
    DedupeOptions o;
    o.mode = mode;
    Harness h(o);
    for (int i = 0; i < 3; ++i) {
      h.Record(kReset, kT0 + i);
      h.Record(trace, kT0 + i, -1);
      h.Record(kInfo, kT0 + i, -1);
    }
    h.filter().Finish();
    h.CheckAccounting();
    return h.stats().events_suppressed;
  };
  CHECK(run(DedupeMode::kSocket) == 2);  // the socket error only
  CHECK(run(DedupeMode::kAll) == 4);     // and the repeated multi-line trace
  CHECK(run(DedupeMode::kNone) == 0);
}

TEST_CASE("markers at the end come in the order their runs began", "[dedupe]") {
  Harness h;
  h.Record(kPipe, kT0, 1);
  h.Record(kReset, kT0);
  h.Record(kReset, kT0 + 1);  // the reset run begins first
  h.Record(kPipe, kT0 + 2, 1);
  h.filter().Finish();
  REQUIRE(h.Markers().size() == 2);
  CHECK(h.Markers()[0].find("cause=conn_reset") != std::string::npos);
  CHECK(h.Markers()[1].find("cause=broken_pipe") != std::string::npos);
  CHECK(h.Lines().back() == h.Markers()[1]);
}

TEST_CASE("the least recently seen signature is evicted, its marker first", "[dedupe]") {
  DedupeOptions o;
  o.max_signatures = 2;
  Harness h(o);
  const std::string a = "ERROR [main] alpha: Connection reset by peer\n";
  const std::string b = "ERROR [main] bravo: Connection reset by peer\n";
  const std::string c = "ERROR [main] charlie: Connection reset by peer\n";
  h.Record(a, kT0);
  h.Record(a, kT0);
  h.Record(b, kT0);
  h.Record(c, kT0);  // evicts a (least recently seen)
  std::vector<std::string> lines = h.Lines();
  REQUIRE(lines.size() == 4);
  CHECK(lines[1] == b);
  CHECK(lines[3] == c);
  CHECK(lines[2] == "[sockfilter] suppressed repeats=1 lines=1 cause=conn_reset sig=" +
                        FormatSignature(Signer(SignatureMode::kNormalized).Sign(a, false)) +
                        " first=2024-03-11T00:00:00.000Z last=2024-03-11T00:00:00.000Z peers=0 "
                        "sample=\"ERROR [main] alpha: Connection reset by peer\"\n");
  h.Record(c, kT0);
  h.Record(a, kT0);  // a is new again: it passes
  CHECK(h.Lines().back() == a);
  CHECK(h.stats().evicted == 2);
  CHECK(h.stats().signatures == 4);
  h.filter().Finish();
  h.CheckAccounting();
}

TEST_CASE("a file without timestamps keeps one window until the end", "[dedupe]") {
  Harness h;
  for (int i = 0; i < 4; ++i) h.Record(kReset, kNoTime, 0, "10.0.0." + std::to_string(i % 2));
  CHECK(h.Markers().empty());
  h.filter().Finish();
  REQUIRE(h.Markers().size() == 1);
  CHECK(h.Markers()[0].find("repeats=3 lines=3 cause=conn_reset") != std::string::npos);
  CHECK(h.Markers()[0].find(" first=- last=- peers=2 ") != std::string::npos);
}

TEST_CASE("an event without a time takes the last time seen", "[dedupe]") {
  DedupeOptions o;
  o.window_ms = 10 * kSec;
  Harness h(o);
  h.Record(kReset, kT0);
  h.Record(kInfo, kT0 + 20 * kSec, -1);
  h.Record(kReset, kNoTime);  // at 20 s: a new window, so it passes
  h.Record(kReset, kNoTime);
  h.filter().Finish();
  std::vector<std::string> lines = h.Lines();
  REQUIRE(lines.size() == 4);
  CHECK(lines[2] == kReset);
  CHECK(lines[3].find(" first=2024-03-11T00:00:20.000Z ") != std::string::npos);
}

TEST_CASE("a time written without a year takes the stream's year", "[dedupe]") {
  Harness h;
  const std::string syslog = "Mar 11 00:00:05 web-1 sshd[7]: fatal: Connection reset by peer\n";
  TimeMs default_year = ParseLineTimestamp(syslog, 1970);  // as a stage without a year gives
  REQUIRE(default_year != kNoTime);
  h.Record(kInfo, kT0, -1);  // 2024-03-11T00:00:00Z
  h.Record(syslog, default_year);
  h.Record(syslog, default_year);
  h.Record(kInfo, kT0 + 2 * kSec, -1);  // 1970 would have closed the window here
  h.filter().Finish();
  REQUIRE(h.Markers().size() == 1);
  CHECK(h.Markers()[0].find(" first=2024-03-11T00:00:05.000Z last=2024-03-11T00:00:05.000Z ") !=
        std::string::npos);
  CHECK(h.Lines()[2] == kInfo);
  CHECK(h.Lines()[3] == h.Markers()[0]);  // at the end, not when the info line went back
}

TEST_CASE("a live stream without timestamps runs on the wall clock", "[dedupe]") {
  DedupeOptions o;
  o.window_ms = 10 * kSec;
  Harness h(o);
  g_fake_wall = kT0;
  h.filter().Idle();  // the pipeline says Idle on live inputs only
  h.Record(kReset, kNoTime);
  h.Record(kReset, kNoTime);
  g_fake_wall = kT0 + 5 * kSec;
  h.filter().Idle();
  CHECK(h.Markers().empty());
  g_fake_wall = kT0 + 11 * kSec;
  h.filter().Idle();  // quiet, but the window has ended
  REQUIRE(h.Markers().size() == 1);
  CHECK(h.Markers()[0].find(" first=2024-03-11T00:00:00.000Z ") != std::string::npos);
}

TEST_CASE("a quiet live stream with timestamps closes windows by the wall clock", "[dedupe]") {
  DedupeOptions o;
  o.window_ms = 10 * kSec;
  Harness h(o);
  g_fake_wall = 5;
  h.filter().Idle();
  h.Record(kReset, kT0);
  h.Record(kReset, kT0 + kSec);
  g_fake_wall = 5 + 8 * kSec;  // stream time 9 s
  h.filter().Idle();
  CHECK(h.Markers().empty());
  g_fake_wall = 5 + 9 * kSec;  // stream time 10 s: the window is over
  h.filter().Idle();
  CHECK(h.Markers().size() == 1);
}

TEST_CASE("continuation lines of a suppressed event are suppressed with it", "[dedupe]") {
  Harness h;
  h.Record(kReset, kT0);
  h.Record(kReset, kT0);
  h.Record("\tat com.acme.Foo.bar(Foo.java:1)\n\tat com.acme.Foo.baz(Foo.java:2)\n", kNoTime, -1,
           "", false, EventKind::kContinued);
  h.Record(kInfo, kT0, -1);
  h.Record("\tat com.acme.Other.x(Other.java:3)\n", kNoTime, -1, "", false, EventKind::kContinued);
  h.filter().Finish();
  std::vector<std::string> lines = h.Lines();
  REQUIRE(lines.size() == 4);
  CHECK(lines[2].find("\tat com.acme.Other.x") == 0);  // after a passed event: passes
  CHECK(h.Markers()[0].find("repeats=1 lines=3 ") != std::string::npos);
  h.CheckAccounting();
}

TEST_CASE("markers of an earlier stage pass through uncounted", "[dedupe]") {
  Harness h;
  h.Record("[sockfilter] suppressed repeats=1 lines=1\n", kNoTime, -1, "", false,
           EventKind::kMarker);
  h.Record(kInfo, kT0, -1);
  h.filter().Finish();
  CHECK(h.Lines().size() == 2);
  CHECK(h.stats().lines_in == 1);
  CHECK(h.stats().lines_out == 1);
}

TEST_CASE("JSON-lines events get a JSON marker", "[dedupe]") {
  Harness h;
  const std::string line = "{\"time\":1,\"msg\":\"read ECONNRESET\",\"peer\":\"10.0.0.1:5\"}\n";
  h.Record(line, kT0, 0, "10.0.0.1:5", true);
  h.Record(line, kT0, 0, "10.0.0.1:6", true);
  h.Record(line, kT0, 0, "10.0.0.2:5", true);
  h.filter().Finish();
  REQUIRE(h.Markers().size() == 1);
  CHECK(h.Markers()[0].rfind(
            "{\"sockfilter\":\"suppressed\",\"repeats\":2,\"lines\":2,\"cause\":\"conn_reset\"",
            0) == 0);
  CHECK(h.Markers()[0].find("\"peers\":2,") != std::string::npos);
}

TEST_CASE("stats are one JSON line with every counter", "[dedupe]") {
  DedupeStats s;
  s.lines_in = 5;
  s.evicted = 1;
  CHECK(FormatStatsJson(s) ==
        "{\"lines_in\":5,\"lines_out\":0,\"lines_suppressed\":0,\"events_in\":0,"
        "\"events_suppressed\":0,\"markers\":0,\"bytes_in\":0,\"bytes_out\":0,"
        "\"signatures\":0,\"evicted\":1}");
}

TEST_CASE("parsing dedupe modes", "[dedupe]") {
  DedupeMode mode;
  CHECK(ParseDedupeMode("all", &mode));
  CHECK(mode == DedupeMode::kAll);
  CHECK(ParseDedupeMode("none", &mode));
  CHECK(mode == DedupeMode::kNone);
  CHECK(ParseDedupeMode("socket", &mode));
  CHECK(mode == DedupeMode::kSocket);
  CHECK_FALSE(ParseDedupeMode("most", &mode));
}

}  // namespace
}  // namespace sockfilter
