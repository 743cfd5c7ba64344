// LineClock against the reference: every line it times, in any order, must get exactly
// what ParseLineTimestamp gives. The cases name the ways a remembered layout could be
// wrong (a field after the minute, a cut line, a zone, a time found after a '[', a new
// default year); the randomized ones walk many formats with mutations and shared prefixes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "analyzer/line_clock.h"
#include "analyzer/timestamp.h"
#include "analyzer/timestamp_scan.h"
#include "tests/test_util.h"

namespace sockfilter {
namespace {

// Feeds lines to one clock and keeps the first one it times differently from
// ParseLineTimestamp. Each line is copied to a buffer of its own size, so that a read
// past its end is a read past an allocation (which the sanitizer build reports).
class ClockChecker {
 public:
  explicit ClockChecker(int year) : clock_(year) {}

  void SetYear(int year) { clock_.set_default_year(year); }

  TimeMs Check(std::string_view line) {
    std::vector<char> own(line.begin(), line.end());
    const std::string_view view(own.data(), own.size());
    const TimeMs got = clock_.Time(view);
    const TimeMs want = ParseLineTimestamp(view, clock_.default_year());
    ++checked_;
    if (got != want && first_wrong_.empty()) {
      first_wrong_ = "line " + std::to_string(checked_) + " '" + std::string(line) + "': clock " +
                     std::to_string(got) + ", plain " + std::to_string(want);
    }
    return got;
  }

  // "" when every line agreed.
  const std::string& first_wrong() const { return first_wrong_; }
  size_t checked() const { return checked_; }
  uint64_t resumed() const { return clock_.resumed(); }

