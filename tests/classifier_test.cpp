// Classification of real-looking log text, every cause and ecosystem: what is a socket
// error (and which), what is not, which cause is primary, what is captured.
#include <re2/re2.h>
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "tests/test_util.h"

namespace sockfilter {
namespace {

struct Found {
  std::string cause;  // "" when none
  std::vector<std::string> all;
  std::string peer, errno_text, endpoint;
};

Found Classify(const std::string& text) {
  const RuleBook& rules = test::DefaultRules();
  Classifier::Scratch scratch;
  Classification c = rules.classifier->Classify(text, &scratch);
  Found found;
  if (c.cause >= 0) found.cause = rules.causes[c.cause].id;
  for (size_t i = 0; i < rules.causes.size(); ++i)
    if (c.causes & (1u << i)) found.all.push_back(rules.causes[i].id);
  found.peer = std::string(c.peer);
  found.errno_text = std::string(c.errno_text);
  found.endpoint = std::string(c.endpoint);
  return found;
}

TEST_CASE("socket errors of every cause and ecosystem are classified") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      // the seed's three
      {"conn_reset", "2024-03-11 03:13:29,842 ERROR [app] recv failed: Connection reset by peer"},
      {"bad_fd", "2024-03-11 03:13:29 sshd[812]: error: select: Bad file descriptor"},
      {"not_connected",
       "Mar 11 03:13:29 web-01 ftpd[77]: getpeername (ftpd): Transport endpoint is not connected"},
      // JVM, Tomcat, Netty, Jetty
      {"conn_reset", "java.net.SocketException: Connection reset"},
      {"conn_reset",
       "io.netty.channel.unix.Errors$NativeIoException: readAddress(..) failed: Connection reset "
       "by peer"},
      {"broken_pipe",
       "org.apache.catalina.connector.ClientAbortException: java.io.IOException: Broken pipe"},
      {"broken_pipe", "org.apache.catalina.connector.ClientAbortException"},
      {"timeout", "java.net.SocketTimeoutException: Read timed out"},
      {"timeout", "java.util.concurrent.TimeoutException: Idle timeout expired: 30000/30000 ms"},
      {"conn_refused", "java.net.ConnectException: Connection refused (Connection refused)"},
      {"conn_aborted",
       "java.net.SocketException: Software caused connection abort: socket write error"},
      {"too_many_files", "java.io.IOException: Too many open files"},
      {"not_connected", "java.net.SocketException: Socket is not connected"},
      {"addr_in_use", "java.net.BindException: Address already in use"},
      {"host_unreachable", "java.net.NoRouteToHostException: No route to host (Host unreachable)"},
      {"tls_eof", "javax.net.ssl.SSLHandshakeException: Remote host terminated the handshake"},
      // Python
      {"conn_reset", "ConnectionResetError: [Errno 104] Connection reset by peer"},
      {"broken_pipe", "BrokenPipeError: [Errno 32] Broken pipe"},
      {"bad_fd", "OSError: [Errno 9] Bad file descriptor"},
      {"conn_refused", "ConnectionRefusedError: [Errno 111] Connection refused"},
      {"timeout", "TimeoutError: timed out"},
      {"conn_aborted", "ConnectionAbortedError: [Errno 103] Software caused connection abort"},
      {"tls_eof", "ssl.SSLEOFError: EOF occurred in violation of protocol (_ssl.c:2423)"},
      // Go
      {"conn_reset", "read tcp 10.0.1.4:41734->10.0.2.9:8080: read: connection reset by peer"},
      {"broken_pipe", "write tcp 10.0.1.4:8080->203.0.113.9:51234: write: broken pipe"},
      {"timeout", "dial tcp 10.0.2.9:8080: i/o timeout"},
      {"too_many_files",
       "http: Accept error: accept tcp [::]:8080: accept4: too many open files; retrying in 5ms"},
      {"tls_eof", "http: TLS handshake error from 203.0.113.50:61022: EOF"},
      // Node.js
      {"conn_reset", "Error: read ECONNRESET"},
      {"conn_reset", "Error: socket hang up"},
      {"broken_pipe", "Error: write EPIPE"},
      {"conn_refused", "Error: connect ECONNREFUSED 10.0.4.2:5432"},
      {"timeout", "Error: connect ETIMEDOUT 10.0.4.2:443"},
      {"addr_in_use", "Error: listen EADDRINUSE: address already in use :::3000"},
      // nginx
      {"conn_reset",
       "2024/03/11 03:13:29 [error] 31#31: *4711 recv() failed (104: Connection reset by peer) "
       "while reading response header from upstream, client: 203.0.113.9"},
      {"timeout",
       "2024/03/11 03:13:29 [error] 31#31: *77 upstream timed out (110: Connection timed out) "
       "while reading response header from upstream"},
      {"upstream_closed",
       "2024/03/11 03:13:29 [error] 31#31: *55 upstream prematurely closed connection while "
       "reading response header from upstream"},
      {"too_many_files",
       "2024/03/11 03:13:29 [crit] 31#31: accept4() failed (24: Too many open files)"},
      // HAProxy
      {"conn_refused",
       "haproxy[7]: 10.0.0.9:51234 [11/Mar/2024:03:13:29.842] fe be/app1 0/0/-1/-1/0 503 212 - - "
       "SC-- 1/1/0/0/3 0/0 \"GET / HTTP/1.1\""},
      {"too_many_files",
       "haproxy[7]: Proxy api reached process FD limit (maxsock=4096). Please check 'ulimit-n' and "
       "restart."},
      // PostgreSQL, MySQL, Redis
      {"conn_refused",
       "org.postgresql.util.PSQLException: Connection to db-primary:5432 refused. Check that the "
       "hostname and port are correct."},
      {"conn_reset",
       "2024-03-11 03:13:29.842 UTC [812] LOG:  could not receive data from client: Connection "
       "reset by peer"},
      {"upstream_closed",
       "2024-03-11 03:13:29.842 UTC [812] LOG:  unexpected EOF on client connection with an open "
       "transaction"},
      {"conn_refused", "ERROR 2003 (HY000): Can't connect to MySQL server on 'mysql-0:3306' (111)"},
      {"upstream_closed", "(2013, 'Lost connection to MySQL server during query')"},
      {"conn_refused", "Could not connect to Redis at 127.0.0.1:6379: Connection refused"},
      {"upstream_closed", "redis.exceptions.ConnectionError: Connection closed by server."},
      // kernel, netstat -s, nstat
      {"listen_overflow", "    1834 times the listen queue of a socket overflowed"},
      {"listen_overflow", "    1834 SYNs to LISTEN sockets dropped"},
      {"listen_overflow", "TcpExtListenOverflows           1834               0.0"},
      {"listen_overflow",
       "Mar 11 03:13:29 lb-01 kernel: [412345.678901] TCP: request_sock_TCP: Possible SYN flooding "
       "on port 443. Sending cookies.  Check SNMP counters."},
      // Windows
      {"conn_reset",
       "System.Net.Sockets.SocketException (10054): An existing connection was forcibly closed by "
       "the remote host."},
      {"conn_aborted",
       "java.io.IOException: An established connection was aborted by the software in your host "
       "machine"},
      {"conn_refused",
       "No connection could be made because the target machine actively refused it. 10.0.0.4:5432"},
  };
  for (const auto& [cause, line] : cases) {
    INFO(line);
    CHECK(Classify(line).cause == cause);
  }
}

