#ifndef COPENBLAS_SHIM_H
#define COPENBLAS_SHIM_H
// Debian installs the OpenBLAS headers under /usr/include/<triplet>/openblas-pthread via pkg-config.
#include <cblas.h>
#endif
