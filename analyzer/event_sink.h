// EventSink: one stage of the push pipeline
//
//   source -> lines -> events -> classify -> filters -> output
//
// The assembler pushes events into the first sink; a stage that transforms or filters
// events wraps the next one and forwards to it. Sinks that write (stdout, a report) are at
// the end. Each call may fail only by recording the failure for the driver to read
// (see ok()): processing stages never print.
#pragma once

#include "analyzer/event.h"
#include "analyzer/status.h"

namespace sockfilter {

class EventSink {
 public:
  virtual ~EventSink() = default;

  virtual void BeginInput(const InputInfo& /*input*/) {}
  virtual void OnEvent(const Event& event) = 0;
  virtual void EndInput(const InputInfo& /*input*/) {}
  // The input is quiet (a live stream is waiting): push out whatever is buffered.
  virtual void Idle() {}
  // End of all input, or a shutdown signal: write what is left.
  virtual void Finish() {}

  // False once the sink cannot go on (stdout closed, disk full); the driver stops reading.
  virtual bool ok() const { return true; }
};

}  // namespace sockfilter
