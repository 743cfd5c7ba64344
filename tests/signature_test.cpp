#include "filters/signature.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "filters/body_memo.h"
#include "filters/line_memo.h"
#include "filters/stream_hash.h"
#include "tests/test_util.h"

namespace sockfilter {
namespace {

std::string Normalized(std::string_view text) {
  return Signer(SignatureMode::kNormalized).Normalize(text, false);
}

uint64_t Sig(std::string_view text) { return Signer(SignatureMode::kNormalized).Sign(text, false); }

struct Row {
  const char* kind;
  const char* input;
  const char* expected;
};

TEST_CASE("each variable kind is masked", "[signature]") {
  const Row kRows[] = {
      {"number", "retry 3 of 10", "retry <N> of <N>"},
      {"ipv4 with port", "peer 10.0.0.7:41234 gone", "peer <IP> gone"},
      {"ipv4 without port", "from 192.168.1.20 now", "from <IP> now"},
      {"ipv6", "via fe80::1ff:fe23:4567:890a and ::1", "via <IP6> and <IP6>"},
      {"ipv6 in brackets with port", "connect [2001:db8::7]:8443", "connect [<IP6>]:<N>"},
      {"0x hex", "pcb 0x7f3a2b1c4d00 freed", "pcb <HEX> freed"},
      {"identity hash", "java.lang.Object@5e2de80c", "java.lang.Object@<HEX>"},
      {"short identity hash", "Handler@1b6d35 busy", "Handler@<HEX> busy"},
      {"long hex word", "trace deadbeef12 sha e3b0c442", "trace <HEX> sha <HEX>"},
      {"uuid", "req 3f2504e0-4f89-11d3-9a0c-0305e82c3301 done", "req <UUID> done"},
      {"thread names", "Thread-42 in goroutine 17 on ForkPoolWorker-3",
       "Thread-<N> in goroutine <N> on ForkPoolWorker-<N>"},
      {"nio thread", "handled by [nio-8080-exec-12]", "handled by [nio-<N>-exec-<N>]"},
      {"durations", "took 461ms, then 1.5s", "took <N>ms, then <N>s"},
      {"frame line number", "\tat com.acme.Foo.bar(Foo.java:123)",
       " at com.acme.Foo.bar(Foo.java:<N>)"},
      {"python frame", "  File \"/app/client.py\", line 42, in fetch",
       " File \"/app/client.py\", line <N>, in fetch"},
      {"node frame", "    at TCP.onStreamRead (node:internal/stream_base_commons:217:20)",
       " at TCP.onStreamRead (node:internal/stream_base_commons:<N>:<N>)"},
      {"dotted version stays dotted", "netty 4.1.100.Final", "netty <N>.<N>.<N>.Final"},
  };
  for (const Row& row : kRows) {
    INFO(row.kind);
    CHECK(Normalized(row.input) == row.expected);
  }
}

TEST_CASE("exception classes, errno text and function names are never masked", "[signature]") {
  const Row kRows[] = {
      {"java exception", "java.net.SocketException: Connection reset",
       "java.net.SocketException: Connection reset"},
      {"python errno", "ConnectionResetError: [Errno 104] Connection reset by peer",
       "ConnectionResetError: [Errno <N>] Connection reset by peer"},
      {"nginx errno", "recv() failed (104: Connection reset by peer)",
       "recv() failed (<N>: Connection reset by peer)"},
      {"node code", "Error: read ECONNRESET", "Error: read ECONNRESET"},
      {"function", "\tat com.acme.orders.web.OrderController.handleAsync(Native Method)",
       " at com.acme.orders.web.OrderController.handleAsync(Native Method)"},
      {"hex-looking words shorter than 8", "decade facade cafe", "decade facade cafe"},
      {"a time is not an IPv6 address", "at 12:30:05 sharp", "at <N>:<N>:<N> sharp"},
      {"C++ scope is not an IPv6 address", "in std::vector::at", "in std::vector::at"},
  };
  for (const Row& row : kRows) {
    INFO(row.kind);
    CHECK(Normalized(row.input) == row.expected);
  }
}

TEST_CASE("the per-line header is dropped in every common layout", "[signature]") {
  const Row kRows[] = {
      {"spring boot",
       "2024-03-11 03:13:29.842 ERROR 2249 --- [nio-8080-exec-2] c.a.t.messaging.FooHandler     "
       ": Exception in cart pipeline",
       "Exception in cart pipeline"},
      {"log4j", "2024-03-11 03:13:29,842 ERROR [IPC Server handler 3 on 62270] com.acme.Foo: boom",
       "boom"},
      {"zookeeper",
       "2024-03-11 03:13:29,842 - ERROR [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:Foo@450] - "
       "Lost connection",
       "Lost connection"},
      {"zookeeper, message in brackets",
       "2024-03-11 03:13:29,842 - WARN  [CommitProcessor:1:Foo@500] - [8eb74177-34, "
       "L:/10.0.0.1:4 - R:inventory/10.1.98.84:8081] An exception",
       "[<HEX>-<N>, L:/<IP> - R:inventory/<IP>] An exception"},
      {"kafka", "[2024-03-11 03:13:29,842] ERROR boom", "boom"},
      {"python", "2024-03-11 03:13:29,842 ERROR [app.client] boom", "boom"},
      {"gunicorn", "[2024-03-11 03:15:54 +0000] [20452] [WARNING] Retrying", "Retrying"},
      {"celery", "[2024-03-11 03:15:06,083: WARNING/ForkPoolWorker-8] Retrying", "Retrying"},
      {"logging.basicConfig", "ERROR:crawler.jobs:Task failed", "Task failed"},
      {"go log", "2024/03/11 03:16:48 httputil: read error", "httputil: read error"},
      {"logfmt", "ts=2024-03-11T03:17:52.579Z level=error msg=\"x\"", "msg=\"x\""},
      {"nginx", "2024/03/11 03:16:26 [error] 2662#2662: *1 recv() failed", "*<N> recv() failed"},
      {"syslog", "Mar 11 03:13:30 web-01 sshd[2217]: fatal: Write failed", "fatal: Write failed"},
      {"json", "{\"time\":1710126809141,\"pid\":59,\"hostname\":\"h-1\",\"msg\":\"boom\"}",
       "\"msg\":\"boom\"}"},
      {"json logger name is not header",
       "{\"@timestamp\":\"2024-03-11T03:15:55Z\",\"level\":\"ERROR\",\"logger_name\":\"a.B\","
       "\"message\":\"x\"}",
       "\"logger_name\":\"a.B\",\"message\":\"x\"}"},
      {"no header", "[rates] upstream error: Error: shutdown ENOTCONN",
       "[rates] upstream error: Error: shutdown ENOTCONN"},
  };
  for (const Row& row : kRows) {
    INFO(row.kind);
    CHECK(Normalized(row.input) == row.expected);
  }
}

TEST_CASE("an exception class right after the header is not taken for a logger", "[signature]") {
  CHECK(Normalized("2024-03-11 03:13:29,842 ERROR [main] java.io.IOException: Broken pipe") ==
        "java.io.IOException: Broken pipe");
  CHECK(Normalized("2024-03-11 03:13:29,842 ERROR [main] com.acme.Foo: java.io.IOException: x") ==
        "java.io.IOException: x");
}

TEST_CASE("repeats that differ only in header and variable parts share a signature",
          "[signature]") {
  std::string a =
      "2024-03-11 03:13:29.842  WARN 2249 --- [nio-8080-exec-2] c.a.Handler : Read failed "
      "from 10.0.0.7:41234\njava.io.IOException: Connection reset by peer\n"
      "\tat sun.nio.ch.FileDispatcherImpl.read0(Native Method)\n"
      "\tat com.acme.Foo.bar(Foo.java:42)\n";
  std::string b =
      "2024-03-12 11:00:01.001  WARN 2249 --- [o-8080-exec-195] c.a.Handler : Read failed "
      "from 31.3.9.200:50000\r\njava.io.IOException: Connection reset by peer\r\n"
      "\tat sun.nio.ch.FileDispatcherImpl.read0(Native Method)\r\n"
      "\tat com.acme.Foo.bar(Foo.java:43)";
  CHECK(Sig(a) == Sig(b));
}

TEST_CASE("different bugs never share a signature", "[signature]") {
  std::set<uint64_t> sigs = {
      Sig("java.io.IOException: Connection reset by peer\n\tat com.acme.A.read(A.java:1)\n"),
      Sig("java.io.IOException: Broken pipe\n\tat com.acme.A.read(A.java:1)\n"),
      Sig("java.net.SocketException: Connection reset by peer\n\tat com.acme.A.read(A.java:1)\n"),
      Sig("java.io.IOException: Connection reset by peer\n\tat com.acme.A.write(A.java:1)\n"),
      Sig("java.io.IOException: Connection reset by peer\n\tat com.acme.B.read(B.java:1)\n"),
  };
  CHECK(sigs.size() == 5);
}

TEST_CASE("raw signatures compare the text after the header unmasked", "[signature]") {
  Signer raw(SignatureMode::kRaw);
  CHECK(raw.Normalize("2024-03-11 03:13:29,842 ERROR [main] peer 10.0.0.7 gone\r\n", false) ==
        "peer 10.0.0.7 gone");
  CHECK(raw.Sign("2024-03-11 03:13:29,842 ERROR [main] peer 10.0.0.7 gone", false) ==
        raw.Sign("2024-03-11 09:00:00,000 ERROR [main] peer 10.0.0.7 gone\n", false));
  CHECK(raw.Sign("ERROR [main] peer 10.0.0.7 gone", false) !=
        raw.Sign("ERROR [main] peer 10.0.0.8 gone", false));
}

TEST_CASE("the signature is a fixed function of the text", "[signature]") {
  // Pinned values: a change here changes every sig= users have recorded.
  CHECK(FormatSignature(Sig("")) == FormatSignature(Sig("\n")));
  CHECK(FormatSignature(Sig("java.io.IOException: Broken pipe")) ==
        FormatSignature(Sig("java.io.IOException: Broken pipe")));
  CHECK(FormatSignature(0x0123456789abcdefULL) == "0123456789abcdef");
  CHECK(FormatSignature(Sig("Connection reset by peer")) == "3aca537e8c311f6c");
}

TEST_CASE("a signature is the hash of the normalized text, fed in any pieces", "[signature]") {
  const char* kTexts[] = {
      "",
      "2024-03-11 03:13:29,842 ERROR [main] peer 10.0.0.7:41234 gone\r\n\tat a.B.c(B.java:1)\n",
      "{\"time\":1,\"msg\":\"read ECONNRESET 0x7f00aa id 3f2504e0-4f89-11d3-9a0c-0305e82c3301\"}",
      "x  y\t\tz ::1 fe80::1 @5e2de80c deadbeefcafe 1.5s 4.1.100 "
      "long words to pass 64 bytes",
  };
  for (SignatureMode mode : {SignatureMode::kNormalized, SignatureMode::kRaw}) {
    Signer signer(mode);
    for (const char* text : kTexts) {
      std::string normalized = signer.Normalize(text, false);
      StreamHash whole, pieces;
      whole.Append(normalized);
      for (size_t i = 0; i < normalized.size(); i += 3) pieces.Append(normalized.substr(i, 3));
      uint64_t sig = signer.Sign(text, false);
      CHECK(whole.Final() == sig);
      CHECK(pieces.Final() == sig);
    }
  }
}

// Deterministic xorshift: the same texts on every run.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed * 0x9e3779b97f4a7c15ULL + 1) {}
  size_t Below(size_t n) {
    s_ ^= s_ << 13;
    s_ ^= s_ >> 7;
    s_ ^= s_ << 17;
    return static_cast<size_t>(s_ % n);
  }

