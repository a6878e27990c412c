// fpgaas host nnet library: loading a project's weights (firmware/weights/*.txt: one line of
// comma-separated decimals). Each value is parsed as a double and converted with the weight type's
// own rounding, as the C simulation does. WEIGHTS_DIR names the folder (set by the build).
#ifndef FPGAAS_KERNELS_HOST_NNET_HELPERS_H_
#define FPGAAS_KERNELS_HOST_NNET_HELPERS_H_

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#ifndef WEIGHTS_DIR
#define WEIGHTS_DIR "weights"
#endif

namespace nnet {

template <class T, size_t SIZE>
void load_weights_from_txt(T* w, const char* fname) {
  const std::string path = std::string(WEIGHTS_DIR) + "/" + fname;
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    std::cerr << "fpgaas nnet: cannot read weights " << path << "\n";
    std::abort();
  }
  std::istringstream values(line);
  std::string token;
  size_t i = 0;
  while (std::getline(values, token, ',')) {
    if (i >= SIZE) break;
    w[i++] = T(std::strtod(token.c_str(), nullptr));
  }
  if (i != SIZE) {
    std::cerr << "fpgaas nnet: " << path << " holds " << i << " values, expected " << SIZE << "\n";
    std::abort();
  }
}

// Power-of-two weights: a line of "{sign, exponent}" pairs, e.g. "{1, -1}, {0, 2}". Each field is
// read as an integer and converted to its field's type (ap_uint<1> sign, ap_int<N> exponent),
// which keeps its low bits. fpgaas' importer refuses fields that are not integers.
template <class T, size_t SIZE>
void load_exponent_weights_from_txt(T* w, const char* fname) {
  const std::string path = std::string(WEIGHTS_DIR) + "/" + fname;
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    std::cerr << "fpgaas nnet: cannot read weights " << path << "\n";
    std::abort();
  }
  size_t i = 0, at = 0;
  while (i < SIZE && (at = line.find('{', at)) != std::string::npos) {
    char* end = nullptr;
    const long long sign = std::strtoll(line.c_str() + at + 1, &end, 10);
    const size_t comma = line.find(',', at);
    const long long exponent = std::strtoll(line.c_str() + comma + 1, &end, 10);
    w[i].sign = sign;
    w[i].weight = exponent;
    ++i;
    at = comma;
  }
  if (i != SIZE) {
    std::cerr << "fpgaas nnet: " << path << " holds " << i << " pairs, expected " << SIZE << "\n";
    std::abort();
  }
}

}  // namespace nnet

#endif  // FPGAAS_KERNELS_HOST_NNET_HELPERS_H_
