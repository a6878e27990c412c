#include "server/frontend/connections.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace fpgaas::frontend {

namespace {

int BindListening(const sockaddr* address, socklen_t length, bool dual_stack, int* error) {
  const int fd = socket(address->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *error = errno;
    return -1;
  }
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (address->sa_family == AF_INET6) {
    const int v6only = dual_stack ? 0 : 1;
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
  }
  if (bind(fd, address, length) != 0 || listen(fd, SOMAXCONN) != 0) {
    *error = errno;
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

absl::StatusOr<std::unique_ptr<TcpAcceptor>> TcpAcceptor::Listen(const std::string& address,
                                                                  int port,
                                                                  OpenConnections* connections) {
  if (port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("port ", port, " is not in 0..65535"));
  }
  absl::string_view host = address;
  if (absl::ConsumePrefix(&host, "[")) absl::ConsumeSuffix(&host, "]");
  int fd = -1;
  int error = 0;
  if (host == "0.0.0.0" || host == "::" || host.empty()) {
    // Every interface: one IPv6 socket that takes IPv4 too, else IPv4 alone.
    sockaddr_in6 any6{};
    any6.sin6_family = AF_INET6;
    any6.sin6_addr = in6addr_any;
    any6.sin6_port = htons(static_cast<uint16_t>(port));
    fd = BindListening(reinterpret_cast<sockaddr*>(&any6), sizeof(any6), true, &error);
    if (fd < 0 && host != "::") {
      sockaddr_in any4{};
      any4.sin_family = AF_INET;
      any4.sin_addr.s_addr = htonl(INADDR_ANY);
      any4.sin_port = htons(static_cast<uint16_t>(port));
      fd = BindListening(reinterpret_cast<sockaddr*>(&any4), sizeof(any4), false, &error);
    }
  } else {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string service = absl::StrCat(port);
    if (const int rc = getaddrinfo(std::string(host).c_str(), service.c_str(), &hints, &found);
        rc != 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot listen on ", address, ":", port, ": ", gai_strerror(rc)));
    }
    for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
      fd = BindListening(a->ai_addr, a->ai_addrlen, false, &error);
    }
    freeaddrinfo(found);
  }
  if (fd < 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", address, ":", port, ": ",
                                               std::strerror(error)));
  }
  sockaddr_storage bound{};
  socklen_t length = sizeof(bound);
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length);
  const int bound_port =
      ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                        : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  return std::unique_ptr<TcpAcceptor>(new TcpAcceptor(fd, bound_port, connections));
}

TcpAcceptor::TcpAcceptor(int fd, int port, OpenConnections* connections)
    : fd_(fd), port_(port), connections_(connections) {
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

TcpAcceptor::~TcpAcceptor() {
  Stop();
  if (wake_fd_ >= 0) close(wake_fd_);
}

void TcpAcceptor::Start(std::function<void(int fd)> handler) {
  handler_ = std::move(handler);
  thread_ = std::thread([this] { AcceptLoop(); });
}

void TcpAcceptor::Stop() {
  if (stopping_.exchange(true)) return;
  if (thread_.joinable()) {
    const uint64_t one = 1;
    (void)!write(wake_fd_, &one, sizeof(one));
    thread_.join();
  }
  close(fd_);
}

void TcpAcceptor::AcceptLoop() {
  pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  int wait_ms = -1;
  while (!stopping_.load()) {
    fds[0].revents = fds[1].revents = 0;
    const int ready = poll(fds, 2, wait_ms);
    wait_ms = -1;
    if (stopping_.load()) break;
    reserve_.Reacquire();
    if (ready <= 0) continue;  // EINTR, or the back-off below ended
    for (;;) {
      const int fd = accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO) continue;
        if (errno == EMFILE || errno == ENFILE) {
          // Out of descriptors: the pending connection is refused (so the queue does not fill
          // with clients that wait forever) and accepting goes on once descriptors are free.
          if (reserve_.RefuseOne(fd_) && connections_ != nullptr) {
            connections_->CountRefused(ConnectionRefusal::kOutOfDescriptors);
          }
          if (!reserve_.held()) {
            wait_ms = 100;  // no reserve either: back off instead of spinning
            break;
          }
          continue;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK) wait_ms = 100;  // ENOBUFS, ENOMEM: back off
        break;
      }
      if (connections_ != nullptr && !connections_->TryAdmit(fd)) {
        // Over the limit: the newest connection is the one refused (its client sees the
        // connection closed: UNAVAILABLE, and retries with back-off).
        close(fd);
        continue;
      }
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      handler_(fd);
    }
  }
}

}  // namespace fpgaas::frontend
