/*
 * The ESA/390 channel-subsystem instructions (PoO-390 §14 "I/O
 * Instructions", control blocks of §15-16): SSCH, TSCH, STSCH, MSCH,
 * HSCH, CSCH, RSCH, XSCH and the I/O interruption (TPI or the
 * interruption itself).  One channel path (CHPID = high byte of the
 * device number, path mask 0x80) per subchannel.
 *
 * Simplifications, all invisible to a program that follows the
 * architecture: the start function is initiated at once (start pending is
 * never seen, so XSCH finds nothing to cancel); the logical-path mask is
 * kept but every start uses the one path; address-limit checking and
 * channel-subsystem monitoring are not performed (SAL and SCHM are
 * accepted and do nothing), and the measurement fields are stored as set.
 */
#include <string.h>

#include "core/log.h"
#include "devices/channel/channel_internal.h"

/* ORB word 1 (PoO-390 §15 "Operation-Request Block"). */
enum {
    ORB_S = 0x08000000u,
    ORB_F = 0x00800000u,
    ORB_P = 0x00400000u,
    ORB_I = 0x00200000u,
    ORB_A = 0x00100000u,
    ORB_U = 0x00080000u,
    ORB_L = 0x00000080u,
    /* bits that must be zero in ESA/390: 5-7, 13-15, 25-31 */
    ORB_RESERVED = 0x07070000u | 0x0000007fu,
};

/* PMCW word 1 (PoO-390 §15 "Path-Management-Control Word"). */
enum {
    PMCW_ISC_SHIFT = 27,
    PMCW_ENABLED = 0x00800000u,
    PMCW_LM_SHIFT = 21,
    PMCW_MM_SHIFT = 19,
    PMCW_D = 0x00040000u,
    PMCW_V = 0x00010000u,
    PMCW_RESERVED = 0xc7000000u, /* bits 0-1, 5-7 */
    PMCW6_S = 0x00000001u,       /* word 6: concurrent sense */
};

static Subchannel *find(ChannelSubsystem *css, uint16_t schid)
{
    if (schid >= css->nsch || !css->sch[schid]->unit) return NULL;
    Subchannel *sch = css->sch[schid];
    if (sch->continuing) {
        sch->continuing = false;
        channel_program_continue(sch);
    }
    return sch;
}

int channel_esa_start(void *opaque, uint16_t schid, const uint8_t orb[32])
{
    ChannelSubsystem *css = opaque;
    uint32_t w1 = channel_get32(orb + 4), ccw = channel_get32(orb + 8);
    if ((w1 & ORB_RESERVED) || (ccw & 0x80000000u)) return CHANNEL_OPERAND_EXCEPTION;
    Subchannel *sch = find(css, schid);
    if (!sch || !sch->enabled) return 3;
    if (sch->sc & SC_PENDING) return 1;
    if (sch->fc) return 2;
    sch->intparm = channel_get32(orb);
    sch->suspend_ctl = w1 & ORB_S;
    sch->ils = w1 & ORB_L;
    sch->lpm = (uint8_t)(w1 >> 8);
    sch->flags1 = (uint8_t)((w1 & ORB_P ? SCSW_P : 0) | (w1 & ORB_I ? SCSW_I : 0) |
                            (w1 & ORB_A ? SCSW_A : 0) | (w1 & ORB_U ? SCSW_U : 0));
    if (w1 & ORB_I) {
        /* PoO-390 §15 "Initial-Status-Interruption Control": intermediate
         * status with Z as the start function is initiated. */
        sch->flags1 |= SCSW_Z;
        sch->sc = SC_INTERMEDIATE;
        channel_make_pending(sch);
    }
    channel_program_start(sch, ccw, (uint8_t)(w1 >> 28), w1 & ORB_F);
    return 0;
}

/* IRB: SCSW, ESW (format 0: LPUM in byte 1), ECW zero. */
int channel_esa_test(void *opaque, uint16_t schid, uint8_t irb[96])
{
    ChannelSubsystem *css = opaque;
    Subchannel *sch = find(css, schid);
    if (!sch) return 3;
    memset(irb, 0, 96);
    channel_store_scsw(sch, irb);
    irb[13] = sch->lpum;
    if (!(sch->sc & SC_PENDING)) return 1;
    channel_clear_status(sch);
    return 0;
}

int channel_esa_store(void *opaque, uint16_t schid, uint8_t schib[52])
{
    ChannelSubsystem *css = opaque;
    Subchannel *sch = find(css, schid);
    if (!sch) return 3;
    memset(schib, 0, 52);
    channel_put32(schib, sch->intparm);
    channel_put32(schib + 4, (uint32_t)sch->isc << PMCW_ISC_SHIFT |
                                 (sch->enabled ? PMCW_ENABLED : 0) |
                                 (uint32_t)sch->limit_mode << PMCW_LM_SHIFT |
                                 (uint32_t)sch->measure_mode << PMCW_MM_SHIFT |
                                 (sch->multipath ? PMCW_D : 0) | PMCW_V | sch->devno);
    schib[8] = sch->lpm;
    schib[9] = 0; /* PNOM */
    schib[10] = sch->lpum;
    schib[11] = 0x80; /* PIM: one path */
    schib[12] = (uint8_t)(sch->mbi >> 8);
    schib[13] = (uint8_t)sch->mbi;
    schib[14] = 0xff;                       /* POM */
    schib[15] = 0x80;                       /* PAM */
    schib[16] = (uint8_t)(sch->devno >> 8); /* CHPID 0 */
    channel_put32(schib + 24, sch->concurrent_sense ? PMCW6_S : 0);
    channel_store_scsw(sch, schib + 28);
    return 0;
}