TEST_CASE("ordinary lines that merely contain the words are not classified") {
  const std::vector<std::string> lines = {
      "203.0.113.9 - - [11/Mar/2024:03:13:29 +0000] \"POST /account/reset-password HTTP/1.1\" 302 "
      "0 \"-\" \"curl/8.5.0\"",
      "203.0.113.9 - - [11/Mar/2024:03:13:29 +0000] \"GET /blog/fixing-broken-pipe-errors "
      "HTTP/1.1\" 200 512",
      "2024-03-11 03:13:29,842 INFO [tasks] Pipe alpha drained (12 items)",
      "2024-03-11 03:13:29,842 INFO [io] reading /var/run/app/pipe/input.fifo",
      "2024-03-11 03:13:29,842 INFO [db] connection established to db-primary:5432",
      "2024-03-11 03:13:29,842 INFO [auth] User Reset logged in from 203.0.113.9",
      "2024-03-11 03:13:29,842 INFO [auth] Password reset link sent to user 4711",
      "Circuit breaker 'ledger' transitioned from HALF_OPEN to CLOSED; failure counters reset",
      "Retry policy for 'ledger': retryOn=[java.net.SocketTimeoutException, "
      "java.net.ConnectException]",
      "Established session 0x18e2a3b4c5d6e7f with negotiated timeout 30000 for client "
      "/10.0.0.4:52814",
      "Mar 11 03:13:29 web-01 ftpd[77]: User unknown timed out after 900 seconds",
      "[2024-03-11 03:13:29 +0000] [812] [CRITICAL] WORKER TIMEOUT (pid:4242)",
      "caller=limits.go:42 msg=\"config reloaded\" dial_timeout=5s read_timeout=30s",
      "{\"level\":\"info\",\"msg\":\"feature flag "
      "updated\",\"flag\":\"retry_on_connection_reset\"}",
      "Authentication refused: bad ownership or modes for directory /home/git",
      "Request refused by rate limiter: tenant=12 limit=50/s",
      "    0 times the listen queue of a socket overflowed",
      "2024/03/11 03:13:29 [info] 31#31: *57 client 203.0.113.9 closed keepalive connection",
  };
  for (const std::string& line : lines) {
    INFO(line);
    Found found = Classify(line);
    CHECK(found.cause.empty());
    CHECK(found.all.empty());
  }
}

