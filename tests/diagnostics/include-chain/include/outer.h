/* outer */
#include "inner.h"