 private:
  uint64_t s_;
};

// A line of tokens that mask (numbers, addresses, hex, UUIDs), tokens that almost do, and
// blanks, '\r' and ':' in every position; `size` picks short, slot-sized or long lines.
std::string RandomLine(Rng* rng, size_t size) {
  static const char* const kTokens[] = {"\tat com.acme.Foo.bar(Foo.java:",
                                        "123)",
                                        " ",
                                        "  ",
                                        "\t",
                                        "\r",
                                        ":",
                                        "::",
                                        "::1",
                                        "fe80::1ff:fe23:4567:890a",
                                        "10.0.0.7",
                                        ":41234",
                                        "1.5s",
                                        "4.1.100",
                                        "0x7f3a",
                                        "@5e2de80c",
                                        "deadbeef12",
                                        "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
                                        "Thread-42",
                                        "x",
                                        "_",
                                        ".",
                                        "9",
                                        "12:30:05",
                                        "é",
                                        "\x01"};
  std::string line;
  while (line.size() < size) line += kTokens[rng->Below(std::size(kTokens))];
  return line;
}

// Events whose continuation lines come from a small pool (as stack frames repeat), with
// "\n" or "\r\n" terminators, empty lines and lines longer than any the memo keeps.
std::string RandomEvent(Rng* rng, const std::vector<std::string>& pool) {
  std::string event = "2024-03-11 03:13:29,842 ERROR [main] " + RandomLine(rng, 40);
  size_t lines = rng->Below(12);
  for (size_t k = 0; k < lines; ++k) {
    event += rng->Below(4) == 0 ? "\r\n" : "\n";
    event += pool[rng->Below(pool.size())];
  }
  if (rng->Below(2) == 0) event += rng->Below(2) == 0 ? "\r\n" : "\n";
  return event;
}

uint64_t HashOf(std::string_view text) {
  StreamHash h;
  h.Append(text);
  return h.Final();
}

TEST_CASE("remembered lines sign as the one-pass normalization does", "[signature]") {
  Rng rng(11);
  std::vector<std::string> pool = {"", "\r", " ", "\t\r"};
  for (size_t size : {1, 8, 60, 200, 250, 256, 257, 300, 1000})
    for (int k = 0; k < 30; ++k) pool.push_back(RandomLine(&rng, size));
  // Digits grow when masked: a line that fits the memo while its masked form does not.
  pool.push_back(std::string(200, ' ') + "1 2 3 4 5 6 7 8 9 1 2 3 4 5 6 7 8 9 1 2 3 4 5 6 7");
  Signer signer(SignatureMode::kNormalized);
  for (int k = 0; k < 5000; ++k) {
    std::string event = RandomEvent(&rng, pool);
    INFO(event);
    REQUIRE(signer.Sign(event, false) == HashOf(signer.Normalize(event, false)));
  }
}

TEST_CASE("one-line bodies with \\n escapes sign as the one-pass normalization does",
          "[signature]") {
  // JSON records whose stack traces are one line of escaped frames: the frames come from a
  // small pool (as they repeat) with every masking token on either side of the escapes,
  // escaped backslashes, and a backslash at the very end.
  Rng rng(17);
  std::vector<std::string> pool = {"",    "\\", "\\\\",      "n", "1",   "12",       ".5",
                                   ":80", "@",  "@1a2b3c4d", " ", "\\t", "10.0.0.1", "fe80::1"};
  for (size_t size : {1, 30, 120, 250, 256, 300, 600})
    for (int k = 0; k < 20; ++k) pool.push_back(RandomLine(&rng, size));
  Signer signer(SignatureMode::kNormalized);
  for (int k = 0; k < 5000; ++k) {
    std::string event = "{\"time\":\"2024-03-11T03:13:29Z\",\"msg\":\"" + RandomLine(&rng, 20);
    size_t pieces = rng.Below(14);
    for (size_t p = 0; p < pieces; ++p) {
      event += rng.Below(8) == 0 ? "\\\\n" : "\\n";
      event += pool[rng.Below(pool.size())];
    }
    if (rng.Below(4) == 0) event += "\\";
    event += rng.Below(2) == 0 ? "\"}" : "\"}\n";
    for (bool json : {true, false}) {
      INFO(event);
      REQUIRE(signer.Sign(event, json) == HashOf(signer.Normalize(event, json)));
    }
  }
}

TEST_CASE("lines that take each other's memo slots still sign right", "[signature]") {
  // Far more distinct lines than the memo has slots, each signed twice with other lines in
  // between: every slot is reused and the second signature must still be right.
  Rng rng(5);
  std::vector<std::string> events;
  for (int k = 0; k < 20000; ++k)
    events.push_back("ERROR x\n" + RandomLine(&rng, 1 + rng.Below(120)) + "\n");
  Signer signer(SignatureMode::kNormalized);
  for (int round = 0; round < 2; ++round) {
    for (const std::string& event : events) {
      INFO(event);
      REQUIRE(signer.Sign(event, false) == HashOf(signer.Normalize(event, false)));
    }
  }
}

TEST_CASE("the line memo finds a line only by its bytes", "[signature]") {
  LineMemo memo;
  std::string_view value;
  CHECK_FALSE(memo.Find("\tat a.B.c(B.java:1)", &value));
  memo.Store("\tat a.B.c(B.java:1)", "\n at a.B.c(B.java:<N>)");
  REQUIRE(memo.Find("\tat a.B.c(B.java:1)", &value));
  CHECK(value == "\n at a.B.c(B.java:<N>)");
  CHECK_FALSE(memo.Find("\tat a.B.c(B.java:2)", &value));
  CHECK_FALSE(memo.Find("\tat a.B.c(B.java:1", &value));
  // Lines it does not keep: empty, too long, or with a value too long for the slot.
  memo.Store("", "x");
  CHECK_FALSE(memo.Find("", &value));
  std::string long_line(LineMemo::kMaxLine + 1, 'a');
  memo.Store(long_line, "x");
  CHECK_FALSE(memo.Find(long_line, &value));
  std::string full_line(LineMemo::kMaxLine, 'b');
  memo.Store(full_line, std::string(LineMemo::kSlotBytes - full_line.size() + 1, 'v'));
  CHECK_FALSE(memo.Find(full_line, &value));
  memo.Store(full_line, std::string(LineMemo::kSlotBytes - full_line.size(), 'v'));
  REQUIRE(memo.Find(full_line, &value));
  CHECK(value.size() == LineMemo::kSlotBytes - full_line.size());
}

TEST_CASE("a line that lost its memo slot is not found", "[signature]") {
  // Many more lines than slots: a line whose slot another line took must miss, and every
  // line found must come back with its own value.
  LineMemo memo;
  const int kLines = static_cast<int>(4 * LineMemo::kSlots);
  for (int k = 0; k < kLines; ++k) memo.Store("line " + std::to_string(k), std::to_string(k));
  int found = 0;
  for (int k = 0; k < kLines; ++k) {
    std::string_view value;
    if (!memo.Find("line " + std::to_string(k), &value)) continue;
    ++found;
    CHECK(value == std::to_string(k));
  }
  CHECK(found > 0);
  CHECK(found <= static_cast<int>(LineMemo::kSlots));
}

TEST_CASE("the body memo finds a body only by its bytes", "[signature]") {
  BodyMemo memo;
  uint64_t value = 0;
  // Same length and the same sampled bytes (start, middle, end): the same key and slot,
  // different bodies.
  std::string body(300, 'a');
  std::string other = body;
  other[40] = 'b';
  CHECK_FALSE(memo.Find(body, &value));
  memo.Store(body, 7);
  REQUIRE(memo.Find(body, &value));
  CHECK(value == 7);
  CHECK_FALSE(memo.Find(other, &value));
  CHECK_FALSE(memo.Find(body.substr(1), &value));
  memo.Store(other, 8);  // takes the slot over
  CHECK_FALSE(memo.Find(body, &value));
  REQUIRE(memo.Find(other, &value));
  CHECK(value == 8);
  memo.Store(std::string(BodyMemo::kMaxBody + 1, 'c'), 9);
  CHECK_FALSE(memo.Find(std::string(BodyMemo::kMaxBody + 1, 'c'), &value));
  for (std::string_view tiny : {"", "x", "x\ny"}) {
    memo.Store(tiny, 10);
    REQUIRE(memo.Find(tiny, &value));
    CHECK(value == 10);
  }
}

TEST_CASE("traces that differ in one byte anywhere sign as their normalized texts hash",
          "[signature]") {
  // Repeats of one trace with one byte changed at every position in turn, each signed
  // between repeats of the original: the memo must never answer for a near-repeat.
  const std::string trace =
      "2024-03-11 03:16:45.422  WARN 2249 --- [exec-47] c.a.Handler : Exception in cart\n"
      "java.io.IOException: Connection reset by peer\n"
      "\tat sun.nio.ch.FileDispatcherImpl.read0(Native Method)\n"
      "\tat sun.nio.ch.SocketDispatcher.read(SocketDispatcher.java:39)\n"
      "\tat java.lang.Thread.run(Thread.java:750)\n";
  Signer signer(SignatureMode::kNormalized);
  const uint64_t original = signer.Sign(trace, false);
  for (size_t i = 0; i < trace.size(); ++i) {
    for (char c : {'x', '7', '\n'}) {
      std::string changed = trace;
      if (changed[i] == c) continue;
      changed[i] = c;
      INFO(changed);
      REQUIRE(signer.Sign(changed, false) == HashOf(signer.Normalize(changed, false)));
      REQUIRE(signer.Sign(trace, false) == original);
    }
  }
}

TEST_CASE("a copied signer signs as its original", "[signature]") {
  const std::string event = "ERROR x\n\tat a.B.c(B.java:12)\n\tat d.E.f(E.java:7)\n";
  Signer a(SignatureMode::kNormalized);
  uint64_t sig = a.Sign(event, false);
  Signer b = a;
  CHECK(b.Sign(event, false) == sig);
  Signer c(SignatureMode::kRaw);
  c = a;
  CHECK(c.Sign(event, false) == sig);
  CHECK(a.Sign(event, false) == sig);
}

TEST_CASE("every sample event signs as its normalized text hashes", "[signature]") {
  Signer signer(SignatureMode::kNormalized);
  for (const char* sample : test::kSampleLogs) {
    std::string log = test::ReadFile(test::SourcePath(sample));
    REQUIRE(!log.empty());
    // Runs of up to 30 lines from each line on: traits of every event and more.
    test::ForEachLineRun(log, 30, [&](std::string_view event) {
      bool json = !event.empty() && event[0] == '{';
      INFO(event);
      REQUIRE(signer.Sign(event, json) == HashOf(signer.Normalize(event, json)));
    });
  }
}

TEST_CASE("masking passes over plain text exactly as it reads it byte by byte", "[signature]") {
  // Plain words long enough for whole SIMD steps, between the tokens that change; hex
  // letters in runs of 7, 8 and more, inside words and alone; blanks of every kind.
  static const char* const kPlain[] = {"connection reset by peer while reading ",
                                       "upstream",
                                       "abcdefa",
                                       "deadbeef",
                                       "xdeadbeefx",
                                       "Cafebabe",
                                       "facadefacade",
                                       "-",
                                       "/",
                                       ".",
                                       ",",
                                       " ",
                                       "  ",
                                       " \t",
                                       "\t ",
                                       "é",
                                       "@",
                                       "a",
                                       "_"};
  Rng rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    const size_t size = rng.Below(300);
    while (text.size() < size) {
      if (rng.Below(3) == 0) {
        text += RandomLine(&rng, 1);
      } else {
        for (size_t k = rng.Below(6); k > 0; --k) text += kPlain[rng.Below(std::size(kPlain))];
      }
    }
    INFO(text);
    REQUIRE(Mask(text) == MaskByteByByte(text));
  }
  for (uint64_t seed = 0; seed < 200; ++seed) {
    std::string bytes = test::RandomBytes(seed, 1 + seed * 3);
    REQUIRE(Mask(bytes) == MaskByteByByte(bytes));
  }
  for (const char* sample : test::kSampleLogs) {
    std::string log = test::ReadFile(test::SourcePath(sample));
    REQUIRE(Mask(log) == MaskByteByByte(log));
  }
}

TEST_CASE("parsing signature modes", "[signature]") {
  SignatureMode mode;
  CHECK(ParseSignatureMode("raw", &mode));
  CHECK(mode == SignatureMode::kRaw);
  CHECK(ParseSignatureMode("normalized", &mode));
  CHECK(mode == SignatureMode::kNormalized);
  CHECK_FALSE(ParseSignatureMode("fuzzy", &mode));
}

}  // namespace
}  // namespace sockfilter
