// A slow, independent, exact reference of the numerics: fixed-point conversion on GMP rationals
// and a scalar executor of a NetworkSpec that follows hls4ml's nnet_utils line by line. It shares
// nothing with server/numerics/*.cc beyond the spec structs, so tests can hold the fast executor
// (and the importer's networks) against it bit for bit. Library target: fpgaas_reference_network.
#ifndef FPGAAS_TESTS_UNIT_NUMERICS_REFERENCE_NETWORK_H_
#define FPGAAS_TESTS_UNIT_NUMERICS_REFERENCE_NETWORK_H_

#include <gmpxx.h>

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "server/numerics/fixed_point.h"
#include "server/numerics/network.h"

namespace fpgaas::numerics::reference {

// The stored integer of `type` that the exact value x becomes (quantize, then overflow), written
// from HLS4ML.md and Xilinx's overflow_adjust. Signed types: two's complement value; unsigned:
// the non-negative value.
mpz_class ConvertExact(const FixedType& type, const mpq_class& x);
// The same for the exact value m * 2^e (integer arithmetic only; ConvertExact uses it for every
// dyadic x, so the exhaustive conversion tests cover it).
mpz_class ConvertDyadic(const FixedType& type, const mpz_class& m, long e);
// Real value of a stored integer.
mpq_class ValueOf(const FixedType& type, const mpz_class& raw);
// A raw int64 as the fast path stores it (sign-extended; unsigned 64-bit as its bit pattern).
mpz_class RawToMpz(const FixedType& type, int64_t raw);

// Runs one sample. `input_raw` are raw values of spec.input_type; returns the raw outputs of the
// last layer (int64 as the fast path stores them). Every layer's raw outputs go to `trace` if set.
absl::StatusOr<std::vector<int64_t>> ReferenceRunRaw(
    const NetworkSpec& spec, const std::vector<int64_t>& input_raw,
    std::vector<std::vector<int64_t>>* trace = nullptr);
// Any network (several inputs/outputs, the graph layers): one vector of raws per input, in
// spec.inputs order (or the single input); returns one per output.
absl::StatusOr<std::vector<std::vector<int64_t>>> ReferenceRunGraph(
    const NetworkSpec& spec, const std::vector<std::vector<int64_t>>& inputs,
    std::vector<std::vector<int64_t>>* trace = nullptr);
// Same with inputs given as real numbers, converted into the input type first (as float -> input_t
// would, when the values are floats), and outputs as doubles.
absl::StatusOr<std::vector<double>> ReferenceRun(const NetworkSpec& spec,
                                                 const std::vector<double>& input_values);

}  // namespace fpgaas::numerics::reference

#endif  // FPGAAS_TESTS_UNIT_NUMERICS_REFERENCE_NETWORK_H_
