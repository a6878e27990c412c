// fpgaas-hls4ml: `fpgaas hls4ml ...` as a standalone program.
#include <iostream>
#include <string>
#include <vector>

#include "client/tools/hls4ml/hls4ml_command.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return fpgaas::RunHls4mlCommand(args, std::cout, std::cerr);
}
