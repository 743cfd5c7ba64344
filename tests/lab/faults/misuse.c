// misuse: a small server-side program with two descriptor bugs, each committed COUNT
// times on loopback, logging every failure as a C daemon does (time, name[pid], the call,
// strerror):
//
//   misuse ebadf COUNT LOG     sends on a connected socket it has already closed (EBADF)
//   misuse enotconn COUNT LOG  reads from its listening socket instead of the accepted
//                              one (ENOTCONN)
//
// Prints the number of failures it logged, which is the number of faults injected.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static FILE* log_file;

// ISO 8601 UTC with milliseconds, as the log's first field.
static void Stamp(char* out, size_t size) {
  struct timeval tv;
  gettimeofday(&tv, NULL);
  struct tm tm;
  gmtime_r(&tv.tv_sec, &tm);
  size_t n = strftime(out, size, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(out + n, size - n, ".%03ldZ", (long)(tv.tv_usec / 1000));
}

static void LogFailure(const char* call, int fd, const char* what, int err) {
  char when[40];
  Stamp(when, sizeof when);
  fprintf(log_file, "%s misuse[%d]: %s(fd=%d) %s failed: %s\n", when, (int)getpid(), call, fd, what,
          strerror(err));
  fflush(log_file);
}

static int Listener(struct sockaddr_in* addr) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  socklen_t len = sizeof *addr;
  memset(addr, 0, sizeof *addr);
  addr->sin_family = AF_INET;
  addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || bind(fd, (struct sockaddr*)addr, sizeof *addr) != 0 || listen(fd, 8) != 0 ||
      getsockname(fd, (struct sockaddr*)addr, &len) != 0) {
    perror("misuse: listener");
    exit(1);
  }
  return fd;
}

// Connects to the listener, accepts, closes the accepted socket and then sends on it.
static int SendAfterClose(int listener, const struct sockaddr_in* addr) {
  int client = socket(AF_INET, SOCK_STREAM, 0);
  if (client < 0 || connect(client, (const struct sockaddr*)addr, sizeof *addr) != 0) return 0;
  int conn = accept(listener, NULL, NULL);
  if (conn < 0) return close(client), 0;
  close(conn);
  int failed = send(conn, "bye\n", 4, MSG_NOSIGNAL) < 0 && errno == EBADF;
  if (failed) LogFailure("send", conn, "on a closed connection", EBADF);
  close(client);
  return failed;
}

// Reads from the listening socket, as if it were the accepted connection.
static int ReadListener(int listener) {
  char buf[64];
  int failed = recv(listener, buf, sizeof buf, 0) < 0 && errno == ENOTCONN;
  if (failed) LogFailure("recv", listener, "reading the request", ENOTCONN);
  return failed;
}

int main(int argc, char** argv) {
  if (argc != 4 || (strcmp(argv[1], "ebadf") != 0 && strcmp(argv[1], "enotconn") != 0)) {
    fprintf(stderr, "usage: misuse ebadf|enotconn COUNT LOG\n");
    return 2;
  }
  int count = atoi(argv[2]);
  log_file = fopen(argv[3], "a");
  if (log_file == NULL) return perror("misuse: log"), 1;
  struct sockaddr_in addr;
  int listener = Listener(&addr);
  int logged = 0;
  for (int i = 0; i < count && i < 10000; ++i)
    logged +=
        strcmp(argv[1], "ebadf") == 0 ? SendAfterClose(listener, &addr) : ReadListener(listener);
  close(listener);
  fclose(log_file);
  printf("%d\n", logged);
  return 0;
}