 private:
  LineClock clock_;
  size_t checked_ = 0;
  std::string first_wrong_;
};

// Returns how many tries the clock finished from a remembered layout.
uint64_t CheckAll(const std::vector<std::string>& lines, int year = 2026) {
  ClockChecker checker(year);
  for (const std::string& line : lines) checker.Check(line);
  INFO(checker.first_wrong());
  CHECK(checker.first_wrong().empty());
  return checker.resumed();
}

std::vector<std::string> SampleLines() {
  std::vector<std::string> lines;
  for (const char* path : test::kSampleLogs) {
    const std::string text = test::ReadFile(test::SourcePath(path));
    size_t begin = 0;
    while (begin < text.size()) {
      size_t end = text.find('\n', begin);
      if (end == std::string::npos) end = text.size();
      lines.push_back(text.substr(begin, end - begin));
      begin = end + 1;
    }
  }
  return lines;
}

TEST_CASE("a clock gives every sample line what ParseLineTimestamp gives", "[line_clock]") {
  std::vector<std::string> lines = SampleLines();
  REQUIRE(lines.size() > 100);
  CHECK(CheckAll(lines) > lines.size() / 5);  // the layouts served
  std::reverse(lines.begin(), lines.end());
  CheckAll(lines);
}

TEST_CASE("lines that repeat the minute get their own seconds, fraction and zone", "[line_clock]") {
  ClockChecker checker(2026);
  CHECK(checker.Check("2026-11-24 10:00:00.123 INFO a") == 1795514400123);
  CHECK(checker.Check("2026-11-24 10:00:07,5 INFO b") == 1795514407500);
  CHECK(checker.Check("2026-11-24 10:00:59.999999999Z c") == 1795514459999);
  CHECK(checker.Check("2026-11-24 10:00:60 leap second") == 1795514460000);
  CHECK(checker.Check("2026-11-24 10:00:61 second 61") == kNoTime);
  CHECK(checker.Check("2026-11-24 10:00:07+05:30 zone") == 1795494607000);
  CHECK(checker.Check("2026-11-24 10:00:07 +0000 spaced zone") == 1795514407000);
  CHECK(checker.Check("2026-11-24 10:00:07 -0700 another") == 1795539607000);
  CHECK(checker.Check("2026-11-24 10:00:07 +2400 out of range") == kNoTime);
  CHECK(checker.Check("2026-11-24 10:00:07 UTC x") == 1795514407000);
  // The zone memo's 8 bytes: " +hh:mm" and the byte after it.
  CHECK(checker.Check("2026-11-24 10:00:07 +05:30 x") == 1795494607000);
  CHECK(checker.Check("2026-11-24 10:00:08 +05:30 x") == 1795494608000);
  CHECK(checker.Check("2026-11-24 10:00:08 +05:301") == kNoTime);
  CHECK(checker.Check("2026-11-24 10:00:08 +05:30") == 1795494608000);
  CHECK(checker.Check("2026-11-24 10:00:071 a digit too many") == kNoTime);
  CHECK(checker.Check("2026-11-24 10:00:0") == kNoTime);
  CHECK(checker.Check("2026-11-24 10:00:") == kNoTime);
  CHECK(checker.Check("2026-11-24 10:00:07") == 1795514407000);
  CHECK(checker.Check("2026-11-24 10:00:07.") == 1795514407000);
  CHECK(checker.Check("2026-11-24 10:00 minute only") == 1795514400000);
  CHECK(checker.Check("2026-11-24 10:00:1x") == kNoTime);
  CHECK(checker.resumed() >= 10);
  INFO(checker.first_wrong());
  CHECK(checker.first_wrong().empty());
}

TEST_CASE("a repeated minute of an impossible date stays impossible", "[line_clock]") {
  ClockChecker checker(2026);
  CHECK(checker.Check("2026-11-24 10:00:00 ok") == 1795514400000);
  CHECK(checker.Check("2026-02-30 10:00:00 February 30") == kNoTime);
  CHECK(checker.Check("2026-02-30 10:00:01 February 30") == kNoTime);
  CHECK(checker.Check("2026-11-24 10:00:02 ok") == 1795514402000);
  INFO(checker.first_wrong());
  CHECK(checker.first_wrong().empty());
}

TEST_CASE("a new default year forgets the remembered minute", "[line_clock]") {
  ClockChecker checker(2024);
  CHECK(checker.Check("Feb 29 12:00:00 host kernel: x") == 1709208000000);
  CHECK(checker.Check("Feb 29 12:00:01 host kernel: x") == 1709208001000);
  checker.SetYear(2023);
  CHECK(checker.Check("Feb 29 12:00:02 host kernel: x") == kNoTime);
  checker.SetYear(2026);
  CHECK(checker.Check("Nov 24 10:00:00 host x") == 1795514400000);
  checker.SetYear(2025);
  CHECK(checker.Check("Nov 24 10:00:00 host x") == 1795514400000 - 365LL * 86'400'000);
  checker.SetYear(2025);  // the same year again keeps the layout
  CHECK(checker.Check("Nov 24 10:00:01 host x") == 1795514401000 - 365LL * 86'400'000);
  INFO(checker.first_wrong());
  CHECK(checker.first_wrong().empty());
}

TEST_CASE("a layout found after a '[' serves only where ParseLineTimestamp looks", "[line_clock]") {
  const uint64_t resumed = CheckAll({
      "188.154.2.242 - - [11/Mar/2024:03:18:28 +0000] \"GET / HTTP/1.1\" 200 1",
      "10.0.0.1 - - [11/Mar/2024:03:18:29 +0000] \"GET / HTTP/1.1\" 200 1",
      // A time at the start comes first, though the bracket repeats the layout.
      "2024-03-11 03:18:30 [11/Mar/2024:03:18:31 +0000]",
      // After the first word, before the bracket.
      "x 2024-03-11T03:18:32Z [11/Mar/2024:03:18:33 +0000]",
      "x [11/Mar/2024:03:18:34 +0000] 2024-03-11T03:18:35Z",
      // A first bracket without a time, then the layout in the second.
      "x [main] [11/Mar/2024:03:18:36 +0000]",
      "x [a] [b] [c] [11/Mar/2024:03:18:37 +0000] beyond the fourth try",
      "ts=2024-03-11T03:18:38.1Z level=info",
      "level=info ts=2024-03-11T03:18:39.12Z",
      "time=\"2024-03-11T03:18:40.123Z\" level=info",
      "0|api      | [2024-03-11T03:18:41.490Z] INFO: x",
      // The layout's bytes beyond the scan window, and just within it.
      std::string(70, 'x') + " [11/Mar/2024:03:18:42 +0000]",
      std::string(78, 'x') + " [11/Mar/2024:03:18:43 +0000]",
      std::string(79, 'x') + " [11/Mar/2024:03:18:44 +0000]",
  });
  CHECK(resumed >= 5);
}

TEST_CASE("a time cut by the end of its try resumes as the whole parse would", "[line_clock]") {
  // The try window is kMaxTimestampBytes long: a long priority prefix moves the seconds
  // and the zone against its end.
  std::vector<std::string> lines;
  for (int digits = 1; digits < 30; ++digits) {
    const std::string version(static_cast<size_t>(digits), '1');
    for (const char* rest : {"00.123+05:30 x", "00 +0000 x", "00Z", "00.123456789 x"}) {
      lines.push_back("<34>" + version + " 2026-11-24T10:00:" + rest);
    }
  }
  CHECK(CheckAll(lines) > 0);
}

// A pseudo-random generator of log lines in every format the parser knows, with fields in
// and out of range.
class LineMaker {
 public:
  explicit LineMaker(uint32_t seed) : rng_(seed) {}

