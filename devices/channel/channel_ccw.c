/*
 * Channel-program execution, common to the S/370 channels (PoO-370 §13
 * "Channel Command Word", "Chaining", "Conclusion of Input/Output
 * Operations") and the ESA/390 channel subsystem (PoO-390 §15-16).
 *
 * A program runs synchronously from the starting instruction until it
 * ends, a unit has to wait, it is suspended, or it has executed a slice
 * of CCWs (a guest loop of TICs must not hang the host; the rest runs
 * from a timer).  Data chaining happens inside the transfer calls of
 * channel_unit.h, so a unit sees one command however its data is split.
 */
#include <string.h>

#include "core/log.h"
#include "devices/channel/channel_internal.h"

#define CHANNEL_SLICE_CCWS 4096
#define IDA_BLOCK          0x800u /* PoO-370 §13 "Channel Indirect Data Addressing": 2 KiB */

typedef enum { CCW_OK, CCW_FAILED, CCW_SUSPENDED } CcwResult;

static void run(Subchannel *sch);

bool channel_working(const Subchannel *sch)
{
    return sch->ac & (AC_SUBCHANNEL_ACTIVE | AC_DEVICE_ACTIVE | AC_SUSPENDED);
}

static bool fail(Subchannel *sch, uint8_t cstat)
{
    sch->cstat |= cstat;
    return false;
}

static CcwResult ccw_fail(Subchannel *sch, uint8_t cstat)
{
    sch->cstat |= cstat;
    return CCW_FAILED;
}

/* Fetch the CCW at next_ccw in either format, following one TIC
 * ("Transfer in Channel": no TIC to TIC, doubleword-aligned target). */
static bool fetch_ccw(Subchannel *sch, uint32_t *at, uint8_t *cmd, uint8_t *flags, uint16_t *count,
                      uint32_t *data)
{
    ChannelSubsystem *css = sch->css;
    bool after_tic = false;
    uint32_t tic_at = 0;
    for (;;) {
        uint32_t a = sch->next_ccw;
        uint8_t ccw[8];
        uint32_t done;
        uint8_t st =
            (a & 7) ? CHN_PROGRAM_CHECK : channel_storage(css, a, ccw, 8, sch->key, false, &done);
        if (st) {
            sch->ccw_addr = (after_tic ? tic_at : a) + 8;
            return fail(sch, st);
        }
        *cmd = ccw[0];
        if (sch->fmt1) {
            *flags = ccw[1];
            *count = (uint16_t)(ccw[2] << 8 | ccw[3]);
            *data = channel_get32(ccw + 4);
        } else {
            *data = (uint32_t)ccw[1] << 16 | (uint32_t)ccw[2] << 8 | ccw[3];
            *flags = ccw[4];
            *count = (uint16_t)(ccw[6] << 8 | ccw[7]);
        }
        bool tic = sch->fmt1 ? *cmd == 0x08 : (*cmd & 0x0f) == 0x08;
        if (!tic) {
            *at = a;
            sch->ccw_addr = a + 8;
            sch->next_ccw = a + 8;
            return true;
        }
        if (after_tic || (sch->fmt1 && (*data & 0x80000000u))) {
            sch->ccw_addr = a + 8;
            return fail(sch, CHN_PROGRAM_CHECK);
        }
        after_tic = true;
        tic_at = a;
        sch->next_ccw = *data;
    }
}

/* An IDAW (PoO-370: 24-bit address, bits 0-7 zero; PoO-390 format-1 IDAW:
 * 31-bit, bit 0 zero). */
static bool fetch_idaw(Subchannel *sch, uint32_t at, uint32_t *addr)
{
    uint8_t w[4];
    uint32_t done;
    uint8_t st = channel_storage(sch->css, at, w, 4, sch->key, false, &done);
    if (st) return fail(sch, st);
    uint32_t v = channel_get32(w);
    if (v & (sch->css->esa ? 0x80000000u : 0xff000000u)) return fail(sch, CHN_PROGRAM_CHECK);
    *addr = v;
    return true;
}

/* The next IDAW must start a block (or, reading backward, end one). */
static bool next_idaw(ChannelXfer *x)
{
    Subchannel *sch = x->sch;
    uint32_t a;
    if (!fetch_idaw(sch, x->idaw, &a)) return false;
    bool backward = (x->cmd & 0x0f) == 0x0c;
    if ((a & (IDA_BLOCK - 1)) != (backward ? IDA_BLOCK - 1 : 0))
        return fail(sch, CHN_PROGRAM_CHECK);
    x->idaw += 4;
    x->data = a;
    x->room = IDA_BLOCK;
    return true;
}

