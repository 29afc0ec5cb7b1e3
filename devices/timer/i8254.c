/*
 * Intel 8254 Programmable Interval Timer.  Section names are those of the
 * 8254 datasheet (Intel 231164).
 *
 * Counters do not tick: each keeps the clock tick at which its counting
 * sequence started and derives the count and OUT from the virtual time of
 * the access.  Ticks are counted on one global grid, tick = floor(ns *
 * 1193182 / 1e9).  A counter with an IRQ line arms a Timer for the next OUT
 * edge only, and its callback replays missed edges in order, so a late
 * event loop still delivers every rising edge of IRQ0.
 *
 * Not modelled: the one-clock delay between writing a count and loading
 * it into the counting element (a count takes effect at the write).
 */
#include "devices/timer/i8254.h"

#include <stdio.h>

#include "core/clock.h"
#include "core/device.h"
#include "core/log.h"
#include "core/machine.h"
#include "softmmu/memory.h"

#define PIT_CHANNELS 3
/* Beyond this lag the IRQ0 timer stops replaying edges and resynchronises. */
#define PIT_MAX_REPLAY_TICKS (I8254_HZ / 10)

enum {
    RW_LATCH = 0, /* "Counter Latch Command" */
    RW_LSB = 1,
    RW_MSB = 2,
    RW_LSB_MSB = 3,

    CW_READ_BACK = 3, /* SC1 SC0 = 11: "Read-Back Command" */
    RB_NO_COUNT = 0x20,
    RB_NO_STATUS = 0x10,

    STATUS_OUT = 0x80,
    STATUS_NULL_COUNT = 0x40,
};

typedef struct PitChannel {
    /* programming ("Control Word Format") */
    uint8_t mode; /* M2..M0 as written (6 and 7 act as 2 and 3) */
    uint8_t rw;   /* RW1 RW0 */
    bool bcd;
    bool gate;
    /* count register and the count the counting element runs with */
    uint16_t cr;
    uint16_t n;
    bool cr_written;    /* a whole count was written since the control word */
    bool armed;         /* a counting sequence was started (modes 1, 5: triggered) */
    bool running;       /* the counting element advances (gate permitting) */
    int64_t start_tick; /* running: d = tick - start_tick */
    int64_t frozen_d;   /* !running: the elapsed ticks where counting stopped */
    /* modes 2, 3: a count written while counting is loaded at switch_tick */
    bool has_next;
    int64_t switch_tick;
    int64_t next_start_tick;
    /* access flip-flops and latches ("Read Operations") */
    bool write_msb;
    uint8_t write_lsb;
    bool read_msb;
    bool count_latched;
    uint16_t latch;
    bool status_latched;
    uint8_t status;
    bool null_count;
    /* IRQ: the OUT edge the timer is armed for */
    int64_t edge_tick;
} PitChannel;

typedef struct I8254 {
    Device dev;
    MemoryRegion mr;
    Timer *irq_timer;
    PitChannel ch[PIT_CHANNELS];
} I8254;

/* ---- time base ---- */

static int64_t pit_tick_of_ns(int64_t ns)
{
    if (ns < 0) return 0;
    return (int64_t)((__int128)ns * I8254_HZ / 1000000000);
}

/* The first virtual nanosecond at which tick has begun. */
static int64_t pit_ns_of_tick(int64_t tick)
{
    return (int64_t)(((__int128)tick * 1000000000 + I8254_HZ - 1) / I8254_HZ);
}

static int64_t pit_now_tick(I8254 *s)
{
    return pit_tick_of_ns(clock_get_ns(s->dev.machine->clocks, CLK_VIRTUAL));
}

/* ---- counting model ---- */

static int pit_mode(const PitChannel *c)
{
    return c->mode > 5 ? c->mode - 4 : c->mode;
}

/* Count value in effect: 0 stands for 2^16 (binary) or 10^4 (BCD). */
static int64_t pit_count_n(const PitChannel *c, uint16_t count)
{
    return count ? count : (c->bcd ? 10000 : 65536);
}

static int64_t pit_modulus(const PitChannel *c)
{
    return c->bcd ? 10000 : 65536;
}

