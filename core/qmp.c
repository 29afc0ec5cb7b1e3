/* Stub until QMP lands (issue 7). */
#include "core/qmp.h"

#include <stdio.h>
#include <string.h>

Qmp *qmp_create(Machine *m, const char *spec, char *err, size_t errlen)
{
    (void)m;
    err[0] = '\0';
    if (!spec || strcmp(spec, "none") == 0) return NULL;
    snprintf(err, errlen, "-qmp %s: QMP is not available yet", spec);
    return NULL;
}

Qmp *qmp_new(Machine *m, Chardev *chr)
{
    (void)m, (void)chr;
    return NULL;
}

void qmp_free(Qmp *q)
{
    (void)q;
}
