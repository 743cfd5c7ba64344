// The driver of the push pipeline: for each input, source -> line reader -> assembler ->
// `sink` (the first stage of whatever chain the command built).
//
//   PipelineOptions options;
//   PipelineReport report = RunPipeline({"a.log", "b.log.gz"}, rules, options, &sink);
//   for (const Status& error : report.errors) Log(error);   // one per failed input
//
// A live input (pipe, terminal) is read as it grows: before waiting for more bytes the
// sink is told Idle(), and a pending event is passed on after `flush_timeout_ms` without
// input. A shutdown signal ends the input early; the sink still gets Finish().
#pragma once

#include <string>
#include <vector>

#include "analyzer/byte_source.h"
#include "analyzer/event_assembler.h"
#include "analyzer/event_sink.h"
#include "analyzer/line_reader.h"
#include "analyzer/status.h"
#include "rules/rule_loader.h"

namespace sockfilter {

struct PipelineOptions {
  EventLimits limits;
  int flush_timeout_ms = 200;
  LineReader::Options reader;
  // Read an input that is not live on a second thread, which also runs the prefilter over
  // it (analyzer/read_ahead_source.h). The output is the same either way.
  bool read_ahead = false;
  size_t read_ahead_block_bytes = 1 << 20;
};

struct PipelineReport {
  std::vector<Status> errors;  // one per input that could not be read whole
  uint64_t bytes_in = 0;       // decompressed bytes read
  bool stopped = false;        // the sink gave up (stdout closed) or a signal came
  uint64_t tail_headers = 0;   // `==> name <==` lines of `tail` met (each switches state)
};

// Runs one input (a path, or "-" for stdin). Does not call sink->Finish().
void RunInput(const std::string& path, const RuleBook& rules, const PipelineOptions& options,
              EventSink* sink, PipelineReport* report);

// Runs one already opened input (for callers that must open it themselves, e.g. without
// following symlinks). Does not call sink->Finish().
void RunSource(ByteSource* source, const RuleBook& rules, const PipelineOptions& options,
               EventSink* sink, PipelineReport* report);

// Runs every input in order, then calls sink->Finish().
PipelineReport RunPipeline(const std::vector<std::string>& inputs, const RuleBook& rules,
                           const PipelineOptions& options, EventSink* sink);

}  // namespace sockfilter