static void raise_pci(Subchannel *sch)
{
    sch->cstat |= CHN_PCI;
    sch->sc |= SC_INTERMEDIATE;
    if (!(sch->sc & SC_PENDING)) sch->dstat = 0;
    channel_make_pending(sch);
}

/* Fetch and check the next CCW: a new command (command chaining, the
 * first CCW) or the continuation of the current one (data chaining). */
static CcwResult setup_ccw(Subchannel *sch, bool data_chaining)
{
    ChannelXfer *x = &sch->x;
    uint32_t at, data;
    uint8_t cmd, flags;
    uint16_t count;
    if (!fetch_ccw(sch, &at, &cmd, &flags, &count, &data)) return CCW_FAILED;
    /* Invalid command code (low four bits zero), count or flags. */
    if (!data_chaining && (cmd & 0x0f) == 0) return ccw_fail(sch, CHN_PROGRAM_CHECK);
    if (count == 0 && (!sch->fmt1 || (flags & CCW_CD))) return ccw_fail(sch, CHN_PROGRAM_CHECK);
    uint8_t reserved = sch->css->esa ? CCW_FLAG_RESERVED : CCW_FLAG_RESERVED | CCW_SUSPEND;
    if (flags & reserved) return ccw_fail(sch, CHN_PROGRAM_CHECK);
    if (flags & CCW_SUSPEND) {
        /* PoO-390 §15 "Suspend Flag": allowed with the ORB's S bit and
         * never in a data-chained CCW. */
        if (data_chaining || !sch->suspend_ctl) return ccw_fail(sch, CHN_PROGRAM_CHECK);
        sch->ac &= (uint8_t) ~(AC_SUBCHANNEL_ACTIVE | AC_DEVICE_ACTIVE | AC_RESUME_PENDING);
        sch->ac |= AC_SUSPENDED;
        sch->next_ccw = at; /* refetched by RESUME SUBCHANNEL */
        sch->count = count;
        if (!(sch->flags1 & SCSW_U)) {
            if (!(sch->sc & SC_PENDING)) sch->dstat = 0;
            sch->sc |= SC_INTERMEDIATE;
            channel_make_pending(sch);
        }
        return CCW_SUSPENDED;
    }
    if (!data_chaining) {
        x->cmd = cmd;
        x->moved = 0;
        x->overrun = false;
        x->stopped = false;
    }
    x->flags = flags;
    x->count = count;
    x->room = 0;
    if ((flags & CCW_IDA) && count) {
        if ((sch->fmt1 && (data & 0x80000000u)) || (data & 3))
            return ccw_fail(sch, CHN_PROGRAM_CHECK);
        if (!fetch_idaw(sch, data, &x->data)) return CCW_FAILED;
        x->idaw = data + 4;
        bool backward = (x->cmd & 0x0f) == 0x0c;
        x->room =
            backward ? (x->data & (IDA_BLOCK - 1)) + 1 : IDA_BLOCK - (x->data & (IDA_BLOCK - 1));
    } else {
        if (sch->fmt1 && (data & 0x80000000u) && count) return ccw_fail(sch, CHN_PROGRAM_CHECK);
        x->data = data;
    }
    if (flags & CCW_PCI) raise_pci(sch);
    return CCW_OK;
}

/* ---- data transfer (channel_unit.h) ---- */

static size_t xfer(ChannelXfer *x, uint8_t *p, size_t len, bool to_storage)
{
    Subchannel *sch = x->sch;
    bool backward = (x->cmd & 0x0f) == 0x0c;
    size_t done = 0;
    while (done < len && !x->stopped) {
        if (x->count == 0) {
            if (!(x->flags & CCW_CD)) {
                x->overrun = true;
                break;
            }
            if (setup_ccw(sch, true) != CCW_OK) x->stopped = true;
            continue;
        }
        uint32_t n = x->count;
        if (n > len - done) n = (uint32_t)(len - done);
        if (x->flags & CCW_IDA) {
            if (x->room == 0 && !next_idaw(x)) {
                x->stopped = true;
                break;
            }
            if (n > x->room) n = x->room;
        }
        uint32_t moved = n;
        uint8_t st = 0;
        if (to_storage && (x->flags & CCW_SKIP)) {
            /* PoO-370 §13 "Skip": the data are counted, not stored. */
        } else if (backward && to_storage) {
            /* Read backward: bytes go to descending addresses from the
             * data address. */
            for (moved = 0; moved < n && !st; moved++) {
                uint32_t one;
                st = channel_storage(sch->css, x->data - moved, p + done + moved, 1, sch->key, true,
                                     &one);
                if (st) break;
            }
        } else {
            st = channel_storage(sch->css, x->data, p + done, n, sch->key, to_storage, &moved);
        }
        x->data = backward ? x->data - moved : x->data + moved;
        x->count = (uint16_t)(x->count - moved);
        if (x->flags & CCW_IDA) x->room -= moved;
        done += moved;
        if (st) {
            sch->cstat |= st;
            x->stopped = true;
        }
    }
    x->moved += (uint32_t)done;
    return done;
}

