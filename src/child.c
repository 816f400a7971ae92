/* kpipe — processes kpipe starts end with it (see include/kpipe/child.h). */
#include "kpipe/child.h"
#include <sys/prctl.h>
#include <unistd.h>

bool child_ends_with_parent(pid_t parent, int sig)
{
#ifdef PR_SET_PDEATHSIG
    /* the parent may have ended between fork and prctl: then no signal comes */
    return prctl(PR_SET_PDEATHSIG, sig) == 0 && getppid() == parent;
#else
    (void)sig;
    return getppid() == parent;
#endif
}