/* Load a count written during counting in modes 2 and 3 once its time has come. */
static void pit_promote(PitChannel *c, int64_t tick)
{
    if (c->has_next && tick >= c->switch_tick) {
        c->n = c->cr;
        c->start_tick = c->next_start_tick;
        c->has_next = false;
        c->null_count = false;
    }
}

static int64_t pit_elapsed(const PitChannel *c, int64_t tick)
{
    return c->running ? tick - c->start_tick : c->frozen_d;
}

/* Mode 3 ("Square Wave Mode"): OUT is high for ceil(N/2) of every N clocks. */
static int64_t pit_high_len(int64_t n)
{
    return (n + 1) / 2;
}

/* OUT at tick ("Mode Definitions"). */
static bool pit_out_at(const PitChannel *c, int64_t tick)
{
    int mode = pit_mode(c);
    if (!c->armed) return mode != 0; /* after the control word: mode 0 low, others high */
    int64_t n = pit_count_n(c, c->n), d = pit_elapsed(c, tick);
    switch (mode) {
    case 0:
    case 1: return d >= n;
    case 2: return !c->running || n < 2 || d % n != n - 1;
    case 3: return !c->running || n < 2 || d % n < pit_high_len(n);
    default: return d != n; /* modes 4, 5: one clock low at terminal count */
    }
}

/* The counting element at tick, in binary. */
static uint16_t pit_count_at(const PitChannel *c, int64_t tick)
{
    if (!c->armed) return c->cr;
    int64_t n = pit_count_n(c, c->n), d = pit_elapsed(c, tick), m = pit_modulus(c);
    switch (pit_mode(c)) {
    case 2: return (uint16_t)((n - d % n) % m);
    case 3: {
        int64_t p = d % n, h = pit_high_len(n);
        return (uint16_t)(((n & ~(int64_t)1) - 2 * (p < h ? p : p - h)) % m);
    }
    default: return (uint16_t)((((n - d) % m) + m) % m); /* wraps after terminal count */
    }
}

/* The tick of the next OUT change after tick, or -1 if OUT stays put. */
static int64_t pit_next_edge(const PitChannel *c, int64_t tick)
{
    if (!c->armed || !c->running) return -1;
    int64_t n = pit_count_n(c, c->n), d = tick - c->start_tick;
    switch (pit_mode(c)) {
    case 0:
    case 1: return d < n ? c->start_tick + n : -1;
    case 2: {
        if (n < 2) return -1;
        int64_t p = d % n;
        return p < n - 1 ? tick + (n - 1 - p) : tick + 1;
    }
    case 3: {
        if (n < 2) return -1;
        int64_t p = d % n, h = pit_high_len(n);
        return p < h ? tick + (h - p) : tick + (n - p);
    }
    default:
        if (d < n) return c->start_tick + n;
        return d == n ? tick + 1 : -1;
    }
}

/* ---- IRQ0 ---- */

static void pit_irq_arm(I8254 *s, int64_t tick)
{
    PitChannel *c = &s->ch[0];
    irq_set(s->dev.irq_out[0], pit_out_at(c, tick));
    int64_t edge = pit_next_edge(c, tick);
    if (c->has_next && (edge < 0 || edge > c->switch_tick)) edge = c->switch_tick;
    if (edge < 0) {
        timer_del(s->irq_timer);
        return;
    }
    c->edge_tick = edge;
    timer_mod(s->irq_timer, pit_ns_of_tick(edge));
}

static void pit_irq_update(I8254 *s)
{
    if (!s->dev.irq_out[0]) return;
    int64_t now = pit_now_tick(s);
    pit_promote(&s->ch[0], now);
    pit_irq_arm(s, now);
}

static void pit_irq_timer_cb(void *opaque)
{
    I8254 *s = opaque;
    int64_t now = pit_now_tick(s), tick = s->ch[0].edge_tick;
    if (tick > now || now - tick > PIT_MAX_REPLAY_TICKS) tick = now;
    pit_promote(&s->ch[0], tick);
    pit_irq_arm(s, tick);
}

/* ---- programming ---- */

