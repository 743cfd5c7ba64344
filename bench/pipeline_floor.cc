// pipeline_floor: what the layers under `analyze` cost on their own, over one log file on
// one thread. Each level adds one layer to the one before and prints its wall time:
//
//   1  read (a 256 KiB read() at a time) and split into lines (LineReader)
//   2  + the multi-line rules: which lines continue an event (MultilineRules::Continues)
//   3  + each event's timestamp (LineClock, JSON time field) for the span
//   4  + the literal prefilter over each event (Classifier::MayMatch)
//
// Together they are a floor for any single-thread design that keeps analyze's exact
// counts (lines, events, span, every event searched), short of classifying, signing and
// counting the events with a hit: bench/classify_vs_rg.sh sets the whole against rg.
//
//   pipeline_floor FILE [RUNS]     # the median of RUNS (default 3) per level
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "analyzer/byte_source.h"
#include "analyzer/json_fields.h"
#include "analyzer/line_clock.h"
#include "analyzer/line_reader.h"
#include "rules/rule_files.h"
#include "rules/rule_loader.h"

namespace sockfilter {
namespace {

struct Counts {
  uint64_t lines = 0, events = 0, timed = 0, candidates = 0;
};

// One pass at `level`; false when the file cannot be read.
bool Pass(const char* path, int level, const RuleBook& rules, Counts* counts) {
  Result<std::unique_ptr<ByteSource>> source = OpenInput(path);
  if (!source.ok()) {
    fprintf(stderr, "pipeline_floor: %s\n", source.status().message().c_str());
    return false;
  }
  const MultilineRules& multiline = *rules.multiline;
  Classifier::Scratch scratch;
  LineClock clock(2024);
  JsonFieldExtractor json(JsonFieldNames::Defaults(), 2024);
  LineReader reader(source->get());
  int state = multiline.record_state();
  uint64_t event_begin = 0;
  std::string_view first;
  auto finish = [&](uint64_t end) {
    if (level >= 3 && !first.empty()) {
      TimeMs t = LooksLikeJsonObject(first) ? json.ScanTime(first) : clock.Time(first);
      counts->timed += t != kNoTime;
    }
    if (level >= 4 && end > event_begin)
      counts->candidates += rules.classifier->MayMatch(reader.View(event_begin, end), &scratch);
  };
  Line line;
  while (reader.Next(&line)) {
    ++counts->lines;
    if (level < 2) continue;
    int next = state;
    if (!line.text.empty() && multiline.Continues(state, line.text, &next)) {
      state = next;
      continue;
    }
    finish(line.offset);
    state = multiline.record_state();
    ++counts->events;
    event_begin = line.offset;
    first = line.text;
    reader.Pin(event_begin);
  }
  finish(reader.bytes_read());
  return reader.status().ok();
}

}  // namespace
}  // namespace sockfilter

int main(int argc, char** argv) {
  using namespace sockfilter;
  if (argc < 2) {
    fprintf(stderr, "usage: pipeline_floor FILE [RUNS]\n");
    return 2;
  }
  const int runs = argc > 2 ? std::max(1, atoi(argv[2])) : 3;
  Result<RuleBook> rules = LoadRuleBook(EmbeddedRuleFiles(), ExampleChecks::kSkipBuiltIn);
  if (!rules.ok()) {
    fprintf(stderr, "pipeline_floor: %s\n", rules.status().message().c_str());
    return 1;
  }
  for (int level = 1; level <= 4; ++level) {
    std::vector<double> seconds;
    Counts counts;
    for (int run = 0; run < runs; ++run) {
      counts = Counts();
      auto start = std::chrono::steady_clock::now();
      if (!Pass(argv[1], level, *rules, &counts)) return 1;
      seconds.push_back(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(seconds.begin(), seconds.end());
    printf("level %d  %.3f s  lines %llu  events %llu  timed %llu  candidates %llu\n", level,
           seconds[seconds.size() / 2], static_cast<unsigned long long>(counts.lines),
           static_cast<unsigned long long>(counts.events),
           static_cast<unsigned long long>(counts.timed),
           static_cast<unsigned long long>(counts.candidates));
  }
  return 0;
}
