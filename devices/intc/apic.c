/*
 * Local APIC, xAPIC mode (Intel SDM Vol 3 chapter 10, cited "SDM §10.x"),
 * for a machine with one processor.
 *
 * - Version 0x14, six LVT entries (timer, thermal, performance counter,
 *   LINT0, LINT1, error); no CMCI, no EOI-broadcast suppression, no
 *   TSC-deadline mode (CPUID.1:ECX advertises none of them).
 * - The timer counts at a fixed 1 GHz bus clock divided by the divide
 *   configuration: one count every 2..128 ns of CLK_VIRTUAL.  The current
 *   count is computed from the clock when read; one Timer is armed for
 *   the next expiry.
 * - IPIs: fixed, NMI and INIT to this APIC; other destinations do not
 *   exist and are logged under -d unimp.
 * - Reset leaves LINT0 in ExtINT mode, unmasked, as QEMU does for the
 *   bootstrap processor, so the 8259 reaches the cpu before firmware sets
 *   up virtual wire mode (MP spec 1.4 §3.6.2.2).  When IA32_APIC_BASE
 *   bit 11 is clear the APIC is gone: LINT0 is the cpu's INTR pin and
 *   LINT1 its NMI pin (SDM §10.4.3, §10.5.1).
 */
#include "devices/intc/apic.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/cpu.h"
#include "core/device.h"
#include "core/log.h"
#include "core/machine.h"
#include "softmmu/memory.h"

#define APIC_VERSION       0x00050014u /* max LVT entry 5, version 0x14 */
#define APIC_BASE_BSP      (1ull << 8)
#define APIC_BASE_ENABLE   (1ull << 11)
#define APIC_BASE_ADDR     0xffffff000ull /* bits 35-12 */
#define APIC_BASE_RESET    0xfee00000ull
#define APIC_MMIO_SIZE     0x1000
#define APIC_TIMER_MIN_GAP 1000 /* ns between periodic timer callbacks, at least */

/* Register indexes: offset >> 4 (SDM §10.4.1 table 10-1). */
enum {
    REG_ID = 0x02,
    REG_VERSION = 0x03,
    REG_TPR = 0x08,
    REG_APR = 0x09,
    REG_PPR = 0x0a,
    REG_EOI = 0x0b,
    REG_LDR = 0x0d,
    REG_DFR = 0x0e,
    REG_SVR = 0x0f,
    REG_ISR = 0x10, /* 8 registers each */
    REG_TMR = 0x18,
    REG_IRR = 0x20,
    REG_ESR = 0x28,
    REG_ICR_LO = 0x30,
    REG_ICR_HI = 0x31,
    REG_LVT = 0x32, /* LVT_COUNT registers */
    REG_TIMER_INITIAL = 0x38,
    REG_TIMER_CURRENT = 0x39,
    REG_TIMER_DIVIDE = 0x3e,
};

/* LVT entries in register order. */
enum {
    LVT_TIMER,
    LVT_THERMAL,
    LVT_PERF,
    LVT_LINT0,
    LVT_LINT1,
    LVT_ERROR,
    LVT_COUNT,
};

/* LVT and ICR bits (SDM §10.5.1 figure 10-8, §10.6.1 figure 10-12). */
enum {
    LVT_VECTOR = 0xff,
    LVT_DM_SHIFT = 8,
    LVT_REMOTE_IRR = 1u << 14,
    LVT_LEVEL = 1u << 15,
    LVT_MASKED = 1u << 16,
    LVT_TIMER_PERIODIC = 1u << 17,
    ICR_DEST_LOGICAL = 1u << 11,
    ICR_ASSERT = 1u << 14,
    ICR_LEVEL = 1u << 15,
    ICR_SHORTHAND_SHIFT = 18,
    SVR_ENABLE = 1u << 8,
    SVR_WRITABLE = 0x3ff, /* vector, enable, focus disable */
    DFR_MODEL_FLAT = 0xf0000000,
};

/* ESR bits (SDM §10.5.3 figure 10-9). */
enum {
    ESR_SEND_ILLEGAL_VECTOR = 1u << 5,
    ESR_RECV_ILLEGAL_VECTOR = 1u << 6,
    ESR_ILLEGAL_REGISTER = 1u << 7,
};