  int Pick(int n) { return static_cast<int>(rng_() % static_cast<uint32_t>(n)); }
  bool Chance(int percent) { return Pick(100) < percent; }

  std::string Line() {
    switch (Pick(17)) {
      case 0:
        return Iso() + " INFO [main] c.a.Service : started";
      case 1:
        return Ip() + " - - [" + Clf() + "] \"GET /x HTTP/1.1\" 200 " + Num(1 + Pick(5));
      case 2:
        return Month() + " " + Day() + " " + Clock(true) + " web-1 sshd[" + Num(3) + "]: x";
      case 3:
        return "[" + Iso() + "] [" + Num(5) + "] [INFO] Booting worker";
      case 4:
        return "ts=" + Iso() + " level=info caller=x.go:1 msg=\"served\"";
      case 5:
        return "level=" + std::string(Chance(50) ? "info" : "error") + " ts=" + Iso() + " x=1";
      case 6:
        return "time=\"" + Iso() + "\" level=error msg=\"x\"";
      case 7:
        return "0|api      | [" + Iso() + "] INFO: PUT /x 201";
      case 8:
        return "<" + Num(1 + Pick(3)) + ">" +
               (Chance(50) ? "1 " + Iso() : Month() + " " + Day() + " " + Clock(true)) +
               " host app";
      case 9:
        return "[" + Weekday() + " " + Month() + " " + Day() + " " + Clock(true) + " " + Num(4) +
               "] [error] x";
      case 10:
        return std::string(1, "IWEF"[Pick(4)]) + Num(2) + Num(2) + " " + Clock(true) + " 1 x.cc:1]";
      case 11:
        return Month() + " " + Num(1 + Pick(2)) + ", " + Num(4) + " " + Num(1 + Pick(2)) + ":" +
               Num(2) + ":" + Num(2) + (Chance(50) ? " AM" : " PM") + " a.B c";
      case 12:
        return Num(2) + "/" + Num(2) + "/" + Num(2) + " " + Clock(true) + " INFO x";
      case 13:
        return Num(6) + " " + Num(6) + " 148 INFO dfs.DataNode";
      case 14:
        return std::string(Chance(50) ? "\tat a.b.C.d(C.java:1)" : "Caused by: java.io.X: y");
      case 15:
        return Two(1, 28) + "-" + Month() + "-" + Year() + " " + Clock(true) + " WARNING [x] y";
      default:
        return Noise();
    }
  }

