// MatchMemo: an answer comes back only for the same test and the same bytes, a remembered
// one spares the test, and answers always equal the test's own, over random lines that
// repeat and collide.
#include "rules/match_memo.h"

#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <string>
#include <vector>

namespace sockfilter {
namespace {

// A test with an answer that depends on every byte, counting its runs.
struct CountingTest {
  int runs = 0;
  bool operator()(std::string_view text) {
    ++runs;
    unsigned sum = 0;
    for (char c : text) sum = sum * 31 + static_cast<unsigned char>(c);
    return sum % 3 == 0;
  }
};

TEST_CASE("a remembered answer spares the test") {
  MatchMemo memo;
  CountingTest test;
  uint64_t id = MatchMemo::NewTestId();
  bool first = memo.Answer(id, "java.io.IOException: Connection reset by peer", test);
  bool second = memo.Answer(id, "java.io.IOException: Connection reset by peer", test);
  CHECK(first == second);
  CHECK(test.runs == 1);
}

TEST_CASE("answers of different tests, and of lines that differ in one byte, never mix") {
  MatchMemo memo;
  uint64_t yes = MatchMemo::NewTestId(), no = MatchMemo::NewTestId();
  CHECK(yes != no);
  for (int round = 0; round < 3; ++round) {
    CHECK(memo.Answer(yes, "line", [](std::string_view) { return true; }));
    CHECK_FALSE(memo.Answer(no, "line", [](std::string_view) { return false; }));
    CHECK_FALSE(memo.Answer(yes, "linE", [](std::string_view) { return false; }));
    CHECK_FALSE(memo.Answer(yes, "line ", [](std::string_view) { return false; }));
    CHECK_FALSE(memo.Answer(yes, "", [](std::string_view) { return false; }));
  }
}

TEST_CASE("a line longer than kMaxLine is never remembered") {
  MatchMemo memo;
  CountingTest test;
  uint64_t id = MatchMemo::NewTestId();
  std::string longest(MatchMemo::kMaxLine, 'x'), longer(MatchMemo::kMaxLine + 1, 'x');
  memo.Answer(id, longest, test);
  memo.Answer(id, longest, test);
  CHECK(test.runs == 1);
  memo.Answer(id, longer, test);
  memo.Answer(id, longer, test);
  CHECK(test.runs == 3);
}

TEST_CASE("over random lines that repeat and collide, every answer is the test's own") {
  std::mt19937_64 rng(42);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  std::vector<std::string> pool;  // more lines than slots, of every length up to two words
  for (int i = 0; i < 3 * static_cast<int>(MatchMemo::kSlots); ++i) {
    std::string line(pick(20), 'a');
    for (char& c : line) c = "ab\0\xff"[pick(4)];
    pool.push_back(line);
  }
  std::vector<uint64_t> ids = {MatchMemo::NewTestId(), MatchMemo::NewTestId()};
  MatchMemo memo;
  CountingTest counter;
  for (int i = 0; i < 100000; ++i) {
    const std::string& line = pool[pick(pool.size())];
    uint64_t id = ids[pick(ids.size())];
    // The two tests answer differently for the same line.
    bool want = counter(line) != (id == ids[1]);
    bool got =
        memo.Answer(id, line, [&](std::string_view t) { return counter(t) != (id == ids[1]); });
    if (got != want) {
      INFO("line of " << line.size() << " bytes, test " << id);
      CHECK(got == want);
    }
  }
}

TEST_CASE("test ids are never 0 and never repeat") {
  std::set<uint64_t> seen;
  for (int i = 0; i < 1000; ++i) CHECK(seen.insert(MatchMemo::NewTestId()).second);
  CHECK_FALSE(seen.count(0));
}

}  // namespace
}  // namespace sockfilter
