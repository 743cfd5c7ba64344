#include "analyzer/classify_stage.h"

#include <utility>

namespace sockfilter {

ClassifyStage::ClassifyStage(std::shared_ptr<const Classifier> classifier, EventSink* next)
    : classifier_(std::move(classifier)), next_(next) {}

void ClassifyStage::OnEvent(const Event& event) {
  bool text = event.kind == EventKind::kRecord || event.kind == EventKind::kContinued ||
              event.kind == EventKind::kPiece;
  if (!text || classifier_ == nullptr) {
    next_->OnEvent(event);
    return;
  }
  Event tagged = event;
  Classification found = classifier_->Classify(event.raw, &scratch_);
  tagged.tags.cause = found.cause;
  tagged.tags.causes = found.causes;
  tagged.tags.peer = found.peer;
  tagged.tags.errno_text = found.errno_text;
  tagged.tags.endpoint = found.endpoint;
  next_->OnEvent(tagged);
}

}  // namespace sockfilter
