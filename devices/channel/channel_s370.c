/*
 * The S/370 I/O instructions (PoO-370 §13 "Input/Output Operations"):
 * SIO, SIOF, TIO, HIO, HDV, CLRIO, TCH, STIDC and the I/O interruption.
 * Every device has its own (nonshared) subchannel on a block-multiplexer
 * channel, the channel number being the high byte of the I/O address;
 * channel 0 reports itself as a byte multiplexer, as on real systems.
 *
 * Condition codes follow the figure "Condition-Code Settings for I/O
 * States and Functions": "interruption pending in device" is unsolicited
 * status (no function at the subchannel), "interruption pending in
 * subchannel" the end of a channel program not yet taken.
 */
#include <string.h>

#include "core/log.h"
#include "devices/channel/channel_internal.h"

#define PSA_CSW  64
#define PSA_CAW  72
#define PSA_CHID 168

static Subchannel *find(ChannelSubsystem *css, uint16_t devaddr)
{
    Subchannel *sch = channel_find_devno(css, devaddr);
    if (sch && sch->continuing) { /* let a long program run on first */
        sch->continuing = false;
        channel_program_continue(sch);
    }
    return sch;
}

static void store_csw(Subchannel *sch, uint64_t psa)
{
    uint8_t csw[8];
    channel_make_csw(sch, csw);
    channel_abs_write(sch->css, psa + PSA_CSW, csw, 8);
}

/* Only bytes 4-5 (unit and channel status) of the CSW. */
static void store_csw_status(ChannelSubsystem *css, uint64_t psa, uint8_t dstat, uint8_t cstat)
{
    uint8_t status[2] = {dstat, cstat};
    channel_abs_write(css, psa + PSA_CSW + 4, status, 2);
}

static bool device_pending(const Subchannel *sch)
{
    return (sch->sc & SC_PENDING) && !sch->fc;
}

/* SIO and SIOF.  With fast release, what SIO would report with cc 1
 * becomes an interruption whose CSW carries deferred condition code 1. */
int channel_s370_start_io(void *opaque, uint16_t devaddr, bool fast, uint64_t psa)
{
    ChannelSubsystem *css = opaque;
    Subchannel *sch = find(css, devaddr);
    if (!sch) return 3;
    if (device_pending(sch)) {
        /* The device refuses with busy plus its pending status, which is
         * cleared (PoO-370 §13 "START I/O", cc 1 case 4). */
        store_csw_status(css, psa, (uint8_t)(UNIT_BUSY | sch->dstat), 0);
        channel_clear_status(sch);
        return 1;
    }
    if ((sch->sc & SC_PENDING) || sch->fc) return 2;

    uint8_t caw[4];
    channel_abs_read(css, psa + PSA_CAW, caw, 4);
    uint32_t addr = (uint32_t)caw[1] << 16 | (uint32_t)caw[2] << 8 | caw[3];
    sch->flags1 = 0;
    sch->suspend_ctl = false;
    sch->ils = false;
    if ((caw[0] & 0x0f) || (addr & 7)) {
        /* Invalid CAW: program check, the operation is not initiated. */
        LOG_MASK(LOG_GUEST_ERRORS, "channel: SIO %03x: invalid CAW %02x%06x\n", devaddr, caw[0],
                 addr);
        if (!fast) {
            store_csw_status(css, psa, 0, CHN_PROGRAM_CHECK);
            return 1;
        }
        sch->key = caw[0] >> 4;
        sch->fc = FC_START;
        sch->ccw_addr = addr;
        sch->dstat = 0;
        sch->cstat = CHN_PROGRAM_CHECK;
        sch->count = 0;
        sch->dcc = 1;
        sch->sc = SC_PRIMARY | SC_SECONDARY | SC_ALERT;
        channel_make_pending(sch);
        return 0;
    }
    channel_program_start(sch, addr, caw[0] >> 4, false);
    if (!sch->initial) return 0;
    if (fast) {
        sch->dcc = 1;
        return 0;
    }
    if (sch->status_only)
        store_csw_status(css, psa, sch->dstat, sch->cstat);
    else
        store_csw(sch, psa);
    channel_clear_status(sch);
    return 1;
}

