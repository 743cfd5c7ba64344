// NewlineGuard: the last stage of the filter chain; whatever follows a line the input left
// unterminated starts a line of its own.
//
// The filter passes input through byte for byte, so when an input's last line has no
// newline the output stops in the middle of a line. What comes next would be glued onto
// it: a marker ("...INFO ok[sockfilter] suppressed ...", which neither grep '^\[sockfilter\]'
// nor sockfilter's own marker parser sees, so a compacted log would lose the repeats it
// stands for), or the first line of the next input (two lines would become one). So this
// stage writes one "\n", and only then:
//   * before a marker, when the output does not end in a newline;
//   * before the first event of an input, when the input before it ended without one.
// Nothing else is ever added: the pieces of an over-long line follow each other as they
// are (they are one line), and a line that ends in "\n" or "\r\n" needs nothing.
//
// Decided: when nothing follows an unterminated last line (no marker, no other input), the
// output ends exactly as the input did, without a newline. The filter's output of ordinary
// input is its input, byte for byte (`--dedupe none` always is, for one input), and a
// compacted file keeps its bytes.
//
// The "\n" reaches the next stage as an Event of kind kMarker (written by a filter, not read
// from the input) with line_count 0 (it ends no input line); bytes_added() counts it, so the
// chain's bytes_out is every byte written.
#pragma once

#include <cstdint>

#include "analyzer/event_sink.h"

namespace sockfilter {

class NewlineGuard : public EventSink {
 public:
  // `next` is not owned and must outlive the guard.
  explicit NewlineGuard(EventSink* next) : next_(next) {}

  void BeginInput(const InputInfo& input) override;
  void OnEvent(const Event& event) override;
  void EndInput(const InputInfo& input) override;
  void Idle() override { next_->Idle(); }
  void Finish() override { next_->Finish(); }
  bool ok() const override { return next_->ok(); }

  // The newlines written that were not in the input.
  uint64_t bytes_added() const { return bytes_added_; }

 private:
  // Where the output stands.
  enum class Tail : uint8_t {
    kLineStart,     // at the start of a line (nothing written yet, or a newline last)
    kInLine,        // inside a line that may go on (a piece of an over-long line)
    kUnterminated,  // inside a line its input ended without a newline: it cannot go on
  };

  void EndLine();
  void WriteNewline(const InputInfo* input);

  EventSink* next_;
  Tail tail_ = Tail::kLineStart;
  uint64_t bytes_added_ = 0;
};

}  // namespace sockfilter
