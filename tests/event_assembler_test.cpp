#include "analyzer/event_assembler.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "analyzer/line_reader.h"
#include "tests/test_util.h"

namespace sockfilter {
namespace {

using Collected = test::CollectingSink::Collected;

struct Setup {
  size_t chunk = 1 << 20;     // bytes per source read
  size_t block = 256 * 1024;  // line reader block
  EventLimits limits;
};

std::vector<Collected> Assemble(const std::string& input, const Setup& setup = Setup()) {
  auto source = test::StringSource(input, setup.chunk);
  LineReader::Options options;
  options.block_bytes = setup.block;
  LineReader reader(source.get(), options);
  test::CollectingSink sink;
  InputInfo info{"<test>"};
  EventAssembler assembler(test::DefaultRules().multiline, &reader, &sink, setup.limits, &info);
  Line line;
  while (reader.Next(&line)) assembler.OnLine(line);
  assembler.Flush();
  REQUIRE(reader.status().ok());
  REQUIRE(sink.Joined() == input);  // nothing lost, nothing added, order kept
  return sink.events;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string FirstLine(const Collected& event) { return event.raw.substr(0, event.raw.find('\n')); }

bool SameEvents(const std::vector<Collected>& a, const std::vector<Collected>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].raw != b[i].raw || a[i].first_line != b[i].first_line ||
        a[i].line_count != b[i].line_count || a[i].kind != b[i].kind)
      return false;
  }
  return true;
}

// ---- the samples ---------------------------------------------------------------------------

// In samples/ every record starts with a timestamp (a digit, or `time=` in logfmt), is a
// Go `panic:` or a .NET console header (`fail: Category[N]`); every other line, blank ones
// included, continues the record above it.
bool StartsRecord(const std::string& line) {
  if (!line.empty() && line[0] >= '0' && line[0] <= '9') return true;
  for (const char* start : {"time=", "panic: ", "info: ", "warn: ", "fail: ", "dbug: "}) {
    if (line.rfind(start, 0) == 0) return true;
  }
  return false;
}

struct Expected {
  uint64_t first_line;
  uint32_t lines;
};

std::vector<Expected> ExpectedEvents(const std::vector<std::string>& lines) {
  std::vector<Expected> events;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (StartsRecord(lines[i]) || events.empty()) {
      events.push_back({i + 1, 1});
    } else {
      events.back().lines++;
    }
  }
  return events;
}

struct SampleCase {
  const char* path;
  size_t events;             // records in the file
  const char* trace_text;    // a line that only the socket-error trace events contain
  uint32_t trace_lines;      // how many lines each of those events has
  const char* trace_second;  // how the second line of those events starts
};

const SampleCase kSamples[] = {
    {"samples/java/spring-reset.log", 235,
     "Caused by: java.io.IOException: Connection reset by peer", 29,
     "org.springframework.dao.DataAccessResourceFailureException: PreparedStatementCallback; "
     "I/O error occurred while sending to the backend."},
    {"samples/java/spring-reset.log", 235,
     "org.apache.catalina.connector.ClientAbortException: java.io.IOException: Broken pipe", 18,
     "org.apache.catalina.connector.ClientAbortException: java.io.IOException: Broken pipe"},
    {"samples/java/spring-reset.log", 235, "Errors$NativeIoException", 2,
     "io.netty.channel.unix.Errors$NativeIoException: recvAddress(..) failed: Connection reset by "
     "peer"},
    {"samples/python/requests-reset.log", 385, "During handling of the above exception", 27,
     "Traceback (most recent call last):"},
    {"samples/python/requests-reset.log", 385, "BrokenPipeError: [Errno 32] Broken pipe", 7,
     "Traceback (most recent call last):"},
    {"samples/go/proxy-reset.log", 1014, "goroutine 1 [IO wait]:", 22, ""},
    {"samples/node/server-econnreset.log", 977, "code: 'ECONNRESET'", 6,
     "    at TCP.onStreamRead (node:internal/stream_base_commons:217:20) {"},
    {"samples/node/server-econnreset.log", 977, "code: 'EPIPE'", 12,
     "    at afterWriteDispatched (node:internal/stream_base_commons:160:15)"},
    {"samples/dotnet/kestrel-reset.log", 368, " ---> System.Net.Sockets.SocketException (10054)",
     10,
     "System.IO.IOException: Unable to read data from the transport connection: An existing "
     "connection was forcibly closed by the remote host.."},
    {"samples/dotnet/kestrel-reset.log", 368, "[WRN] Heartbeat to", 4,
     "System.Net.Sockets.SocketException (104): Connection reset by peer"},
    {"samples/dotnet/console-reset.log", 321, "(104): Connection reset by peer", 9,
     "      Connection id \"0HN1"},
    {"samples/dotnet/console-reset.log", 321, "(32): Broken pipe", 4,
     "      Connection processing ended abnormally."},
    {"samples/nginx/error.log", 588, "recv() failed (104: Connection reset by peer)", 1, ""},
    {"samples/nginx/error.log", 588, "upstream prematurely closed connection", 1, ""},
};