size_t channel_xfer_to_storage(ChannelXfer *x, const void *buf, size_t len)
{
    return xfer(x, (uint8_t *)buf, len, true);
}

size_t channel_xfer_from_storage(ChannelXfer *x, void *buf, size_t len)
{
    return xfer(x, buf, len, false);
}

size_t channel_xfer_take(ChannelXfer *x, void *buf, size_t max)
{
    if (x->count == 0 && (x->flags & CCW_CD) && !x->stopped && setup_ccw(x->sch, true) != CCW_OK)
        x->stopped = true;
    if (x->stopped) return 0;
    return xfer(x, buf, max < x->count ? max : x->count, false);
}

uint32_t channel_xfer_count(const ChannelXfer *x)
{
    return x->count;
}

uint8_t channel_xfer_flags(const ChannelXfer *x)
{
    return x->flags;
}

/* ---- ending commands and programs ---- */

static void end_program(Subchannel *sch, uint8_t dstat)
{
    ChannelXfer *x = &sch->x;
    sch->dstat = dstat;
    sch->count = x->count;
    /* Status at initiation: the first command ended before any data
     * moved (an immediate command, or a unit that refused it). */
    if (sch->in_start && sch->first && !sch->initial && x->moved == 0 &&
        !(sch->cstat & (CHN_PROGRAM_CHECK | CHN_PROTECTION_CHECK | CHN_DATA_CHECK)))
        sch->initial = true;
    /* PoO-390 §16 "Deferred Condition Code": 1 for status presented at
     * initiation of the start function. */
    if (sch->css->esa && sch->initial && !sch->status_only) sch->dcc = 1;
    sch->ac &= (uint8_t) ~(AC_SUBCHANNEL_ACTIVE | AC_DEVICE_ACTIVE | AC_RESUME_PENDING);
    sch->waiting = false;
    uint8_t sc = SC_PRIMARY | SC_SECONDARY | (sch->sc & SC_INTERMEDIATE);
    if ((dstat & (UNIT_ATTENTION | UNIT_CHECK | UNIT_EXCEPTION | UNIT_BUSY)) ||
        (sch->cstat & CHN_ERRORS))
        sc |= SC_ALERT;
    sch->sc = sc;
    sch->lpum = 0x80;
    channel_make_pending(sch);
}

/* PoO-370 §13 "Chaining" and figure "Channel Chaining Action", PoO-390
 * §16 "Incorrect Length": true when command chaining goes on. */
static bool command_ended(Subchannel *sch, uint8_t status)
{
    ChannelXfer *x = &sch->x;
    bool immediate = (x->cmd & 3) == 3 && x->moved == 0 && !x->overrun;
    bool rejected = (status & UNIT_CHECK) && x->moved == 0;
    if (!(sch->cstat & CHN_ERRORS) && !rejected) {
        /* SLI does not apply to a CCW that specifies data chaining. */
        bool sli = (x->flags & CCW_SLI) && !(x->flags & CCW_CD);
        bool il;
        if (immediate) /* format 0: never; format 1: unless ORB L */
            il = sch->fmt1 && x->count && !sli && !sch->ils && !(x->flags & CCW_CC);
        else
            il = (x->count || x->overrun) && !sli;
        if (il) sch->cstat |= CHN_INCORRECT_LENGTH;
    }
    bool chain = (x->flags & CCW_CC) && !(x->flags & CCW_CD) && !(sch->cstat & CHN_ERRORS) &&
                 (status & (uint8_t)~UNIT_STATUS_MODIFIER) == UNIT_CE_DE;
    if (!chain) {
        end_program(sch, status);
        return false;
    }
    /* Status modifier with device end: skip the next CCW. */
    if (status & UNIT_STATUS_MODIFIER) sch->next_ccw += 8;
    sch->first = false;
    return true;
}

static int unit_sense(Subchannel *sch)
{
    ChannelUnit *u = sch->unit;
    uint8_t sense[32] = {0};
    unsigned n = u->ops->sense ? u->ops->sense(u, sense, sizeof sense) : 1;
    if (n == 0) n = 1;
    if (n > sizeof sense) n = sizeof sense;
    channel_xfer_to_storage(&sch->x, sense, n);
    return UNIT_CE_DE;
}

