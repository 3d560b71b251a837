// glibc's allocator tuning (malloc.h is not in Swift's Glibc module).
#pragma once
#ifdef __linux__
#include <malloc.h>
#endif
