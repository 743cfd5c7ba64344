// Reading ahead on a second thread: the prefilter's hits found block by block are the hits
// of the whole input, the bytes and errors come out as the source gives them, and the
// pipeline's events and tags are the same with read-ahead as without.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "analyzer/atom_hit_feed.h"
#include "analyzer/classify_stage.h"
#include "analyzer/line_reader.h"
#include "analyzer/pipeline.h"
#include "analyzer/read_ahead_source.h"
#include "test_util.h"

namespace sockfilter {
namespace {

using Hit = std::tuple<uint64_t, uint32_t, uint32_t>;  // begin, atom, size

std::vector<Hit> Sorted(const std::vector<AtomHit>& hits) {
  std::vector<Hit> out;
  for (const AtomHit& h : hits) out.emplace_back(h.begin, h.atom, h.size);
  std::sort(out.begin(), out.end());
  return out;
}

// Every occurrence in `text`, by the sieve over the whole of it.
std::vector<Hit> WholeScan(const Classifier& classifier, std::string_view text) {
  std::vector<Hit> out;
  classifier.sieve().Scan(text, [&](int atom, size_t begin) {
    out.emplace_back(begin, atom, classifier.sieve().atom(atom).size());
  });
  std::sort(out.begin(), out.end());
  return out;
}

TEST_CASE("the feed's hits, found block by block, are the hits of the whole input") {
  const auto& classifier = test::DefaultRules().classifier;
  std::string text = test::SampleLogsTwice(1);
  std::vector<Hit> whole = WholeScan(*classifier, text);
  REQUIRE(whole.size() > 100);
  for (size_t block : {1u, 2u, 5u, 13u, 64u, 1000u, 65536u}) {
    INFO("block " << block);
    AtomHitFeed feed(classifier);
    for (size_t at = 0; at < text.size(); at += block) {
      std::string_view bytes = std::string_view(text).substr(at, block);
      feed.Add(feed.ScanBlock(at, bytes), at + bytes.size());
    }
    std::vector<AtomHit> found;
    REQUIRE(feed.Find(0, text.size(), &found));
    CHECK(Sorted(found) == whole);
  }
}

TEST_CASE("the feed answers for each line what a scan of the line finds, and no more") {
  const auto& classifier = test::DefaultRules().classifier;
  std::string text = test::SampleLogsTwice(2);
  AtomHitFeed feed(classifier);
  size_t handed = 0;
  size_t lines = 0;
  for (size_t begin = 0; begin < text.size(); ++lines) {
    size_t end = std::min(text.find('\n', begin), text.size() - 1) + 1;
    // Hand over blocks of 700 bytes only as far as needed: a range past them is refused.
    if (end > handed) {
      std::vector<AtomHit> none;
      CHECK_FALSE(feed.Find(begin, end, &none));
    }
    while (handed < end) {
      std::string_view bytes = std::string_view(text).substr(handed, 700);
      feed.Add(feed.ScanBlock(handed, bytes), handed + bytes.size());
      handed += bytes.size();
    }
    std::vector<AtomHit> found;
    REQUIRE(feed.Find(begin, end, &found));
    std::vector<Hit> expected = WholeScan(*classifier, text.substr(begin, end - begin));
    for (Hit& h : expected) std::get<0>(h) += begin;
    CHECK(Sorted(found) == expected);
    begin = end;
  }
  REQUIRE(lines > 100);
  // The hits before the last range asked for are let go: an earlier range is refused.
  std::vector<AtomHit> found;
  CHECK_FALSE(feed.Find(0, 10, &found));
}

// Gives `data` in reads of at most `chunk` bytes (test::StringSource), then fails.
class FailingSource : public ByteSource {
 public:
  FailingSource(std::string data, size_t chunk)
      : data_(test::StringSource(std::move(data), chunk)) {}
  Result<size_t> Read(char* out, size_t size) override {
    Result<size_t> n = data_->Read(out, size);
    if (n.ok() && *n == 0) return Status::Error("test.log: Input/output error");
    return n;
  }
  bool WaitReadable(int) override { return true; }
  const std::string& name() const override { return name_; }
  bool live() const override { return false; }

