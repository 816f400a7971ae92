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

/* The same a piece at a time: open, append, close. NULL with ERR set when
 * PATH cannot be written. */
typedef struct kp_output kp_output;
kp_output *output_open(const char *path, kp_error *err);
/* False once a write failed (the failure is said at output_close). */
bool output_append(kp_output *o, const char *data, size_t len);
/* Ends O and frees it: KEEP puts the file in place (renamed over PATH);
 * otherwise, or after a failure, nothing of it is left. False with ERR set
 * when a write failed. */
bool output_close(kp_output *o, bool keep, kp_error *err);

#endif
