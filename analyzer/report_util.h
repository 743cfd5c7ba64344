// Small formatting helpers shared by the report printers (text, Markdown): numbers with
// thousands separators, durations, word wrapping, and the top-signature order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzer/summary.h"

namespace sockfilter {

std::string WithCommas(uint64_t n);
// "1h 48m", "3d 2h", "42s".
std::string Duration(int64_t ms);
// "30 s", "5 min", "1 h", "1 d".
std::string BucketName(int64_t ms);
// Words of `text` in lines of at most `width` columns. The first line continues the
// caller's prefix of `first_column` columns; the others start with `indent` spaces.
// Counts a UTF-8 character as one column.
std::string Wrap(std::string_view text, size_t width, size_t first_column, size_t indent);
// At most `columns` UTF-8 characters of `text` (escaped already), with "…" when cut.
std::string Fit(std::string_view text, size_t columns);
// Signatures by count (largest first; ties by first appearance), at most `n`.
using SignatureEntry = std::pair<const uint64_t, SignatureStats>;
std::vector<const SignatureEntry*> TopSignatures(const CauseStats& c, size_t n);
// The first line of an event sample.
std::string_view FirstLine(std::string_view sample);

}  // namespace sockfilter