enum { SHORTHAND_NONE, SHORTHAND_SELF, SHORTHAND_ALL, SHORTHAND_OTHERS };

/* Writable bits of each LVT entry: vector, delivery mode where the entry
 * has one, polarity and trigger for the LINT pins, mask, timer mode. */
static const uint32_t lvt_writable[LVT_COUNT] = {
    [LVT_TIMER] = 0x300ff, [LVT_THERMAL] = 0x107ff, [LVT_PERF] = 0x107ff,
    [LVT_LINT0] = 0x1a7ff, [LVT_LINT1] = 0x1a7ff,   [LVT_ERROR] = 0x100ff,
};

typedef struct LApic {
    Device dev;
    X86CPU *cpu;
    ApicBus *bus;
    MemoryRegion mr;
    MemoryRegion *sysmem; /* where mr is mapped, or NULL */
    Clocks *clocks;
    Timer *timer;
    IrqLine lint[2];
    int (*extint_ack)(void *opaque);
    void *extint_opaque;

    /* Guest-visible state. */
    uint64_t apic_base; /* IA32_APIC_BASE as last written */
    uint32_t id, tpr, ldr, dfr, svr;
    uint32_t esr;         /* as read: latched by the last ESR write */
    uint32_t esr_pending; /* errors since then */
    uint32_t icr_lo, icr_hi;
    uint32_t lvt[LVT_COUNT];
    uint32_t isr[8], tmr[8], irr[8];
    uint32_t timer_initial, timer_divide;
    uint64_t timer_start_ns; /* CLK_VIRTUAL when the count (re)started */
    uint64_t timer_next_ns;  /* armed expiry, 0 = none */
    uint8_t lint_level[2];   /* LINT0/LINT1 input levels */
    uint8_t extint_message;  /* an ExtINT message from the bus is pending */
} LApic;

/* ---- 256-bit registers ---- */

static void bit_set(uint32_t *reg, int v)
{
    reg[v >> 5] |= 1u << (v & 31);
}
static void bit_clear(uint32_t *reg, int v)
{
    reg[v >> 5] &= ~(1u << (v & 31));
}
static bool bit_test(const uint32_t *reg, int v)
{
    return reg[v >> 5] & (1u << (v & 31));
}
static int highest_bit(const uint32_t *reg)
{
    for (int i = 7; i >= 0; i--) {
        if (reg[i]) return i * 32 + 31 - __builtin_clz(reg[i]);
    }
    return -1;
}

/* ---- state queries ---- */

static bool apic_global_enabled(const LApic *s)
{
    return s->apic_base & APIC_BASE_ENABLE;
}

static bool apic_sw_enabled(const LApic *s)
{
    return s->svr & SVR_ENABLE;
}

static unsigned lvt_mode(uint32_t lvt)
{
    return (lvt >> LVT_DM_SHIFT) & 7;
}

/* SDM §10.8.3.1: PPR is TPR or the in-service class, whichever is higher. */
static uint32_t apic_ppr(const LApic *s)
{
    int isrv = highest_bit(s->isr);
    uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;
    return (s->tpr & 0xf0) >= isr_class ? s->tpr : isr_class;
}

/* SDM §10.8.3.1 "Arbitration priority". */
static uint32_t apic_apr(const LApic *s)
{
    int isrv = highest_bit(s->isr), irrv = highest_bit(s->irr);
    uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;
    uint32_t irr_class = irrv < 0 ? 0 : (uint32_t)irrv & 0xf0;
    if ((s->tpr & 0xf0) >= irr_class && (s->tpr & 0xf0) > isr_class) return s->tpr;
    uint32_t apr = s->tpr & 0xf0;
    if (isr_class > apr) apr = isr_class;
    if (irr_class > apr) apr = irr_class;
    return apr;
}

/* The IRR vector the cpu may take now (its class above PPR), or -1. */
static int apic_deliverable_vector(const LApic *s)
{
    if (!apic_sw_enabled(s)) return -1;
    int irrv = highest_bit(s->irr);
    if (irrv < 0 || ((uint32_t)irrv & 0xf0) <= (apic_ppr(s) & 0xf0)) return -1;
    return irrv;
}