static uint16_t pit_bcd_to_bin(uint16_t v)
{
    unsigned r = 0;
    for (int shift = 12; shift >= 0; shift -= 4) {
        unsigned digit = (v >> shift) & 0xf;
        if (digit > 9) LOG_MASK(LOG_GUEST_ERRORS, "i8254: BCD count %#x has digit %#x\n", v, digit);
        r = r * 10 + digit;
    }
    return (uint16_t)(r % 10000);
}

static uint16_t pit_bin_to_bcd(uint16_t v)
{
    v %= 10000;
    return (uint16_t)((v / 1000) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10);
}

static void pit_stop(PitChannel *c, int64_t tick)
{
    if (!c->running) return;
    c->frozen_d = tick - c->start_tick;
    c->running = false;
}

static void pit_control_word(PitChannel *c, uint8_t val, int64_t tick)
{
    pit_promote(c, tick);
    c->rw = (val >> 4) & 3;
    c->mode = (val >> 1) & 7;
    c->bcd = val & 1;
    /* "all Control Logic is immediately reset and OUT goes to a known initial state" */
    c->armed = c->running = c->has_next = c->cr_written = false;
    c->frozen_d = 0;
    c->write_msb = c->read_msb = false;
    c->count_latched = c->status_latched = false;
    c->null_count = true;
}

/* A count was written (both bytes, where RW says two). */
static void pit_count_written(PitChannel *c, uint16_t raw, int64_t tick)
{
    c->cr = c->bcd ? pit_bcd_to_bin(raw) : raw;
    c->cr_written = true;
    c->null_count = true;
    int mode = pit_mode(c);
    if (mode == 1 || mode == 5) return; /* loaded at the next trigger */
    if ((mode == 2 || mode == 3) && c->armed && c->running) {
        /* Loaded at the end of the current period (mode 2) or half-cycle (mode 3). */
        int64_t n = pit_count_n(c, c->n), d = tick - c->start_tick, p = d % n;
        int64_t new_n = pit_count_n(c, c->cr);
        c->has_next = true;
        if (mode == 2) {
            c->switch_tick = tick + (n - p);
            c->next_start_tick = c->switch_tick;
        } else if (p < pit_high_len(n)) {
            c->switch_tick = tick + (pit_high_len(n) - p);
            c->next_start_tick = c->switch_tick - pit_high_len(new_n); /* low phase next */
        } else {
            c->switch_tick = tick + (n - p);
            c->next_start_tick = c->switch_tick;
        }
        return;
    }
    c->n = c->cr;
    c->armed = true;
    c->has_next = false;
    c->null_count = false;
    c->frozen_d = 0;
    c->start_tick = tick;
    c->running = c->gate;
}

static void pit_write_count(PitChannel *c, uint8_t val, int64_t tick)
{
    pit_promote(c, tick);
    switch (c->rw) {
    case RW_LSB: pit_count_written(c, val, tick); break;
    case RW_MSB: pit_count_written(c, (uint16_t)(val << 8), tick); break;
    case RW_LSB_MSB:
        if (!c->write_msb) {
            c->write_lsb = val;
            c->write_msb = true;
            /* Mode 0: "Writing the first byte disables counting. OUT is set low." */
            if (pit_mode(c) == 0 && c->armed) {
                pit_stop(c, tick);
                c->armed = false;
            }
        } else {
            c->write_msb = false;
            pit_count_written(c, (uint16_t)(c->write_lsb | val << 8), tick);
        }
        break;
    default: break;
    }
}

static uint8_t pit_status(const PitChannel *c, int64_t tick)
{
    return (pit_out_at(c, tick) ? STATUS_OUT : 0) | (c->null_count ? STATUS_NULL_COUNT : 0) |
           (uint8_t)(c->rw << 4) | (uint8_t)(c->mode << 1) | (c->bcd ? 1 : 0);
}

static uint16_t pit_visible_count(const PitChannel *c, int64_t tick)
{
    uint16_t v = pit_count_at(c, tick);
    return c->bcd ? pit_bin_to_bcd(v) : v;
}

static void pit_latch_count(PitChannel *c, int64_t tick)
{
    /* A second latch before the first is read is ignored. */
    if (c->count_latched) return;
    c->latch = pit_visible_count(c, tick);
    c->count_latched = true;
}