TEST_CASE("the innermost Java exception is the primary cause, the others are kept") {
  std::string trace =
      "2024-03-11 03:13:29.842 ERROR 2249 --- [exec-2] c.a.o.OrderClient : call failed\n"
      "java.net.SocketTimeoutException: Read timed out\n"
      "\tat java.net.SocketInputStream.socketRead0(Native Method)\n"
      "Caused by: java.net.SocketException: Connection reset\n"
      "\tat java.net.SocketInputStream.read(SocketInputStream.java:210)\n";
  Found found = Classify(trace);
  CHECK(found.cause == "conn_reset");
  CHECK(found.all == std::vector<std::string>{"conn_reset", "timeout"});
}

TEST_CASE("the innermost errno text of a wrapped message is the primary cause") {
  CHECK(Classify("org.apache.catalina.connector.ClientAbortException: java.io.IOException: "
                 "Connection reset by peer")
            .cause == "conn_reset");
  CHECK(Classify("http: TLS handshake error from 203.0.113.5:4431: read tcp 10.0.0.5:443->"
                 "203.0.113.5:4431: read: connection reset by peer")
            .cause == "conn_reset");
}

TEST_CASE("in a chained Python traceback the first exception printed is the root") {
  std::string trace =
      "2024-03-11 03:13:29,842 ERROR [app.client] Error while calling rates\n"
      "Traceback (most recent call last):\n"
      "  File \"/usr/lib/python3.11/socket.py\", line 706, in readinto\n"
      "ConnectionResetError: [Errno 104] Connection reset by peer\n"
      "\n"
      "During handling of the above exception, another exception occurred:\n"
      "\n"
      "Traceback (most recent call last):\n"
      "  File \"/srv/app/client.py\", line 42, in fetch\n"
      "TimeoutError: timed out\n";
  Found found = Classify(trace);
  CHECK(found.cause == "conn_reset");
  CHECK(found.all == std::vector<std::string>{"conn_reset", "timeout"});
}

TEST_CASE("rules capture the peer, the errno and the upstream") {
  Found nginx = Classify(
      "*4711 connect() failed (111: Connection refused) while connecting to upstream, client: "
      "203.0.113.9, server: api.example.com, request: \"GET / HTTP/1.1\", upstream: "
      "\"http://10.0.0.4:8080/\", host: \"api.example.com\"");
  CHECK(nginx.cause == "conn_refused");
  CHECK(nginx.peer == "203.0.113.9");
  CHECK(nginx.errno_text == "111");
  CHECK(nginx.endpoint == "http://10.0.0.4:8080/");
  Found go = Classify("read tcp 10.0.1.4:41734->10.0.2.9:8080: read: connection reset by peer");
  CHECK(go.peer == "10.0.2.9:8080");
  Found python = Classify("OSError: [Errno 9] Bad file descriptor");
  CHECK(python.errno_text == "9");
  Found kernel =
      Classify("TCP: request_sock_TCP: Possible SYN flooding on port 8443. Dropping request.");
  CHECK(kernel.endpoint == "8443");
}

TEST_CASE("case and position in a long event do not hide a socket error") {
  std::string filler(5000, 'x');
  CHECK(Classify(filler + "\nCONNECTION RESET BY PEER\n" + filler).cause == "conn_reset");
  CHECK(Classify("broken pipe").cause == "broken_pipe");  // the whole text is the literal
  CHECK(Classify("\r\nToo many open files\r\n").cause == "too_many_files");
}

}  // namespace
}  // namespace sockfilter

