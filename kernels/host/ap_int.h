// fpgaas' ap_int / ap_uint (see ap_fixed.h: one implementation for every ap type).
#ifndef FPGAAS_KERNELS_HOST_AP_INT_H_
#define FPGAAS_KERNELS_HOST_AP_INT_H_
#include "ap_fixed.h"
#endif  // FPGAAS_KERNELS_HOST_AP_INT_H_
