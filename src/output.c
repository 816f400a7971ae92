/* kpipe — atomic output files (see include/kpipe/output.h). */
#include "kpipe/output.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool fd_write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO; /* no progress: a reason for the message */
            return false;
        }
        p += n;
        len -= (size_t)n;
    }
    return true;
}

bool output_write(const char *path, const char *data, size_t len, kp_error *err)
{
    if (!path || strcmp(path, "-") == 0) {
        if (!fd_write_all(STDOUT_FILENO, data, len)) {
            kp_error_set(err, KP_ERR_OUTPUT, "<stdout>", 0, 0, 0, "cannot write: %s",
                         g_strerror(errno));
            return false;
        }
        return true;
    }
    /* A device or pipe (-o /dev/null, -o /dev/stdout) is written in place:
     * renaming a file over it would replace the device. */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        bool ok = fd >= 0 && fd_write_all(fd, data, len);
        int saved = errno;
        if (fd >= 0 && close(fd) != 0 && ok) {
            saved = errno;
            ok = false;
        }
        if (!ok)
            kp_error_set(err, KP_ERR_OUTPUT, path, 0, 0, 0, "cannot write output: %s",
                         g_strerror(saved));
        return ok;
    }
    char *dir = g_path_get_dirname(path);
    char *base = g_path_get_basename(path);
    char *tmpl = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
    g_free(dir);
    g_free(base);
    /* an interrupt (Ctrl-C on a batch, a CI job cancelled) waits until the
     * temporary file is renamed or removed: none is left behind */
    sigset_t stop, before;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    sigprocmask(SIG_BLOCK, &stop, &before);
    int fd = g_mkstemp_full(tmpl, O_WRONLY | O_CLOEXEC, 0644);
    bool ok = fd >= 0;
    int saved = errno;
    if (ok) {
        ok = fd_write_all(fd, data, len) && fsync(fd) == 0;
        saved = errno;
        ok = (close(fd) == 0) && ok;
        if (ok && rename(tmpl, path) != 0) {
            saved = errno;
            ok = false;
        }
        if (!ok)
            unlink(tmpl);
    }
    sigprocmask(SIG_SETMASK, &before, NULL);
    if (!ok)
        kp_error_set(err, KP_ERR_OUTPUT, path, 0, 0, 0, "cannot write output: %s",
                     g_strerror(saved));
    g_free(tmpl);
    return ok;
}