int channel_s370_test_io(void *opaque, uint16_t devaddr, uint64_t psa)
{
    ChannelSubsystem *css = opaque;
    Subchannel *sch = find(css, devaddr);
    if (!sch) return 3;
    if (channel_working(sch)) return 2;
    if (!(sch->sc & SC_PENDING)) return 0;
    store_csw(sch, psa);
    channel_clear_status(sch);
    return 1;
}

/* HIO and HDV: a working subchannel is stopped and ends with channel end
 * and device end as of the halt; the status portion is stored (cc 1).  An
 * interruption pending in the subchannel is left alone (cc 0). */
int channel_s370_halt_io(void *opaque, uint16_t devaddr, bool device, uint64_t psa)
{
    ChannelSubsystem *css = opaque;
    Subchannel *sch = find(css, devaddr);
    (void)device; /* one device per subchannel: HIO and HDV act alike */
    if (!sch) return 3;
    if (channel_working(sch)) {
        channel_program_stop(sch);
        sch->dstat = UNIT_CE_DE;
        sch->sc = (uint8_t)(SC_PRIMARY | SC_SECONDARY | (sch->sc & SC_INTERMEDIATE));
        channel_make_pending(sch);
        store_csw_status(css, psa, 0, 0);
        return 1;
    }
    if ((sch->sc & SC_PENDING) && sch->fc) return 0;
    store_csw_status(css, psa, 0, 0);
    return 1;
}

/* CLRIO: a working subchannel is made available at once with its CSW
 * stored; a pending subchannel interruption is cleared into the CSW. */
int channel_s370_clear_io(void *opaque, uint16_t devaddr, uint64_t psa)
{
    ChannelSubsystem *css = opaque;
    Subchannel *sch = find(css, devaddr);
    if (!sch) return 3;
    if (channel_working(sch)) {
        channel_program_stop(sch);
        sch->dstat = 0;
        store_csw(sch, psa);
        sch->sc = 0;
        channel_clear_status(sch);
        return 1;
    }
    if ((sch->sc & SC_PENDING) && sch->fc) {
        store_csw(sch, psa);
        channel_clear_status(sch);
        return 1;
    }
    return 0;
}

int channel_s370_test_channel(void *opaque, uint8_t channel)
{
    ChannelSubsystem *css = opaque;
    int cc = 3;
    for (unsigned i = 0; i < css->nsch; i++) {
        Subchannel *sch = css->sch[i];
        if (!sch->unit || (sch->devno >> 8) != channel) continue;
        if (sch->irq_seq) return 1;
        cc = 0;
    }
    return cc;
}

/* STIDC: channel-ID word at 168: type in bits 0-3 (0001 byte multiplexer,
 * 0010 block multiplexer), model and IOEL length zero. */
int channel_s370_store_channel_id(void *opaque, uint8_t channel, uint64_t psa)
{
    ChannelSubsystem *css = opaque;
    for (unsigned i = 0; i < css->nsch; i++) {
        if (!css->sch[i]->unit || (css->sch[i]->devno >> 8) != channel) continue;
        uint8_t id[4] = {channel == 0 ? 0x10 : 0x20, 0, 0, 0};
        channel_abs_write(css, psa + PSA_CHID, id, 4);
        return 0;
    }
    return 3;
}

/* The highest-priority interruption: lowest channel number first, then
 * the order in which the conditions arose. */
bool channel_s370_interrupt(void *opaque, uint32_t channel_mask, uint64_t psa, uint16_t *devaddr)
{
    ChannelSubsystem *css = opaque;
    Subchannel *best = NULL;
    for (unsigned i = 0; i < css->nsch; i++) {
        Subchannel *sch = css->sch[i];
        unsigned ch = sch->devno >> 8;
        if (!channel_presentable(sch) || ch > 31 || !(channel_mask & (1u << (31 - ch)))) continue;
        if (!best || ch < (unsigned)(best->devno >> 8) ||
            (ch == (unsigned)(best->devno >> 8) && sch->irq_seq < best->irq_seq))
            best = sch;
    }
    if (!best) return false;
    store_csw(best, psa);
    *devaddr = best->devno;
    channel_clear_status(best);
    return true;
}