 private:
  std::unique_ptr<ByteSource> data_;
  std::string name_ = "test.log";
};

TEST_CASE("read-ahead hands out every byte of its source, then the source's error") {
  std::string data = test::RandomBytes(7, 100000);
  for (size_t block : {1u, 100u, 4096u, 1u << 20}) {
    for (size_t chunk : {1u, 333u, 1u << 16}) {
      INFO("block " << block << " chunk " << chunk);
      FailingSource inner(data, chunk);
      ReadAheadSource::Options options;
      options.block_bytes = block;
      options.blocks = 3;
      ReadAheadSource ahead(&inner, nullptr, options);
      CHECK(ahead.name() == "test.log");
      CHECK_FALSE(ahead.live());
      std::string got;
      std::mt19937_64 rng(block + chunk);
      Status error;
      for (;;) {
        char buf[5000];
        Result<size_t> n = ahead.Read(buf, 1 + rng() % sizeof buf);
        if (!n.ok()) {
          error = n.status();
          break;
        }
        REQUIRE(*n > 0);
        got.append(buf, *n);
      }
      CHECK(got == data);
      CHECK(error.message() == "test.log: Input/output error");
    }
  }
}

TEST_CASE("lines read from lent blocks are every byte of the source, then its error") {
  std::string data;
  for (int i = 0; data.size() < 300000; ++i) data += std::string(i % 5000, 'x') + "\n";
  for (size_t headroom : {0u, 100u, 1u << 18}) {
    INFO("headroom " << headroom);
    FailingSource inner(data, 777);
    ReadAheadSource::Options options;
    options.block_bytes = 4096;
    options.headroom = headroom;
    ReadAheadSource ahead(&inner, nullptr, options);
    REQUIRE(ahead.lends());
    LineReader reader(&ahead);
    std::string got;
    Line line;
    while (reader.Next(&line)) got += line.raw;
    CHECK(got == data);
    CHECK(reader.status().message() == "test.log: Input/output error");
  }
}

TEST_CASE("read-ahead stopped early, before its source is read, ends cleanly") {
  FailingSource inner(test::RandomBytes(8, 1 << 20), 4096);
  ReadAheadSource::Options options;
  options.block_bytes = 1024;
  options.blocks = 2;
  ReadAheadSource ahead(&inner, nullptr, options);
  char buf[10];
  REQUIRE(ahead.Read(buf, sizeof buf).ok());
  // The destructor stops the reader thread, which waits for a free block.
}

std::vector<test::CollectingSink::Collected> Classified(const std::string& text, bool read_ahead,
                                                        size_t block) {
  const RuleBook& rules = test::DefaultRules();
  test::CollectingSink sink;
  ClassifyStage classify(rules.classifier, &sink);
  PipelineOptions options;
  options.read_ahead = read_ahead;
  options.read_ahead_block_bytes = block;
  std::unique_ptr<ByteSource> source = test::StringSource(text, 4000);
  PipelineReport report;
  RunSource(source.get(), rules, options, &classify, &report);
  REQUIRE(report.errors.empty());
  // With read-ahead every text event is classified with the hits found ahead.
  if (read_ahead) {
    CHECK(classify.classified_ahead() >= sink.events.size() / 2);
  } else {
    CHECK(classify.classified_ahead() == 0);
  }
  return sink.events;
}

TEST_CASE("the pipeline's events and tags are the same with read-ahead as without") {
  std::string text = test::SampleLogsTwice(3);
  std::vector<test::CollectingSink::Collected> plain = Classified(text, false, 1 << 20);
  size_t with_cause = 0;
  for (const auto& e : plain) with_cause += e.tags.cause >= 0;
  REQUIRE(with_cause > 20);
  for (size_t block : {7u, 4096u, 1u << 20}) {
    INFO("block " << block);
    std::vector<test::CollectingSink::Collected> ahead = Classified(text, true, block);
    REQUIRE(ahead.size() == plain.size());
    for (size_t i = 0; i < plain.size(); ++i) {
      INFO("event " << i << ": " << plain[i].raw);
      CHECK(ahead[i].raw == plain[i].raw);
      CHECK(ahead[i].tags.cause == plain[i].tags.cause);
      CHECK(ahead[i].tags.causes == plain[i].tags.causes);
      CHECK(ahead[i].tags.time == plain[i].tags.time);
      CHECK(ahead[i].tags.json == plain[i].tags.json);
    }
  }
}

TEST_CASE("the filter's output is the same with read-ahead as on one thread") {
  std::string gen = test::GenCorpusScript();
  if (gen.empty()) {
    WARN("gen_corpus.py not found beside the checkout; read-ahead equivalence not checked");
    return;
  }
  test::TempDir dir;
  // Over 2 MiB: more than one read-ahead block, so events and atoms cross a seam.
  REQUIRE(test::Shell("python3 " + gen + " 3 " + dir.File("c.log") + " --seed 5 >/dev/null 2>&1") ==
          0);
  test::ProcessResult ahead = test::RunSockfilter({"--stats", dir.File("c.log")});
  test::ProcessResult single =
      test::RunSockfilter({"--stats", "--single-thread", dir.File("c.log")});
  REQUIRE(ahead.exit_code == 0);
  REQUIRE(single.exit_code == 0);
  CHECK(ahead.out.size() > (1u << 20));
  CHECK(ahead.out == single.out);
  CHECK(ahead.err == single.err);
}

}  // namespace
}  // namespace sockfilter
