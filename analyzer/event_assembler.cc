#include "analyzer/event_assembler.h"

namespace sockfilter {

bool IsBlankLine(std::string_view text) {
  for (char c : text)
    if (c != ' ' && c != '\t' && c != '\r') return false;
  return true;
}

namespace {

// `==> name <==`, as `tail` prints before the lines of each file when given several.
bool IsTailHeader(std::string_view text, std::string_view* name) {
  constexpr std::string_view kOpen = "==> ", kClose = " <==";
  if (text.size() <= kOpen.size() + kClose.size() || text[0] != '=' || text.substr(0, 4) != kOpen ||
      text.substr(text.size() - 4) != kClose)
    return false;
  *name = text.substr(4, text.size() - 8);
  return true;
}

}  // namespace

EventAssembler::EventAssembler(std::shared_ptr<const MultilineRules> rules, LineReader* reader,
                               EventSink* sink, EventLimits limits, const InputInfo* input)
    : rules_(std::move(rules)),
      reader_(reader),
      sink_(sink),
      limits_(limits),
      input_(input),
      state_(rules_->record_state()) {
  event_.input = input_;
}

void EventAssembler::OnLine(const Line& line) {
  if (line.piece) return OnPiece(line);
  std::string_view tail_file;
  if (IsTailHeader(line.text, &tail_file)) return OnTailHeader(line);

  if (IsBlankLine(line.text)) {
    // Undecided blank lines count against the limits too, or a run of them would be held.
    if (pending_.lines > 0 && !FitsLimits(line)) EmitPending();
    if (pending_.lines == 0) {
      // Nothing to continue: the blank line is an event of its own.
      Start(&blanks_, line, EventKind::kBlank);
      Emit(&blanks_);
    } else if (blanks_.lines == 0) {
      Start(&blanks_, line, EventKind::kBlank);
    } else {
      Extend(&blanks_, line);
    }
    UpdatePin();
    return;
  }

  int next = state_;
  bool continues = rules_->Continues(state_, line.text, &next);
  if (continues && pending_.lines > 0 && FitsLimits(line)) {
    if (blanks_.lines > 0) {
      pending_.end = blanks_.end;
      pending_.lines += blanks_.lines;
      blanks_.lines = 0;
    }
    Extend(&pending_, line);
  } else {
    EmitPending();
    // A continuation with no event before it (cut by a limit, a flush timeout, or a tail
    // file switch) still starts an event; it is marked so later stages know.
    Start(&pending_, line, continues ? EventKind::kContinued : EventKind::kRecord);
    if (!continues) next = rules_->record_state();
  }
  state_ = next;
  UpdatePin();
}

bool EventAssembler::FitsLimits(const Line& line) const {
  uint64_t bytes = line.offset + line.raw.size() - pending_.begin;
  return pending_.lines + blanks_.lines + 1 <= limits_.max_lines && bytes <= limits_.max_bytes;
}

void EventAssembler::OnPiece(const Line& line) {
  EmitPending();
  Span piece;
  Start(&piece, line, EventKind::kPiece);
  piece.lines = line.partial ? 0 : 1;  // the line ends with its last piece
  Emit(&piece);
  state_ = rules_->record_state();
  UpdatePin();
}

void EventAssembler::OnTailHeader(const Line& line) {
  std::string_view name;
  IsTailHeader(line.text, &name);
  ++tail_headers_;
  // The blank line tail prints before a header belongs to the header, not to an event.
  Span header = blanks_;
  blanks_.lines = 0;
  Emit(&pending_);
  if (header.lines > 0) {
    Extend(&header, line);
    header.kind = EventKind::kTailHeader;
  } else {
    Start(&header, line, EventKind::kTailHeader);
  }
  Emit(&header);
  tail_states_[current_tail_file_] = state_;
  current_tail_file_ = std::string(name);
  auto it = tail_states_.find(current_tail_file_);
  state_ = it == tail_states_.end() ? rules_->record_state() : it->second;
  UpdatePin();
}

void EventAssembler::Flush() {
  EmitPending();
  UpdatePin();
}

void EventAssembler::EmitPending() {
  Emit(&pending_);
  Emit(&blanks_);
}

void EventAssembler::Start(Span* span, const Line& line, EventKind kind) {
  span->begin = line.offset;
  span->end = line.offset + line.raw.size();
  span->first_line = line.number;
  span->first_line_length = line.partial || line.text.size() >= Event::kUnknownLength
                                ? Event::kUnknownLength
                                : static_cast<uint32_t>(line.text.size());
  span->lines = 1;
  span->kind = kind;
}

void EventAssembler::Extend(Span* span, const Line& line) {
  span->end = line.offset + line.raw.size();
  span->lines += 1;
}

void EventAssembler::Emit(Span* span) {
  if (span->lines == 0 && span->kind != EventKind::kPiece) return;
  // One Event reused for every emit: sinks take it by const reference, so its tags stay
  // empty, and building a fresh one per event (zeroing ~100 bytes) cost more than the rest.
  event_.raw = reader_->View(span->begin, span->end);
  event_.offset = span->begin;
  event_.first_line = span->first_line;
  event_.first_line_length = span->first_line_length;
  event_.line_count = span->lines;
  event_.kind = span->kind;
  sink_->OnEvent(event_);
  span->lines = 0;
}

void EventAssembler::UpdatePin() {
  if (pending_.lines > 0) {
    reader_->Pin(pending_.begin);
  } else if (blanks_.lines > 0) {
    reader_->Pin(blanks_.begin);
  } else {
    reader_->Unpin();
  }
}

}  // namespace sockfilter