TEST_CASE("Every sample assembles into its records with their traces") {
  for (const SampleCase& sample : kSamples) {
    INFO(sample.path << ": " << sample.trace_text);
    std::string text = test::ReadFile(test::SourcePath(sample.path));
    REQUIRE(text.size() < 200 * 1024);
    std::vector<Collected> events = Assemble(text);
    std::vector<Expected> expected = ExpectedEvents(Lines(text));
    REQUIRE(events.size() == expected.size());
    CHECK(events.size() == sample.events);
    size_t traces = 0;
    for (size_t i = 0; i < events.size(); ++i) {
      INFO("event " << i << " at line " << events[i].first_line);
      REQUIRE(events[i].kind == EventKind::kRecord);
      REQUIRE(events[i].first_line == expected[i].first_line);
      REQUIRE(events[i].line_count == expected[i].lines);
      if (events[i].raw.find(sample.trace_text) == std::string::npos) continue;
      ++traces;
      CHECK(events[i].line_count == sample.trace_lines);
      std::vector<std::string> lines = Lines(events[i].raw);
      if (*sample.trace_second) CHECK(lines.at(1).rfind(sample.trace_second, 0) == 0);
    }
    CHECK(traces >= 20);  // a flood, not a single trace
  }
}

TEST_CASE("A Go panic is one event from `panic:` to `exit status`, blank lines included") {
  std::string text = test::ReadFile(test::SourcePath("samples/go/proxy-reset.log"));
  size_t panics = 0;
  for (const Collected& event : Assemble(text)) {
    if (FirstLine(event).rfind("panic: ", 0) != 0) continue;
    ++panics;
    std::vector<std::string> lines = Lines(event.raw);
    CHECK(lines[1].empty());
    CHECK(lines[2].rfind("goroutine ", 0) == 0);
    CHECK(lines.back() == "exit status 2");
  }
  CHECK(panics >= 3);
}

TEST_CASE("Samples assemble the same with tiny and large reads") {
  for (const char* path : {"samples/java/spring-reset.log", "samples/python/requests-reset.log",
                           "samples/go/proxy-reset.log", "samples/node/server-econnreset.log",
                           "samples/dotnet/kestrel-reset.log", "samples/dotnet/console-reset.log",
                           "samples/nginx/error.log"}) {
    INFO(path);
    std::string text = test::ReadFile(test::SourcePath(path));
    std::vector<Collected> whole = Assemble(text);
    CHECK(SameEvents(Assemble(text, {1, 64, EventLimits()}), whole));
    CHECK(SameEvents(Assemble(text, {7, 4096, EventLimits()}), whole));
  }
}

// ---- long traces and limits ----------------------------------------------------------------

