//Numpy array shape
#ifndef S3_H_
#define S3_H_

#ifndef __SYNTHESIS__
conv1_bn_scale_t s3[4];
#else
conv1_bn_scale_t s3[4] = {0.81250000, 1.14843750, 1.46484375, 0.57812500};
#endif

#endif