int channel_esa_modify(void *opaque, uint16_t schid, const uint8_t schib[52])
{
    ChannelSubsystem *css = opaque;
    uint32_t w1 = channel_get32(schib + 4), w6 = channel_get32(schib + 24);
    uint8_t lm = (uint8_t)(w1 >> PMCW_LM_SHIFT & 3);
    if ((w1 & PMCW_RESERVED) || lm == 3 || (w6 & ~PMCW6_S)) return CHANNEL_OPERAND_EXCEPTION;
    Subchannel *sch = find(css, schid);
    if (!sch) return 3;
    if (sch->sc & SC_PENDING) return 1;
    if (sch->fc) return 2;
    sch->intparm = channel_get32(schib);
    sch->isc = (uint8_t)(w1 >> PMCW_ISC_SHIFT & 7);
    sch->enabled = w1 & PMCW_ENABLED;
    sch->limit_mode = lm;
    sch->measure_mode = (uint8_t)(w1 >> PMCW_MM_SHIFT & 3);
    sch->multipath = w1 & PMCW_D;
    sch->lpm = schib[8];
    sch->mbi = (uint16_t)(schib[12] << 8 | schib[13]);
    sch->concurrent_sense = w6 & PMCW6_S;
    if (sch->unsolicited) channel_unit_status(sch->unit, 0); /* enabled: present it */
    channel_update_line(css);
    return 0;
}

/* HSCH: cc 1 status pending, cc 2 halt or clear already in progress. */
int channel_esa_halt(void *opaque, uint16_t schid)
{
    ChannelSubsystem *css = opaque;
    Subchannel *sch = find(css, schid);
    if (!sch) return 3;
    if ((sch->sc & SC_PENDING) &&
        !(sch->fc == FC_START && channel_working(sch) && !(sch->sc & (SC_PRIMARY | SC_ALERT))))
        return 1;
    if (sch->fc & (FC_HALT | FC_CLEAR)) return 2;
    if (channel_working(sch)) {
        bool suspended = sch->ac & AC_SUSPENDED;
        channel_program_stop(sch);
        sch->fc |= FC_HALT;
        sch->dstat = suspended ? 0 : UNIT_CE_DE;
        sch->sc = (uint8_t)(SC_PRIMARY | SC_SECONDARY | (sch->sc & SC_INTERMEDIATE));
    } else {
        /* Halt with no program: the halt signal alone; status pending. */
        sch->fc = FC_HALT;
        sch->sc = 0;
    }
    channel_make_pending(sch);
    return 0;
}

/* CSCH: the subchannel is reset to idle with status pending (clear). */
int channel_esa_clear(void *opaque, uint16_t schid)
{
    ChannelSubsystem *css = opaque;
    Subchannel *sch = find(css, schid);
    if (!sch) return 3;
    channel_program_stop(sch);
    channel_dequeue(sch);
    sch->fc = FC_CLEAR;
    sch->ac = 0;
    sch->sc = 0;
    sch->dcc = 0;
    sch->flags1 = 0;
    sch->dstat = sch->cstat = 0;
    sch->lpum = 0;
    channel_make_pending(sch);
    return 0;
}

/* RSCH: cc 2 unless the start function alone is in progress with the
 * suspend control on and no resume pending. */
int channel_esa_resume(void *opaque, uint16_t schid)
{
    ChannelSubsystem *css = opaque;
    Subchannel *sch = find(css, schid);
    if (!sch) return 3;
    if (sch->sc & SC_PENDING) return 1;
    if (sch->fc != FC_START || !sch->suspend_ctl || (sch->ac & AC_RESUME_PENDING)) return 2;
    if (sch->ac & AC_SUSPENDED)
        channel_program_continue(sch);
    else
        sch->ac |= AC_RESUME_PENDING;
    return 0;
}

/* XSCH: only a start still pending can be withdrawn; starts are
 * initiated at once, so the function is never applicable (cc 2). */
int channel_esa_cancel(void *opaque, uint16_t schid)
{
    ChannelSubsystem *css = opaque;
    Subchannel *sch = find(css, schid);
    if (!sch) return 3;
    if (sch->sc & SC_PENDING) return 1;
    return 2;
}

/* Interruption (or TPI): lowest ISC first, then the order the requests
 * arose.  The status stays pending for TSCH. */
bool channel_esa_interrupt(void *opaque, uint8_t isc_mask, uint32_t code[2])
{
    ChannelSubsystem *css = opaque;
    Subchannel *best = NULL;
    for (unsigned i = 0; i < css->nsch; i++) {
        Subchannel *sch = css->sch[i];
        if (!channel_presentable(sch) || !(isc_mask & (0x80 >> sch->isc))) continue;
        if (!best || sch->isc < best->isc ||
            (sch->isc == best->isc && sch->irq_seq < best->irq_seq))
            best = sch;
    }
    if (!best) return false;
    code[0] = 0x00010000u | best->schid;
    code[1] = best->intparm;
    channel_dequeue(best);
    return true;
}
