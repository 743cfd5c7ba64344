// ClassifyStage: the pipeline stage that tags each event with what the rules find in it
// (primary cause, every cause, peer, errno, endpoint) and its own timestamp, and passes it
// on unchanged.
//
//   source -> lines -> events -> [classify] -> filters -> output
//
// Classification never changes an event's bytes; it only fills Event::tags. Blank lines,
// `tail -f` headers and markers are passed on untagged.
//
// JSON lines (one object per line: logback/logstash encoders, zap, slog, pino, bunyan,
// Docker's json-file) are matched on their message, error and stack fields, unescaped
// (JsonFieldExtractor), and timed by their time field. Parsing JSON costs more than the
// prefilter, so a JSON line is parsed only when the prefilter finds a candidate in its raw
// bytes or when it holds escapes (a stack trace's `\n`, `\"`) that could hide one. A line
// that does not parse is matched as plain text.
//
// Lifetime: the tags' views point into the event's bytes or into the stage's JSON buffer;
// both are valid during the next stage's OnEvent call only.
//
//   ClassifyStage classify(rules.classifier, &output);
//   classify.set_default_year(YearOf(mtime));   // per input, for syslog-style times
//   RunPipeline(inputs, rules, options, &classify);
#pragma once

#include <memory>

#include "analyzer/event_sink.h"
#include "analyzer/json_fields.h"
#include "analyzer/line_clock.h"
#include "rules/classifier.h"

namespace sockfilter {

class ClassifyStage : public EventSink {
 public:
  // REQUIRES: `next` outlives the stage.
  ClassifyStage(std::shared_ptr<const Classifier> classifier, EventSink* next);

  // The year for timestamps written without one (RFC 3164 syslog); default 1970.
  void set_default_year(int year);

  void BeginInput(const InputInfo& input) override {
    feed_ = input.hits;
    next_->BeginInput(input);
  }
  void OnEvent(const Event& event) override;
  void EndInput(const InputInfo& input) override {
    feed_ = nullptr;
    next_->EndInput(input);
  }
  void Idle() override { next_->Idle(); }
  void Finish() override { next_->Finish(); }
  bool ok() const override { return next_->ok(); }

  // Texts classified with the hits found ahead rather than by a scan of their own.
  uint64_t classified_ahead() const { return classified_ahead_; }

 private:
  // Fills the tags of a one-line JSON event; false when the line is not JSON after all.
  bool TagJson(std::string_view line, uint64_t offset, EventTags* tags);
  // `offset`: of the text in the input, for the hits found ahead; kNotInInput for a text
  // of the stage's own making (a JSON line's fields).
  void TagText(std::string_view text, uint64_t offset, EventTags* tags);
  // The hits found ahead of [offset, offset + size) into hits_; false when there are none
  // to trust (no read-ahead, or a text not in the input): then the text is scanned.
  bool HitsAhead(uint64_t offset, size_t size);

  static constexpr uint64_t kNotInInput = ~uint64_t{0};

  std::shared_ptr<const Classifier> classifier_;
  EventSink* next_;
  Classifier::Scratch scratch_;
  JsonFieldExtractor json_;
  JsonFields fields_;
  LineClock clock_;              // times text lines; holds the default year
  AtomHitFeed* feed_ = nullptr;  // the current input's hits found ahead, if any
  std::vector<AtomHit> hits_;
  uint64_t classified_ahead_ = 0;
};

}  // namespace sockfilter
