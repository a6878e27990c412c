#include "tests/support/temp_dir.h"

#include <cstdio>
#include <cstdlib>
#include <system_error>

#include "gtest/gtest.h"

namespace fpgaas::testing {

TempDir::TempDir(const std::string& prefix) {
  std::string pattern =
      (std::filesystem::path(::testing::TempDir()) / (prefix + "XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    std::perror(("mkdtemp " + pattern).c_str());
    std::abort();
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace fpgaas::testing
