// Summary: the mergeable statistics of one or more analysed logs — what `analyze` counts,
// what `merge` combines and what root-cause inference reads.
//
// A Summary holds counts and the raw signals of inference (quiet gaps per peer, resets per
// second across peers, host counter snapshots), never conclusions: root causes are
// recomputed from a (merged) Summary by InferRootCauses(). Every part merges so that
// Merge(analyze(A), analyze(B)) equals analyze(A then B): counts add, first/last take
// min/max, capped tables admit keys in arrival order, timelines share one bucket grid.
// Merge in input order (A before B) for the stream-order parts (gaps, samples).
//
//   Summary total;
//   for (Summary& part : per_file) total.Merge(part);
//   std::vector<RootCause> causes = InferRootCauses(total);
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "analyzer/burst_seconds.h"
#include "analyzer/capped_counts.h"
#include "analyzer/distinct_counter.h"
#include "analyzer/event.h"
#include "analyzer/host/host_snapshot.h"
#include "analyzer/quiet_gaps.h"
#include "analyzer/timeline.h"

namespace sockfilter {

// One signature (normalized event text) of a cause.
struct SignatureStats {
  uint64_t count = 0;
  TimeMs first = kNoTime;
  TimeMs last = kNoTime;
  std::string sample;  // the first event with this signature, as read (capped)
};

struct CauseStats {
  static constexpr size_t kMaxSignatures = 2048;
  static constexpr size_t kMaxKeys = 512;  // peers, endpoints, components kept by name

  uint64_t count = 0;
  uint64_t lines = 0;
  TimeMs first = kNoTime;
  TimeMs last = kNoTime;
  // At most kMaxSignatures: the smallest signature values (an order-independent choice,
  // as in CappedCounts); `signature_others` counts the events of the others.
  std::map<uint64_t, SignatureStats> signatures;
  uint64_t signature_others = 0;
  DistinctCounter peers;
  CappedCounts top_peers{kMaxKeys};
  CappedCounts endpoints{kMaxKeys};
  CappedCounts components{kMaxKeys};
  Timeline timeline;
  // What the event text says about the failing call.
  uint64_t on_write = 0;         // a write/send failed
  uint64_t on_read = 0;          // a read/recv failed
  uint64_t http_response = 0;    // ... while writing an HTTP response to a client
  DistinctCounter http_clients;  // distinct peers of those

  // The stats of `sig`, added when new; nullptr when `sig` is not kept (the caller counts
  // the event in signature_others).
  SignatureStats* FindOrAddSignature(uint64_t sig);
  void Merge(const CauseStats& other);
};

// Host evidence read from one capture input (netstat -s, nstat, ss -lnt, probe JSON).
struct HostInput {
  std::string source;  // the input's name
  HostEvidence evidence;
};

struct Summary {
  static constexpr size_t kMaxSampleBytes = 4096;

  uint64_t inputs = 0;
  uint64_t bytes = 0;  // decompressed bytes read
  uint64_t lines = 0;
  uint64_t events = 0;  // records (with their continuation lines)
  uint64_t timed_events = 0;
  TimeMs first = kNoTime;  // span of every timed event
  TimeMs last = kNoTime;
  std::map<std::string, CauseStats> causes;  // by cause id ("conn_reset")
  QuietGaps gaps;                            // quiet gap per peer before each reset
  BurstSeconds bursts;                       // resets and descriptor errors per second
  DistinctCounter client_abort_peers;
  std::vector<HostInput> host;

  void Merge(const Summary& other);
  uint64_t CauseCount(const std::string& id) const;
  uint64_t SocketErrorEvents() const;
};

// Widens [*first, *last] to include `time` (kNoTime leaves it as it is). Inline: every
// timed event of an analysis widens the summary's span.
inline void ExtendSpan(TimeMs time, TimeMs* first, TimeMs* last) {
  if (time == kNoTime) return;
  if (*first == kNoTime || time < *first) *first = time;
  if (*last == kNoTime || time > *last) *last = time;
}

}  // namespace sockfilter
