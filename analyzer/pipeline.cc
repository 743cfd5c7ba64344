#include "analyzer/pipeline.h"

#include <memory>

#include "analyzer/atom_hit_feed.h"
#include "analyzer/byte_source.h"
#include "analyzer/read_ahead_source.h"
#include "analyzer/shutdown.h"

namespace sockfilter {

namespace {

// On a live input, called when no whole line is buffered: push out what is decided, then
// give the pending event `flush_timeout_ms` to be continued before passing it on.
void WaitForInput(ByteSource* source, EventAssembler* assembler, EventSink* sink,
                  int flush_timeout_ms) {
  sink->Idle();
  if (assembler->has_pending() && !source->WaitReadable(flush_timeout_ms)) {
    assembler->Flush();
    sink->Idle();
  }
}

}  // namespace

void RunInput(const std::string& path, const RuleBook& rules, const PipelineOptions& options,
              EventSink* sink, PipelineReport* report) {
  Result<std::unique_ptr<ByteSource>> source = OpenInput(path);
  if (!source.ok()) {
    report->errors.push_back(source.status());
    return;
  }
  RunSource(source->get(), rules, options, sink, report);
}

void RunSource(ByteSource* source, const RuleBook& rules, const PipelineOptions& options,
               EventSink* sink, PipelineReport* report) {
  std::unique_ptr<AtomHitFeed> feed;
  std::unique_ptr<ReadAheadSource> ahead;
  if (options.read_ahead && !source->live()) {
    if (rules.classifier != nullptr) feed = std::make_unique<AtomHitFeed>(rules.classifier);
    ReadAheadSource::Options ahead_options;
    ahead_options.block_bytes = options.read_ahead_block_bytes;
    ahead = std::make_unique<ReadAheadSource>(source, feed.get(), ahead_options);
    source = ahead.get();
  }
  InputInfo info{source->name(), feed.get()};
  LineReader reader(source, options.reader);
  EventAssembler assembler(rules.multiline, &reader, sink, options.limits, &info);
  sink->BeginInput(info);
  bool live = source->live();
  Line line;
  uint32_t lines = 0;
  for (;;) {
    bool waited = false;
    if (live && !reader.HasBufferedLine()) {
      WaitForInput(source, &assembler, sink, options.flush_timeout_ms);
      waited = true;
    }
    if (!reader.Next(&line)) break;
    assembler.OnLine(line);
    // Checked after a wait and every 256 lines: asking the chain of sinks costs virtual
    // calls per line, and a closed output or a signal only needs noticing soon, not at once.
    if ((waited || (++lines & 255) == 0) && (!sink->ok() || ShutdownRequested())) {
      report->stopped = true;
      break;
    }
  }
  assembler.Flush();
  sink->EndInput(info);
  report->bytes_in += reader.bytes_read();
  report->tail_headers += assembler.tail_headers();
  if (!reader.status().ok()) report->errors.push_back(reader.status());
}

PipelineReport RunPipeline(const std::vector<std::string>& inputs, const RuleBook& rules,
                           const PipelineOptions& options, EventSink* sink) {
  PipelineReport report;
  for (const std::string& path : inputs) {
    RunInput(path, rules, options, sink, &report);
    if (report.stopped) break;
  }
  sink->Finish();
  return report;
}

}  // namespace sockfilter
