// SummarySink: the last stage of `analyze`; counts classified events into a Summary.
//
// It reads what the classify stage put in Event::tags (cause index into the RuleBook's
// taxonomy, peer, endpoint, time) and copies what it keeps: a sample per signature, peer
// and endpoint names. It never writes anything; the command prints the Summary after
// Finish(). One sink per input file when files are analysed in parallel; their Summaries
// are then merged in input order.
//
//   Summary summary;
//   SummarySink sink(rules.causes, MakeSignature, &summary);
//   ClassifyStage classify(rules, &sink);
//   RunInput(path, rules, options, &classify, &report);
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "analyzer/event_sink.h"
#include "analyzer/event_traits.h"
#include "analyzer/json_fields.h"
#include "analyzer/progress.h"
#include "analyzer/summary.h"
#include "rules/rule_loader.h"

namespace sockfilter {

// The signature of a socket-error event (filters/signature.h); 16 hex digits when printed.
using SignatureFunction = std::function<uint64_t(const Event&)>;

class SummarySink : public EventSink {
 public:
  struct Options {
    int default_year = 1970;       // for timestamps without a year (the file's mtime year)
    Progress* progress = nullptr;  // told the bytes counted, when a bar is shown
  };

  // `causes` is the taxonomy the classifier's cause indices refer to; it, `summary` and
  // the progress bar must outlive the sink.
  SummarySink(const std::vector<CauseInfo>& causes, SignatureFunction signature, Summary* summary,
              Options options);

  void BeginInput(const InputInfo& input) override;
  void OnEvent(const Event& event) override;
  void Finish() override { FlushProgress(); }

  // Suppression markers read from the input (an earlier run's output: a compacted log).
  uint64_t markers_read() const { return markers_read_; }

 private:
  enum class Role : uint8_t { kOther, kReset, kFdError };
  CauseStats* StatsFor(int cause);
  void CountMarker(const Event& event);
  void CountSignature(CauseStats* c, uint64_t sig, std::string_view sample, uint64_t count,
                      TimeMs first, TimeMs last);
  TimeMs TimeOf(const Event& event);
  void CountCause(const Event& event, int cause, std::string_view host, TimeMs time);
  void FlushProgress();

  const std::vector<CauseInfo>& causes_;
  SignatureFunction signature_;
  Summary* summary_;
  std::vector<CauseStats*> stats_;  // by cause index; nullptr until the cause is first seen
  std::vector<Role> roles_;         // by cause index
  Options options_;
  JsonFieldExtractor json_;
  CallDescriber describer_;
  uint64_t unreported_bytes_ = 0;
  uint64_t markers_read_ = 0;
};

}  // namespace sockfilter
