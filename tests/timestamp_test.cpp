#include "analyzer/timestamp.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace sockfilter {
namespace {

// Expected values were computed independently with `date -u -d '<time>' +%s%3N`.
struct Case {
  const char* line;
  TimeMs expected;
};

void CheckLines(const std::vector<Case>& cases, int default_year = 2026) {
  for (const Case& c : cases) {
    INFO("line: " << c.line);
    CHECK(ParseLineTimestamp(c.line, default_year) == c.expected);
  }
}

TEST_CASE("ISO 8601 lines parse with or without T, fraction and zone", "[timestamp]") {
  CheckLines({
      {"2026-11-24T10:00:00.123Z GET /index.html", 1795514400123},
      {"2026-11-24 10:00:00.123 INFO main started", 1795514400123},
      {"2026-11-24T10:00:00 started", 1795514400000},
      {"2026-11-24t10:00:00z", 1795514400000},
      {"2026-11-24T10:00 minute precision", 1795514400000},
      {"2026-11-24T10:00:00.123+05:30 x", 1795494600123},
      {"2026-11-24T10:00:00-08:00 x", 1795543200000},
      {"2026-11-24T10:00:00+14:00 x", 1795464000000},
      {"2026-11-24T10:00:00-1130 x", 1795555800000},
      {"2026-11-24T10:00:00+01 x", 1795510800000},
      {"2026-11-24T10:00:00+00:30 x", 1795512600000},
      {"2026-11-24T10:00:00.123456789+01:00 x", 1795510800123},
      {"2024-03-11 03:13:29 -0700 spaced zone", 1710152009000},
      {"2026-11-24 10:00:00.123 UTC [123] LOG:  could not receive data", 1795514400123},
      {"2025-01-24T07:00:30,139 INFO [background-preinit] Version", 1737702030139},
      {"   2026-11-24T10:00:00Z indented", 1795514400000},
      {"2026-11-24T10:00:00Z", 1795514400000},  // nothing after it
  });
}

TEST_CASE("fractions of one to nine digits truncate to milliseconds", "[timestamp]") {
  CheckLines({
      {"2026-11-24T10:00:00.1Z", 1795514400100},
      {"2026-11-24T10:00:00.12Z", 1795514400120},
      {"2026-11-24T10:00:00.123Z", 1795514400123},
      {"2026-11-24T10:00:00.1234Z", 1795514400123},
      {"2026-11-24T10:00:00.12345Z", 1795514400123},
      {"2026-11-24T10:00:00.123456Z", 1795514400123},
      {"2026-11-24T10:00:00.1234567Z", 1795514400123},
      {"2026-11-24T10:00:00.12345678Z", 1795514400123},
      {"2026-11-24T10:00:00.123456789Z", 1795514400123},
      {"2026-11-24T10:00:00.999999999Z", 1795514400999},
      {"2026-11-24 10:00:00,5 x", 1795514400500},
      {"2026-11-24 10:00:00. sentence", 1795514400000},
  });
}

TEST_CASE("server and framework formats parse", "[timestamp]") {
  CheckLines({
      // log4j, logback, Python logging
      {"2026-11-24 10:00:00,123 ERROR [http-nio-8080-exec-1] o.a.c.c.C.[.[.[/]", 1795514400123},
      {"2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce", 1445191307978},
      // zookeeper
      {"2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181]", 1438191704747},
      // celery
      {"[2026-11-24 10:00:00,849: INFO/MainProcess] Task tasks.add succeeded", 1795514400849},
      // Spring Boot, as gen_corpus writes it
      {"2024-03-11 03:13:29.842  INFO 1234 --- [nio-8080-exec-1] o.s.web", 1710126809842},
      // nginx error log
      {"2026/11/24 10:00:00 [error] 1234#1234: *1 recv() failed (104: Connection reset",
       1795514400000},
      // nginx / Apache access log, with the client address first
      {"192.168.202.254 - - [20/Jul/2009:22:59:26 +0000] \"GET /vmw/cgi/tramp HTTP/1.0\"",
       1248130766000},
      {"[24/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1\"", 1795514400000},
      {"10.0.0.1 - - [24/Nov/2026:03:00:00 -0700] \"GET / HTTP/1.1\"", 1795514400000},
      {"24/Nov/2026:10:00:00 +0000 unbracketed", 1795514400000},
      // Apache error log: ctime, 2.2 and 2.4 (with microseconds)
      {"[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6", 1133671664000},
      {"[Sun Dec 04 04:47:44.123456 2005] [core:error] [pid 1]", 1133671664123},
      {"[Sun Dec  4 04:47:44 2005] [notice] padded day", 1133671664000},
      // gunicorn
      {"[2024-03-11 03:13:29 +0000] [20452] [DEBUG] Booting worker with pid: 32479", 1710126809000},
      // pm2 / docker compose prefixes
      {"0|api      | [2024-03-11T03:13:30.490Z] INFO: PUT /ledger/nova/3067 201", 1710126810490},
      // logfmt (Go kit, logrus)
      {"ts=2024-03-11T03:14:01.815984030Z level=error caller=client.go:173", 1710126841815},
      {"level=info ts=2024-03-11T03:14:01.815984030Z caller=main.go:1", 1710126841815},
      {"time=\"2021-09-15T21:17:10.220731Z\" level=error msg=\"error\"", 1631740630220},
      // OpenStack (file name first), HDFS, Spark
      {"nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO nova", 1494892800008},
      {"081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1", 1226262975000},
      {"17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: Registered", 1497039040000},
      // Tomcat's catalina.out (java.util.logging OneLineFormatter)
      {"11-Mar-2024 03:13:34.783 WARNING [http-nio-8080-exec-7] o.a.c.c.C.[Tomcat].[localhost]",
       1710126814783},
      {"24-Nov-2026 10:00:00 INFO [main] org.apache.catalina.startup.Catalina.start",
       1795514400000},
  });
  for (const char* bad : {"11-Mar-24 03:13:34.783 WARNING x", "11-Mxr-2024 03:13:34 WARNING x",
                          "31-Feb-2024 03:13:34 WARNING x", "11-Mar-2024 03:13 WARNING x"}) {
    INFO(bad);
    CHECK(ParseLineTimestamp(bad, 2024) == kNoTime);
  }
}

TEST_CASE("syslog and glog formats take the default year", "[timestamp]") {
  CheckLines({
      {"Nov 24 10:00:00 web-1 sshd[123]: fatal: Write failed: Connection reset by peer",
       1795514400000},
      {"Nov  3 09:23:38 veridian automount[7998]: lookup(file): lookup failed", 1793697818000},
      {"Nov 3 09:23:38 dn228/dn228 crond[2916]: (root) CMD", 1793697818000},
      {"<34>Nov 24 10:00:00 mymachine su: 'su root' failed", 1795514400000},
      {"<34>1 2026-11-24T10:00:00.003Z mymachine.example.com su - ID47 - BOM'su root'",
       1795514400003},
      {"E0517 15:04:22.619632 1952452992 logging_unittest.cc:253] Log every 3", 1779030262619},
  });
  CHECK(ParseLineTimestamp("Feb 29 12:00:00 host kernel: x", 2024) == 1709208000000);
  CHECK(ParseLineTimestamp("Feb 29 12:00:00 host kernel: x", 2023) == kNoTime);
  CHECK(ParseLineTimestamp("Jan  1 00:00:00 host x", 2026) == 1767225600000);
}

TEST_CASE("java.util.logging's default header line parses, on a 12-hour clock", "[timestamp]") {
  CheckLines({
      {"Nov 24, 2026 4:17:20 AM lab.JavaService serve", 1795493840000},
      {"Nov 24, 2026 10:00:00 AM a.B c", 1795514400000},
      {"Nov 24, 2026 12:00:00 AM a.B c", 1795478400000},  // midnight
      {"Nov 24, 2026 12:30:00 PM a.B c", 1795523400000},  // half past noon
      {"Nov 24, 2026 11:59:59 PM a.B c", 1795564799000},
      {"Nov 4, 2026 4:17:20 PM a.B c", 1793809040000},
      {"Nov 24, 2026 4:17:20\u202fAM lab.JavaService serve", 1795493840000},  // JDK 20+
  });
  for (const char* bad : {"Nov 24, 2026 13:00:00 PM a.B c", "Nov 24, 2026 0:00:00 AM a.B c",
                          "Nov 24, 2026 4:17:20 a.B c", "Nov 24, 2026 4:17:20 XM a.B c",
                          "Nov 24, 26 4:17:20 AM a.B c", "Nov 24, 2026 4:17 AM a.B c",
                          "Nov 24,2026 4:17:20 AM a.B c"}) {
    INFO("line: " << bad);
    CHECK(ParseLineTimestamp(bad, 2026) == kNoTime);
  }
}

TEST_CASE("leap years and month ends are exact", "[timestamp]") {
  CheckLines({
      {"2024-02-29T23:59:59.999Z", 1709251199999},
      {"2024-03-01T00:00:00Z", 1709251200000},
      {"2000-02-29T12:00:00Z", 951825600000},
      {"2023-12-31T23:59:59Z", 1704067199000},
      {"2026-01-31T00:00:00Z", 1769817600000},
      {"2026-04-30T00:00:00Z", 1777507200000},
      {"2026-06-30T23:59:59Z", 1782863999000},
      {"2026-12-31T23:59:59Z", 1798761599000},
      {"2100-03-01T00:00:00Z", 4107542400000},
      {"1970-01-01T00:00:00Z", 0},
      {"1969-12-31T23:59:59Z", -1000},
      {"9999-12-31T23:59:59.999Z", 253402300799999},
      {"0001-01-01T00:00:00Z", -62135596800000},
  });
}

TEST_CASE("out-of-range fields give no time", "[timestamp]") {
  CheckLines({
      {"2026-13-24T10:00:00 month 13", kNoTime},
      {"2026-00-10 10:00:00 month 0", kNoTime},
      {"2026-11-00 10:00:00 day 0", kNoTime},
      {"2026-11-31 10:00:00 November 31", kNoTime},
      {"2023-02-29 10:00:00 not a leap year", kNoTime},
      {"2100-02-29 10:00:00 not a leap year either", kNoTime},
      {"2026-11-24T25:00:00 hour 25", kNoTime},
      {"2026-11-24T24:00:00 hour 24", kNoTime},
      {"2026-11-24T10:60:00 minute 60", kNoTime},
      {"2026-11-24T10:00:61 second 61", kNoTime},
      {"2026-11-24T10:00:00+24:00 zone 24 h", kNoTime},
      {"2026-11-24T10:00:00+05:60 zone minute 60", kNoTime},
      {"0000-01-01T00:00:00Z year 0", kNoTime},
      {"Nov 32 10:00:00 host x", kNoTime},
      {"[32/Nov/2026:10:00:00 +0000]", kNoTime},
      {"<34>1 - host app - - no timestamp", kNoTime},
  });
}

TEST_CASE("truncated and garbage lines give no time", "[timestamp]") {
  CheckLines({
      {"", kNoTime},
      {"2", kNoTime},
      {"2026", kNoTime},
      {"2026-11", kNoTime},
      {"2026-11-24", kNoTime},
      {"2026-11-24T", kNoTime},
      {"2026-11-24 10", kNoTime},
      {"2026-11-24T10:0", kNoTime},
      {"2026-11-24T10:00:0", kNoTime},
      {"2026-11-24T10:00:00+05:", kNoTime},
      {"Nov 24 10:00", kNoTime},
      {"Nov 24", kNoTime},
      {"[24/Nov/2026:10:00", kNoTime},
      {"<34>1 2026-11-24T1", kNoTime},
      {"<34", kNoTime},
      {"E0517 15:04", kNoTime},
      {"hello world", kNoTime},
      {"\tat java.base/sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:323)", kNoTime},
      {"Caused by: java.net.SocketException: Connection reset", kNoTime},
      {"2026-11-24x10:00:00 wrong separator", kNoTime},
      {"2026-11/24 10:00:00 mixed separators", kNoTime},
      {"2026-11-24T10:00:001 a digit too many", kNoTime},
      {"12345678901234 a number", kNoTime},
      {"[  123.456789] e1000e: eth0 NIC Link is Up", kNoTime},
      {"Foo 24 10:00:00 not a month", kNoTime},
      {"ERROR [main] no time here at all, status=500 code=[abc]", kNoTime},
  });
}

TEST_CASE("a time beyond the scan window is not taken", "[timestamp]") {
  const std::string prefix(kTimestampScanBytes, 'x');
  CHECK(ParseLineTimestamp(prefix + " [2026-11-24 10:00:00]", 2026) == kNoTime);
  const std::string near(kTimestampScanBytes - 10, 'x');
  CHECK(ParseLineTimestamp(near + " [2026-11-24 10:00:00]", 2026) == 1795514400000);
}

TEST_CASE("a line is read only within its view", "[timestamp]") {
  const std::string buffer = "2026-11-24T10:00:00.123Z";
  // Cut before the fraction's digits, the seconds, and the zone: the bytes beyond the
  // view must not be read.
  CHECK(ParseLineTimestamp(std::string_view(buffer).substr(0, 20), 2026) == 1795514400000);
  CHECK(ParseLineTimestamp(std::string_view(buffer).substr(0, 21), 2026) == 1795514400100);
  CHECK(ParseLineTimestamp(std::string_view(buffer).substr(0, 18), 2026) == kNoTime);
}

TEST_CASE("a whole value parses as a time or as an epoch number", "[timestamp]") {
  CHECK(ParseTimestampValue("2026-11-24T10:00:00.123456789Z", 2026) == 1795514400123);
  CHECK(ParseTimestampValue("2013-09-06T20:00:48.124817Z", 2026) == 1378497648124);
  CHECK(ParseTimestampValue("Nov 24 10:00:00", 2026) == 1795514400000);
  CHECK(ParseTimestampValue("1795514400", 2026) == 1795514400000);
  CHECK(ParseTimestampValue(" 1795514400.5 ", 2026) == 1795514400500);
  CHECK(ParseTimestampValue("1795514400123", 2026) == 1795514400123);
  CHECK(ParseTimestampValue("", 2026) == kNoTime);
  CHECK(ParseTimestampValue("yesterday", 2026) == kNoTime);
  CHECK(ParseTimestampValue("2026-11-24", 2026) == kNoTime);
}

TEST_CASE("epoch numbers are told apart by magnitude", "[timestamp]") {
  CHECK(ParseEpochNumber("1710126809") == 1710126809000);         // seconds
  CHECK(ParseEpochNumber("1710126809.076685") == 1710126809076);  // zap
  CHECK(ParseEpochNumber("1710126809.9") == 1710126809900);
  CHECK(ParseEpochNumber("1710126809076") == 1710126809076);        // pino
  CHECK(ParseEpochNumber("1710126809076685") == 1710126809076);     // microseconds
  CHECK(ParseEpochNumber("1710126809076685123") == 1710126809076);  // nanoseconds
  CHECK(ParseEpochNumber("1.710126809E9") == 1710126809000);
  CHECK(ParseEpochNumber("1.710126809076e12") == 1710126809076);
  CHECK(ParseEpochNumber("1710126809076685e-6") == 1710126809077);  // rounded
  CHECK(ParseEpochNumber("0") == 0);
  CHECK(ParseEpochNumber(" 1710126809 ") == 1710126809000);
  CHECK(ParseEpochNumber("") == kNoTime);
  CHECK(ParseEpochNumber("-1") == kNoTime);
  CHECK(ParseEpochNumber("abc") == kNoTime);
  CHECK(ParseEpochNumber("1710126809x") == kNoTime);
  CHECK(ParseEpochNumber("1710126809.") == kNoTime);
  CHECK(ParseEpochNumber("1e") == kNoTime);
  CHECK(ParseEpochNumber("1e400") == kNoTime);
  CHECK(ParseEpochNumber("12345678901234567890123") == kNoTime);
}

}  // namespace
}  // namespace sockfilter
