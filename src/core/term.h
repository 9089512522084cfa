/*
 * term.h - the width of the terminal that tables wrap to.
 */
#ifndef BS_CORE_TERM_H
#define BS_CORE_TERM_H

#include <stddef.h>

/* $COLUMNS when it is a number from 20 to 1000, else the width of stdout when it is a
 * terminal (TIOCGWINSZ), else 80. */
size_t bs_term_width(void);

#endif