namespace sockfilter {
namespace {

TEST_CASE("an address elided in prose is not captured as a peer") {
  Found found = Classify("panic: write tcp ...->...: write: broken pipe");
  CHECK(found.cause == "broken_pipe");
  CHECK(found.peer.empty());
  CHECK(Classify("write tcp 10.0.1.4:8080->[::1]:51234: write: broken pipe").peer == "[::1]:51234");
}

}  // namespace
}  // namespace sockfilter

namespace sockfilter {
namespace {

// Everything a classification says, with its views as offsets into the classified text (a
// remembered outcome must point into the text it was asked about, not into an older one).
std::string Describe(const Classification& c, std::string_view text) {
  auto at = [&](std::string_view v) {
    if (v.data() == nullptr) return std::string("-");
    return std::to_string(v.data() - text.data()) + "+" + std::to_string(v.size());
  };
  return std::to_string(c.cause) + " " + std::to_string(c.causes) + " " + std::to_string(c.rule) +
         " " + at(c.peer) + " " + at(c.errno_text) + " " + at(c.endpoint);
}

TEST_CASE("a scratch that remembers lines classifies as a fresh one") {
  // One scratch kept across every event, as the pipeline keeps it: candidate lines repeat
  // (its memo answers), near-repeats differ in one byte, and far more distinct lines than
  // the memo has slots take each other's places, also within one event.
  const RuleBook& rules = test::DefaultRules();
  Classifier::Scratch kept;
  uint64_t state = 99;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  for (int round = 0; round < 3; ++round) {
    for (const char* sample : test::kSampleLogs) {
      std::string log = test::ReadFile(test::SourcePath(sample));
      test::ForEachLineRun(log, 12, [&](std::string_view original) {
        std::string event(original);
        if (round == 1 && !event.empty()) event[next() % event.size()] = "x7:. \n"[next() % 6];
        Classifier::Scratch fresh;
        Classification expected = rules.classifier->Classify(event, &fresh);
        Classification got = rules.classifier->Classify(event, &kept);
        INFO(event);
        REQUIRE(Describe(got, event) == Describe(expected, event));
      });
    }
  }
}

}  // namespace
}  // namespace sockfilter

namespace sockfilter {
namespace {

// The classifier read plainly: every rule on every line, RE2's unanchored search with all
// groups, nothing skipped or remembered. Classify takes short cuts (the literal sieve, a
// search without groups first, the groups asked for only at the match it found, a memo of
// line outcomes); none may change a result.
class PlainClassifier {
 public:
  PlainClassifier(const Classifier& classifier, const std::vector<CauseInfo>& causes)
      : classifier_(classifier) {
    for (const CauseInfo& cause : causes) cause_ids_.push_back(cause.id);
    re2::RE2::Options options;
    options.set_log_errors(false);
    for (size_t r = 0; r < classifier.rule_count(); ++r)
      regexes_.push_back(std::make_unique<re2::RE2>(classifier.rule(r).pattern, options));
  }

  Classification Classify(std::string_view text) {
    std::vector<Found> found;
    for (size_t begin = 0; begin <= text.size();) {
      size_t end = std::min(text.find('\n', begin), text.size());
      size_t stop = end > begin && text[end - 1] == '\r' ? end - 1 : end;
      for (const Found& f : LineMatches(std::string(text.substr(begin, stop - begin)))) {
        found.push_back(f);
        found.back().begin += begin;
        for (auto& g : found.back().groups)
          if (g.first != std::string::npos) g.first += begin;
      }
      begin = end + 1;
    }
    return Decide(found, text);
  }

 private:
  struct Found {
    int rule;
    size_t begin;
    std::vector<std::pair<size_t, size_t>> groups;  // npos: no part in the match
  };

  // Lines repeat across the events made from a log: each is searched once.
  const std::vector<Found>& LineMatches(const std::string& line) {
    auto [it, added] = lines_.try_emplace(line);
    if (!added) return it->second;
    for (size_t r = 0; r < regexes_.size(); ++r) {
      const re2::RE2& re = *regexes_[r];
      int n = 1 + re.NumberOfCapturingGroups();
      std::vector<re2::StringPiece> groups(n);
      if (!re.Match(line, 0, line.size(), re2::RE2::UNANCHORED, groups.data(), n)) continue;
      Found f{static_cast<int>(r), static_cast<size_t>(groups[0].data() - line.data()), {}};
      for (const re2::StringPiece& g : groups) {
        f.groups.emplace_back(g.data() == nullptr ? std::string::npos : g.data() - line.data(),
                              g.size());
      }
      it->second.push_back(f);
    }
    return it->second;
  }

