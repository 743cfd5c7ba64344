// The mergeable statistics: every part of a Summary, counted over A then B in one pass,
// equals the merge of A and B counted apart.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "analyzer/burst_seconds.h"
#include "analyzer/capped_counts.h"
#include "analyzer/distinct_counter.h"
#include "analyzer/quiet_gaps.h"
#include "analyzer/timeline.h"

namespace sockfilter {
namespace {

constexpr TimeMs kT0 = 1710126809000;  // 2024-03-11T03:13:29Z

std::string Peer(uint64_t n) {
  return "10.0." + std::to_string(n / 250) + "." + std::to_string(n % 250);
}

TEST_CASE("Distinct counts are exact below the cap and merge like one pass above it") {
  for (uint64_t n : {100u, 10000u}) {
    DistinctCounter whole, a, b;
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t h = HashText(Peer(i));
      whole.Add(h);
      (i % 3 == 0 ? a : b).Add(h);
      whole.Add(h);  // repeats do not count
    }
    a.Merge(b);
    REQUIRE(a.Count() == whole.Count());
    REQUIRE(a.exact() == whole.exact());
    if (n == 100) REQUIRE(whole.Count() == 100);
    if (n == 10000) {
      REQUIRE_FALSE(whole.exact());
      REQUIRE(whole.Count() == Approx(10000).epsilon(0.05));
      Result<DistinctCounter> back = DistinctCounter::FromRegistersHex(whole.RegistersHex());
      REQUIRE(back.ok());
      REQUIRE(back->Count() == whole.Count());
    }
  }
}

TEST_CASE("Timeline buckets of a merge equal those of one pass, even after coarsening") {
  std::mt19937_64 rng(7);
  Timeline whole, a, b;
  for (int i = 0; i < 20000; ++i) {
    // Spread over two days so that counting coarsens beyond 1 s buckets.
    TimeMs t = kT0 + static_cast<TimeMs>(rng() % (2 * 86400000ULL));
    whole.Add(t);
    (i < 12000 ? a : b).Add(t);
  }
  a.Merge(b);
  REQUIRE(a.width_ms() == whole.width_ms());
  int64_t shown = Timeline::ChooseWidth(2 * 86400000LL);
  REQUIRE(a.Coarsened(shown).counts() == whole.Coarsened(shown).counts());
  REQUIRE(a.Coarsened(shown).start_ms() == whole.Coarsened(shown).start_ms());
  uint64_t total = 0;
  for (uint64_t c : whole.counts()) total += c;
  REQUIRE(total == 20000);
}

// Regression: a merge whose combined range needs wider buckets than either part coarsened
// mid-merge and placed the rest of the buckets on the wrong grid.
TEST_CASE("Timelines of consecutive hours merge into the buckets of one pass") {
  Timeline whole, a, b;
  for (int s = 0; s < 7200; s += 3) {
    TimeMs t = kT0 + s * 1000LL;
    whole.Add(t);
    (s < 3600 ? a : b).Add(t);
  }
  REQUIRE(a.width_ms() == 1000);
  a.Merge(b);
  REQUIRE(a.width_ms() == whole.width_ms());
  REQUIRE(a.start_ms() == whole.start_ms());
  REQUIRE(a.counts() == whole.counts());
}

TEST_CASE("Capped counts keep the same keys and counts whether merged or counted at once") {
  CappedCounts whole(50), a(50), b(50);
  std::mt19937_64 rng(3);
  for (int i = 0; i < 5000; ++i) {
    std::string key = Peer(rng() % 120);
    whole.Add(key);
    (i < 2000 ? a : b).Add(key);
  }
  a.Merge(b);
  REQUIRE(a.Entries() == whole.Entries());
  REQUIRE(a.others() == whole.others());
}

TEST_CASE("Quiet gaps across a split are the ones a single pass measures") {
  std::mt19937_64 rng(11);
  QuietGaps whole, a, b;
  TimeMs t = kT0;
  for (int i = 0; i < 3000; ++i) {
    t += static_cast<TimeMs>(rng() % 90000);
    std::string peer = Peer(rng() % 40);
    bool reset = rng() % 3 == 0;
    whole.Observe(peer, t, reset);
    (i < 1700 ? a : b).Observe(peer, t, reset);
  }
  a.Merge(b);
  REQUIRE(a.bins() == whole.bins());
  REQUIRE(a.total_gaps() == whole.total_gaps());
}

// Everything a QuietGaps keeps, in a form that compares: bins, untracked, and each
// tracked peer's state with its own gaps.
std::string Dump(const QuietGaps& g) {
  std::string out = "untracked " + std::to_string(g.untracked()) + "\nbins";
  for (const auto& [bin, count] : g.bins())
    out += " " + std::to_string(bin) + ":" + std::to_string(count);
  for (const auto& [peer, state] : g.SortedPeers()) {
    out += "\n" + std::string(peer) + " " + std::to_string(state->first) + " " +
           std::to_string(state->first_is_reset) + " " + std::to_string(state->last) + " " +
           std::to_string(state->resets);
    for (const auto& [bin, count] : state->gaps)
      out += " " + std::to_string(bin) + ":" + std::to_string(count);
  }
  return out;
}

TEST_CASE("Quiet gaps past the cap track the peers of smallest hash, merged from any split") {
  // 400 peers against a cap of 60: the table must choose. One pass, and three parts cut at
  // random points and merged in input order (grouped either way), keep the same peers:
  // the 60 of smallest hash, each with every gap an uncapped table measures for it.
  const size_t cap = 60;
  std::mt19937_64 rng(17);
  struct Seen {
    std::string peer;
    TimeMs time;
    bool reset;
  };
  std::vector<Seen> stream;
  TimeMs t = kT0;
  for (int i = 0; i < 20000; ++i) {
    t += static_cast<TimeMs>(rng() % 4000);
    stream.push_back({Peer(rng() % 400), t, rng() % 3 != 0});
  }
  QuietGaps all(100000), whole(cap);
  for (const Seen& e : stream) {
    all.Observe(e.peer, e.time, e.reset);
    whole.Observe(e.peer, e.time, e.reset);
  }
  REQUIRE(all.tracked() == 400);
  REQUIRE(whole.tracked() == cap);

  // The kept peers: the smallest hashes; their states, those of the uncapped table.
  std::vector<std::pair<uint64_t, std::string>> ranked;
  for (const auto& [peer, state] : all.SortedPeers()) ranked.emplace_back(HashText(peer), peer);
  std::sort(ranked.begin(), ranked.end());
  std::vector<std::pair<std::string_view, const QuietGaps::PeerState*>> everyone =
      all.SortedPeers();
  std::vector<std::pair<std::string_view, const QuietGaps::PeerState*>> kept = whole.SortedPeers();
  uint64_t kept_gaps = 0, other_resets = 0;
  for (size_t i = 0; i < everyone.size(); ++i) {
    const QuietGaps::PeerState& s = *everyone[i].second;
    if (i < cap) {
      INFO(everyone[i].first);
      REQUIRE(kept[i].first == ranked[i].second);
      REQUIRE(kept[i].first == everyone[i].first);
      REQUIRE(kept[i].second->gaps == s.gaps);
      REQUIRE(kept[i].second->resets == s.resets);
      for (const auto& [bin, count] : s.gaps) kept_gaps += count;
    } else {
      other_resets += s.resets;
    }
  }
  REQUIRE(whole.total_gaps() == kept_gaps);
  REQUIRE(whole.untracked() == other_resets);
  REQUIRE(other_resets > 0);

  for (int trial = 0; trial < 5; ++trial) {
    std::uniform_int_distribution<size_t> cut(1, stream.size() - 1);
    size_t c1 = cut(rng), c2 = cut(rng);
    if (c1 > c2) std::swap(c1, c2);
    QuietGaps parts[3] = {QuietGaps(cap), QuietGaps(cap), QuietGaps(cap)};
    for (size_t i = 0; i < stream.size(); ++i)
      parts[i < c1 ? 0 : i < c2 ? 1 : 2].Observe(stream[i].peer, stream[i].time, stream[i].reset);
    QuietGaps left = parts[0];  // (A + B) + C
    left.Merge(parts[1]);
    left.Merge(parts[2]);
    QuietGaps right = parts[1];  // A + (B + C)
    right.Merge(parts[2]);
    QuietGaps a = parts[0];
    a.Merge(right);
    REQUIRE(Dump(left) == Dump(whole));
    REQUIRE(Dump(a) == Dump(whole));
  }
}

TEST_CASE("Gaps of near-constant length form a cluster that names the value") {
  QuietGaps gaps;
  std::mt19937_64 rng(5);
  for (int peer = 0; peer < 6; ++peer) {
    TimeMs t = kT0 + peer * 7000;
    gaps.Observe(Peer(peer), t, false);
    for (int k = 0; k < 8; ++k) {
      t += 60000 + static_cast<TimeMs>(rng() % 3000);  // 60-63 s idle, then a reset
      gaps.Observe(Peer(peer), t, true);
    }
  }
  QuietGaps::Cluster c = gaps.FindCluster();
  REQUIRE(c.total == 48);
  REQUIRE(c.fraction() > 0.95);
  REQUIRE(c.typical_ms >= 60000);
  REQUIRE(c.typical_ms <= 63000);
}

TEST_CASE("Random resets with exponential gaps form no cluster") {
  QuietGaps gaps;
  std::mt19937_64 rng(9);
  std::exponential_distribution<double> gap(1.0 / 120.0);  // mean 2 min
  for (int peer = 0; peer < 6; ++peer) {
    TimeMs t = kT0;
    for (int k = 0; k < 30; ++k) {
      t += static_cast<TimeMs>(gap(rng) * 1000) + 1;
      gaps.Observe(Peer(peer), t, true);
    }
  }
  REQUIRE(gaps.FindCluster().fraction() < 0.3);
}

TEST_CASE("Burst seconds count distinct peers up to the cap, merged or not") {
  BurstSeconds whole, a, b;
  for (int i = 0; i < 40; ++i) {
    uint64_t h = HashText(Peer(i));
    whole.AddReset(kT0 + 500, h, true);
    (i % 2 ? a : b).AddReset(kT0 + 500, h, true);
  }
  whole.AddFdError(kT0 + 900);
  a.AddFdError(kT0 + 900);
  a.Merge(b);
  REQUIRE(whole.seconds().size() == 1);
  const BurstSeconds::Second& s = whole.seconds().begin()->second;
  REQUIRE(s.resets == 40);
  REQUIRE(s.fd_errors == 1);
  REQUIRE(s.peers() == BurstSeconds::kPeerCap);
  REQUIRE(a.seconds().begin()->second.peer_hashes == s.peer_hashes);
}

TEST_CASE("Burst seconds past the cap keep the latest, in any order and any split") {
  // More seconds than the cap, each with one to three events, shuffled: the events of a
  // rotated week read newest file first, or pieces merged in any order.
  const size_t cap = 5000;
  const int64_t extra = 700;
  const int64_t total = static_cast<int64_t>(cap) + extra;
  std::vector<std::pair<int64_t, int>> events;  // (second, kind: 0 reset, 1 fd error)
  for (int64_t s = 0; s < total; ++s) {
    for (int k = 0; k <= s % 3; ++k) events.emplace_back(s, k == 2 ? 1 : 0);
  }
  std::mt19937_64 rng(7);
  std::shuffle(events.begin(), events.end(), rng);
  auto add = [](BurstSeconds* b, const std::pair<int64_t, int>& e) {
    TimeMs t = kT0 + e.first * 1000;
    if (e.second == 0) {
      b->AddReset(t, HashText(Peer(static_cast<uint64_t>(e.first % 7))), true);
    } else {
      b->AddFdError(t);
    }
  };

  BurstSeconds in_order(cap), shuffled(cap);
  std::vector<std::pair<int64_t, int>> sorted = events;
  std::sort(sorted.begin(), sorted.end());
  for (const auto& e : sorted) add(&in_order, e);
  for (const auto& e : events) add(&shuffled, e);
  // Three parts at random cuts, merged last part first.
  BurstSeconds parts[3] = {BurstSeconds(cap), BurstSeconds(cap), BurstSeconds(cap)};
  std::uniform_int_distribution<size_t> cut(1, events.size() - 1);
  size_t c1 = cut(rng), c2 = cut(rng);
  if (c1 > c2) std::swap(c1, c2);
  for (size_t i = 0; i < events.size(); ++i) add(&parts[i < c1 ? 0 : i < c2 ? 1 : 2], events[i]);
  parts[2].Merge(parts[1]);
  parts[2].Merge(parts[0]);

  // The dropped events: those of the `extra` earliest seconds.
  uint64_t early_events = 0;
  for (int64_t s = 0; s < extra; ++s) early_events += static_cast<uint64_t>(s % 3) + 1;
  for (const BurstSeconds* b : {&in_order, &shuffled, &parts[2]}) {
    REQUIRE(b->seconds().size() == cap);
    REQUIRE(b->seconds().begin()->first == kT0 / 1000 + extra);
    REQUIRE(b->dropped() == early_events);
  }
  auto same = [](const BurstSeconds& x, const BurstSeconds& y) {
    return std::equal(x.seconds().begin(), x.seconds().end(), y.seconds().begin(),
                      y.seconds().end(), [](const auto& p, const auto& q) {
                        return p.first == q.first && p.second.resets == q.second.resets &&
                               p.second.fd_errors == q.second.fd_errors &&
                               p.second.peer_hashes == q.second.peer_hashes;
                      });
  };
  REQUIRE(same(shuffled, in_order));
  REQUIRE(same(parts[2], in_order));
}

}  // namespace
}  // namespace sockfilter
