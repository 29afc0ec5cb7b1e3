/*
 * What the unit-record devices share: attaching to the machine's channel
 * subsystem at their devno property, with one clear error line.
 */
#ifndef DOPPEL_UNITREC_H
#define DOPPEL_UNITREC_H

#include <stdbool.h>

#include "core/device.h"
#include "devices/channel/channel_unit.h"

/* Parse devno_text, find the "channel" bus of m and attach u there.
 * Prints "doppel: <type>: ..." and returns false on error. */
bool unitrec_attach(Device *dev, Machine *m, ChannelUnit *u, const char *devno_text,
                    const ChannelUnitOps *ops);
/* Detach if attached (finalize). */
void unitrec_detach(ChannelUnit *u);

#endif
