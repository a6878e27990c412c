// A temporary folder that a test owns: made fresh (mkdtemp under ::testing::TempDir(), i.e.
// $TEST_TMPDIR or /tmp) and removed with everything in it when the object goes out of scope, so
// that a test run leaves the temporary folder as it found it.
#ifndef FPGAAS_TESTS_SUPPORT_TEMP_DIR_H_
#define FPGAAS_TESTS_SUPPORT_TEMP_DIR_H_

#include <filesystem>
#include <string>

namespace fpgaas::testing {

class TempDir {
 public:
  // <TempDir()>/<prefix>XXXXXX; aborts the test binary when it cannot be made.
  explicit TempDir(const std::string& prefix = "fpgaas_test_");
  ~TempDir();  // removes the folder and its contents (errors ignored)
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::filesystem::path& child) const {
    return path_ / child;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace fpgaas::testing

#endif  // FPGAAS_TESTS_SUPPORT_TEMP_DIR_H_