  // A small change: a digit changed, a byte replaced, inserted or removed, or a cut.
  std::string Mutate(std::string line) {
    if (line.empty()) return Line();
    const size_t at = static_cast<size_t>(Pick(static_cast<int>(line.size())));
    switch (Pick(5)) {
      case 0:
        for (size_t i = at; i < line.size(); ++i) {
          if (line[i] >= '0' && line[i] <= '9') {
            line[i] = static_cast<char>('0' + Pick(10));
            break;
          }
        }
        return line;
      case 1:
        line[at] = Interesting();
        return line;
      case 2:
        return line.insert(at, 1, Interesting());
      case 3:
        return line.erase(at, 1);
      default:
        return line.substr(0, at);
    }
  }

  char Interesting() {
    static constexpr char kBytes[] = "0123456789 :.,+-ZzTt[]<>/=\"|UTCGMT\tAPM\x80\xff";
    return kBytes[Pick(static_cast<int>(sizeof kBytes - 1))];
  }

 private:
  std::string Num(int digits) {
    std::string s;
    for (int i = 0; i < digits; ++i) s += static_cast<char>('0' + Pick(10));
    return s;
  }
  // Mostly in range, sometimes not: the memo must not make an invalid field valid.
  std::string Two(int lo, int hi) {
    const int v = Chance(95) ? lo + Pick(hi - lo + 1) : Pick(100);
    char text[4];
    std::snprintf(text, sizeof text, "%02d", v);
    return text;
  }
  std::string Day() { return Chance(20) ? " " + std::to_string(1 + Pick(9)) : Two(1, 31); }
  std::string Month() {
    static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
                                    "Aug", "Sep", "Oct", "Nov", "Dec", "Foo"};
    return kMonths[Pick(Chance(95) ? 12 : 13)];
  }
  std::string Weekday() {
    static const char* kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    return kDays[Pick(7)];
  }
  std::string Year() { return Chance(90) ? "2024" : Num(4); }
  std::string Fraction() {
    switch (Pick(5)) {
      case 0:
        return "";
      case 1:
        return "." + Num(3);
      case 2:
        return "," + Num(3);
      case 3:
        return "." + Num(1 + Pick(12));
      default:
        return Chance(50) ? "." : "," + Num(6);
    }
  }
  std::string Zone() {
    switch (Pick(9)) {
      case 0:
      case 1:
        return "";
      case 2:
        return "Z";
      case 3:
        return std::string(Chance(50) ? "+" : "-") + Two(0, 23) + ":" + Two(0, 59);
      case 4:
        return std::string(Chance(50) ? "+" : "-") + Two(0, 23) + Two(0, 59);
      case 5:
        return "+" + Two(0, 23);
      case 6:
        return std::string(" ") + (Chance(50) ? "+" : "-") + Two(0, 23) + (Chance(50) ? ":" : "") +
               Two(0, 59);
      case 7:
        return Chance(50) ? " UTC" : " GMT";
      default:
        return " - ";
    }
  }
  std::string Clock(bool seconds) {
    std::string clock = Two(0, 23) + ":" + Two(0, 59);
    if (seconds || Chance(90)) clock += ":" + Two(0, 60) + Fraction();
    return clock;
  }
  std::string Iso() {
    const char sep = Chance(80) ? '-' : '/';
    const char tee = " Tt"[Pick(3)];
    return Year() + sep + Two(1, 12) + sep + Two(1, 28) + tee + Clock(false) + Zone();
  }
  std::string Clf() {
    return Two(1, 28) + "/" + Month() + "/" + Year() + ":" + Clock(true) + Zone();
  }
  std::string Ip() {
    return std::to_string(1 + Pick(254)) + "." + std::to_string(Pick(256)) + "." +
           std::to_string(Pick(256)) + "." + std::to_string(Pick(256));
  }
  std::string Noise() {
    std::string s;
    const int n = Pick(60);
    for (int i = 0; i < n; ++i) s += Chance(70) ? Interesting() : static_cast<char>(Pick(256));
    return s;
  }

