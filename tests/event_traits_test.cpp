#include "analyzer/event_traits.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tests/test_util.h"

namespace sockfilter {
namespace {

// DescribeCall as it was first written (one std::string_view::find per word and list):
// slow but plainly right, the reference the one-pass matcher must agree with.
template <size_t N>
bool ContainsAny(std::string_view text, const std::string_view (&needles)[N]) {
  for (std::string_view n : needles)
    if (text.find(n) != std::string_view::npos) return true;
  return false;
}

constexpr std::string_view kWriteWords[] = {
    "Broken pipe", "broken pipe", "EPIPE",  "write", "Write",         "send(",          "sendfile",
    "sendmsg",     "SendBuf",     "writev", "flush", "while sending", "Failed to write"};
constexpr std::string_view kReadWords[] = {"read", "Read", "recv", "Recv", "while reading"};
constexpr std::string_view kHttpResponseWords[] = {"ClientAbortException",
                                                   "client prematurely closed",
                                                   "while sending to client",
                                                   "sending response",
                                                   "write response",
                                                   "Failed to write response",
                                                   "HttpServletResponse",
                                                   "ServerResponse",
                                                   "EofException",
                                                   "wsgi",
                                                   "response body",
                                                   "writing response",
                                                   "response to ",
                                                   "while reading upstream"};

CallTraits ReferenceDescribeCall(std::string_view text) {
  text = text.substr(0, kTraitScanBytes);
  std::string_view first = text.substr(0, text.find('\n'));
  CallTraits traits;
  traits.write = ContainsAny(first, kWriteWords);
  traits.read = !traits.write && ContainsAny(first, kReadWords);
  if (!traits.write && !traits.read) {
    traits.write = ContainsAny(text, kWriteWords);
    traits.read = !traits.write && ContainsAny(text, kReadWords);
  }
  traits.http_response = ContainsAny(text, kHttpResponseWords);
  return traits;
}

std::string Describe(const CallTraits& t) {
  return std::string(t.write ? "write" : "-") + (t.read ? " read" : " -") +
         (t.http_response ? " http" : " -");
}

void CheckAgreesWithReference(std::string_view text) {
  INFO("text: " << text.substr(0, 300));
  CHECK(Describe(DescribeCall(text)) == Describe(ReferenceDescribeCall(text)));
  // One describer for every text, so its memos answer for lines seen in earlier texts, and
  // the second call for the text's body as a whole.
  static CallDescriber describer;
  CHECK(Describe(describer.Describe(text)) == Describe(ReferenceDescribeCall(text)));
  CHECK(Describe(describer.Describe(text)) == Describe(ReferenceDescribeCall(text)));
}

// Deterministic xorshift: the same inputs on every run.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed * 0x9e3779b97f4a7c15ULL + 1) {}
  uint64_t Next() {
    s_ ^= s_ << 13;
    s_ ^= s_ >> 7;
    s_ ^= s_ << 17;
    return s_;
  }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }

 private:
  uint64_t s_;
};

// Text made of the words, their prefixes and near misses (other case, one byte cut),
// newlines, blanks and random bytes, so that matches start, end and break everywhere.
std::string RandomText(Rng* rng, size_t pieces) {
  std::vector<std::string_view> words;
  for (std::string_view w : kWriteWords) words.push_back(w);
  for (std::string_view w : kReadWords) words.push_back(w);
  for (std::string_view w : kHttpResponseWords) words.push_back(w);
  std::string text;
  for (size_t k = 0; k < pieces; ++k) {
    std::string_view w = words[rng->Below(words.size())];
    switch (rng->Below(8)) {
      case 0:
      case 1:
        text += w;
        break;
      case 2:
        text += w.substr(0, 1 + rng->Below(w.size()));
        break;
      case 3:
        text += w.substr(rng->Below(w.size()));
        break;
      case 4: {
        std::string upper(w);
        upper[rng->Below(upper.size())] ^= 0x20;  // flips the case of a letter
        text += upper;
        break;
      }
      case 5:
        text += '\n';
        break;
      case 6:
        text += ' ';
        break;
      default:
        text += static_cast<char>(rng->Next());
        break;
    }
  }
  return text;
}

