// fpgaas: command-line client for fpgaasd (and any KServe v2 server).
#include <iostream>

#include "client/tools/cli/cli.h"

int main(int argc, char** argv) {
  return fpgaas::tools::RunCli(std::vector<std::string>(argv + 1, argv + argc), std::cout,
                               std::cerr);
}
