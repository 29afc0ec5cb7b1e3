/*
 * DASD state that lives for one channel program (file mask, extent,
 * orientation) needs to know where a program ends, which channel_unit.h
 * does not tell a unit.  The unit predicts it the way the channel decides
 * (PoO-370 §13 "Chaining" and "Incorrect Length"): command chaining goes
 * on when the CCW has CC and not CD, the status is channel end and device
 * end (status modifier allowed), and the transfer ended without incorrect
 * length: nothing left in the count and nothing more wanted, unless SLI
 * or an immediate command that moved no data.
 *
 * A program can still end without the unit seeing it (a program check on
 * the next CCW); the next program then starts as a continuation, which
 * only keeps per-program settings one program too long.
 */
#ifndef DOPPEL_DASD_CHAIN_H
#define DOPPEL_DASD_CHAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/channel/channel_unit.h"

/* CCW flags (PoO-370 §13 "Channel Command Word"). */
enum { DASD_CCW_CD = 0x80, DASD_CCW_CC = 0x40, DASD_CCW_SLI = 0x20 };

/* moved: bytes the command moved; short_xfer: the channel moved fewer
 * than the unit offered or asked for. */
static inline bool dasd_chain_continues(ChannelXfer *x, uint8_t cmd, int status, uint32_t moved,
                                        bool short_xfer)
{
    uint8_t flags = channel_xfer_flags(x);
    if (!(flags & DASD_CCW_CC) || (flags & DASD_CCW_CD)) return false;
    if ((status & ~UNIT_STATUS_MODIFIER) != UNIT_CE_DE) return false;
    uint32_t residual = channel_xfer_count(x);
    if (short_xfer && residual) return false; /* a channel error stopped the transfer */
    bool immediate = (cmd & 3) == 3 && moved == 0;
    if (!immediate && (short_xfer || residual) && !(flags & DASD_CCW_SLI)) return false;
    return true;
}

#endif