  int Group(int rule, const char* name) const {
    const auto& names = regexes_[rule]->NamedCapturingGroups();
    auto it = names.find(name);
    return it == names.end() ? -1 : it->second;
  }

  Classification Decide(const std::vector<Found>& found, std::string_view text) const {
    Classification result;
    bool root_first = false;
    for (const Found& f : found) {
      const Classifier::RuleInfo& info = classifier_.rule(f.rule);
      if (info.cause < 0) root_first = root_first || info.root_first;
      if (info.cause >= 0) result.causes |= uint32_t{1} << info.cause;
    }
    const Found* primary = nullptr;
    for (const Found& f : found) {
      if (classifier_.rule(f.rule).cause < 0) continue;
      if (primary == nullptr || (root_first ? f.begin < primary->begin : f.begin >= primary->begin))
        primary = &f;
    }
    if (primary == nullptr) return result;
    result.cause = classifier_.rule(primary->rule).cause;
    result.rule = primary->rule;
    std::vector<const Found*> order = {primary};
    for (const Found& f : found)
      if (&f != primary) order.push_back(&f);
    for (const Found* f : order) {
      auto fill = [&](int group, std::string_view* field) {
        if (group <= 0 || !field->empty() || f->groups[group].first == std::string::npos) return;
        *field = text.substr(f->groups[group].first, f->groups[group].second);
      };
      fill(Group(f->rule, "peer"), &result.peer);
      fill(Group(f->rule, "errno"), &result.errno_text);
      int endpoint = Group(f->rule, "endpoint");
      fill(endpoint > 0 ? endpoint : Group(f->rule, "upstream"), &result.endpoint);
    }
    if (result.peer.empty()) result.peer = HeaderPeer(text, primary->begin, result.cause);
    return result;
  }

  // The [[peer]] rules, the plain way: each of the first two lines that ends before the
  // primary match begins, against each rule of the cause, in order.
  std::string_view HeaderPeer(std::string_view text, size_t primary_begin, int cause) const {
    const PeerRules& peers = classifier_.peer_rules();
    size_t begin = 0;
    for (int line = 0; line < 2; ++line) {
      size_t end = text.find('\n', begin);
      if (end == std::string_view::npos || end >= primary_begin) break;
      const re2::StringPiece piece(text.data() + begin, end - begin);
      for (size_t r = 0; r < peers.size(); ++r) {
        const PeerRules::RuleInfo& info = peers.rule(r);
        const std::vector<std::string>& ids = info.causes;
        if (!ids.empty() && std::find(ids.begin(), ids.end(), cause_ids_[cause]) == ids.end())
          continue;
        const std::vector<std::string>& gate = info.contains;
        auto holds = [&](const std::string& literal) {
          return std::string_view(piece.data(), piece.size()).find(literal) != std::string::npos;
        };
        if (!gate.empty() && std::none_of(gate.begin(), gate.end(), holds)) continue;
        re2::RE2 regex(info.pattern);
        re2::StringPiece peer;
        if (re2::RE2::PartialMatch(piece, regex, &peer) && !peer.empty())
          return std::string_view(peer.data(), peer.size());
      }
      begin = end + 1;
    }
    return {};
  }

