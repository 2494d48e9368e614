// Debian installs cblas.h under /usr/include/<triplet>/ via update-alternatives (OpenBLAS or reference BLAS).
#include <cblas.h>
