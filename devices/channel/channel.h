/*
 * The S/370 channels and the ESA/390 channel subsystem, machine-facing
 * side.  One ChannelSubsystem per machine executes channel programs for
 * the units attached to it (devices/unitrec/, devices/dasd/, ...), reads
 * and writes main storage only through dma_read/dma_write, and implements
 * the CPU-facing ChannelIoOps of core/channel_io.h.
 *
 * Set-up by a board:
 *     ChannelSubsystem *css = channel_subsystem_new(m, esa);
 *     channel_subsystem_set_storage_keys(css, keys, storage_size);
 *     machine_add_bus(m, "channel", css);        // units find it at realize
 *     cpu->io = (ChannelIo){&channel_io_ops, css};
 *     channel_subsystem_connect(css, &io_pending_line);
 *     ... units are created with -device 3215,devno=009 etc. ...
 *     channel_ipl(css, 0x00c, err, sizeof err);  // then load the PSW at 0
 */
#ifndef DOPPEL_CHANNEL_H
#define DOPPEL_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/channel_io.h"
#include "core/device.h"

typedef struct ChannelSubsystem ChannelSubsystem;

/* esa: ESA/390 channel subsystem (subchannels, format-1 CCWs allowed);
 * otherwise S/370 channels (SIO ... CLRIO, CSW/CAW). */
ChannelSubsystem *channel_subsystem_new(Machine *m, bool esa);
void channel_subsystem_free(ChannelSubsystem *css);
void channel_subsystem_set_storage_keys(ChannelSubsystem *css, uint8_t *keys, uint64_t size);
/* The line is held at level 1 while any I/O interruption is pending. */
void channel_subsystem_connect(ChannelSubsystem *css, IrqLine *pending);
/* System reset: every subchannel and unit back to its initial state. */
void channel_subsystem_reset(ChannelSubsystem *css);
/* Initial program loading from devno (PoO-370 §4 "Initial Program
 * Loading", PoO-390 §17): runs the IPL channel program into absolute
 * storage at 0 and stores the I/O address / subsystem identification
 * where the architecture says.  The caller then loads the PSW at 0.
 * False with a reason in err when the device is missing or the channel
 * program ends in error. */
bool channel_ipl(ChannelSubsystem *css, uint16_t devno, char *err, size_t errlen);

extern const ChannelIoOps channel_io_ops;

#endif
