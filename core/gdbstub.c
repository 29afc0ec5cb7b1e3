/* Stub until the gdbstub lands (issue 7). */
#include "core/gdbstub.h"

#include <stdio.h>
#include <string.h>

GdbStub *gdbstub_create(Machine *m, const char *spec, char *err, size_t errlen)
{
    (void)m;
    err[0] = '\0';
    if (!spec || strcmp(spec, "none") == 0) return NULL;
    snprintf(err, errlen, "-gdb %s: the gdbstub is not available yet", spec);
    return NULL;
}

GdbStub *gdbstub_new(Machine *m, Chardev *chr)
{
    (void)m, (void)chr;
    return NULL;
}

void gdbstub_free(GdbStub *gdb)
{
    (void)gdb;
}