static bool apic_extint_pending(const LApic *s)
{
    uint32_t lint0 = s->lvt[LVT_LINT0];
    return s->extint_message ||
           (s->lint_level[0] && !(lint0 & LVT_MASKED) && lvt_mode(lint0) == APIC_DM_EXTINT);
}

/* Keep CPU_INTERRUPT_HARD raised exactly while the cpu has something to
 * take: with the APIC globally disabled, the 8259's INTR on LINT0. */
static void apic_update_irq(LApic *s)
{
    bool pending;
    if (!apic_global_enabled(s))
        pending = s->lint_level[0];
    else
        pending = apic_deliverable_vector(s) >= 0 || apic_extint_pending(s);
    CPUState *c = &s->cpu->common;
    bool raised = atomic_load(&c->interrupt_request) & CPU_INTERRUPT_HARD;
    if (pending && !raised)
        cpu_interrupt(c, CPU_INTERRUPT_HARD);
    else if (!pending && raised)
        cpu_reset_interrupt(c, CPU_INTERRUPT_HARD);
}

/* ---- accepting interrupts ---- */

static void apic_accept_vector(LApic *s, int vector, bool level);

/* Record errors; a new one raises the error LVT (SDM §10.5.3). */
static void apic_error(LApic *s, uint32_t bits)
{
    uint32_t fresh = bits & ~s->esr_pending;
    s->esr_pending |= bits;
    uint32_t lvt = s->lvt[LVT_ERROR];
    /* An illegal error vector is itself only recorded, not re-raised. */
    if (fresh && !(lvt & LVT_MASKED) && (lvt & LVT_VECTOR) >= 16)
        apic_accept_vector(s, (int)(lvt & LVT_VECTOR), false);
}

/* A fixed interrupt into IRR; TMR says whether its EOI is broadcast. */
static void apic_accept_vector(LApic *s, int vector, bool level)
{
    if (vector < 16) {
        apic_error(s, ESR_RECV_ILLEGAL_VECTOR);
        return;
    }
    bit_set(s->irr, vector);
    if (level)
        bit_set(s->tmr, vector);
    else
        bit_clear(s->tmr, vector);
    apic_update_irq(s);
}

static void apic_power_up_state(LApic *s);

/* INIT (SDM §10.4.7.3): power-up state but for the APIC ID; the cpu
 * itself is told through X86_INTERRUPT_INIT. */
static void apic_init_received(LApic *s)
{
    apic_power_up_state(s);
    cpu_interrupt(&s->cpu->common, X86_INTERRUPT_INIT);
    apic_update_irq(s);
}

/* Deliver in one of the modes shared by messages, IPIs and LVT entries. */
static void apic_deliver_mode(LApic *s, unsigned mode, int vector, bool level, const char *from)
{
    switch (mode) {
    case APIC_DM_FIXED:
    case APIC_DM_LOWPRI: apic_accept_vector(s, vector, level); break;
    case APIC_DM_NMI: cpu_interrupt(&s->cpu->common, CPU_INTERRUPT_NMI); break;
    case APIC_DM_INIT: apic_init_received(s); break;
    case APIC_DM_EXTINT:
        s->extint_message = 1;
        apic_update_irq(s);
        break;
    case APIC_DM_SMI:
    case APIC_DM_STARTUP:
        LOG_MASK(LOG_UNIMP, "apic: %s with delivery mode %u (SMI/SIPI) ignored\n", from, mode);
        break;
    default:
        LOG_MASK(LOG_GUEST_ERRORS, "apic: %s with reserved delivery mode %u\n", from, mode);
        break;
    }
}

/* Destination match (SDM §10.6.2): physical ID or broadcast; logical in
 * the flat or the cluster model. */
static bool apic_match_dest(const LApic *s, uint8_t dest, bool logical)
{
    if (!logical) return dest == 0xff || dest == (uint8_t)(s->id >> 24);
    uint8_t ldr = (uint8_t)(s->ldr >> 24);
    if ((s->dfr & DFR_MODEL_FLAT) == DFR_MODEL_FLAT) return (dest & ldr) != 0;
    bool cluster = (dest >> 4) == 0xf || (dest >> 4) == (ldr >> 4);
    return cluster && (dest & ldr & 0x0f) != 0;
}

