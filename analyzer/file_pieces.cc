#include "analyzer/file_pieces.h"

#include <unistd.h>

#include <cerrno>
#include <string>

#include "analyzer/event_assembler.h"

namespace sockfilter {

namespace {

// The line's text as the line reader gives it: without its "\n" or "\r\n".
std::string_view LineText(std::string_view text, size_t begin, size_t end) {
  if (end > begin && text[end - 1] == '\r') --end;
  return text.substr(begin, end - begin);
}

// Reads up to `size` bytes at `offset`; fewer at the end of the file or on an error.
std::string ReadAt(int fd, uint64_t offset, size_t size) {
  std::string buf(size, '\0');
  size_t got = 0;
  while (got < size) {
    ssize_t n = ::pread(fd, buf.data() + got, size - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  buf.resize(got);
  return buf;
}

}  // namespace

size_t FirstCut(std::string_view text, const MultilineRules& rules) {
  size_t begin = text.find('\n');  // the line `text` starts in is not whole
  while (begin != std::string_view::npos) {
    ++begin;
    const size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) break;  // not whole in `text`
    std::string_view line = LineText(text, begin, end);
    if (!IsBlankLine(line) && !rules.ContinuesInSomeState(line)) return begin;
    begin = end;
  }
  return std::string_view::npos;
}

std::vector<uint64_t> PieceStarts(int fd, uint64_t size, size_t pieces,
                                  const MultilineRules& rules) {
  std::vector<uint64_t> starts = {0};
  for (size_t k = 1; k < pieces; ++k) {
    const uint64_t share = size / pieces * k;
    const std::string text = ReadAt(fd, share, kSearchBytes);
    const size_t cut = FirstCut(text, rules);
    if (cut != std::string_view::npos && share + cut > starts.back()) starts.push_back(share + cut);
  }
  return starts;
}

}  // namespace sockfilter