  const Classifier& classifier_;
  std::vector<std::string> cause_ids_;
  std::vector<std::unique_ptr<re2::RE2>> regexes_;
  std::map<std::string, std::vector<Found>> lines_;
};

TEST_CASE("Classify finds what every rule on every line finds, with the same captures") {
  const RuleBook& rules = test::DefaultRules();
  PlainClassifier plain(*rules.classifier, rules.causes);
  Classifier::Scratch kept;  // remembers lines across events, as the pipeline's does
  auto check = [&](std::string_view event) {
    Classifier::Scratch fresh;
    Classification expected = plain.Classify(event);
    INFO(event);
    REQUIRE(Describe(rules.classifier->Classify(event, &fresh), event) ==
            Describe(expected, event));
    REQUIRE(Describe(rules.classifier->Classify(event, &kept), event) == Describe(expected, event));
  };
  for (const char* sample : test::kSampleLogs)
    test::ForEachLineRun(test::ReadFile(test::SourcePath(sample)), 6, check);
  // Every rule's examples alone, with CRLF, and in random events of several, where causes
  // compete for primary on one line and across lines.
  std::vector<std::string> lines;
  for (size_t r = 0; r < rules.classifier->rule_count(); ++r) {
    const Classifier::RuleInfo& info = rules.classifier->rule(r);
    lines.insert(lines.end(), info.examples.begin(), info.examples.end());
    lines.insert(lines.end(), info.counter_examples.begin(), info.counter_examples.end());
  }
  for (const std::string& line : lines) {
    check(line);
    check(line + "\r\n" + line + "\r\n");
  }
  std::mt19937 random(7);
  for (int i = 0; i < 3000; ++i) {
    std::string event;
    for (int n = 1 + random() % 6; n > 0; --n) event += lines[random() % lines.size()] + "\n";
    check(event);
    // Several examples on one line, where matches of literal rules (found without RE2)
    // and of patterns compete for where the primary match starts.
    std::string line;
    for (int n = 2 + random() % 3; n > 0; --n) line += lines[random() % lines.size()] + " ";
    check(line);
  }
  // A line that is not ASCII goes to RE2 even for a literal rule: under (?i) RE2 reads the
  // KELVIN SIGN as a `k`, so the first "broken pipe" below starts where RE2 says.
  for (const std::string& line : lines) {
    size_t k = line.find_first_of("kK");
    if (k == std::string::npos) continue;
    std::string kelvin = line;
    kelvin.replace(k, 1, "\xE2\x84\xAA");
    check(kelvin + " " + line);
  }
}

}  // namespace
}  // namespace sockfilter

namespace sockfilter {
namespace {

// A cause rule of a test's own, as a rule file would give it.
ClassifyRuleSpec CauseRule(const std::string& id, const std::string& cause,
                           const std::string& pattern) {
  ClassifyRuleSpec spec;
  spec.id = id;
  spec.source = "test.toml";
  spec.cause = cause;
  spec.pattern = pattern;
  return spec;
}

TEST_CASE("a literal rule whose atom is a part of each alternative starts where RE2 says") {
  // Eighteen alternatives are more than FilteredRE2 spells out: the prefilter's atom is the
  // common " link dropped", which lies a different distance into each alternative.
  ClassifyRuleSpec literal = CauseRule(
      "t.literal", "conn_reset",
      "(?i)\\b(?:alpha|beta|gamma|delta|epsilon|zeta|eta|theta|iota|kappa|lambda|mu|nu|xi|"
      "omicron|pi|rho|sigma) link dropped\\b");
  ClassifyRuleSpec other = CauseRule("t.other", "timeout", "\\blink\\s+dropped\\b");  // RE2's
  Result<std::shared_ptr<const Classifier>> compiled =
      Classifier::Compile({literal, other}, {"conn_reset", "timeout"});
  REQUIRE(compiled.ok());
  const Classifier& classifier = **compiled;
  REQUIRE(classifier.rule(0).atoms == std::vector<std::string>{" link dropped"});
  PlainClassifier plain(classifier, {{"conn_reset", ""}, {"timeout", ""}});
  const std::vector<std::string> pieces = {"beta",
                                           "omicron",
                                           "Pi",
                                           "eta",
                                           "zeta",
                                           " link dropped",
                                           " LINK Dropped",
                                           "  link dropped",
                                           " link droppedx",
                                           "x",
                                           " ",
                                           "-",
                                           "_"};
  std::mt19937 random(3);
  Classifier::Scratch kept;
  for (int i = 0; i < 20000; ++i) {
    std::string line;
    for (int n = 1 + random() % 7; n > 0; --n) line += pieces[random() % pieces.size()];
    INFO(line);
    Classifier::Scratch fresh;
    Classification expected = plain.Classify(line);
    REQUIRE(Describe(classifier.Classify(line, &fresh), line) == Describe(expected, line));
    REQUIRE(Describe(classifier.Classify(line, &kept), line) == Describe(expected, line));
  }
}

TEST_CASE("a line without a literal every match needs is not searched, in any case") {
  // The prefilter keeps "connection reset by "; " on port " is required too, in any case.
  ClassifyRuleSpec spec =
      CauseRule("t.port", "conn_reset", "(?i)\\bconnection reset by (?P<peer>\\S+) on port \\d+");
  Result<std::shared_ptr<const Classifier>> compiled = Classifier::Compile({spec}, {"conn_reset"});
  REQUIRE(compiled.ok());
  const Classifier& classifier = **compiled;
  REQUIRE(classifier.rule(0).atoms == std::vector<std::string>{"connection reset by "});
  PlainClassifier plain(classifier, {{"conn_reset", ""}});
  const std::vector<std::string> pieces = {"Connection reset by ",
                                           "10.0.0.7",
                                           " on port ",
                                           " ON PORT ",
                                           " on Port ",
                                           " on  port ",
                                           "42",
                                           "x",
                                           " ",
                                           "port",
                                           "\xC3\xA9"};
  std::mt19937 random(5);
  int matched = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string line;
    for (int n = 1 + random() % 7; n > 0; --n) line += pieces[random() % pieces.size()];
    if (i % 2 == 0) line += "Connection reset by 10.0.0.7" + pieces[2 + random() % 4] + "42";
    INFO(line);
    Classifier::Scratch scratch;
    Classification expected = plain.Classify(line);
    matched += expected.cause >= 0;
    REQUIRE(Describe(classifier.Classify(line, &scratch), line) == Describe(expected, line));
  }
  CHECK(matched > 2000);  // the lines exercise both answers
}

TEST_CASE("a required literal spelt with a letter RE2 folds under (?i) does not skip RE2") {
  ClassifyRuleSpec spec =
      CauseRule("t.link", "conn_reset", "(?i)\\bconnection reset by \\S+ on link \\d+");
  Result<std::shared_ptr<const Classifier>> compiled = Classifier::Compile({spec}, {"conn_reset"});
  REQUIRE(compiled.ok());
  PlainClassifier plain(**compiled, {{"conn_reset", ""}});
  // "lin" + KELVIN SIGN: RE2 reads it as "link".
  for (std::string line :
       {"connection reset by 10.0.0.7 on lin\xE2\x84\xAA 4",
        "connection reset by 10.0.0.7 on link 4", "connection reset by x on lin 4"}) {
    INFO(line);
    Classifier::Scratch scratch;
    Classification expected = plain.Classify(line);
    CHECK(Describe((*compiled)->Classify(line, &scratch), line) == Describe(expected, line));
  }
  Classifier::Scratch scratch;
  CHECK(
      (*compiled)->Classify("connection reset by 10.0.0.7 on lin\xE2\x84\xAA 4", &scratch).cause ==
      0);
}

}  // namespace
}  // namespace sockfilter