void apic_deliver(void *opaque, const ApicMessage *msg)
{
    LApic *s = opaque;
    if (!apic_global_enabled(s) || !apic_match_dest(s, msg->dest, msg->dest_logical)) return;
    apic_deliver_mode(s, msg->delivery_mode, msg->vector, msg->level_triggered, "message");
}

/* ---- local vector table ---- */

/* An LVT entry fires (timer, error, or an edge on a LINT pin). */
static void apic_lvt_fire(LApic *s, int index)
{
    uint32_t lvt = s->lvt[index];
    if (lvt & LVT_MASKED) return;
    unsigned mode = (index == LVT_TIMER || index == LVT_ERROR) ? APIC_DM_FIXED : lvt_mode(lvt);
    if (mode == APIC_DM_EXTINT) {
        apic_update_irq(s); /* level-sensitive: see apic_extint_pending */
        return;
    }
    apic_deliver_mode(s, mode, (int)(lvt & LVT_VECTOR), false, "LVT entry");
}

/* A level-triggered fixed LINT entry sends while the pin is asserted and
 * Remote IRR is clear; the EOI of its vector clears Remote IRR. */
static bool apic_lint_service_level(LApic *s, int n)
{
    uint32_t *lvt = &s->lvt[LVT_LINT0 + n];
    if (!(*lvt & LVT_LEVEL) || lvt_mode(*lvt) != APIC_DM_FIXED) return false;
    if (s->lint_level[n] && !(*lvt & (LVT_MASKED | LVT_REMOTE_IRR))) {
        *lvt |= LVT_REMOTE_IRR;
        apic_accept_vector(s, (int)(*lvt & LVT_VECTOR), true);
    }
    return true;
}

static void apic_lint_handler(void *opaque, int n, int level)
{
    LApic *s = opaque;
    bool rising = level && !s->lint_level[n];
    s->lint_level[n] = (uint8_t)(level != 0);
    if (!apic_global_enabled(s)) {
        if (n == 1 && rising) cpu_interrupt(&s->cpu->common, CPU_INTERRUPT_NMI);
    } else if (!apic_lint_service_level(s, n) && rising) {
        apic_lvt_fire(s, LVT_LINT0 + n);
    }
    apic_update_irq(s);
}

/* ---- timer (SDM §10.5.4) ---- */

static int64_t apic_now(const LApic *s)
{
    return s->clocks ? clock_get_ns(s->clocks, CLK_VIRTUAL) : 0;
}

/* Divide configuration bits 0, 1, 3: 000 = 2 ... 110 = 128, 111 = 1;
 * one count per divisor ns of the 1 GHz bus clock. */
static int64_t apic_timer_tick_ns(const LApic *s)
{
    unsigned code = (s->timer_divide & 3) | ((s->timer_divide >> 1) & 4);
    return (int64_t)1 << ((code + 1) & 7);
}

static bool apic_timer_periodic(const LApic *s)
{
    return s->lvt[LVT_TIMER] & LVT_TIMER_PERIODIC;
}

/* Counts consumed since the count was last loaded (one-shot: at most the
 * initial count; periodic: within the current period). */
static uint64_t apic_timer_consumed(const LApic *s, int64_t now)
{
    if (s->timer_initial == 0) return 0;
    int64_t elapsed = now - (int64_t)s->timer_start_ns;
    uint64_t ticks = elapsed > 0 ? (uint64_t)(elapsed / apic_timer_tick_ns(s)) : 0;
    if (apic_timer_periodic(s)) return ticks % s->timer_initial;
    return ticks < s->timer_initial ? ticks : s->timer_initial;
}

static uint32_t apic_timer_current(const LApic *s)
{
    return s->timer_initial - (uint32_t)apic_timer_consumed(s, apic_now(s));
}

/* Arm the Timer for the next time the count reaches zero. */
static void apic_timer_arm(LApic *s, int64_t now)
{
    int64_t next = 0;
    if (s->timer_initial && s->timer) {
        int64_t period = (int64_t)s->timer_initial * apic_timer_tick_ns(s);
        int64_t start = (int64_t)s->timer_start_ns;
        if (apic_timer_periodic(s)) {
            int64_t done = now > start ? (now - start) / period : 0;
            next = start + (done + 1) * period;
        } else if (start + period > now) {
            next = start + period;
        } else if (s->timer_next_ns) {
            next = now; /* expired but not yet delivered */
        }
    }
    s->timer_next_ns = (uint64_t)next;
    if (next)
        timer_mod(s->timer, next);
    else if (s->timer)
        timer_del(s->timer);
}

