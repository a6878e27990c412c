#include "server/util/open_connections.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

namespace fpgaas {

bool OpenConnections::TryAdmit(int fd) {
  if (limit_ <= 0) return true;
  struct stat st {};
  if (fstat(fd, &st) != 0) return false;
  {
    absl::MutexLock lock(&mu_);
    if (static_cast<int>(open_.size()) >= limit_) {
      // Drop the connections whose descriptor was closed (or now names another file).
      open_.erase(std::remove_if(open_.begin(), open_.end(),
                                 [](const Entry& e) {
                                   struct stat now {};
                                   return fstat(e.fd, &now) != 0 || now.st_dev != e.device ||
                                          now.st_ino != e.inode;
                                 }),
                  open_.end());
    }
    if (static_cast<int>(open_.size()) < limit_) {
      open_.push_back(Entry{fd, st.st_dev, st.st_ino});
      return true;
    }
  }
  CountRefused(ConnectionRefusal::kLimit);
  return false;
}

void OpenConnections::CountRefused(ConnectionRefusal reason) {
  refused_.fetch_add(1);
  if (on_refused_) on_refused_(reason);
}

ReserveDescriptor::ReserveDescriptor() : fd_(open("/dev/null", O_RDONLY | O_CLOEXEC)) {}

ReserveDescriptor::~ReserveDescriptor() {
  if (fd_ >= 0) close(fd_);
}

void ReserveDescriptor::Reacquire() {
  if (fd_ < 0) fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

bool ReserveDescriptor::RefuseOne(int listening_fd) {
  if (fd_ >= 0) {
    close(fd_);
    fd_ = -1;
  }
  const int fd = accept4(listening_fd, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd >= 0) close(fd);
  fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
  return fd >= 0;
}

}  // namespace fpgaas
