// FileRangeSource: a ByteSource over the bytes [begin, end) of a regular file, read with
// pread(), so that several pieces of one file can be read at once, each by its own thread
// (analyze cuts a big log into pieces; analyzer/file_pieces.h says where).
//
//   Result<std::unique_ptr<ByteSource>> piece = OpenFileRange("app.log", begin, end);
//
// The file's own bytes, undecoded: only plain files are cut. `end` past the end of the
// file reads to its end, as a reader of the whole file does, however it has grown since.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "analyzer/byte_source.h"
#include "analyzer/status.h"

namespace sockfilter {

inline constexpr uint64_t kToEndOfFile = UINT64_MAX;

Result<std::unique_ptr<ByteSource>> OpenFileRange(const std::string& path, uint64_t begin,
                                                  uint64_t end);

}  // namespace sockfilter