static void run(Subchannel *sch)
{
    for (unsigned budget = CHANNEL_SLICE_CCWS;; budget--) {
        if (budget == 0) {
            sch->continuing = true;
            channel_schedule(sch->css);
            return;
        }
        CcwResult r = setup_ccw(sch, false);
        if (r == CCW_SUSPENDED) return;
        if (r == CCW_FAILED || !sch->unit) {
            if (sch->in_start && sch->first) sch->initial = sch->status_only = true;
            end_program(sch, 0);
            return;
        }
        ChannelUnit *u = sch->unit;
        /* Only basic SENSE (0x04) is answered from the unit's sense bytes;
         * the other sense-type codes (0x14, 0x64 RDC, 0xE4 SENSE ID, ...)
         * are device commands (PoO-390 §15 "Command Code"). */
        int st = sch->x.cmd == 0x04 ? unit_sense(sch) : u->ops->execute(u, sch->x.cmd, &sch->x);
        if (st == CHANNEL_UNIT_WAIT) {
            sch->waiting = true;
            return;
        }
        if (!command_ended(sch, (uint8_t)st)) return;
    }
}

void channel_program_start(Subchannel *sch, uint32_t ccw_addr, uint8_t key, bool fmt1)
{
    sch->key = key;
    sch->fmt1 = fmt1;
    sch->flags1 = (uint8_t)((sch->flags1 & ~SCSW_F) | (fmt1 ? SCSW_F : 0));
    sch->fc = FC_START;
    sch->ac = AC_SUBCHANNEL_ACTIVE | AC_DEVICE_ACTIVE;
    sch->dstat = sch->cstat = 0;
    sch->count = 0;
    sch->dcc = 0;
    sch->next_ccw = ccw_addr;
    sch->ccw_addr = ccw_addr;
    sch->first = true;
    sch->initial = sch->status_only = false;
    sch->waiting = sch->continuing = false;
    memset(&sch->x, 0, sizeof sch->x);
    sch->x.sch = sch;
    sch->in_start = true;
    run(sch);
    sch->in_start = false;
}

void channel_program_continue(Subchannel *sch)
{
    if (sch->waiting || !sch->unit) return;
    sch->ac = (uint8_t)((sch->ac & ~AC_SUSPENDED) | AC_SUBCHANNEL_ACTIVE | AC_DEVICE_ACTIVE);
    run(sch);
}

void channel_program_stop(Subchannel *sch)
{
    ChannelUnit *u = sch->unit;
    if (sch->waiting && u && u->ops->halt) u->ops->halt(u);
    sch->waiting = sch->continuing = false;
    sch->count = sch->x.count;
    sch->ac = 0;
}

ChannelXfer *channel_unit_xfer(ChannelUnit *u)
{
    Subchannel *sch = u->sch;
    return sch && sch->waiting ? &sch->x : NULL;
}

void channel_unit_complete(ChannelUnit *u, uint8_t status)
{
    Subchannel *sch = u->sch;
    if (!sch || !sch->waiting) return;
    sch->waiting = false;
    if (command_ended(sch, status)) run(sch);
}

/* ---- SCSW and CSW images ---- */

void channel_store_scsw(const Subchannel *sch, uint8_t out[12])
{
    uint32_t w0 = (uint32_t)sch->key << 28 | (uint32_t)sch->suspend_ctl << 27 |
                  (uint32_t)(sch->dcc & 3) << 24 | (uint32_t)sch->flags1 << 16 |
                  (uint32_t)(sch->fc & 7) << 12 | (uint32_t)(sch->ac & 0x7f) << 5 |
                  (sch->sc & 0x1f);
    channel_put32(out, w0);
    channel_put32(out + 4, sch->ccw_addr & 0x7fffffffu);
    channel_put32(out + 8, (uint32_t)sch->dstat << 24 | (uint32_t)sch->cstat << 16 | sch->count);
}

/* PoO-370 §13 "Channel-Status Word": key, deferred condition code, CCW
 * address, unit and channel status, residual count. */
void channel_make_csw(const Subchannel *sch, uint8_t csw[8])
{
    csw[0] = (uint8_t)(sch->key << 4 | (sch->dcc & 3));
    csw[1] = (uint8_t)(sch->ccw_addr >> 16);
    csw[2] = (uint8_t)(sch->ccw_addr >> 8);
    csw[3] = (uint8_t)sch->ccw_addr;
    csw[4] = sch->dstat;
    csw[5] = sch->cstat;
    csw[6] = (uint8_t)(sch->count >> 8);
    csw[7] = (uint8_t)sch->count;
}
