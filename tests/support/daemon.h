// One fpgaasd child process for the e2e tests (header-only): started with flags, its stdout read
// up to the "listening" line, its log kept in a file. FPGAASD (the binary's path) comes from CMake.
#ifndef FPGAAS_TESTS_SUPPORT_DAEMON_H_
#define FPGAAS_TESTS_SUPPORT_DAEMON_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/test_models.h"

#ifndef FPGAASD
#error "FPGAASD (path of the fpgaasd binary) must be defined by CMake"
#endif

namespace fpgaas::testing {

namespace fs = std::filesystem;

// One fpgaasd child process. Its stdout is read until the "listening" line; stderr (the log) goes
// to a file that failing tests print.
class Daemon {
 public:
  explicit Daemon(std::vector<std::string> args) {
    // The HTTP/REST port defaults to 8000: tests running side by side take free ports instead.
    if (std::none_of(args.begin(), args.end(), [](const std::string& a) {
          return a.rfind("--http-port", 0) == 0 || a.rfind("--http_port", 0) == 0;
        })) {
      args.push_back("--http-port=0");
    }
    log_path_ = fs::path(::testing::TempDir()) /
                absl::StrCat("fpgaasd_e2e_", getpid(), "_", counter_++, ".log");
    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      FILE* log = std::fopen(log_path_.c_str(), "w");
      if (log != nullptr) dup2(fileno(log), STDERR_FILENO);
      close(out[0]);
      std::vector<char*> argv;
      std::string binary = FPGAASD;
      argv.push_back(binary.data());
      for (std::string& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      execv(binary.c_str(), argv.data());
      _exit(127);
    }
    close(out[1]);
    stdout_ = fdopen(out[0], "r");
  }

  ~Daemon() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (stdout_ != nullptr) std::fclose(stdout_);
    fs::remove(log_path_);
  }

  // Reads stdout until the listening line; false if the process ended first.
  bool AwaitListening() {
    const std::regex listening("gRPC on [0-9.]+:([0-9]+), metrics on https?://[0-9.]+:([0-9]+)");
    char line[1024];
    while (stdout_ != nullptr && std::fgets(line, sizeof(line), stdout_) != nullptr) {
      std::cmatch match;
      if (std::regex_search(line, match, listening)) {
        listening_line_ = line;
        grpc_port_ = std::stoi(match[1].str());
        metrics_port_ = std::stoi(match[2].str());
        static const std::regex http(", HTTP/REST on [0-9.]+:([0-9]+)");
        if (std::regex_search(line, match, http)) http_port_ = std::stoi(match[1].str());
        return true;
      }
    }
    return false;
  }

  // Sends `signal` and returns the exit code (-1 when killed by a signal).
  int SignalAndWait(int signal) {
    kill(pid_, signal);
    return Wait();
  }
  int Wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    exited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string log() const { return ReadTextFile(log_path_); }
  int grpc_port() const { return grpc_port_; }
  int metrics_port() const { return metrics_port_; }
  int http_port() const { return http_port_; }  // 0 when HTTP is off
  const std::string& listening_line() const { return listening_line_; }

 private:
  static inline int counter_ = 0;
  pid_t pid_ = -1;
  bool exited_ = false;
  FILE* stdout_ = nullptr;
  fs::path log_path_;
  int grpc_port_ = 0;
  int metrics_port_ = 0;
  int http_port_ = 0;
  std::string listening_line_;
};

// The body of an HTTP/1.0 GET to 127.0.0.1:port (headers included); "" when nothing answers.
// `headers`: more request header lines, each ending in "\r\n".
inline std::string HttpGet(int port, const std::string& path, const std::string& headers = "") {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return "";
  }
  const std::string request =
      absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: localhost\r\n", headers, "\r\n");
  if (write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
    close(fd);
    return "";
  }
  std::string response;
  char buffer[65536];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof(buffer))) > 0) response.append(buffer, n);
  close(fd);
  return response;
}

}  // namespace fpgaas::testing

#endif  // FPGAAS_TESTS_SUPPORT_DAEMON_H_
