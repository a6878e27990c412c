// Internal to fpgaasd's frontends: the gRPC port's own accept loop (its connections counted against
// a limit: server/util/open_connections.h).
//
// Why fpgaasd accepts the gRPC port itself: gRPC 1.51 has no connection limit
// (GRPC_ARG_MAX_ALLOWED_INCOMING_CONNECTIONS came in a later release), and its listener stops for
// good on the first accept4() error other than EAGAIN/EINTR: in src/core/lib/iomgr/
// tcp_server_posix.cc, on_read() logs "Failed accept4: Too many open files" and jumps to `error`,
// which never re-arms the listener's read notification, so after one EMFILE the port is dead
// until the process restarts (measured on a gRPC server of its own: after EMFILE and every
// connection closed, a new one was never accepted). TcpAcceptor accepts instead,
// refuses (closes) the newest connection once `max_connections` are open, recovers from EMFILE
// with a reserve descriptor, and hands every admitted connection to gRPC through ServerBuilder's
// external connection acceptor (same credentials, channel arguments and resource quota as a port
// gRPC binds itself). One thing gRPC's own listener did is lost: it dropped new connections while
// the ResourceQuota reported high memory pressure (gRPC 1.51 has no public call to ask it); the
// connection limit stands in.
//
// Thread-safety: Start/Stop from one thread; the handler runs on the accept thread.
#ifndef FPGAAS_SERVER_FRONTEND_CONNECTIONS_H_
#define FPGAAS_SERVER_FRONTEND_CONNECTIONS_H_

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "server/util/open_connections.h"

namespace fpgaas::frontend {

// A listening TCP socket with its own accept thread. Admitted connections (non-blocking,
// close-on-exec, TCP_NODELAY) go to `handler`, which owns them from then on.
class TcpAcceptor {
 public:
  // Binds and listens (no thread yet). `address` is an IPv4 or IPv6 literal (brackets allowed) or a
  // host name; "0.0.0.0" and "::" listen on every interface, IPv4 and IPv6, as gRPC does.
  // UNAVAILABLE when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<TcpAcceptor>> Listen(const std::string& address, int port,
                                                             OpenConnections* connections);
  ~TcpAcceptor();  // Stop()

  int port() const { return port_; }
  int listening_fd() const { return fd_; }
  // Starts the accept thread.
  void Start(std::function<void(int fd)> handler);
  // Stops accepting and closes the listening socket (connections already handed over stay).
  // Idempotent.
  void Stop();

 private:
  TcpAcceptor(int fd, int port, OpenConnections* connections);
  void AcceptLoop();

  const int fd_;  // listening socket
  const int port_;
  OpenConnections* const connections_;
  int wake_fd_ = -1;     // eventfd: Stop wakes the accept thread's poll
  ReserveDescriptor reserve_;  // makes room for one accept when out of descriptors
  std::function<void(int fd)> handler_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
};

}  // namespace fpgaas::frontend

#endif  // FPGAAS_SERVER_FRONTEND_CONNECTIONS_H_
