#include "analyzer/atom_hit_feed.h"

#include <algorithm>
#include <utility>

namespace sockfilter {

namespace {

bool ByBegin(const AtomHit& a, const AtomHit& b) { return a.begin < b.begin; }

}  // namespace

AtomHitFeed::AtomHitFeed(std::shared_ptr<const Classifier> classifier)
    : classifier_(std::move(classifier)) {
  const LiteralSieve& sieve = classifier_->sieve();
  for (size_t i = 0; i < sieve.atom_count(); ++i)
    longest_atom_ = std::max(longest_atom_, sieve.atom(static_cast<int>(i)).size());
}

std::vector<AtomHit> AtomHitFeed::ScanBlock(uint64_t offset, std::string_view block) {
  const LiteralSieve& sieve = classifier_->sieve();
  std::vector<AtomHit> hits;
  auto size_of = [&sieve](int atom) { return static_cast<uint32_t>(sieve.atom(atom).size()); };
  // The occurrences across the seam: in the old tail and the new head together, those
  // that begin in the tail and end past it. Each occurrence is found once either way.
  if (!tail_.empty() && !block.empty()) {
    std::string seam = tail_;
    seam.append(block.substr(0, std::min(block.size(), longest_atom_ - 1)));
    sieve.Scan(seam, [&](int atom, size_t begin) {
      if (begin < tail_.size() && begin + size_of(atom) > tail_.size())
        hits.push_back({tail_offset_ + begin, static_cast<uint32_t>(atom), size_of(atom)});
    });
  }
  sieve.Scan(block, [&](int atom, size_t begin) {
    hits.push_back({offset + begin, static_cast<uint32_t>(atom), size_of(atom)});
  });
  std::sort(hits.begin(), hits.end(), ByBegin);
  // The new tail: the last bytes of the input so far (of the old tail too when the block
  // is shorter than an atom).
  size_t keep = longest_atom_ > 0 ? longest_atom_ - 1 : 0;
  if (block.size() >= keep) {
    tail_.assign(block.substr(block.size() - keep));
  } else {
    tail_.append(block);
    if (tail_.size() > keep) tail_.erase(0, tail_.size() - keep);
  }
  tail_offset_ = offset + block.size() - tail_.size();
  return hits;
}

void AtomHitFeed::Add(std::vector<AtomHit> hits, uint64_t end) {
  if (front_ > 4096 && front_ * 2 > hits_.size()) {
    hits_.erase(hits_.begin(), hits_.begin() + static_cast<std::ptrdiff_t>(front_));
    front_ = 0;
  }
  size_t old_size = hits_.size();
  hits_.insert(hits_.end(), hits.begin(), hits.end());
  // The seam's hits begin in the block before, so they may belong before its last ones.
  if (old_size > front_ && old_size < hits_.size() &&
      ByBegin(hits_[old_size], hits_[old_size - 1])) {
    std::inplace_merge(hits_.begin() + static_cast<std::ptrdiff_t>(front_),
                       hits_.begin() + static_cast<std::ptrdiff_t>(old_size), hits_.end(), ByBegin);
  }
  known_end_ = end;
}

bool AtomHitFeed::Find(uint64_t begin, uint64_t end, std::vector<AtomHit>* hits) {
  hits->clear();
  if (end > known_end_ || begin < let_go_) return false;
  while (front_ < hits_.size() && hits_[front_].begin < begin) ++front_;
  let_go_ = begin;
  for (size_t i = front_; i < hits_.size() && hits_[i].begin < end; ++i) {
    if (hits_[i].begin + hits_[i].size <= end) hits->push_back(hits_[i]);
  }
  return true;
}

}  // namespace sockfilter
