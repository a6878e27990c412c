#include "server/metrics/metrics_endpoint.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "prometheus/exposer.h"
#include "prometheus/registry.h"

namespace fpgaas {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat(what, ": cannot read ", path, " (", std::strerror(errno), ")"));
  }
  std::stringstream content;
  content << in.rdbuf();
  std::string text = content.str();
  if (text.find("-----BEGIN ") == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": ", path, " holds no PEM block"));
  }
  return text;
}

// Compares every byte whatever the first difference (no timing hint about the token).
bool SameToken(const std::string& given, const std::string& expected) {
  unsigned char difference = given.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < given.size(); ++i) {
    difference |= static_cast<unsigned char>(given[i] ^ expected[i % expected.size()]);
  }
  return difference == 0;
}

// An anonymous in-memory file holding `text`, closed on destruction.
class MemoryFile {
 public:
  explicit MemoryFile(const std::string& text) {
    fd_ = memfd_create("fpgaasd-metrics-tls", MFD_CLOEXEC);
    if (fd_ < 0) return;
    size_t written = 0;
    while (written < text.size()) {
      const ssize_t n = write(fd_, text.data() + written, text.size() - written);
      if (n <= 0) {
        close(fd_);
        fd_ = -1;
        return;
      }
      written += static_cast<size_t>(n);
    }
  }
  ~MemoryFile() {
    if (fd_ >= 0) close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  std::string path() const { return absl::StrCat("/proc/self/fd/", fd_); }

 private:
  int fd_ = -1;
};

}  // namespace

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Create(
    MetricsEndpointOptions options) {
  if (options.registry == nullptr) {
    return absl::InvalidArgumentError("MetricsEndpointOptions: registry is required");
  }
  if (options.port < 0 || options.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics port ", options.port, " is not in 0..65535"));
  }
  const bool tls =
      !options.tls_certificate_chain_file.empty() || !options.tls_private_key_file.empty();
  std::string token;
  if (!options.token_file.empty()) {
    std::ifstream in(options.token_file, std::ios::binary);
    if (!in) {
      return absl::NotFoundError(absl::StrCat("metrics token (--metrics-token-file): cannot read ",
                                              options.token_file, " (", std::strerror(errno),
                                              ")"));
    }
    std::stringstream content;
    content << in.rdbuf();
    token = std::string(absl::StripAsciiWhitespace(content.str()));
    bool printable = !token.empty();
    for (char c : token) {
      printable = printable && !absl::ascii_isspace(static_cast<unsigned char>(c)) &&
                  absl::ascii_isprint(static_cast<unsigned char>(c));
    }
    if (!printable) {
      return absl::InvalidArgumentError(absl::StrCat(
          "metrics token (--metrics-token-file): ", options.token_file,
          " must hold one token (printable characters, no whitespace inside)"));
    }
  }
  std::vector<std::string> civet_options = {
      "listening_ports", absl::StrCat(options.address, ":", options.port, tls ? "s" : ""),
      "num_threads", "2"};
  std::unique_ptr<MemoryFile> pem;
  if (tls) {
    if (options.tls_certificate_chain_file.empty() || options.tls_private_key_file.empty()) {
      return absl::InvalidArgumentError(
          "metrics TLS needs both a certificate chain file and a private key file");
    }
    absl::StatusOr<std::string> chain =
        ReadPem(options.tls_certificate_chain_file, "metrics TLS certificate chain");
    if (!chain.ok()) return chain.status();
    absl::StatusOr<std::string> key = ReadPem(options.tls_private_key_file, "metrics TLS key");
    if (!key.ok()) return key.status();
    pem = std::make_unique<MemoryFile>(absl::StrCat(*key, "\n", *chain));
    if (!pem->ok()) {
      return absl::UnavailableError(
          absl::StrCat("metrics TLS: cannot make an in-memory file (", std::strerror(errno), ")"));
    }
    // The key and first certificate from the file, then the whole chain from it.
    civet_options.insert(civet_options.end(),
                         {"ssl_certificate", pem->path(), "ssl_certificate_chain", pem->path(),
                          "ssl_protocol_version", "4"});  // TLS 1.2 and later
  }
  std::unique_ptr<prometheus::Exposer> exposer;
  try {
    exposer = std::make_unique<prometheus::Exposer>(civet_options);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat(
        "cannot serve metrics on ", options.address, ":", options.port, ": ", e.what(),
        tls ? " (with TLS: is libssl.so installed, and do the certificate and key match?)" : ""));
  }
  exposer->RegisterCollectable(options.registry);
  if (!token.empty()) {
    exposer->RegisterAuth(
        [token](const std::string&, const std::string& password) {
          return SameToken(password, token);
        },
        "fpgaasd metrics");
  }
  const std::vector<int> ports = exposer->GetListeningPorts();
  return std::unique_ptr<MetricsEndpoint>(
      new MetricsEndpoint(std::move(exposer), options.address,
                          ports.empty() ? options.port : ports.front(), tls,
                          !token.empty()));
}

MetricsEndpoint::MetricsEndpoint(std::unique_ptr<prometheus::Exposer> exposer,
                                 std::string knock_host, int port, bool tls, bool token_required)
    : exposer_(std::move(exposer)),
      knock_host_(std::move(knock_host)),
      port_(port),
      tls_(tls),
      token_required_(token_required) {}

// civetweb's listening thread looks at its stop flag only between polls of the listening socket
// that last 2 s when nothing connects: destroying an idle Exposer took up to 2 s. Connecting to
// the port ends the poll, so knock until the Exposer is gone.
MetricsEndpoint::~MetricsEndpoint() {
  in_addr knock_address{};
  if (knock_host_ == "0.0.0.0" || inet_pton(AF_INET, knock_host_.c_str(), &knock_address) != 1) {
    knock_address.s_addr = htonl(INADDR_LOOPBACK);
  }
  std::atomic<bool> stopped{false};
  std::thread knocker([&stopped, port = port_, knock_address] {
    while (!stopped.load()) {
      const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (fd >= 0) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<uint16_t>(port));
        address.sin_addr = knock_address;
        connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
        close(fd);
      }
      absl::SleepFor(absl::Milliseconds(10));
    }
  });
  exposer_.reset();
  stopped.store(true);
  knocker.join();
}

}  // namespace fpgaas
