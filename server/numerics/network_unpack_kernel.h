// Private to server/numerics: UnpackBlock / UnpackBlock32 (network_kernels.cc) for 2-byte
// containers as an explicit vector kernel (network_unpack_lanes.h, built for AVX-512F and for
// AVX2): tiles of 8 samples x 8
// features, one 16-byte load per sample, an 8x8 transpose of the 16-bit words, then sign or zero
// extension from the type's width. The scalar transpose stores one value per loop iteration; types
// of at most 16 bits (most hls4ml inputs) are unpacked a tile at a time.
#ifndef FPGAAS_SERVER_NUMERICS_NETWORK_UNPACK_KERNEL_H_
#define FPGAAS_SERVER_NUMERICS_NETWORK_UNPACK_KERNEL_H_

#include <cstdint>

#include "server/numerics/fixed_point.h"

namespace fpgaas::numerics::internal {

// Unpacks samples [0, done) of `count` packed samples (n_features containers of 2 bytes each, a
// type of width <= 16) into x[f * lanes + b] (UnpackRaw's raws) and returns done, a multiple of 8;
// the caller unpacks samples [done, count). Returns 0 (nothing written) when this build or CPU
// has no such instruction set, the containers are not 2 bytes or lanes is not a multiple of 8.
// Reads no byte at or past in + count * n_features * 2.
int UnpackWordsAvx512(const FixedType& type, const uint8_t* in, int n_features, int count,
                      int lanes, int64_t* x);
int UnpackWordsAvx512(const FixedType& type, const uint8_t* in, int n_features, int count,
                      int lanes, int32_t* x);
int UnpackWordsAvx2(const FixedType& type, const uint8_t* in, int n_features, int count, int lanes,
                    int64_t* x);
int UnpackWordsAvx2(const FixedType& type, const uint8_t* in, int n_features, int count, int lanes,
                    int32_t* x);

}  // namespace fpgaas::numerics::internal

#endif  // FPGAAS_SERVER_NUMERICS_NETWORK_UNPACK_KERNEL_H_
