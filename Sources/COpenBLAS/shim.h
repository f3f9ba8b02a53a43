#ifndef COPENBLAS_SHIM_H
#define COPENBLAS_SHIM_H
// Debian installs the OpenBLAS headers under /usr/include/<triplet>/openblas-pthread via pkg-config.
#include <cblas.h>

// A read-prefetch hint, for MnemoLinalg's `Prefetch` (Swift has no prefetch of its own; this is the
// package's one C header, so the hint lives here).
static inline void mnemo_prefetch_read(const void *address) { __builtin_prefetch(address, 0, 3); }
#endif
