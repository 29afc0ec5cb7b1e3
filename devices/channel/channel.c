/*
 * The channel subsystem: subchannels for the attached units, key-checked
 * storage access for channel programs, the I/O-interruption queue, system
 * reset and initial program loading.  The instructions are in
 * channel_s370.c (PoO-370 §13) and channel_esa.c (PoO-390 §14), channel
 * programs in channel_ccw.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/machine.h"
#include "devices/channel/channel_internal.h"
#include "softmmu/memory.h"

#define CHANNEL_MAX_SUBCHANNELS 65536

static void channel_continue_cb(void *opaque)
{
    channel_run_scheduled(opaque);
}

ChannelSubsystem *channel_subsystem_new(Machine *m, bool esa)
{
    ChannelSubsystem *css = calloc(1, sizeof(*css));
    css->machine = m;
    css->as = m ? m->as : NULL;
    css->esa = esa;
    if (m && m->clocks)
        css->continue_timer = timer_new(m->clocks, CLK_VIRTUAL, channel_continue_cb, css);
    return css;
}

void channel_subsystem_free(ChannelSubsystem *css)
{
    if (!css) return;
    for (unsigned i = 0; i < css->nsch; i++) {
        if (css->sch[i]->unit) css->sch[i]->unit->css = NULL;
        if (css->sch[i]->css_owned) free(css->sch[i]);
    }
    free(css->sch);
    timer_free(css->continue_timer);
    free(css);
}

void channel_subsystem_set_storage_keys(ChannelSubsystem *css, uint8_t *keys, uint64_t size)
{
    css->keys = keys;
    css->storage_size = size;
}

void channel_subsystem_connect(ChannelSubsystem *css, IrqLine *pending)
{
    css->pending = pending;
    channel_update_line(css);
}

ChannelSubsystem *channel_subsystem_of(Machine *m)
{
    return m ? machine_find_bus(m, "channel") : NULL;
}

bool channel_parse_devno(const char *text, uint16_t *devno)
{
    if (!text) return false;
    if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) text += 2;
    size_t n = strlen(text);
    if (n == 0 || n > 4) return false;
    uint16_t v = 0;
    for (size_t i = 0; i < n; i++) {
        char c = text[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            return false;
        v = (uint16_t)(v << 4 | d);
    }
    *devno = v;
    return true;
}

/* PoO-390 §15 "Subchannel-Information Block": the initial PMCW after
 * attachment and reset (disabled, ISC 0, all paths). */
static void subchannel_init(Subchannel *sch)
{
    ChannelSubsystem *css = sch->css;
    ChannelUnit *u = sch->unit;
    uint16_t schid = sch->schid, devno = sch->devno;
    memset(sch, 0, sizeof(*sch));
    sch->css = css;
    sch->unit = u;
    sch->schid = schid;
    sch->devno = devno;
    sch->lpm = 0x80;
    sch->x.sch = sch;
}

bool channel_unit_attach(ChannelSubsystem *css, ChannelUnit *u, char *err, size_t errlen)
{
    if (channel_find_devno(css, u->devno)) {
        snprintf(err, errlen, "device number %04x is already in use", u->devno);
        return false;
    }
    if (css->nsch == CHANNEL_MAX_SUBCHANNELS) {
        snprintf(err, errlen, "no free subchannel for device number %04x", u->devno);
        return false;
    }
    if (css->nsch == css->cap) {
        css->cap = css->cap ? css->cap * 2 : 16;
        css->sch = realloc(css->sch, css->cap * sizeof(*css->sch));
    }
    Subchannel *sch = &u->subchannel;
    sch->css = css;
    sch->unit = u;
    sch->schid = (uint16_t)css->nsch;
    sch->devno = u->devno;
    subchannel_init(sch);
    css->sch[css->nsch++] = sch;
    u->css = css;
    u->sch = sch;
    return true;
}

