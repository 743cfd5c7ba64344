#include "analyzer/pipe_size.h"

#include <fcntl.h>
#include <sys/stat.h>

namespace sockfilter {

void EnlargePipe(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode)) return;
#ifdef F_SETPIPE_SZ
  fcntl(fd, F_SETPIPE_SZ, 1 << 20);
#endif
}

}  // namespace sockfilter
