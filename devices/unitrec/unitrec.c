/* Shared attachment of the unit-record devices (see unitrec.h). */
#include "devices/unitrec/unitrec.h"

#include <stdio.h>

bool unitrec_attach(Device *dev, Machine *m, ChannelUnit *u, const char *devno_text,
                    const ChannelUnitOps *ops)
{
    const char *type = dev->class->name;
    if (!devno_text) {
        fprintf(stderr, "doppel: %s: devno= is required (a device number such as 00c)\n", type);
        return false;
    }
    if (!channel_parse_devno(devno_text, &u->devno)) {
        fprintf(stderr, "doppel: %s: devno '%s' is not 1 to 4 hex digits\n", type, devno_text);
        return false;
    }
    ChannelSubsystem *css = channel_subsystem_of(m);
    if (!css) {
        fprintf(stderr, "doppel: %s: this machine has no channel subsystem\n", type);
        return false;
    }
    u->ops = ops;
    u->opaque = dev;
    char err[128];
    if (!channel_unit_attach(css, u, err, sizeof err)) {
        fprintf(stderr, "doppel: %s: %s\n", type, err);
        return false;
    }
    return true;
}

void unitrec_detach(ChannelUnit *u)
{
    if (u->css) channel_unit_detach(u);
}