  std::mt19937 rng_;
};

TEST_CASE("random runs of lines in every format, mutated and spliced, time as the plain parse",
          "[line_clock]") {
  uint64_t resumed = 0;
  for (uint32_t seed = 1; seed <= 100; ++seed) {
    LineMaker maker(seed);
    ClockChecker checker(2024);
    std::string previous = maker.Line();
    for (int i = 0; i < 3000; ++i) {
      std::string line;
      const int kind = maker.Pick(10);
      if (kind < 3) {
        line = maker.Line();
      } else if (kind < 7) {
        line = maker.Mutate(previous);
      } else {
        // Another line's start, this one's end: a prefix shared up to a random point.
        const std::string other = maker.Line();
        const size_t at = static_cast<size_t>(maker.Pick(static_cast<int>(previous.size()) + 1));
        line = previous.substr(0, at) + (at < other.size() ? other.substr(at) : "");
      }
      if (maker.Chance(1)) checker.SetYear(maker.Chance(50) ? 2023 : 2024);
      checker.Check(line);
      previous = line;
    }
    INFO("seed " << seed << ": " << checker.first_wrong());
    CHECK(checker.first_wrong().empty());
    resumed += checker.resumed();
  }
  CHECK(resumed > 25'000);  // the layouts served (a tenth of the lines), as they should
}

TEST_CASE("a line that shares a remembered prefix up to any byte times as the plain parse",
          "[line_clock]") {
  // For each pair of lines: the first one sets the layout, then lines that follow it up to
  // every position and continue as the second one (or with any interesting byte).
  LineMaker maker(99);
  size_t checked = 0;
  uint64_t resumed = 0;
  for (int pair = 0; pair < 300; ++pair) {
    const std::string first = maker.Line();
    const std::string second = maker.Mutate(maker.Mutate(first));
    ClockChecker checker(2024);
    for (size_t at = 0; at <= first.size(); ++at) {
      checker.Check(first);
      checker.Check(first.substr(0, at) + (at < second.size() ? second.substr(at) : ""));
      checker.Check(first.substr(0, at));
      std::string changed = first;
      if (at < changed.size()) changed[at] = maker.Interesting();
      checker.Check(changed);
    }
    checked += checker.checked();
    resumed += checker.resumed();
    INFO("pair " << pair << ": " << checker.first_wrong());
    REQUIRE(checker.first_wrong().empty());
  }
  CHECK(checked > 10'000);
  CHECK(resumed > checked / 10);
}

TEST_CASE("a resumed parse ends as the whole parse ends, for any bytes after the minute",
          "[line_clock]") {
  // The pieces LineClock stands on: ParseTimeAt marks its seconds, and ResumeAtSeconds
  // from there (with or without a zone memo) gives the same time.
  LineMaker maker(7);
  ZoneMemo memo;
  int resumed = 0;
  for (int i = 0; i < 20'000; ++i) {
    std::string text = maker.Mutate(maker.Line());
    const size_t n = std::min(text.size(), kMaxTimestampBytes);
    const std::vector<char> own(text.begin(), text.begin() + static_cast<ptrdiff_t>(n));
    const char* p = own.data();
    const char* end = p + own.size();
    ClockMark mark;
    const TimeMs whole = ParseTimeAt(p, end, 2024, &mark);
    CHECK(whole == ParseTimeAt(p, end, 2024, nullptr));
    if (mark.seconds == nullptr) continue;
    ++resumed;
    INFO(text);
    REQUIRE(ResumeAtSeconds(mark.seconds, end, mark.minute, mark.zone, nullptr) == whole);
    REQUIRE(ResumeAtSeconds(mark.seconds, end, mark.minute, mark.zone, &memo) == whole);
  }
  CHECK(resumed > 4'000);
}

}  // namespace
}  // namespace sockfilter
