// Helpers shared by the hls4ml importer/CLI tests: scratch copies of fixture projects, text edits,
// and line lookups so that error-location assertions do not hard-code line numbers.
#ifndef FPGAAS_TESTS_UNIT_HLS4ML_TEST_UTIL_H_
#define FPGAAS_TESTS_UNIT_HLS4ML_TEST_UTIL_H_

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace fpgaas::testing_hls4ml {

inline std::filesystem::path FixturesDir() { return FPGAAS_HLS4ML_FIXTURES; }
inline std::filesystem::path ModelsDir() { return FPGAAS_EXAMPLE_MODELS; }

inline std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline void WriteText(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// A fresh scratch directory under the test's temp dir.
inline std::filesystem::path ScratchDir(const std::string& tag) {
  static std::atomic<int> counter{0};
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  // One folder per test binary, removed (with every scratch folder in it) when the binary exits.
  static const fpgaas::testing::TempDir root("hls4ml_test_");
  std::filesystem::path dir = root.path() / ("hls4ml_" + std::string(info ? info->name() : "x") +
                                             "_" + tag + "_" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Copies fixture `name` into a scratch directory and returns the copy's root.
inline std::filesystem::path CopyFixture(const std::string& name) {
  std::filesystem::path dst = ScratchDir(name) / name;
  std::filesystem::copy(FixturesDir() / name, dst, std::filesystem::copy_options::recursive);
  return dst;
}

// Replaces the first occurrence of `from` (which must exist) in the file.
inline void ReplaceInFile(const std::filesystem::path& path, const std::string& from,
                          const std::string& to) {
  std::string text = ReadText(path);
  size_t pos = text.find(from);
  ASSERT_NE(pos, std::string::npos) << "'" << from << "' not in " << path;
  text.replace(pos, from.size(), to);
  WriteText(path, text);
}

// 1-based number of the first line of `path` containing `needle`; 0 if none.
inline int LineOf(const std::filesystem::path& path, const std::string& needle) {
  std::ifstream in(path);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.find(needle) != std::string::npos) return n;
  }
  return 0;
}

}  // namespace fpgaas::testing_hls4ml

#endif  // FPGAAS_TESTS_UNIT_HLS4ML_TEST_UTIL_H_