/* Keep the current count across a change of divisor or mode. */
static void apic_timer_rebase(LApic *s, int64_t now, uint64_t consumed)
{
    s->timer_start_ns = (uint64_t)(now - (int64_t)consumed * apic_timer_tick_ns(s));
    apic_timer_arm(s, now);
}

static void apic_timer_expired(void *opaque)
{
    LApic *s = opaque;
    int64_t now = apic_now(s);
    s->timer_next_ns = 0;
    apic_lvt_fire(s, LVT_TIMER);
    if (apic_timer_periodic(s) && s->timer_initial) {
        apic_timer_arm(s, now);
        /* A tiny period must not keep the event loop busy: expiries
         * closer than this merge (IRR holds one of them anyway). */
        if ((int64_t)s->timer_next_ns < now + APIC_TIMER_MIN_GAP) {
            s->timer_next_ns = (uint64_t)(now + APIC_TIMER_MIN_GAP);
            timer_mod(s->timer, (int64_t)s->timer_next_ns);
        }
    }
}

/* ---- EOI and IPIs ---- */

/* SDM §10.8.5: EOI retires the highest in-service vector; a
 * level-triggered one (TMR) is broadcast to the I/O APICs. */
static void apic_eoi(LApic *s)
{
    int vector = highest_bit(s->isr);
    if (vector < 0) return;
    bit_clear(s->isr, vector);
    if (bit_test(s->tmr, vector)) {
        for (int n = 0; n < 2; n++) {
            uint32_t *lvt = &s->lvt[LVT_LINT0 + n];
            if ((*lvt & LVT_REMOTE_IRR) && (*lvt & LVT_VECTOR) == (uint32_t)vector) {
                *lvt &= ~LVT_REMOTE_IRR;
                apic_lint_service_level(s, n);
            }
        }
        if (s->bus && s->bus->eoi) s->bus->eoi(s->bus->eoi_opaque, (uint8_t)vector);
    }
    apic_update_irq(s);
}

/* Writing ICR low sends (SDM §10.6.1); delivery is immediate, so the
 * delivery status bit always reads idle. */
static void apic_send_ipi(LApic *s)
{
    uint32_t icr = s->icr_lo;
    unsigned mode = lvt_mode(icr);
    int vector = (int)(icr & LVT_VECTOR);
    unsigned shorthand = (icr >> ICR_SHORTHAND_SHIFT) & 3;
    if (mode == APIC_DM_INIT && !(icr & ICR_ASSERT) && (icr & ICR_LEVEL))
        return; /* INIT level de-assert: arbitration ID sync, nothing else */
    uint8_t dest = (uint8_t)(s->icr_hi >> 24);
    uint8_t self = (uint8_t)((icr & ICR_DEST_LOGICAL ? s->ldr : s->id) >> 24);
    bool to_self;
    switch (shorthand) {
    case SHORTHAND_SELF:
    case SHORTHAND_ALL: to_self = true; break;
    case SHORTHAND_OTHERS: to_self = false; break;
    default: to_self = apic_match_dest(s, dest, icr & ICR_DEST_LOGICAL);
    }
    bool others = shorthand == SHORTHAND_ALL || shorthand == SHORTHAND_OTHERS ||
                  (shorthand == SHORTHAND_NONE && dest != self);
    if (others)
        LOG_MASK(LOG_UNIMP, "apic: IPI %#x to other processors (ICR %08x:%08x): none exist\n",
                 vector, s->icr_hi, icr);
    if (!to_self) return;
    if ((mode == APIC_DM_FIXED || mode == APIC_DM_LOWPRI) && vector < 16) {
        apic_error(s, ESR_SEND_ILLEGAL_VECTOR);
        return;
    }
    apic_deliver_mode(s, mode, vector, false, "IPI");
}

/* ---- registers ---- */

