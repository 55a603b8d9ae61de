// SPDX-License-Identifier: GPL-2.0
/*
 * The one place that instantiates the tracepoints of trace.h; mailbox.c
 * and ring.c only include the header to call them.
 */
#define CREATE_TRACE_POINTS
#include "trace.h"
