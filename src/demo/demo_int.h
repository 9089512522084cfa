/* demo_int.h - what the files of src/demo share (private to the module). */
#ifndef BS_DEMO_DEMO_INT_H
#define BS_DEMO_DEMO_INT_H

#include <stdint.h>

struct bs_datadir;

/* Writes a made-up host's files into <datadir>/demo-host/, scans them with the built-in
 * policy, saves the scan against system (and device; decimal ids as text) and removes the
 * files again; *id the saved scan. */
int bs_demo__scan(struct bs_datadir *dd, const char *system, const char *device, int64_t *id);

#endif