namespace sockfilter {
namespace {

TEST_CASE("the spellings of Node.js and .NET and Python that name the peer have it captured") {
  struct Case {
    const char* text;
    const char* cause;
    const char* peer;
  };
  const Case cases[] = {
      // Node.js: console.error(message, err) with the peer in the message.
      {"2024-03-11T03:13:31.410Z upstream request to 10.2.193.152:46040 failed: Error: read "
       "ECONNRESET\n    at TCP.onStreamRead (node:internal/stream_base_commons:217:20) {\n"
       "  errno: -104,\n  code: 'ECONNRESET',\n  syscall: 'read'\n}",
       "conn_reset", "10.2.193.152:46040"},
      {"2024-03-11T03:13:33.849Z response to 10.2.17.89:45412 aborted: Error: write EPIPE\n"
       "    at afterWriteDispatched (node:internal/stream_base_commons:160:15) {\n"
       "  errno: -32,\n  code: 'EPIPE',\n  syscall: 'write'\n}",
       "broken_pipe", "10.2.17.89:45412"},
      {"response to [::ffff:10.0.0.9]:51234 aborted: Error: write EPIPE", "broken_pipe",
       "[::ffff:10.0.0.9]:51234"},
      {"FetchError: request to http://10.0.4.2:8080/v1/items failed, reason: read ECONNRESET",
       "conn_reset", "10.0.4.2:8080"},
      {"Error: connect EHOSTUNREACH 10.0.0.3:443", "host_unreachable", "10.0.0.3:443"},
      // .NET appends the endpoint to a failed connect (ExtendedSocketException), or the
      // host and port in brackets (HttpRequestException).
      {"System.Net.Sockets.SocketException (10061): No connection could be made because the "
       "target machine actively refused it. [::ffff:10.0.0.4]:5432",
       "conn_refused", "[::ffff:10.0.0.4]:5432"},
      {"System.Net.Sockets.SocketException (111): Connection refused 10.0.0.4:5432", "conn_refused",
       "10.0.0.4:5432"},
      {"System.Net.Http.HttpRequestException: Connection refused (inventory.internal:8080)\n"
       " ---> System.Net.Sockets.SocketException (111): Connection refused",
       "conn_refused", "inventory.internal:8080"},
      {"System.Net.Sockets.SocketException (10060): A connection attempt failed because the "
       "connected party did not properly respond after a period of time, or established "
       "connection failed because connected host has failed to respond. 10.0.0.5:443",
       "timeout", "10.0.0.5:443"},
      {"System.Net.Sockets.SocketException (110): Connection timed out 10.0.0.5:443", "timeout",
       "10.0.0.5:443"},
      // Python: asyncio's connect error names the peer.
      {"ConnectionRefusedError: [Errno 111] Connect call failed ('10.0.0.5', 8080)", "conn_refused",
       "10.0.0.5"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    Found found = Classify(c.text);
    CHECK(found.cause == c.cause);
    CHECK(found.peer == c.peer);
  }
  // Times, pids and versions beside an error are not taken for its peer.
  for (const char* text : {
           "2024-03-11T03:13:31.410Z socket closed: Error: read ECONNRESET",
           "[03:13:31.410] [12345] upstream failed: Error: read ECONNRESET",
           "[1234] response aborted: Error: write EPIPE",
           "client v1.2.3 aborted: Error: write EPIPE",
           "Connection refused (Connection refused)",
           "stat=Deferred: Connection refused by [127.0.0.1]",
       }) {
    INFO(text);
    Found found = Classify(text);
    CHECK_FALSE(found.cause.empty());
    CHECK(found.peer.empty());
  }
}

TEST_CASE("a peer named only in the record's message is found by the [[peer]] rules") {
  const std::string traceback =
      "Traceback (most recent call last):\n"
      "  File \"/usr/lib/python3.11/socket.py\", line 706, in readinto\n"
      "    return self._sock.recv_into(b)\n"
      "ConnectionResetError: [Errno 104] Connection reset by peer\n";
  // Python: the application's message, then the library's traceback.
  Found found = Classify(
      "2024-03-11 03:13:31,514 ERROR [orders.sync] worker-12: push to 10.0.118.69:34395 failed\n" +
      traceback);
  CHECK(found.cause == "conn_reset");
  CHECK(found.peer == "10.0.118.69:34395");
  // .NET's console logger: the category on the first line, the message on the second.
  found = Classify(
      "warn: Shop.Worker.Heartbeat[0]\n      Heartbeat to inventory.internal:8443 failed\n"
      "      System.Net.Sockets.SocketException (104): Connection reset by peer\n");
  CHECK(found.cause == "conn_reset");
  CHECK(found.peer == "inventory.internal:8443");
  // A client's failed request names its upstream in a URL.
  found = Classify(
      "[2024-03-11 03:15:45,257: ERROR/ForkPoolWorker-5] Request to "
      "http://fraud:3000/api/v1/prices failed\n" +
      traceback);
  CHECK(found.peer == "fraud:3000");
  // Not on the error's own line: that is the cause rules' to capture, and their peer or
  // none stands.
  found = Classify("write to 10.0.0.7:9000 failed: Broken pipe");
  CHECK(found.cause == "broken_pipe");
  CHECK(found.peer.empty());
  // The peer a cause rule captures wins over the header's address.
  found = Classify("forwarding to 10.9.9.9:80 failed\nError: connect ECONNREFUSED 10.0.0.5:8080");
  CHECK(found.cause == "conn_refused");
  CHECK(found.peer == "10.0.0.5:8080");
  // Not past the error's line, nor past the second line: an address there belongs to
  // something else (a retry, the next request, a frame).
  found = Classify(traceback + "retrying with 10.0.0.8:443\n");
  CHECK(found.cause == "conn_reset");
  CHECK(found.peer.empty());
  found = Classify(
      "sync failed\nbatch 7\nsent to 10.0.0.8:443\n"
      "ConnectionResetError: [Errno 104] Connection reset by peer\n");
  CHECK(found.peer.empty());
  // Not for a cause whose address is our own: a failed bind names the local one.
  found = Classify("cannot bind to 0.0.0.0:8080\nOSError: [Errno 98] Address already in use");
  CHECK(found.cause == "addr_in_use");
  CHECK(found.peer.empty());
  // Nor without a cause.
  CHECK(Classify("push to 10.0.118.69:34395 failed").peer.empty());
}

}  // namespace
}  // namespace sockfilter
