/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IPCCHAN_SUBCOMMANDS_H
#define IPCCHAN_SUBCOMMANDS_H

extern const char *prog_name;

int info_main(int argc, char *argv[]);
int mbox_main(int argc, char *argv[]);
int ring_main(int argc, char *argv[]);
int list_main(int argc, char *argv[]);
int show_main(int argc, char *argv[]);
int monitor_main(int argc, char *argv[]);
int top_main(int argc, char *argv[]);

#endif