/* A detached unit leaves its subchannel without a device: not operational
 * to every instruction, so later subchannel numbers keep their meaning. */
void channel_unit_detach(ChannelUnit *u)
{
    Subchannel *sch = u->sch;
    if (!u->css || !sch) return;
    ChannelSubsystem *css = sch->css;
    channel_dequeue(sch);
    /* The slot outlives the unit (whose struct holds sch): a copy with no
     * device keeps the subchannel number taken. */
    Subchannel *left = calloc(1, sizeof(*left));
    if (left) {
        *left = *sch;
        left->unit = NULL;
        left->css_owned = true;
        left->x.sch = left;
        css->sch[sch->schid] = left;
    } else {
        sch->unit = NULL; /* cannot happen in practice; keep the slot valid */
    }
    u->css = NULL;
    u->sch = NULL;
    channel_update_line(css);
}

void channel_unit_post_load(ChannelUnit *u)
{
    Subchannel *sch = u->sch;
    if (!sch || !u->css) return;
    ChannelSubsystem *css = sch->css;
    sch->in_start = false;
    if (sch->irq_seq) {
        /* Saved sequence numbers order the snapshot's own requests among
         * themselves; the counter must stay above all of them. */
        if (css->irq_counter < sch->irq_seq) css->irq_counter = sch->irq_seq;
    }
    if (sch->continuing && css->continue_timer) {
        /* The saved expiry: a program resumes at the same virtual time. */
        int64_t at = (int64_t)sch->continue_ns;
        if (!timer_pending(css->continue_timer) || timer_expire_ns(css->continue_timer) > at)
            timer_mod(css->continue_timer, at);
    }
    channel_update_line(css);
}

Subchannel *channel_find_devno(ChannelSubsystem *css, uint16_t devno)
{
    for (unsigned i = 0; i < css->nsch; i++)
        if (css->sch[i]->unit && css->sch[i]->devno == devno) return css->sch[i];
    return NULL;
}

/* ---- storage ---- */

uint8_t channel_storage(ChannelSubsystem *css, uint64_t addr, void *buf, uint32_t len, uint8_t key,
                        bool store, uint32_t *done)
{
    uint8_t *p = buf;
    *done = 0;
    while (*done < len) {
        uint64_t block = addr >> STORAGE_KEY_BLOCK_BITS;
        uint64_t block_end = (block + 1) << STORAGE_KEY_BLOCK_BITS;
        uint32_t n = len - *done;
        if (addr + n > block_end) n = (uint32_t)(block_end - addr);
        if (css->storage_size && addr >= css->storage_size) return CHN_PROGRAM_CHECK;
        if (css->keys && css->storage_size) {
            uint8_t *sk = &css->keys[block];
            if (!storage_key_allows(*sk, key, store)) return CHN_PROTECTION_CHECK;
            *sk |= STORAGE_KEY_REF | (store ? STORAGE_KEY_CHANGE : 0);
        }
        MemTxResult r = store ? dma_write(css->as, addr, p, n) : dma_read(css->as, addr, p, n);
        if (r != MEMTX_OK) return CHN_PROGRAM_CHECK;
        addr += n;
        p += n;
        *done += n;
    }
    return 0;
}

void channel_abs_read(ChannelSubsystem *css, uint64_t addr, void *buf, uint32_t len)
{
    if (dma_read(css->as, addr, buf, len) != MEMTX_OK)
        LOG_MASK(LOG_GUEST_ERRORS, "channel: PSA read at %#llx outside storage\n",
                 (unsigned long long)addr);
}

void channel_abs_write(ChannelSubsystem *css, uint64_t addr, const void *buf, uint32_t len)
{
    if (dma_write(css->as, addr, buf, len) != MEMTX_OK)
        LOG_MASK(LOG_GUEST_ERRORS, "channel: PSA store at %#llx outside storage\n",
                 (unsigned long long)addr);
}

