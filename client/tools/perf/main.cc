// fpgaas-perf: latency and throughput of a KServe v2 model under load.
#include <iostream>

#include "client/tools/perf/perf.h"

int main(int argc, char** argv) {
  return fpgaas::tools::RunPerf(std::vector<std::string>(argv + 1, argv + argc), std::cout,
                                std::cerr);
}