// A record with `frames` frames, a nested `Caused by:` (with `... N more`) every 100 frames.
std::string NestedTrace(int frames, int* line_count) {
  std::string t = "2024-03-11 03:13:29.842 ERROR 2249 --- [main] c.e.Deep : request failed\n";
  t += "java.lang.IllegalStateException: level 0\n";
  int lines = 2;
  for (int i = 0; i < frames; ++i) {
    if (i > 0 && i % 100 == 0) {
      t += "\t... " + std::to_string(i) + " more\n";
      t += "Caused by: java.net.SocketException: Connection reset (level " +
           std::to_string(i / 100) + ")\n";
      lines += 2;
    }
    t += "\tat com.example.deep.Level" + std::to_string(i) +
         ".call(Level.java:" + std::to_string(i + 1) + ")\n";
    ++lines;
  }
  t += "\t... 42 more\n";
  *line_count = lines + 1;
  return t;
}

TEST_CASE("A 1,000-frame trace with nested causes is one event") {
  int lines = 0;
  std::string trace = NestedTrace(1000, &lines);
  std::string before = "2024-03-11 03:13:28.001  INFO 2249 --- [main] c.e.App : started\n";
  std::string after = "2024-03-11 03:13:30.001  INFO 2249 --- [main] c.e.App : next\n";
  std::vector<Collected> events = Assemble(before + trace + after);
  REQUIRE(events.size() == 3);
  CHECK(events[1].raw == trace);
  CHECK(events[1].line_count == static_cast<uint32_t>(lines));
  CHECK(lines > 1000);
  CHECK(events[1].first_line == 2);
  CHECK(events[2].first_line == 2 + static_cast<uint64_t>(lines));
  CHECK(SameEvents(Assemble(before + trace + after, {7, 64, EventLimits()}), events));
}

TEST_CASE("An event over --max-event-lines is passed on as it is; the rest comes as continued") {
  int lines = 0;
  std::string trace = NestedTrace(1000, &lines);
  Setup setup;
  setup.limits.max_lines = 300;
  std::vector<Collected> events = Assemble(trace, setup);  // Assemble checks nothing is lost
  REQUIRE(events.size() == static_cast<size_t>((lines + 299) / 300));
  CHECK(events[0].kind == EventKind::kRecord);
  for (size_t i = 1; i < events.size(); ++i) {
    CHECK(events[i].kind == EventKind::kContinued);
    CHECK(events[i].first_line == 1 + 300 * i);
  }
  for (size_t i = 0; i + 1 < events.size(); ++i) CHECK(events[i].line_count == 300);
}

TEST_CASE("An event over --max-event-bytes is passed on as it is; the rest comes as continued") {
  int lines = 0;
  std::string trace = NestedTrace(1000, &lines);
  Setup setup;
  setup.limits.max_bytes = 10000;
  std::vector<Collected> events = Assemble(trace, setup);
  REQUIRE(events.size() > 4);
  CHECK(events[0].kind == EventKind::kRecord);
  for (size_t i = 1; i < events.size(); ++i) CHECK(events[i].kind == EventKind::kContinued);
  for (const Collected& event : events) CHECK(event.raw.size() <= 10000);
}

TEST_CASE("Blank lines after a record are not held without bound") {
  std::string input = "2024-03-11 03:13:29 ERROR x\njava.io.IOException: Broken pipe\n" +
                      std::string(5000, '\n') + "\tat a.b.C.d(C.java:1)\n";
  Setup setup;
  setup.limits.max_lines = 100;
  std::vector<Collected> events = Assemble(input, setup);
  for (const Collected& event : events) CHECK(event.line_count <= 100);
  CHECK(events.back().kind == EventKind::kContinued);
}

// ---- regressions found against the 64 MiB corpus's ground truth -----------------------------

TEST_CASE("A Node.js stack printed on its own is not joined to the record before it") {
  std::string record =
      R"({"level":50,"time":1710127084047,"msg":"connect ECONNREFUSED 10.3.193.84:9095"})"
      "\n";
  std::string stack =
      "TypeError: Cannot read properties of undefined (reading 'id')\n"
      "    at mapUser (/app/src/workers/auth.js:180:9)\n"
      "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)\n";
  std::vector<Collected> events = Assemble(record + stack);
  REQUIRE(events.size() == 2);
  CHECK(events[0].raw == record);
  CHECK(events[1].raw == stack);
  CHECK(events[1].kind == EventKind::kRecord);
}

