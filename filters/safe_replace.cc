#include "filters/safe_replace.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace sockfilter {

namespace {

Status Failed(const char* what) {
  return Status::Error(std::string(what) + ": " + strerror(errno));
}

}  // namespace

std::string DirectoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

Status SafeReplace::Begin(const std::string& target, const struct stat& original, bool keep_times) {
  Abort();
  target_ = target;
  original_ = original;
  keep_times_ = keep_times;
  std::string pattern = DirectoryOf(target) + "/." + BaseName(target) + ".sockfilter-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  fd_ = mkostemp(name.data(), O_CLOEXEC);  // O_EXCL, a fresh unique name, mode 0600
  if (fd_ < 0) return Failed("cannot create a temporary file in its directory");
  temp_path_ = name.data();
  struct stat mine;
  if (fstat(fd_, &mine) != 0) return Failed("cannot stat the temporary file");
  if ((mine.st_uid != original.st_uid || mine.st_gid != original.st_gid) &&
      fchown(fd_, original.st_uid, original.st_gid) != 0) {
    Status s = Status::Error("cannot keep its owner " + std::to_string(original.st_uid) + ":" +
                             std::to_string(original.st_gid) + " (" + strerror(errno) +
                             "); run as root or as the owner");
    Abort();
    return s;
  }
  return Status::Ok();
}

// chown clears set-id bits, so the mode is applied after it (Begin); the times last,
// after every write.
Status SafeReplace::ApplyMetadata() {
  if (fchmod(fd_, original_.st_mode & 07777) != 0) return Failed("cannot set the mode");
  struct timespec times[2] = {original_.st_atim, original_.st_mtim};
  if (keep_times_ && futimens(fd_, times) != 0) return Failed("cannot set the times");
  return Status::Ok();
}

Status SafeReplace::SyncDirectory() {
  int dir = ::open(DirectoryOf(target_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return Failed("cannot open the directory to sync it");
  int rc = fsync(dir);
  int saved = errno;
  ::close(dir);
  errno = saved;
  return rc == 0 ? Status::Ok() : Failed("directory fsync failed");
}

Status SafeReplace::Commit(const std::string& final_name) {
  if (fd_ < 0) return Status::Error("nothing to commit");
  Status s = ApplyMetadata();
  if (!s.ok()) return s;
  if (fsync(fd_) != 0) return Failed("fsync failed");
  int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0) return Failed("close failed");
  bool same = final_name == target_;
  // A new name must not replace a file that is already there (say app.log.1.gz beside
  // app.log.1): that file would be lost.
  rc = same ? rename(temp_path_.c_str(), final_name.c_str())
            : renameat2(AT_FDCWD, temp_path_.c_str(), AT_FDCWD, final_name.c_str(),
                        RENAME_NOREPLACE);
  if (rc != 0) return Failed(same ? "rename failed" : ("cannot create " + final_name).c_str());
  temp_path_.clear();
  s = SyncDirectory();
  if (!s.ok() || same) return s;
  if (unlink(target_.c_str()) != 0) return Failed("cannot remove the old name");
  return SyncDirectory();
}

void SafeReplace::Abort() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!temp_path_.empty()) unlink(temp_path_.c_str());
  temp_path_.clear();
}

}  // namespace sockfilter
