/* kpipe — checks before a file is read: a pipe, device or directory could
 * block or never end, and a file far larger than any plan is none. */
#ifndef KPIPE_FILES_H
#define KPIPE_FILES_H

#include <stdbool.h>

#include "kpipe/error.h"

/* Is FILE a regular file of at most MAX_BYTES? ERR set (exit 2) when not. */
bool file_is_readable(const char *file, long max_bytes, kp_error *err);

#endif
