/*
 * banned.h - C library functions that make unsafe code easy to write, turned into compile
 * errors (after git's banned.h).
 *
 * The Makefile force-includes this header first in every compilation unit it builds
 * (`-include core/banned.h` in CPPFLAGS_ALL: the library, the commands, the unit tests,
 * the fuzz harnesses), so no file can forget it. A call such as strcpy(d, s) expands to
 * the undeclared identifier sorry_strcpy_is_a_banned_function: a hard error whatever the
 * warning flags. `make lint` proves it each time by compiling a call to every banned
 * function and requiring each to fail with that name.
 *
 * The system headers that declare these functions are included before the macros are
 * defined: their include guards make every later #include of them a no-op, so the macros
 * never reach a declaration, nor the inline wrappers _FORTIFY_SOURCE adds (glibc's
 * bits/string_fortified.h, bits/stdio2.h). The macros are function-like: a name that is
 * not followed by '(' (a struct member, a word in a comment or string) is left alone.
 *
 * Instead of   use
 *   strcpy, strcat, strncpy        struct bs_buf (core/buf.h), or snprintf(dst, n, "%s", src)
 *   sprintf, vsprintf              bs_buf_printf / bs_buf_vprintf, or snprintf (checked)
 *   strtok                         strtok_r
 *   gmtime, localtime              bs_time_format / bs_civil_from_days (core/clock.h), gmtime_r
 *   ctime, asctime                 bs_time_format
 *   gets                           fgets
 */
#ifndef BS_CORE_BANNED_H
#define BS_CORE_BANNED_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define BS_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BS_BANNED(strcpy)
#undef strcat
#define strcat(x, y) BS_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BS_BANNED(strncpy)
#undef sprintf
#define sprintf(...) BS_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BS_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BS_BANNED(strtok)
#undef gmtime
#define gmtime(t) BS_BANNED(gmtime)
#undef localtime
#define localtime(t) BS_BANNED(localtime)
#undef ctime
#define ctime(t) BS_BANNED(ctime)
#undef asctime
#define asctime(t) BS_BANNED(asctime)
#undef gets
#define gets(s) BS_BANNED(gets)

#endif
