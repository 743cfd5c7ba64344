// Decompressing ByteSources: gzip (every member of a multi-member file, as logrotate and
// `cat a.gz b.gz` produce) and zstd (every frame). Both wrap the source of the compressed
// bytes and report corrupt, truncated or trailing data as an error that names the input,
// after handing out every byte that could be decoded before it.
#pragma once

#include <memory>

#include "analyzer/byte_source.h"

namespace sockfilter {

std::unique_ptr<ByteSource> MakeGzipSource(std::unique_ptr<ByteSource> compressed);
std::unique_ptr<ByteSource> MakeZstdSource(std::unique_ptr<ByteSource> compressed);

}  // namespace sockfilter
