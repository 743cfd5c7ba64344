// signature_census: the signatures the dedupe filter computes for a log, counted per cause,
// to compare with a gen_corpus.py sidecar (bench/dedupe_report.sh).
//
//   signature_census LOG [EVENTS_TSV]
//
// Runs the real pipeline (event assembly, classify stage) and signs every event with a
// cause exactly as DedupeFilter does. Prints one JSON line: distinct (cause, signature)
// pairs in all and per cause. With EVENTS_TSV, also writes one row per such event:
// first_line, lines, cause, signature (the layout of gen_corpus.py --events-out).
#include <cstdio>
#include <map>
#include <set>
#include <string>

#include "analyzer/classify_stage.h"
#include "analyzer/pipeline.h"
#include "filters/signature.h"
#include "rules/rule_files.h"

namespace sockfilter {
namespace {

class CensusSink : public EventSink {
 public:
  CensusSink(const RuleBook& rules, FILE* events) : rules_(rules), events_(events) {}

  void OnEvent(const Event& event) override {
    if (event.kind != EventKind::kRecord || event.tags.cause < 0) return;
    uint64_t sig = signer_.Sign(event.raw, event.tags.json);
    const std::string& cause = rules_.causes[event.tags.cause].id;
    by_cause_[cause].insert(sig);
    if (events_ != nullptr) {
      fprintf(events_, "%llu\t%u\t%s\t%s\n", static_cast<unsigned long long>(event.first_line),
              event.line_count, cause.c_str(), FormatSignature(sig).c_str());
    }
  }

  void Print() const {
    size_t total = 0;
    std::string per_cause;
    for (const auto& [cause, sigs] : by_cause_) {
      total += sigs.size();
      per_cause += (per_cause.empty() ? "\"" : ",\"") + cause + "\":" + std::to_string(sigs.size());
    }
    printf("{\"signatures\":%zu,\"by_cause\":{%s}}\n", total, per_cause.c_str());
  }

 private:
  const RuleBook& rules_;
  FILE* events_;
  Signer signer_{SignatureMode::kNormalized};
  std::map<std::string, std::set<uint64_t>> by_cause_;
};

}  // namespace
}  // namespace sockfilter

int main(int argc, char** argv) {
  using namespace sockfilter;
  if (argc < 2) {
    fprintf(stderr, "usage: signature_census LOG [EVENTS_TSV]\n");
    return 2;
  }
  Result<RuleBook> rules = LoadRuleBook(EmbeddedRuleFiles());
  if (!rules.ok()) {
    fprintf(stderr, "%s\n", rules.status().message().c_str());
    return 1;
  }
  FILE* events = argc > 2 ? fopen(argv[2], "w") : nullptr;
  CensusSink census(*rules, events);
  ClassifyStage classify(rules->classifier, &census);
  PipelineReport report = RunPipeline({argv[1]}, *rules, PipelineOptions(), &classify);
  if (events != nullptr) fclose(events);
  for (const Status& error : report.errors) fprintf(stderr, "%s\n", error.message().c_str());
  census.Print();
  return report.errors.empty() ? 0 : 1;
}
