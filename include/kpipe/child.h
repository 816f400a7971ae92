/* kpipe — processes kpipe starts (page readers, a batch's files, an input
 * read apart): none may outlive the kpipe that started it. */
#ifndef KPIPE_CHILD_H
#define KPIPE_CHILD_H

#include <stdbool.h>
#include <sys/types.h>

/* Called first in a child forked by PARENT: the kernel sends SIG to this
 * process when PARENT ends, however it ends (killed outright, interrupted).
 * False when PARENT has already gone: the child should stop at once. */
bool child_ends_with_parent(pid_t parent, int sig);

#endif
