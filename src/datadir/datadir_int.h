/* datadir_int.h - what datadir.c, marker.c and test_marker.c share (private to src/datadir). */
#ifndef BS_DATADIR_DATADIR_INT_H
#define BS_DATADIR_DATADIR_INT_H

#include "datadir/datadir.h"
#include "store/store.h"

/* Writes the test mark into a new brokersec.db (init, after bs_testing() was checked). */
int bs_test_mark_write(struct bs_store *s);
/* *marked = 1 when brokersec.db carries the test mark, else 0. */
int bs_test_mark_read(struct bs_store *s, int *marked);
/* Counts a test data directory opened (+1) or freed (-1) in this process. */
void bs_test_mark_count(int delta);
/* Writes the demo mark into a new brokersec.db (init --demo); *marked = 1 when it is there. */
int bs_demo_mark_write(struct bs_store *s);
int bs_demo_mark_read(struct bs_store *s, int *marked);

#endif
