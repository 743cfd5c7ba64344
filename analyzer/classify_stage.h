// ClassifyStage: the pipeline stage that tags each event with what the rules find in it
// (primary cause, every cause, peer, errno, endpoint) and passes it on unchanged.
//
//   source -> lines -> events -> [classify] -> filters -> output
//
// Classification never changes an event's bytes; it only fills Event::tags. Blank lines,
// `tail -f` headers and markers are passed on untagged. The tags' views point into the
// event's bytes, so they share the event's lifetime (valid during OnEvent only).
//
//   ClassifyStage classify(rules.classifier, &output);
//   RunPipeline(inputs, rules, options, &classify);
#pragma once

#include <memory>

#include "analyzer/event_sink.h"
#include "rules/classifier.h"

namespace sockfilter {

class ClassifyStage : public EventSink {
 public:
  // REQUIRES: `next` outlives the stage.
  ClassifyStage(std::shared_ptr<const Classifier> classifier, EventSink* next);

  void BeginInput(const InputInfo& input) override { next_->BeginInput(input); }
  void OnEvent(const Event& event) override;
  void EndInput(const InputInfo& input) override { next_->EndInput(input); }
  void Idle() override { next_->Idle(); }
  void Finish() override { next_->Finish(); }
  bool ok() const override { return next_->ok(); }

 private:
  std::shared_ptr<const Classifier> classifier_;
  EventSink* next_;
  Classifier::Scratch scratch_;
};

}  // namespace sockfilter
