// SPDX-License-Identifier: LGPL-2.1-or-later
/* The register/field tables, generated at build time by gen-tables.py. */
#include <stddef.h>
#include "cpumodel-int.h"
#include "cpumodel-tables.h"
