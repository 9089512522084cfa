/* init_demo.h - `brokersec init --demo`: fills the demo data directory init has just made
 * (src/demo, datadir.h "demo data directories") and says what it made. */
#ifndef BS_CMD_INIT_DEMO_H
#define BS_CMD_INIT_DEMO_H

#include "cmd/cmd.h"

/* Opens the new demo directory at path, fills it (bs_demo_fill) as the OS user and prints a
 * summary; 0, or 1 after printing the error and what to do. */
int bs_cli_init_demo(struct bs_cli *cli, const char *path);

#endif