/* "Read-Back Command": bit n+1 selects counter n. */
static void pit_read_back(I8254 *s, uint8_t val, int64_t tick)
{
    for (int i = 0; i < PIT_CHANNELS; i++) {
        if (!(val & (2 << i))) continue;
        PitChannel *c = &s->ch[i];
        pit_promote(c, tick);
        if (!(val & RB_NO_COUNT)) pit_latch_count(c, tick);
        if (!(val & RB_NO_STATUS) && !c->status_latched) {
            c->status = pit_status(c, tick);
            c->status_latched = true;
        }
    }
}

static uint8_t pit_read_counter(PitChannel *c, int64_t tick)
{
    pit_promote(c, tick);
    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    uint16_t v = c->count_latched ? c->latch : pit_visible_count(c, tick);
    bool msb;
    switch (c->rw) {
    case RW_LSB: msb = false; break;
    case RW_MSB: msb = true; break;
    default:
        msb = c->read_msb;
        c->read_msb = !c->read_msb;
        break;
    }
    if (c->rw != RW_LSB_MSB || msb) c->count_latched = false;
    return msb ? (uint8_t)(v >> 8) : (uint8_t)v;
}

static uint64_t pit_read(void *opaque, uint64_t offset, unsigned size)
{
    I8254 *s = opaque;
    if (offset == 3) return 0xff; /* the control word register is write-only */
    return pit_read_counter(&s->ch[offset], pit_now_tick(s));
}

static void pit_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    I8254 *s = opaque;
    uint8_t val = (uint8_t)value;
    int64_t tick = pit_now_tick(s);
    if (offset < 3) {
        pit_write_count(&s->ch[offset], val, tick);
        if (offset == 0) pit_irq_update(s);
        return;
    }
    int sc = val >> 6;
    if (sc == CW_READ_BACK) {
        pit_read_back(s, val, tick);
        return;
    }
    PitChannel *c = &s->ch[sc];
    if (((val >> 4) & 3) == RW_LATCH) {
        pit_promote(c, tick);
        pit_latch_count(c, tick);
        return;
    }
    pit_control_word(c, val, tick);
    if (sc == 0) pit_irq_update(s);
}

static const MemoryRegionOps pit_ops = {
    .read = pit_read,
    .write = pit_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 1,
};

/* ---- gate and OUT ("GATE" column of the mode table) ---- */

void i8254_set_gate(Device *dev, int channel, bool level)
{
    I8254 *s = (I8254 *)dev;
    if (channel < 0 || channel >= PIT_CHANNELS) return;
    PitChannel *c = &s->ch[channel];
    int64_t tick = pit_now_tick(s);
    pit_promote(c, tick);
    bool rising = level && !c->gate;
    c->gate = level;
    switch (pit_mode(c)) {
    case 0:
    case 4: /* gate low suspends counting */
        if (!level)
            pit_stop(c, tick);
        else if (c->armed && !c->running) {
            c->start_tick = tick - c->frozen_d;
            c->running = true;
        }
        break;
    case 2:
    case 3: /* gate low stops counting with OUT high; a rising edge reloads */
        if (!level)
            pit_stop(c, tick);
        else if (rising && c->armed) {
            c->n = c->cr;
            c->has_next = false;
            c->null_count = false;
            c->start_tick = tick;
            c->running = true;
        }
        break;
    default: /* modes 1, 5: a rising edge (re)triggers */
        if (rising && c->cr_written) {
            c->n = c->cr;
            c->null_count = false;
            c->armed = c->running = true;
            c->start_tick = tick;
        }
        break;
    }
    if (channel == 0) pit_irq_update(s);
}

bool i8254_get_out(Device *dev, int channel)
{
    I8254 *s = (I8254 *)dev;
    if (channel < 0 || channel >= PIT_CHANNELS) return false;
    int64_t tick = pit_now_tick(s);
    pit_promote(&s->ch[channel], tick);
    return pit_out_at(&s->ch[channel], tick);
}

/* ---- device ---- */

static void pit_reset(Device *dev)
{
    /* Power-up state is undefined; like the PC BIOS leaves it, every counter
     * runs mode 3 with count 0 (18.2 Hz on counter 0). */
    I8254 *s = (I8254 *)dev;
    int64_t tick = pit_now_tick(s);
    for (int i = 0; i < PIT_CHANNELS; i++) {
        PitChannel *c = &s->ch[i];
        pit_control_word(c, 0x36, tick);
        pit_write_count(c, 0, tick);
        pit_write_count(c, 0, tick);
    }
    pit_irq_update(s);
}