TEST_CASE("A MySQL link failure keeps its multi-line message inside the trace") {
  std::string trace =
      "2024-03-11 03:29:16.251 ERROR 3366 --- [exec-107] o.h.e.j.s.SqlExceptionHelper : failed\n"
      "com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure\n"
      "\n"
      "The last packet successfully received from the server was 14445 milliseconds ago. The "
      "last packet sent successfully to the server was 13569 milliseconds ago.\n"
      "\tat "
      "com.mysql.cj.jdbc.exceptions.SQLError.createCommunicationsException(SQLError.java:174)\n"
      "Caused by: java.net.SocketException: Connection reset\n"
      "\tat java.base/sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:330)\n"
      "\t... 18 common frames omitted\n";
  std::vector<Collected> events = Assemble(trace + "2024-03-11 03:29:16.255 INFO next\n");
  REQUIRE(events.size() == 2);
  CHECK(events[0].raw == trace);
  CHECK(events[0].line_count == 8);
}

// ---- Python chains -------------------------------------------------------------------------

TEST_CASE("Blank lines between chained Python tracebacks stay in the event; others do not") {
  std::string chain =
      "2024-03-11 03:13:29,842 ERROR [sync] push failed\n"
      "Traceback (most recent call last):\n"
      "  File \"/usr/lib/python3.11/socket.py\", line 706, in readinto\n"
      "    return self._sock.recv_into(b)\n"
      "ConnectionResetError: [Errno 104] Connection reset by peer\n"
      "\n"
      "The above exception was the direct cause of the following exception:\n"
      "\n"
      "Traceback (most recent call last):\n"
      "  File \"/srv/app/sync.py\", line 58, in push\n"
      "    r = session.post(url)\n"
      "requests.exceptions.ConnectionError: [Errno 104] Connection reset by peer\n";
  std::string next = "\n\n2024-03-11 03:13:30,001 INFO [sync] next\n";
  std::vector<Collected> events = Assemble(chain + next);
  REQUIRE(events.size() == 3);
  CHECK(events[0].raw == chain);
  CHECK(events[0].line_count == 12);
  CHECK(events[1].kind == EventKind::kBlank);
  CHECK(events[1].raw == "\n\n");
  CHECK(events[2].kind == EventKind::kRecord);
}

// ---- tail -f -------------------------------------------------------------------------------

TEST_CASE("The header format read is the one real tail prints") {
  test::TempDir dir;
  test::WriteFile(dir.File("a.log"), "2024-03-11 03:13:29 ERROR a\n");
  test::WriteFile(dir.File("b.log"), "\tat b.B.b(B.java:2)\n");
  std::string out = dir.File("tail.out");
  REQUIRE(test::Shell("cd '" + dir.path() + "' && tail -n +1 a.log b.log > tail.out") == 0);
  std::vector<Collected> events = Assemble(test::ReadFile(out));
  REQUIRE(events.size() == 4);
  CHECK(events[0].kind == EventKind::kTailHeader);
  CHECK(events[0].raw == "==> a.log <==\n");
  CHECK(events[1].kind == EventKind::kRecord);
  CHECK(events[2].kind == EventKind::kTailHeader);
  CHECK(events[2].raw == "\n==> b.log <==\n");
  // b's first line continues nothing of a's: it comes alone.
  CHECK(events[3].kind == EventKind::kContinued);
  CHECK(events[3].raw == "\tat b.B.b(B.java:2)\n");
}

