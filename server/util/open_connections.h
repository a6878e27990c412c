// The client connections of one listening port counted against a limit, and the reserve
// descriptor that lets a port refuse a connection when the process has run out of descriptors.
// Used by every port fpgaasd accepts itself: gRPC (server/frontend/connections.h), HTTP/REST and
// /metrics (libevent).
//
// Thread-safety: OpenConnections is thread-safe; its refusal hook runs on the refusing thread.
// ReserveDescriptor: one thread (the port's accept thread or event loop).
#ifndef FPGAAS_SERVER_UTIL_OPEN_CONNECTIONS_H_
#define FPGAAS_SERVER_UTIL_OPEN_CONNECTIONS_H_

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace fpgaas {

enum class ConnectionRefusal {
  kLimit,             // the port already had its limit of connections open
  kOutOfDescriptors,  // accept() failed with EMFILE/ENFILE; the reserve descriptor made room
};

// The open connections of one port. A connection is known by its descriptor and the socket's
// inode; it leaves the count when that descriptor no longer names that socket (the transport
// closed it). Closed connections are noticed lazily: only an admission that finds the count at
// the limit checks every counted descriptor (fstat), so admission is O(1) below the limit and
// O(limit) at it.
class OpenConnections {
 public:
  // limit 0 = no limit (nothing is tracked). `on_refused` (may be empty) is told of every refusal,
  // e.g. to count it in a metric.
  explicit OpenConnections(int limit, std::function<void(ConnectionRefusal)> on_refused = {})
      : limit_(limit), on_refused_(std::move(on_refused)) {}

  // Counts `fd` (an accepted socket) and returns true if fewer than the limit are open; false,
  // leaving it uncounted, when the limit is reached: the caller closes it.
  bool TryAdmit(int fd);
  int limit() const { return limit_; }
  // Connections refused so far (by TryAdmit, or counted in by CountRefused).
  int64_t refused() const { return refused_.load(); }
  // A connection the port refused itself (out of descriptors).
  void CountRefused(ConnectionRefusal reason);

 private:
  struct Entry {
    int fd;
    dev_t device;
    ino_t inode;
  };
  const int limit_;
  const std::function<void(ConnectionRefusal)> on_refused_;
  std::atomic<int64_t> refused_{0};
  absl::Mutex mu_;
  std::vector<Entry> open_ ABSL_GUARDED_BY(mu_);
};

// One descriptor (/dev/null) held open so that, when accept() fails with EMFILE or ENFILE, the
// pending connection can still be accepted and closed: its client is told at once instead of
// waiting in the listen queue, and a level-triggered listener does not spin on the same error.
class ReserveDescriptor {
 public:
  ReserveDescriptor();
  ~ReserveDescriptor();
  ReserveDescriptor(const ReserveDescriptor&) = delete;
  ReserveDescriptor& operator=(const ReserveDescriptor&) = delete;

  // Frees the reserve, accepts one pending connection of `listening_fd` and closes it, then takes
  // the reserve again. True when a connection was refused. held() is false afterwards when the
  // reserve could not be taken again (descriptors still exhausted): the caller should back off.
  bool RefuseOne(int listening_fd);
  bool held() const { return fd_ >= 0; }
  // Takes the reserve again if it is not held (a RefuseOne that found no descriptor to take it
  // back with, or another thread took the freed number in between). Callers run it whenever they
  // get a chance (a connection was accepted, a back-off ended): else the reserve stays lost until
  // the next EMFILE, when there is no descriptor left to retake it.
  void Reacquire();

 private:
  int fd_ = -1;
};

}  // namespace fpgaas

#endif  // FPGAAS_SERVER_UTIL_OPEN_CONNECTIONS_H_
