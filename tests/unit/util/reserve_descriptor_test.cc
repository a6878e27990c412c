// ReserveDescriptor: refusing a pending connection when no descriptor is free, and taking a lost
// reserve back once one frees (RLIMIT_NOFILE lowered in this process, restored at the end).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <vector>

#include "gtest/gtest.h"
#include "server/util/open_connections.h"

namespace fpgaas {
namespace {

class ReserveDescriptorTest : public ::testing::Test {
 protected:
  void SetUp() override {
#ifdef __SANITIZE_ADDRESS__
    // UBSan's vptr check needs a descriptor of its own (tests/support/sanitize/README.md).
    GTEST_SKIP() << "the sanitizer runtime cannot run without descriptors";
#endif
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);  // as servers
    address_.sin_family = AF_INET;
    address_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address_);
    ASSERT_EQ(bind(listener_, reinterpret_cast<sockaddr*>(&address_), length), 0);
    ASSERT_EQ(listen(listener_, 16), 0);
    getsockname(listener_, reinterpret_cast<sockaddr*>(&address_), &length);
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &original_), 0);
    rlimit low = original_;
    low.rlim_cur = 64;
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  }
  void TearDown() override {
    for (int fd : taken_) close(fd);
    if (listener_ < 0) return;
    setrlimit(RLIMIT_NOFILE, &original_);
    close(listener_);
  }
  int Connect() {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return fd;
    if (connect(fd, reinterpret_cast<sockaddr*>(&address_), sizeof(address_)) != 0) {
      close(fd);
      return -1;
    }
    taken_.push_back(fd);
    return fd;
  }
  void TakeEveryDescriptor() {
    for (int fd = open("/dev/null", O_RDONLY); fd >= 0; fd = open("/dev/null", O_RDONLY)) {
      taken_.push_back(fd);
    }
  }
  void FreeOne() {
    close(taken_.back());
    taken_.pop_back();
  }

  int listener_ = -1;
  sockaddr_in address_{};
  rlimit original_{};
  std::vector<int> taken_;
};

TEST_F(ReserveDescriptorTest, RefusesAPendingConnectionWithNoDescriptorFree) {
  ReserveDescriptor reserve;
  ASSERT_TRUE(reserve.held());
  ASSERT_GE(Connect(), 0);
  TakeEveryDescriptor();
  EXPECT_LT(accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC), 0);
  EXPECT_TRUE(reserve.RefuseOne(listener_));
  EXPECT_TRUE(reserve.held());
  // Nothing pending: no refusal, the reserve is taken back all the same.
  EXPECT_FALSE(reserve.RefuseOne(listener_));
  EXPECT_TRUE(reserve.held());
}

TEST_F(ReserveDescriptorTest, ALostReserveIsRetakenOnceADescriptorFrees) {
  TakeEveryDescriptor();
  auto reserve = std::make_unique<ReserveDescriptor>();  // nothing free: not held
  EXPECT_FALSE(reserve->held());
  reserve->Reacquire();
  EXPECT_FALSE(reserve->held());
  FreeOne();
  reserve->Reacquire();
  EXPECT_TRUE(reserve->held());
  // And it refuses with it again.
  FreeOne();
  ASSERT_GE(Connect(), 0);
  TakeEveryDescriptor();
  EXPECT_TRUE(reserve->RefuseOne(listener_));
}

}  // namespace
}  // namespace fpgaas