/* ---- interruptions ---- */

/* ESA/390 subchannels request interruptions only while enabled (PoO-390
 * §15 "Enabled"); S/370 channels always do. */
bool channel_presentable(const Subchannel *sch)
{
    return sch->unit && sch->irq_seq && (!sch->css->esa || sch->enabled);
}

void channel_update_line(ChannelSubsystem *css)
{
    int level = 0;
    for (unsigned i = 0; i < css->nsch && !level; i++)
        level = channel_presentable(css->sch[i]);
    irq_set(css->pending, level);
}

void channel_make_pending(Subchannel *sch)
{
    sch->sc |= SC_PENDING;
    if (!sch->irq_seq) sch->irq_seq = ++sch->css->irq_counter;
    channel_update_line(sch->css);
}

void channel_dequeue(Subchannel *sch)
{
    sch->irq_seq = 0;
    channel_update_line(sch->css);
}

/* Present status the unit raised while the subchannel was busy. */
static void channel_present_unsolicited(Subchannel *sch)
{
    if (!sch->unsolicited || sch->fc || (sch->sc & SC_PENDING)) return;
    if (sch->css->esa && !sch->enabled) return; /* kept until MSCH enables it */
    sch->key = 0;
    sch->ccw_addr = 0;
    sch->count = 0;
    sch->cstat = 0;
    sch->dcc = 0;
    sch->flags1 = 0;
    sch->dstat = sch->unsolicited;
    sch->unsolicited = 0;
    sch->sc = SC_ALERT;
    channel_make_pending(sch);
}

/* PoO-390 §14 "TEST SUBCHANNEL", the clearing of status: intermediate
 * status of a program still running clears only the status; anything
 * else ends the function at the subchannel. */
void channel_clear_status(Subchannel *sch)
{
    bool only_intermediate = (sch->fc == FC_START) && !(sch->sc & (SC_PRIMARY | SC_ALERT)) &&
                             (sch->ac & (AC_SUBCHANNEL_ACTIVE | AC_DEVICE_ACTIVE | AC_SUSPENDED));
    if (only_intermediate) {
        sch->sc = 0;
        sch->cstat &= (uint8_t)~CHN_PCI;
        sch->flags1 &= (uint8_t)~SCSW_Z;
    } else {
        sch->fc = 0;
        sch->ac = 0;
        sch->sc = 0;
        sch->dcc = 0;
        sch->flags1 &= (uint8_t)~SCSW_Z;
    }
    channel_dequeue(sch);
    channel_present_unsolicited(sch);
}

void channel_unit_status(ChannelUnit *u, uint8_t status)
{
    Subchannel *sch = u->sch;
    if (!sch) return;
    sch->unsolicited |= status;
    channel_present_unsolicited(sch);
}

/* ---- programs that outlive their slice ---- */

void channel_schedule(ChannelSubsystem *css)
{
    if (css->continue_timer)
        timer_mod(css->continue_timer, clock_get_ns(css->machine->clocks, CLK_VIRTUAL) + 10000);
    int64_t at = css->continue_timer ? timer_expire_ns(css->continue_timer) : 0;
    for (unsigned i = 0; i < css->nsch; i++)
        if (css->sch[i]->continuing) css->sch[i]->continue_ns = (uint64_t)at;
}

void channel_run_scheduled(ChannelSubsystem *css)
{
    for (unsigned i = 0; i < css->nsch; i++) {
        Subchannel *sch = css->sch[i];
        if (sch->continuing) {
            sch->continuing = false;
            channel_program_continue(sch);
        }
    }
}

/* ---- reset and IPL ---- */

void channel_subsystem_reset(ChannelSubsystem *css)
{
    for (unsigned i = 0; i < css->nsch; i++) {
        Subchannel *sch = css->sch[i];
        ChannelUnit *u = sch->unit;
        if (u && sch->waiting && u->ops->halt) u->ops->halt(u);
        subchannel_init(sch);
        if (u && u->ops->reset) u->ops->reset(u);
    }
    channel_update_line(css);
}

