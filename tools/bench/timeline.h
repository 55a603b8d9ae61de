/* SPDX-License-Identifier: GPL-2.0 */
/* ipcbench --timeline: occupancy over time (timeline.c). */
#ifndef IPCBENCH_TIMELINE_H
#define IPCBENCH_TIMELINE_H

/* The whole --timeline run: its own options, output and exit status. */
int timeline_main(int argc, char **argv);

#endif
