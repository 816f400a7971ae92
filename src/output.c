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

/* An output being written: to standard output, in place (a device or a
 * pipe: renaming a file over it would replace the device), or to a
 * temporary file in the target's folder renamed over it once complete. */
struct kp_output {
    char *path;      /* as given; NULL for standard output */
    char *temporary; /* the temporary file, or NULL */
    int fd;
    int error;       /* errno of the first failure, 0 while none */
    sigset_t before; /* the signal mask to restore */
};

kp_output *output_open(const char *path, kp_error *err)
{
    kp_output *o = g_new0(kp_output, 1);
    if (!path || strcmp(path, "-") == 0) {
        o->fd = STDOUT_FILENO;
        return o;
    }
    o->path = g_strdup(path);
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        o->fd = open(path, O_WRONLY | O_CLOEXEC);
    } else {
        char *dir = g_path_get_dirname(path);
        char *base = g_path_get_basename(path);
        o->temporary = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
        g_free(dir);
        g_free(base);
        /* an interrupt (Ctrl-C on a batch, a CI job cancelled) waits until
         * the temporary file is renamed or removed: none is left behind */
        sigset_t stop;
        sigemptyset(&stop);
        sigaddset(&stop, SIGINT);
        sigaddset(&stop, SIGTERM);
        sigaddset(&stop, SIGHUP);
        sigprocmask(SIG_BLOCK, &stop, &o->before);
        o->fd = g_mkstemp_full(o->temporary, O_WRONLY | O_CLOEXEC, 0644);
        if (o->fd < 0)
            sigprocmask(SIG_SETMASK, &o->before, NULL);
    }
    if (o->fd < 0) {
        kp_error_set(err, KP_ERR_OUTPUT, path, 0, 0, 0, "cannot write output: %s",
                     g_strerror(errno));
        g_free(o->path);
        g_free(o->temporary);
        g_free(o);
        return NULL;
    }
    return o;
}

bool output_append(kp_output *o, const char *data, size_t len)
{
    if (!o->error && !fd_write_all(o->fd, data, len))
        o->error = errno;
    return !o->error;
}

bool output_close(kp_output *o, bool keep, kp_error *err)
{
    if (o->fd != STDOUT_FILENO) {
        if (keep && !o->error && o->temporary && fsync(o->fd) != 0)
            o->error = errno;
        if (close(o->fd) != 0 && !o->error)
            o->error = errno;
    }
    if (o->temporary) {
        if (keep && !o->error && rename(o->temporary, o->path) != 0)
            o->error = errno;
        if (!keep || o->error)
            unlink(o->temporary);
        sigprocmask(SIG_SETMASK, &o->before, NULL);
    }
    bool ok = !o->error;
    if (!ok)
        kp_error_set(err, KP_ERR_OUTPUT, o->path ? o->path : "<stdout>", 0, 0, 0,
                     o->path ? "cannot write output: %s" : "cannot write: %s",
                     g_strerror(o->error));
    g_free(o->path);
    g_free(o->temporary);
    g_free(o);
    return ok;
}

bool output_write(const char *path, const char *data, size_t len, kp_error *err)
{
    kp_output *o = output_open(path, err);
    if (!o)
        return false;
    output_append(o, data, len);
    return output_close(o, true, err);
}