/* PoO-370 §4 "Initial Program Loading" and PoO-390 §17: a read of 24
 * bytes into absolute 0 with command chaining and SLI, then the CCWs at 8;
 * the I/O address (S/370) or subsystem-identification word (ESA/390) is
 * stored for the program, and no interruption remains pending. */
bool channel_ipl(ChannelSubsystem *css, uint16_t devno, char *err, size_t errlen)
{
    Subchannel *sch = channel_find_devno(css, devno);
    if (!sch) {
        snprintf(err, errlen, "no device with that number");
        return false;
    }
    if (channel_working(sch) || sch->fc || (sch->sc & SC_PENDING)) {
        channel_program_stop(sch);
        channel_clear_status(sch);
    }
    static const uint8_t ipl_ccw[8] = {0x02, 0, 0, 0, CCW_CC | CCW_SLI, 0, 0, 24};
    channel_abs_write(css, 0, ipl_ccw, sizeof ipl_ccw);
    if (css->esa) sch->enabled = true;
    sch->fc = FC_START;
    channel_program_start(sch, 0, 0, false);
    for (int slices = 0; sch->continuing && slices < 1000; slices++) {
        sch->continuing = false;
        channel_program_continue(sch);
    }
    if (channel_working(sch)) {
        channel_program_stop(sch);
        channel_clear_status(sch);
        snprintf(err, errlen, "the channel program did not complete (the unit waits)");
        return false;
    }
    uint8_t dstat = sch->dstat, cstat = sch->cstat & (uint8_t)~CHN_PCI;
    sch->unsolicited = 0;
    channel_clear_status(sch);
    if (dstat != UNIT_CE_DE || cstat) {
        uint8_t sense[4] = {0};
        unsigned n = sch->unit->ops->sense ? sch->unit->ops->sense(sch->unit, sense, 4) : 0;
        snprintf(err, errlen, "unit status %02x, channel status %02x, sense %02x%02x%02x", dstat,
                 cstat, n > 0 ? sense[0] : 0, n > 1 ? sense[1] : 0, n > 2 ? sense[2] : 0);
        return false;
    }
    uint8_t word[4];
    if (css->esa) {
        channel_put32(word, 0x00010000u | sch->schid);
        channel_abs_write(css, 184, word, 4);
        memset(word, 0, 4);
        channel_abs_write(css, 188, word, 4);
        sch->lpum = 0x80;
    } else {
        uint8_t psw1;
        channel_abs_read(css, 1, &psw1, 1);
        if (psw1 & 0x08) { /* EC mode: the I/O address at 186-187 */
            channel_put32(word, devno);
            channel_abs_write(css, 184, word, 4);
        } else { /* BC mode: the interruption code of the IPL PSW */
            uint8_t half[2] = {(uint8_t)(devno >> 8), (uint8_t)devno};
            channel_abs_write(css, 2, half, 2);
        }
    }
    return true;
}

const ChannelIoOps channel_io_ops = {
    .start_io = channel_s370_start_io,
    .test_io = channel_s370_test_io,
    .halt_io = channel_s370_halt_io,
    .clear_io = channel_s370_clear_io,
    .test_channel = channel_s370_test_channel,
    .store_channel_id = channel_s370_store_channel_id,
    .s370_interrupt = channel_s370_interrupt,
    .start_subchannel = channel_esa_start,
    .test_subchannel = channel_esa_test,
    .store_subchannel = channel_esa_store,
    .modify_subchannel = channel_esa_modify,
    .halt_subchannel = channel_esa_halt,
    .clear_subchannel = channel_esa_clear,
    .resume_subchannel = channel_esa_resume,
    .cancel_subchannel = channel_esa_cancel,
    .esa_interrupt = channel_esa_interrupt,
};
