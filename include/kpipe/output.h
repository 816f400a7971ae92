/* kpipe — writing outputs so that a failed run loses nothing: the bytes go to
 * a temporary file in the same folder, which is renamed over the target only
 * once it is complete. */
#ifndef KPIPE_OUTPUT_H
#define KPIPE_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "kpipe/error.h"

/* Writes all LEN bytes of DATA to FD, going on after short writes and
 * interruptions; false with errno set on failure. */
bool fd_write_all(int fd, const void *data, size_t len);

/* Writes DATA to PATH, or to standard output when PATH is NULL or "-". */
bool output_write(const char *path, const char *data, size_t len, kp_error *err);

#endif
