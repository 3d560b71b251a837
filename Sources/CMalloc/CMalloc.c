// The header is the whole point of this target; SwiftPM wants one source file.
#include "CMalloc.h"