static uint32_t apic_reg_read(LApic *s, unsigned reg)
{
    switch (reg) {
    case REG_ID: return s->id;
    case REG_VERSION: return APIC_VERSION;
    case REG_TPR: return s->tpr;
    case REG_APR: return apic_apr(s);
    case REG_PPR: return apic_ppr(s);
    case REG_EOI: return 0;
    case REG_LDR: return s->ldr;
    case REG_DFR: return s->dfr | 0x0fffffff;
    case REG_SVR: return s->svr;
    case REG_ISR ... REG_ISR + 7: return s->isr[reg - REG_ISR];
    case REG_TMR ... REG_TMR + 7: return s->tmr[reg - REG_TMR];
    case REG_IRR ... REG_IRR + 7: return s->irr[reg - REG_IRR];
    case REG_ESR: return s->esr;
    case REG_ICR_LO: return s->icr_lo;
    case REG_ICR_HI: return s->icr_hi;
    case REG_LVT ... REG_LVT + LVT_COUNT - 1: return s->lvt[reg - REG_LVT];
    case REG_TIMER_INITIAL: return s->timer_initial;
    case REG_TIMER_CURRENT: return apic_timer_current(s);
    case REG_TIMER_DIVIDE: return s->timer_divide;
    }
    LOG_MASK(LOG_GUEST_ERRORS, "apic: read of reserved register %#x\n", reg << 4);
    apic_error(s, ESR_ILLEGAL_REGISTER);
    return 0;
}

static void apic_lvt_write(LApic *s, int index, uint32_t value)
{
    int64_t now = apic_now(s);
    uint64_t consumed = apic_timer_consumed(s, now);
    uint32_t old = s->lvt[index];
    uint32_t v = (value & lvt_writable[index]) | (old & LVT_REMOTE_IRR);
    /* Software-disabled: the mask bits cannot be cleared (SDM §10.4.7.2). */
    if (!apic_sw_enabled(s)) v |= LVT_MASKED;
    if (!(v & LVT_LEVEL)) v &= ~LVT_REMOTE_IRR;
    s->lvt[index] = v;
    if (index == LVT_TIMER && ((old ^ v) & LVT_TIMER_PERIODIC)) apic_timer_rebase(s, now, consumed);
    if (index == LVT_LINT0 || index == LVT_LINT1) apic_lint_service_level(s, index - LVT_LINT0);
    apic_update_irq(s);
}

static void apic_reg_write(LApic *s, unsigned reg, uint32_t value)
{
    int64_t now;
    uint64_t consumed;
    switch (reg) {
    case REG_ID: s->id = value & 0xff000000; return;
    case REG_TPR:
        s->tpr = value & 0xff;
        apic_update_irq(s);
        return;
    case REG_EOI: apic_eoi(s); return;
    case REG_LDR: s->ldr = value & 0xff000000; return;
    case REG_DFR: s->dfr = value & 0xf0000000; return;
    case REG_SVR:
        s->svr = value & SVR_WRITABLE;
        if (!apic_sw_enabled(s)) {
            for (int i = 0; i < LVT_COUNT; i++)
                s->lvt[i] |= LVT_MASKED;
        }
        apic_update_irq(s);
        return;
    case REG_ESR: /* a write latches the errors seen since the last one */
        s->esr = s->esr_pending;
        s->esr_pending = 0;
        return;
    case REG_ICR_LO:
        s->icr_lo = value & 0x000cdfff;
        apic_send_ipi(s);
        return;
    case REG_ICR_HI: s->icr_hi = value & 0xff000000; return;
    case REG_LVT ... REG_LVT + LVT_COUNT - 1:
        apic_lvt_write(s, (int)(reg - REG_LVT), value);
        return;
    case REG_TIMER_INITIAL:
        s->timer_initial = value;
        s->timer_start_ns = (uint64_t)apic_now(s);
        s->timer_next_ns = 0;
        apic_timer_arm(s, (int64_t)s->timer_start_ns);
        return;
    case REG_TIMER_DIVIDE:
        now = apic_now(s);
        consumed = apic_timer_consumed(s, now);
        s->timer_divide = value & 0xb;
        apic_timer_rebase(s, now, consumed);
        return;
    case REG_VERSION:
    case REG_APR:
    case REG_PPR:
    case REG_ISR ... REG_IRR + 7:
    case REG_TIMER_CURRENT:
        LOG_MASK(LOG_GUEST_ERRORS, "apic: write %#x to read-only register %#x\n", value, reg << 4);
        return;
    }
    LOG_MASK(LOG_GUEST_ERRORS, "apic: write %#x to reserved register %#x\n", value, reg << 4);
    apic_error(s, ESR_ILLEGAL_REGISTER);
}

