#include "filters/newline_guard.h"

#include <string_view>

namespace sockfilter {

namespace {

// Static: the next stage may keep a view of it until it writes.
constexpr std::string_view kNewline = "\n";

}  // namespace

void NewlineGuard::BeginInput(const InputInfo& input) {
  EndLine();  // in case the input before did not say it ended
  next_->BeginInput(input);
}

void NewlineGuard::EndInput(const InputInfo& input) {
  EndLine();
  next_->EndInput(input);
}

void NewlineGuard::EndLine() {
  if (tail_ == Tail::kInLine) tail_ = Tail::kUnterminated;
}

void NewlineGuard::OnEvent(const Event& event) {
  if (event.raw.empty()) {  // moves the output nowhere
    next_->OnEvent(event);
    return;
  }
  // Within one input only the next piece of an over-long line follows a line left open;
  // a marker there is still one line of its own.
  if (tail_ == Tail::kUnterminated ||
      (tail_ == Tail::kInLine && event.kind == EventKind::kMarker)) {
    WriteNewline(event.input);
  }
  next_->OnEvent(event);
  tail_ = event.raw.back() == '\n' ? Tail::kLineStart : Tail::kInLine;
}

void NewlineGuard::WriteNewline(const InputInfo* input) {
  Event newline;
  newline.raw = kNewline;
  newline.line_count = 0;
  newline.kind = EventKind::kMarker;
  newline.input = input;
  ++bytes_added_;
  next_->OnEvent(newline);
}

}  // namespace sockfilter
