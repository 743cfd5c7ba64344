// Root-cause inference: from a Summary's counts and raw signals to the likely reasons
// behind the socket errors, each with a confidence, its evidence in plain words with
// numbers, and the remedy.
//
// The ids are a contract (JSON, --fail-on): peer_closed, client_abort, idle_timeout,
// middlebox_timeout, server_overload, accept_queue_overflow, use_after_close,
// wrong_descriptor, fd_exhaustion, no_listener. A root cause is listed only when its
// signal is present (never on the count of an error kind alone when the rule asks for a
// pattern); the list is ordered by confidence x impact, impact being the share of the
// socket-error events it explains. Pure function of the Summary: a merged Summary gives
// recomputed, not concatenated, root causes.
//
//   for (const RootCause& rc : InferRootCauses(summary)) Print(rc.id, rc.confidence);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analyzer/summary.h"

namespace sockfilter {

struct RootCause {
  std::string id;
  double confidence = 0;  // 0..1
  uint64_t events = 0;    // events (or kernel drops) it explains
  double score = 0;       // confidence x impact, the ranking key
  std::vector<std::string> evidence;
  std::string advice;
  std::vector<std::string> causes;  // the error kinds (cause ids) it draws on
};

std::vector<RootCause> InferRootCauses(const Summary& summary);

// Every root-cause id, in the order of the list above.
inline constexpr const char* kRootCauseIds[] = {"peer_closed",     "client_abort",
                                                "idle_timeout",    "middlebox_timeout",
                                                "server_overload", "accept_queue_overflow",
                                                "use_after_close", "wrong_descriptor",
                                                "fd_exhaustion",   "no_listener"};

// Thresholds of the inference, in one place (documented in docs/summary-schema.md).
struct InferenceLimits {
  static constexpr int64_t kMinGapMs = 5000;           // shorter quiet gaps are ignored
  static constexpr uint64_t kMinClusterGaps = 5;       // an idle timeout needs this many gaps
  static constexpr double kMinClusterShare = 0.5;      // ... and this share of all gaps
  static constexpr int64_t kAppTimeoutMaxMs = 150000;  // longer: a middlebox timeout
  static constexpr size_t kBurstPeers = 5;             // distinct peers resetting in one second
  static constexpr uint64_t kMinBurstSeconds = 2;
  static constexpr uint64_t kMinBurstResets = 10;
  static constexpr int64_t kFdNearBurstSeconds = 60;
  static constexpr uint64_t kMinAbortClients = 3;    // distinct clients for client_abort
  static constexpr uint64_t kMinUnnamedAborts = 10;  // ... or this many with no client named
};

// The host-evidence part (accept queue), in root_causes_host.cc.
bool InferAcceptQueueOverflow(const Summary& summary, RootCause* out);

}  // namespace sockfilter
