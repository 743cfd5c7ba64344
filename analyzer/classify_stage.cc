#include "analyzer/classify_stage.h"

#include <cstring>
#include <utility>

#include "analyzer/atom_hit_feed.h"
#include "filters/marker.h"

namespace sockfilter {

namespace {

bool IsText(EventKind kind) {
  return kind == EventKind::kRecord || kind == EventKind::kContinued || kind == EventKind::kPiece;
}

// One line and nothing after it (a JSON record never has continuation lines).
bool IsSingleLine(const Event& event, std::string_view first) {
  size_t rest = event.raw.size() - first.size();
  return rest <= 2 && event.kind == EventKind::kRecord;
}

}  // namespace

ClassifyStage::ClassifyStage(std::shared_ptr<const Classifier> classifier, EventSink* next)
    : classifier_(std::move(classifier)), next_(next) {}

void ClassifyStage::set_default_year(int year) {
  clock_.set_default_year(year);
  json_.set_default_year(year);
}

void ClassifyStage::OnEvent(const Event& event) {
  if (!IsText(event.kind)) {
    next_->OnEvent(event);
    return;
  }
  Event tagged = event;
  std::string_view first = event.first_line_text();
  // An earlier run's marker is a fact to keep, not a log line: its sample quotes the error
  // it counts, which must not make it an event of that cause (nor a repeat of other
  // markers to suppress). MayBeMarker turns other lines away at their first bytes.
  if (MayBeMarker(first) && IsSingleLine(event, first)) {
    MarkerFields marker;
    if (ParseMarker(first, &marker)) {
      tagged.tags.marker = true;
      tagged.tags.time = marker.last;
      next_->OnEvent(tagged);
      return;
    }
  }
  bool json = LooksLikeJsonObject(first) && IsSingleLine(event, first) &&
              TagJson(first, event.offset, &tagged.tags);
  if (!json) {
    tagged.tags.time = clock_.Time(first);
    TagText(event.raw, event.offset, &tagged.tags);
  }
  next_->OnEvent(tagged);
}

bool ClassifyStage::HitsAhead(uint64_t offset, size_t size) {
  if (feed_ == nullptr || offset == kNotInInput || !feed_->Find(offset, offset + size, &hits_))
    return false;
  ++classified_ahead_;
  return true;
}

bool ClassifyStage::TagJson(std::string_view line, uint64_t offset, EventTags* tags) {
  bool escapes = std::memchr(line.data(), '\\', line.size()) != nullptr;
  auto may_match = [&] {
    if (classifier_ == nullptr) return false;
    return HitsAhead(offset, line.size()) ? !hits_.empty() : classifier_->MayMatch(line, &scratch_);
  };
  if (!escapes && !may_match()) {
    // Nothing to find: keep the parse for the lines that need it, time the line cheaply.
    if (line.empty() || line.back() != '}') return false;
    tags->json = true;
    // The time field, as Extract() would read it (zap's and pino's epoch numbers included,
    // which no later stage should have to parse the line again for); the start of the line
    // when there is none.
    tags->time = json_.ScanTime(line);
    if (tags->time == kNoTime) tags->time = clock_.Time(line);
    return true;
  }
  if (!json_.Extract(line, &fields_)) return false;
  tags->json = true;
  tags->time = fields_.time;
  TagText(fields_.text, kNotInInput, tags);
  return true;
}

void ClassifyStage::TagText(std::string_view text, uint64_t offset, EventTags* tags) {
  if (classifier_ == nullptr) return;
  Classification found = HitsAhead(offset, text.size())
                             ? classifier_->Classify(text, hits_, offset, &scratch_)
                             : classifier_->Classify(text, &scratch_);
  tags->cause = found.cause;
  tags->causes = found.causes;
  tags->peer = found.peer;
  tags->errno_text = found.errno_text;
  tags->endpoint = found.endpoint;
}

}  // namespace sockfilter
