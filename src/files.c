/* kpipe — what kpipe reads must be a file (see include/kpipe/files.h). */
#include "kpipe/files.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

bool file_is_readable(const char *file, long max_bytes, kp_error *err)
{
    GStatBuf st;
    if (g_stat(file, &st) != 0) {
        kp_error_set(err, KP_ERR_READ, file, 0, 0, 0, "cannot read: %s", g_strerror(errno));
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        kp_error_set(err, KP_ERR_READ, file, 0, 0, 0,
                     "not a regular file (a %s): kpipe reads files",
                     S_ISDIR(st.st_mode) ? "directory" : S_ISFIFO(st.st_mode) ? "pipe" : "device");
        return false;
    }
    if (st.st_size > max_bytes) {
        kp_error_set(err, KP_ERR_LIMIT, file, 0, 0, 0,
                     "%lld bytes, more than kpipe reads (%ld MiB)", (long long)st.st_size,
                     max_bytes / (1024 * 1024));
        return false;
    }
    return true;
}