/* Registers are 32 bits at 16-byte intervals; softmmu widens narrower
 * accesses, and the other 12 bytes of each slot read as zero. */
static uint64_t apic_mmio_read(void *opaque, uint64_t offset, unsigned size)
{
    if (offset & 0xf) return 0;
    return apic_reg_read(opaque, (unsigned)(offset >> 4));
}

static void apic_mmio_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    if (offset & 0xf) return;
    apic_reg_write(opaque, (unsigned)(offset >> 4), (uint32_t)value);
}

static const MemoryRegionOps apic_ops = {
    .read = apic_mmio_read,
    .write = apic_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 4,
    .max_access_size = 4,
};

/* ---- IA32_APIC_BASE ---- */

/* The page is visible at the base while the APIC is globally enabled. */
static void apic_update_mapping(LApic *s)
{
    if (!s->sysmem) return;
    uint64_t base = s->apic_base & APIC_BASE_ADDR;
    bool enabled = apic_global_enabled(s);
    if (enabled && s->mr.addr != base) memory_region_set_address(&s->mr, base);
    if (s->mr.enabled != enabled) memory_region_set_enabled(&s->mr, enabled);
}

static void apic_base_changed(void *opaque, uint64_t value)
{
    LApic *s = opaque;
    bool was_enabled = apic_global_enabled(s);
    s->apic_base = value;
    /* Global disable loses the programming (SDM §10.4.3). */
    if (was_enabled && !apic_global_enabled(s)) apic_power_up_state(s);
    apic_update_mapping(s);
    apic_update_irq(s);
}

/* ---- device ---- */

/* SDM §10.4.7.1 power-up state, but for the APIC ID. */
static void apic_power_up_state(LApic *s)
{
    memset(s->isr, 0, sizeof s->isr);
    memset(s->tmr, 0, sizeof s->tmr);
    memset(s->irr, 0, sizeof s->irr);
    s->tpr = s->ldr = 0;
    s->dfr = 0xf0000000;
    s->svr = 0xff;
    s->esr = s->esr_pending = 0;
    s->icr_lo = s->icr_hi = 0;
    for (int i = 0; i < LVT_COUNT; i++)
        s->lvt[i] = LVT_MASKED;
    s->timer_initial = s->timer_divide = 0;
    s->timer_start_ns = s->timer_next_ns = 0;
    if (s->timer) timer_del(s->timer);
    s->extint_message = 0;
}

static void apic_reset(Device *dev)
{
    LApic *s = (LApic *)dev;
    bool bsp = s->cpu->common.cpu_index == 0;
    s->id = (uint32_t)s->cpu->common.cpu_index << 24;
    apic_power_up_state(s);
    s->apic_base = APIC_BASE_RESET | APIC_BASE_ENABLE | (bsp ? APIC_BASE_BSP : 0);
    if (bsp) s->lvt[LVT_LINT0] = APIC_DM_EXTINT << LVT_DM_SHIFT; /* see the file comment */
    apic_update_mapping(s);
    apic_update_irq(s);
}

static bool apic_realize(Device *dev, Machine *m)
{
    LApic *s = (LApic *)dev;
    if (!s->cpu) {
        fprintf(stderr, "doppel: apic: no cpu\n");
        return false;
    }
    for (int n = 0; n < 2; n++)
        irq_init(&s->lint[n], apic_lint_handler, s, n);
    memory_region_init_io(&s->mr, "apic", APIC_MMIO_SIZE, &apic_ops, s);
    s->clocks = m ? m->clocks : NULL;
    if (s->clocks) s->timer = timer_new(s->clocks, CLK_VIRTUAL, apic_timer_expired, s);
    s->sysmem = m ? m->system_memory : NULL;
    if (s->sysmem)
        memory_region_add_subregion(s->sysmem, APIC_BASE_RESET, &s->mr, APIC_MMIO_PRIORITY);
    s->cpu->apic_base_changed = apic_base_changed;
    s->cpu->apic_opaque = s;
    return true;
}

