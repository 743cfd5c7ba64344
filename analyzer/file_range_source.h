// FileRangeSource: a ByteSource over the bytes [begin, end) of a regular file that is
// already open, read with pread(), so that several pieces of one file can be read at once,
// each by its own thread (analyze cuts a big log into pieces; analyzer/file_pieces.h says
// where). All the pieces read the one file that was opened, whatever happens to its path
// meanwhile (logrotate renames it, a new file takes its name).
//
//   std::unique_ptr<ByteSource> piece = MakeFileRangeSource(fd, "app.log", begin, end);
//
// The file's own bytes, undecoded: only plain files are cut. `end` past the end of the
// file reads to its end, as a reader of the whole file does, however it has grown since.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "analyzer/byte_source.h"

namespace sockfilter {

inline constexpr uint64_t kToEndOfFile = UINT64_MAX;

// `fd` is borrowed: it must stay open while the source is read. `name` names the file in
// errors.
std::unique_ptr<ByteSource> MakeFileRangeSource(int fd, std::string name, uint64_t begin,
                                                uint64_t end);

}  // namespace sockfilter