TEST_CASE("the call is named by the first line before the rest of the event", "[event_traits]") {
  struct Row {
    const char* text;
    const char* expected;
  };
  const Row kRows[] = {
      {"", "- - -"},
      {"w", "- - -"},
      {"read", "- read -"},
      {"write", "write - -"},
      {"Read failed\n\tat Foo.write(Foo.java:1)", "- read -"},
      {"Read then write in one line", "write - -"},
      {"IOException\n\tat Foo.read\n\tat Foo.write", "write - -"},
      {"IOException\n\tat Foo.read\n\tat Foo.recv", "- read -"},
      {"IOException: Broken pipe\n\tat org.apache.catalina.connector.ClientAbortException",
       "write - http"},
      {"wsgi", "- - http"},
      {"response to client", "- - http"},
      {"response to\n", "- - -"},
      {"wri\nte", "- - -"},
      {"send (x)", "- - -"},
      {"send(x)", "write - -"},
      {"READ WRITE", "- - -"},
      {"Failed to write response", "write - http"},
      // nginx relaying a response: a failed writev() goes to the client, a failed recv()
      // comes from the upstream (a read, so never counted as a response write)
      {"writev() failed (104: Connection reset by peer) while reading upstream, client: x",
       "write - http"},
      {"recv() failed (104: Connection reset by peer) while reading upstream, client: x",
       "- read http"},
      {"x\nwhile reading", "- read -"},
  };
  for (const Row& row : kRows) {
    INFO(row.text);
    CHECK(Describe(DescribeCall(row.text)) == row.expected);
    CHECK(Describe(ReferenceDescribeCall(row.text)) == row.expected);
  }
}

TEST_CASE("words beyond the scan limit are not seen, nor one cut by it", "[event_traits]") {
  std::string text(kTraitScanBytes - 3, 'x');
  text.insert(0, "IOException\n");
  text.resize(kTraitScanBytes - 3);
  CheckAgreesWithReference(text + "write");  // "wri" inside the limit
  CHECK_FALSE(DescribeCall(text + "write").write);
  CHECK(DescribeCall(text.substr(0, text.size() - 3) + "write").write);
  CheckAgreesWithReference(text.substr(0, text.size() - 3) + "write");
}

TEST_CASE("the one-pass matcher agrees with the word-by-word search on random text",
          "[event_traits]") {
  Rng rng(7);
  for (int k = 0; k < 20000; ++k) {
    size_t pieces = k % 100 == 0 ? 3000 : 1 + rng.Below(40);
    CheckAgreesWithReference(RandomText(&rng, pieces));
  }
}

TEST_CASE("the one-pass matcher agrees with the word-by-word search on the samples",
          "[event_traits]") {
  for (const char* sample : test::kSampleLogs) {
    std::string log = test::ReadFile(test::SourcePath(sample));
    REQUIRE(!log.empty());
    // Every run of up to 20 lines starting at each line: first lines of every kind.
    test::ForEachLineRun(log, 20, [](std::string_view text) { CheckAgreesWithReference(text); });
  }
}

}  // namespace
}  // namespace sockfilter

namespace sockfilter {
namespace {

TEST_CASE("the component is the logger, service or program that wrote the first line",
          "[event_traits]") {
  // JSON: the first of logger_name, logger, service, caller, name; a key only where it is
  // a whole key (not the end of "xlogger"); else the host name without its instance number.
  CHECK(ComponentOf(R"({"@timestamp":"2024-03-11T03:13:48Z","logger_name":"com.acme.Pool"})") ==
        "com.acme.Pool");
  CHECK(ComponentOf(R"({"xlogger":"a","logger":"db.pool","msg":"x"})") == "db.pool");
  CHECK(ComponentOf(R"({"logger":"first","level":"warn"})") == "first");
  CHECK(ComponentOf(R"({"service":"checkout","caller":"route/table.go:300"})") == "checkout");
  CHECK(ComponentOf(R"({"level":"info","caller":"route/table.go:300","msg":"x"})") ==
        "route/table.go");
  CHECK(ComponentOf(R"({"level":30,"hostname":"checkout-api-4","msg":"x"})") == "checkout-api");
  CHECK(ComponentOf(R"({"level":30,"msg":"no component"})").empty());
  // Text layouts.
  CHECK(ComponentOf("2024-03-11 03:13:29.842  WARN 2249 --- [nio-8080-exec-1] "
                    "o.a.c.c.C.[Tomcat].[localhost]   : Servlet failed") ==
        "o.a.c.c.C.[Tomcat].[localhost]");
  CHECK(ComponentOf("2024/03/11 03:13:33 [error] 2663#2663: *184772 recv() failed (104: "
                    "Connection reset by peer)") == "nginx");
  CHECK(ComponentOf("Mar 11 03:13:50 web-1 haproxy[123]: 10.0.0.1:5000 closed") == "haproxy");
  CHECK(ComponentOf("ts=2024-03-11T03:14:01Z level=error caller=client.go:173 msg=failed") ==
        "client.go");
  CHECK(ComponentOf("ERROR:urllib3.connectionpool:Retrying after connection broken") ==
        "urllib3.connectionpool");
}

}  // namespace
}  // namespace sockfilter
