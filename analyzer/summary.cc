#include "analyzer/summary.h"

#include <algorithm>

namespace sockfilter {

SignatureStats* CauseStats::FindOrAddSignature(uint64_t sig) {
  auto it = signatures.find(sig);
  if (it != signatures.end()) return &it->second;
  if (signatures.size() >= kMaxSignatures) {
    auto largest = std::prev(signatures.end());
    if (sig >= largest->first) return nullptr;
    signature_others += largest->second.count;
    signatures.erase(largest);
  }
  return &signatures[sig];
}

void CauseStats::Merge(const CauseStats& other) {
  count += other.count;
  lines += other.lines;
  ExtendSpan(other.first, &first, &last);
  ExtendSpan(other.last, &first, &last);
  for (const auto& [sig, theirs] : other.signatures) {
    bool known = signatures.count(sig) > 0;
    SignatureStats* mine = FindOrAddSignature(sig);
    if (mine == nullptr) {
      signature_others += theirs.count;
      continue;
    }
    if (!known) mine->sample = theirs.sample;  // the earlier part's sample wins, as in one pass
    mine->count += theirs.count;
    ExtendSpan(theirs.first, &mine->first, &mine->last);
    ExtendSpan(theirs.last, &mine->first, &mine->last);
  }
  signature_others += other.signature_others;
  peers.Merge(other.peers);
  top_peers.Merge(other.top_peers);
  endpoints.Merge(other.endpoints);
  components.Merge(other.components);
  timeline.Merge(other.timeline);
  on_write += other.on_write;
  on_read += other.on_read;
  http_response += other.http_response;
  http_clients.Merge(other.http_clients);
}

void Summary::Merge(const Summary& other) {
  inputs += other.inputs;
  bytes += other.bytes;
  lines += other.lines;
  events += other.events;
  timed_events += other.timed_events;
  ExtendSpan(other.first, &first, &last);
  ExtendSpan(other.last, &first, &last);
  for (const auto& [id, stats] : other.causes) causes[id].Merge(stats);
  gaps.Merge(other.gaps);
  bursts.Merge(other.bursts);
  client_abort_peers.Merge(other.client_abort_peers);
  host.insert(host.end(), other.host.begin(), other.host.end());
}

uint64_t Summary::CauseCount(const std::string& id) const {
  auto it = causes.find(id);
  return it == causes.end() ? 0 : it->second.count;
}

uint64_t Summary::SocketErrorEvents() const {
  uint64_t n = 0;
  for (const auto& [id, stats] : causes) n += stats.count;
  return n;
}

}  // namespace sockfilter