static bool pit_realize(Device *dev, Machine *m)
{
    I8254 *s = (I8254 *)dev;
    if (!m || !m->clocks) {
        fprintf(stderr, "doppel: i8254: needs a machine with clocks\n");
        return false;
    }
    memory_region_init_io(&s->mr, "i8254", 4, &pit_ops, s);
    s->irq_timer = timer_new(m->clocks, CLK_VIRTUAL, pit_irq_timer_cb, s);
    for (int i = 0; i < PIT_CHANNELS; i++)
        s->ch[i].gate = true;
    return true;
}

static void pit_finalize(Device *dev)
{
    I8254 *s = (I8254 *)dev;
    timer_free(s->irq_timer);
    memory_region_destroy(&s->mr);
}

static void pit_post_load(Device *dev)
{
    I8254 *s = (I8254 *)dev;
    for (int i = 0; i < PIT_CHANNELS; i++) {
        s->ch[i].rw &= 3;
        s->ch[i].mode &= 7;
    }
    pit_irq_update(s);
}

#define PIT_FIELD(i, f, t)                                                                         \
    {                                                                                              \
        "ch" #i "." #f, offsetof(I8254, ch[i].f), t, 1                                             \
    }
#define PIT_CHANNEL_VMSTATE(i)                                                                     \
    PIT_FIELD(i, mode, VMS_U8), PIT_FIELD(i, rw, VMS_U8), PIT_FIELD(i, bcd, VMS_BOOL),             \
        PIT_FIELD(i, gate, VMS_BOOL), PIT_FIELD(i, cr, VMS_U16), PIT_FIELD(i, n, VMS_U16),         \
        PIT_FIELD(i, cr_written, VMS_BOOL), PIT_FIELD(i, armed, VMS_BOOL),                         \
        PIT_FIELD(i, running, VMS_BOOL), PIT_FIELD(i, start_tick, VMS_U64),                        \
        PIT_FIELD(i, frozen_d, VMS_U64), PIT_FIELD(i, has_next, VMS_BOOL),                         \
        PIT_FIELD(i, switch_tick, VMS_U64), PIT_FIELD(i, next_start_tick, VMS_U64),                \
        PIT_FIELD(i, write_msb, VMS_BOOL), PIT_FIELD(i, write_lsb, VMS_U8),                        \
        PIT_FIELD(i, read_msb, VMS_BOOL), PIT_FIELD(i, count_latched, VMS_BOOL),                   \
        PIT_FIELD(i, latch, VMS_U16), PIT_FIELD(i, status_latched, VMS_BOOL),                      \
        PIT_FIELD(i, status, VMS_U8), PIT_FIELD(i, null_count, VMS_BOOL),                          \
        PIT_FIELD(i, edge_tick, VMS_U64)

static const VMStateField pit_vmstate[] = {
    PIT_CHANNEL_VMSTATE(0),
    PIT_CHANNEL_VMSTATE(1),
    PIT_CHANNEL_VMSTATE(2),
    VMSTATE_END,
};

static const DeviceClass i8254_class = {
    .name = "i8254",
    .desc = "Intel 8254 programmable interval timer",
    .instance_size = sizeof(I8254),
    .vmstate = pit_vmstate,
    .vmstate_version = 1,
    .realize = pit_realize,
    .reset = pit_reset,
    .post_load = pit_post_load,
    .finalize = pit_finalize,
};
DEVICE_REGISTER(i8254_class)

Device *i8254_create(Machine *m, MemoryRegion *io, uint16_t base, IrqLine *irq0)
{
    Device *dev = device_create(m, "i8254");
    if (!dev) return NULL;
    device_connect_irq(dev, 0, irq0);
    if (!device_realize(dev)) return NULL;
    if (io) memory_region_add_subregion(io, base, &((I8254 *)dev)->mr, 0);
    return dev;
}

MemoryRegion *i8254_region(Device *dev)
{
    return &((I8254 *)dev)->mr;
}
