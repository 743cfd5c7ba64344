#include "filters/peer_counter.h"

#include <catch2/catch.hpp>
#include <string>

namespace sockfilter {
namespace {

std::string Ip(int i) {
  return std::to_string(10 + i / 65536) + "." + std::to_string(i / 256 % 256) + "." +
         std::to_string(i % 256) + ".1:" + std::to_string(40000 + i % 7);
}

TEST_CASE("peers are counted by address, not port", "[peers]") {
  CHECK(PeerCounter::Address("10.0.0.7:41234") == "10.0.0.7");
  CHECK(PeerCounter::Address("[::1]:8080") == "::1");
  CHECK(PeerCounter::Address("fe80::1") == "fe80::1");
  CHECK(PeerCounter::Address("db-primary:5432") == "db-primary");
  PeerCounter peers;
  peers.Add("10.0.0.7:41234");
  peers.Add("10.0.0.7:50000");
  peers.Add("10.0.0.8:50000");
  peers.Add("");
  CHECK(peers.Count() == 2);
}

TEST_CASE("up to sixteen peers are counted exactly", "[peers]") {
  PeerCounter peers;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 16; ++i) peers.Add(Ip(i));
  }
  CHECK(peers.Count() == 16);
}

TEST_CASE("many peers are estimated within the sketch's error", "[peers]") {
  for (int n : {17, 100, 1000, 100000}) {
    PeerCounter peers;
    for (int i = 0; i < n; ++i) peers.Add(Ip(i));
    for (int i = 0; i < n; i += 3) peers.Add(Ip(i));  // repeats change nothing
    INFO(n << " peers, estimate " << peers.Count());
    CHECK(peers.Count() >= 17);
    CHECK(std::abs(double(peers.Count()) - n) <= 0.4 * n + 2);
  }
}

}  // namespace
}  // namespace sockfilter
