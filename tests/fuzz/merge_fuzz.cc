// Fuzz target: `sockfilter merge` on arbitrary JSON (ReadSummaryJson, Summary::Merge and
// the report printers).
//
// Invariants, for any text that reads as a summary:
//   - the JSON report of it reads back, and printing that again gives the same text
//     (a fixpoint: nothing is lost or invented between writing and reading);
//   - merging into an empty summary is a fixpoint after the first merge (which may
//     re-bucket a hand-written timeline); a span with last before first is refused;
//   - merging it with itself reads back too (counts add without overflow: UBSan);
//   - the text and Markdown reports hold no control byte but '\n' (no colour asked): a
//     summary from elsewhere cannot drive the reader's terminal.
#include <string>

#include "analyzer/report.h"
#include "analyzer/root_causes.h"
#include "analyzer/summary_json.h"
#include "tests/fuzz/fuzz_util.h"

namespace sockfilter::fuzz {
namespace {

std::string Json(const Summary& summary) {
  return RenderJson(summary, InferRootCauses(summary), ReportOptions());
}

void CheckPrintable(const std::string& report) {
  for (char c : report) FUZZ_CHECK(c == '\n' || static_cast<unsigned char>(c) >= 0x20);
}

}  // namespace
}  // namespace sockfilter::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sockfilter;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<Summary> summary = ReadSummaryJson(text, "fuzz.json");
  if (!summary.ok()) {
    FUZZ_CHECK(summary.status().message().find("fuzz.json") != std::string::npos);
    return 0;
  }
  const std::string json = fuzz::Json(*summary);
  Result<Summary> again = ReadSummaryJson(json, "again.json");
  if (!again.ok()) std::fprintf(stderr, "%s\n", again.status().message().c_str());
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(fuzz::Json(*again) == json);

  // Merging into an empty summary may normalise a file written by hand (a timeline bucket
  // off the ladder is re-bucketed); after that, merging into empty changes nothing.
  Summary merged;
  merged.Merge(*summary);
  const std::string merged_json = fuzz::Json(merged);
  Result<Summary> merged_again = ReadSummaryJson(merged_json, "merged.json");
  FUZZ_CHECK(merged_again.ok());
  Summary remerged;
  remerged.Merge(*merged_again);
  FUZZ_CHECK(fuzz::Json(remerged) == merged_json);
  merged.Merge(*summary);
  FUZZ_CHECK(ReadSummaryJson(fuzz::Json(merged), "twice.json").ok());

  std::vector<RootCause> roots = InferRootCauses(*summary);
  fuzz::CheckPrintable(RenderText(*summary, roots, ReportOptions()));
  fuzz::CheckPrintable(RenderMarkdown(*summary, roots, ReportOptions()));
  return 0;
}
