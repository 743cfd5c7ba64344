#include "filters/signature_table.h"

#include <catch2/catch.hpp>
#include <map>
#include <random>

namespace sockfilter {
namespace {

TEST_CASE("the table finds what it holds and marks it most recently seen", "[table]") {
  SignatureTable table(3);
  table.Insert(1, 0);
  table.Insert(2, 0);
  table.Insert(2, 1);
  CHECK(table.full());
  CHECK(table.Oldest()->sig == 1);
  REQUIRE(table.Find(1, 0) != nullptr);  // 1 is now the newest
  CHECK(table.Oldest()->sig == 2);
  CHECK(table.Oldest()->cause == 0);
  CHECK(table.Find(1, 1) == nullptr);
  table.Remove(table.Oldest());
  CHECK(table.size() == 2);
  CHECK(table.Find(2, 0) == nullptr);
  CHECK(table.Find(2, 1) != nullptr);
}

TEST_CASE("the table stays exact under eviction churn", "[table]") {
  // Few index slots per key and many colliding removals: backward-shift deletion must keep
  // every remaining key reachable.
  const uint32_t kCapacity = 64;
  SignatureTable table(kCapacity);
  std::map<uint64_t, uint64_t> last_seen;  // sig -> step
  std::mt19937_64 rng(7);
  for (uint64_t step = 0; step < 20000; ++step) {
    uint64_t sig = rng() % 300;
    if (SignatureState* s = table.Find(sig, 0)) {
      REQUIRE(last_seen.count(sig) == 1);
      CHECK(s->sig == sig);
    } else {
      REQUIRE(last_seen.count(sig) == 0);
      if (table.full()) {
        auto oldest = std::min_element(last_seen.begin(), last_seen.end(),
                                       [](auto& a, auto& b) { return a.second < b.second; });
        REQUIRE(table.Oldest()->sig == oldest->first);
        table.Remove(table.Oldest());
        last_seen.erase(oldest);
      }
      table.Insert(sig, 0);
    }
    last_seen[sig] = step;
    REQUIRE(table.size() == last_seen.size());
  }
}

}  // namespace
}  // namespace sockfilter