static void apic_finalize(Device *dev)
{
    LApic *s = (LApic *)dev;
    if (s->cpu->apic_opaque == s) {
        s->cpu->apic_base_changed = NULL;
        s->cpu->apic_opaque = NULL;
    }
    timer_free(s->timer);
    memory_region_destroy(&s->mr); /* unmaps it too */
}

static void apic_post_load(Device *dev)
{
    LApic *s = (LApic *)dev;
    if (s->timer_next_ns && s->timer)
        timer_mod(s->timer, (int64_t)s->timer_next_ns);
    else if (s->timer)
        timer_del(s->timer);
    s->lint_level[0] = s->lint_level[0] != 0;
    s->lint_level[1] = s->lint_level[1] != 0;
    apic_update_mapping(s);
    apic_update_irq(s);
}

static const VMStateField apic_vmstate[] = {
    VMSTATE_U64(LApic, apic_base),
    VMSTATE_U32(LApic, id),
    VMSTATE_U32(LApic, tpr),
    VMSTATE_U32(LApic, ldr),
    VMSTATE_U32(LApic, dfr),
    VMSTATE_U32(LApic, svr),
    VMSTATE_U32(LApic, esr),
    VMSTATE_U32(LApic, esr_pending),
    VMSTATE_U32(LApic, icr_lo),
    VMSTATE_U32(LApic, icr_hi),
    VMSTATE_U32_ARRAY(LApic, lvt),
    VMSTATE_U32_ARRAY(LApic, isr),
    VMSTATE_U32_ARRAY(LApic, tmr),
    VMSTATE_U32_ARRAY(LApic, irr),
    VMSTATE_U32(LApic, timer_initial),
    VMSTATE_U32(LApic, timer_divide),
    VMSTATE_U64(LApic, timer_start_ns),
    VMSTATE_U64(LApic, timer_next_ns),
    VMSTATE_U8_ARRAY(LApic, lint_level),
    VMSTATE_U8(LApic, extint_message),
    VMSTATE_END,
};

static const DeviceClass apic_class = {
    .name = "apic",
    .desc = "local APIC of the x86 cpu (xAPIC, version 0x14)",
    .instance_size = sizeof(LApic),
    .vmstate = apic_vmstate,
    .vmstate_version = 1,
    .realize = apic_realize,
    .reset = apic_reset,
    .post_load = apic_post_load,
    .finalize = apic_finalize,
};
DEVICE_REGISTER(apic_class)

Device *apic_create(Machine *m, X86CPU *cpu, ApicBus *bus)
{
    Device *dev = device_create(m, "apic");
    if (!dev) return NULL;
    LApic *s = (LApic *)dev;
    s->cpu = cpu;
    s->bus = bus;
    return device_realize(dev) ? dev : NULL; /* resets it too */
}

int apic_intr_ack(void *opaque)
{
    LApic *s = opaque;
    int vector = -1;
    if (!apic_global_enabled(s)) {
        if (s->lint_level[0] && s->extint_ack) vector = s->extint_ack(s->extint_opaque);
    } else if ((vector = apic_deliverable_vector(s)) >= 0) {
        bit_clear(s->irr, vector);
        bit_set(s->isr, vector);
    } else if (apic_extint_pending(s)) {
        /* ExtINT vectors come from the 8259 and bypass IRR/ISR
         * (SDM §10.5.1 "ExtINT"). */
        s->extint_message = 0;
        if (s->extint_ack) vector = s->extint_ack(s->extint_opaque);
    }
    apic_update_irq(s);
    return vector;
}

IrqLine *apic_lint(Device *dev, int n)
{
    if (!dev || n < 0 || n > 1) return NULL;
    return &((LApic *)dev)->lint[n];
}

void apic_set_extint_source(Device *dev, int (*ack)(void *opaque), void *opaque)
{
    LApic *s = (LApic *)dev;
    s->extint_ack = ack;
    s->extint_opaque = opaque;
}