TEST_CASE("Interleaved `tail -f a.log b.log` output never merges lines of different files") {
  std::string stream =
      "==> a.log <==\n"
      "2024-03-11 03:13:29.842 ERROR [a] request failed\n"
      "java.io.IOException: Connection reset by peer\n"
      "\tat a.Frame.one(A.java:1)\n"
      "\n==> b.log <==\n"
      "2024-03-11 03:13:29,900 ERROR [b] push failed\n"
      "Traceback (most recent call last):\n"
      "  File \"/srv/b.py\", line 1, in push\n"
      "\n==> a.log <==\n"
      "\tat a.Frame.two(A.java:2)\n"
      "\t... 3 more\n"
      "\n==> b.log <==\n"
      "    conn.send(data)\n"
      "BrokenPipeError: [Errno 32] Broken pipe\n"
      "\n==> a.log <==\n"
      "2024-03-11 03:13:30.001  INFO [a] next\n";
  std::vector<Collected> events = Assemble(stream);
  std::vector<std::pair<EventKind, std::string>> got;
  for (const Collected& e : events) got.emplace_back(e.kind, e.raw);
  std::vector<std::pair<EventKind, std::string>> want = {
      {EventKind::kTailHeader, "==> a.log <==\n"},
      {EventKind::kRecord,
       "2024-03-11 03:13:29.842 ERROR [a] request failed\n"
       "java.io.IOException: Connection reset by peer\n"
       "\tat a.Frame.one(A.java:1)\n"},
      {EventKind::kTailHeader, "\n==> b.log <==\n"},
      {EventKind::kRecord,
       "2024-03-11 03:13:29,900 ERROR [b] push failed\n"
       "Traceback (most recent call last):\n"
       "  File \"/srv/b.py\", line 1, in push\n"},
      {EventKind::kTailHeader, "\n==> a.log <==\n"},
      {EventKind::kContinued, "\tat a.Frame.two(A.java:2)\n\t... 3 more\n"},
      {EventKind::kTailHeader, "\n==> b.log <==\n"},
      {EventKind::kContinued, "    conn.send(data)\nBrokenPipeError: [Errno 32] Broken pipe\n"},
      {EventKind::kTailHeader, "\n==> a.log <==\n"},
      {EventKind::kRecord, "2024-03-11 03:13:30.001  INFO [a] next\n"},
  };
  CHECK(got == want);
  CHECK(SameEvents(Assemble(stream, {1, 1, EventLimits()}), events));
}

// ---- ground truth from the corpus generator ------------------------------------------------

struct TruthRow {
  uint64_t first_line;
  uint32_t lines;
  std::string event_class;
};

std::vector<TruthRow> ReadTruth(const std::string& path) {
  std::vector<TruthRow> rows;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    TruthRow row;
    fields >> row.first_line >> row.lines >> row.event_class;
    rows.push_back(row);
  }
  return rows;
}

TEST_CASE("Every socket-error event of a generated corpus is exactly one assembled event") {
  std::string script = test::GenCorpusScript();
  if (script.empty()) {
    WARN("gen_corpus.py not found beside the checkout (../shared/bench): skipped");
    return;
  }
  test::TempDir dir;
  std::string log = dir.File("corpus.log"), tsv = dir.File("events.tsv");
  REQUIRE(test::Shell("python3 '" + script + "' 2 '" + log + "' --seed 7 --events-out '" + tsv +
                      "' > /dev/null 2>&1") == 0);
  std::string text = test::ReadFile(log);
  std::vector<Collected> events = Assemble(text);
  std::map<uint64_t, const Collected*> by_first_line;
  for (const Collected& e : events) by_first_line[e.first_line] = &e;

  std::vector<TruthRow> truth = ReadTruth(tsv);
  size_t socket = 0, others_wrong = 0;
  for (const TruthRow& row : truth) {
    auto it = by_first_line.find(row.first_line);
    bool exact = it != by_first_line.end() && it->second->line_count == row.lines &&
                 it->second->kind == EventKind::kRecord;
    if (row.event_class != "socket") {
      others_wrong += exact ? 0 : 1;
      continue;
    }
    ++socket;
    INFO("socket-error event at line " << row.first_line << ", " << row.lines << " lines");
    CHECK(exact);
  }
  CHECK(socket > 100);
  CHECK(others_wrong == 0);

  for (Setup setup : {Setup{1, 64, EventLimits()}, Setup{7, 4096, EventLimits()},
                      Setup{4096, 256 * 1024, EventLimits()}}) {
    INFO("chunk " << setup.chunk << ", block " << setup.block);
    CHECK(SameEvents(Assemble(text, setup), events));
  }
}

}  // namespace
}  // namespace sockfilter
