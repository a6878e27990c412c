// fpgaasd's command line as orchestration written for tritonserver passes it (SuperSONIC's chart,
// Triton's docs): tritonserver flags that fpgaasd has no use for are dropped with one warning
// each, those with an fpgaasd equivalent are rewritten to it, and every --model-repository is
// kept (tritonserver takes several). Flag names arrive normalized (dashes in names turned to
// underscores, as main does). Pure function, thread-safe.
#ifndef FPGAAS_SERVER_TRITON_FLAGS_H_
#define FPGAAS_SERVER_TRITON_FLAGS_H_

#include <string>
#include <vector>

namespace fpgaas {

struct TranslatedFlags {
  std::vector<std::string> args;                // argv for absl (argv[0] kept)
  std::vector<std::string> model_repositories;  // every --model_repository, in order
  std::vector<std::string> warnings;            // one line per dropped or rewritten flag
};

TranslatedFlags TranslateTritonFlags(const std::vector<std::string>& args);

}  // namespace fpgaas

#endif  // FPGAAS_SERVER_TRITON_FLAGS_H_
