/*
 * Motorola MC146818A real-time clock plus RAM.  Section names are those of
 * the MC146818A datasheet; the CMOS layout above 0x0d is the board's.
 *
 * The clock does not tick: it keeps the RTC time (seconds, in the RTC's
 * own zone) at phase_ns, a virtual time at which the 32.768 kHz divider
 * chain completed a second, and formats the time registers when they are
 * read.  While SET is on or the divider is stopped the time registers are
 * plain RAM holding the time; leaving that state takes the time from them.
 * A timer runs the once-a-second update (UF, alarm); another the periodic
 * interrupt, only while PIE is on (PF is otherwise computed when register
 * C is read).  Daylight saving (DSE) is ignored and the square-wave output
 * is not connected.
 */
#include "devices/timer/mc146818.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/device.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/replay.h"
#include "softmmu/memory.h"

#define NS_PER_SEC    1000000000LL
#define UIP_WINDOW_NS 244141 /* "Update Cycle": UIP rises 244 us before the update */
#define DIVIDER_HZ    32768

enum { /* "Address Map" */
       REG_SECONDS = 0x00,
       REG_SECONDS_ALARM = 0x01,
       REG_MINUTES = 0x02,
       REG_MINUTES_ALARM = 0x03,
       REG_HOURS = 0x04,
       REG_HOURS_ALARM = 0x05,
       REG_DAY_OF_WEEK = 0x06,
       REG_DAY_OF_MONTH = 0x07,
       REG_MONTH = 0x08,
       REG_YEAR = 0x09,
       REG_A = 0x0a,
       REG_B = 0x0b,
       REG_C = 0x0c,
       REG_D = 0x0d,
       CMOS_FIRST_RAM = 0x0e,
};

enum {
    A_UIP = 0x80,
    A_DV_MASK = 0x70,
    A_DV_32KHZ = 0x20, /* the only divider setting on which the clock runs */
    A_RS_MASK = 0x0f,

    B_SET = 0x80,
    B_PIE = 0x40,
    B_AIE = 0x20,
    B_UIE = 0x10,
    B_SQWE = 0x08,
    B_DM_BINARY = 0x04,
    B_24H = 0x02,

    C_IRQF = 0x80,
    C_PF = 0x40,
    C_AF = 0x20,
    C_UF = 0x10,

    D_VRT = 0x80,

    HOUR_PM = 0x80,
    ALARM_DONT_CARE = 0xc0,
};

typedef struct MC146818 {
    Device dev;
    char *base; /* property: utc, localtime or a date */
    MemoryRegion mr;
    Timer *update_timer;
    Timer *periodic_timer;

    uint8_t cmos[128];
    uint8_t index;
    bool nmi_masked;
    int64_t phase_ns;    /* a second boundary of the divider chain */
    int64_t time_sec;    /* the RTC time at phase_ns */
    int64_t pf_since_ns; /* PF: periodic edges after this time set it */
} MC146818;

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t rtc_now_ns(MC146818 *s)
{
    return clock_get_ns(s->dev.machine->clocks, CLK_VIRTUAL);
}

static bool rtc_divider_running(const MC146818 *s)
{
    return (s->cmos[REG_A] & A_DV_MASK) == A_DV_32KHZ;
}

/* The time registers count (updates happen). */
static bool rtc_ticking(const MC146818 *s)
{
    return rtc_divider_running(s) && !(s->cmos[REG_B] & B_SET);
}

/* ---- register formats ("Time, Calendar and Alarm Data Modes") ---- */

static uint8_t rtc_to_reg(const MC146818 *s, int v)
{
    if (s->cmos[REG_B] & B_DM_BINARY) return (uint8_t)v;
    return (uint8_t)((v / 10 % 10) << 4 | v % 10);
}

static int rtc_from_reg(const MC146818 *s, uint8_t v)
{
    if (s->cmos[REG_B] & B_DM_BINARY) return v;
    return (v >> 4) * 10 + (v & 0xf);
}

static uint8_t rtc_hour_to_reg(const MC146818 *s, int h)
{
    if (s->cmos[REG_B] & B_24H) return rtc_to_reg(s, h);
    int h12 = h % 12 ? h % 12 : 12;
    return (uint8_t)(rtc_to_reg(s, h12) | (h >= 12 ? HOUR_PM : 0));
}

static int rtc_hour_from_reg(const MC146818 *s, uint8_t v)
{
    if (s->cmos[REG_B] & B_24H) return rtc_from_reg(s, v);
    return rtc_from_reg(s, v & ~HOUR_PM) % 12 + (v & HOUR_PM ? 12 : 0);
}

/* ---- the clock ---- */

static int64_t rtc_seconds_at(const MC146818 *s, int64_t now)
{
    return s->time_sec + floor_div(now - s->phase_ns, NS_PER_SEC);
}

static int64_t rtc_next_update_ns(const MC146818 *s, int64_t now)
{
    return s->phase_ns + (floor_div(now - s->phase_ns, NS_PER_SEC) + 1) * NS_PER_SEC;
}

/* Write the time registers from the running clock. */
static void rtc_format_time(MC146818 *s, int64_t now)
{
    if (!rtc_ticking(s)) return;
    time_t t = (time_t)rtc_seconds_at(s, now);
    struct tm tm;
    if (!gmtime_r(&t, &tm)) return;
    int year = tm.tm_year + 1900;
    s->cmos[REG_SECONDS] = rtc_to_reg(s, tm.tm_sec);
    s->cmos[REG_MINUTES] = rtc_to_reg(s, tm.tm_min);
    s->cmos[REG_HOURS] = rtc_hour_to_reg(s, tm.tm_hour);
    s->cmos[REG_DAY_OF_WEEK] = rtc_to_reg(s, tm.tm_wday + 1);
    s->cmos[REG_DAY_OF_MONTH] = rtc_to_reg(s, tm.tm_mday);
    s->cmos[REG_MONTH] = rtc_to_reg(s, tm.tm_mon + 1);
    s->cmos[REG_YEAR] = rtc_to_reg(s, year % 100);
    s->cmos[MC146818_CENTURY] = rtc_to_reg(s, year / 100 % 100);
}

/* Restart the clock from the time registers, keeping the divider phase. */
static void rtc_load_time(MC146818 *s, int64_t now)
{
    struct tm tm = {
        .tm_sec = rtc_from_reg(s, s->cmos[REG_SECONDS]),
        .tm_min = rtc_from_reg(s, s->cmos[REG_MINUTES]),
        .tm_hour = rtc_hour_from_reg(s, s->cmos[REG_HOURS]),
        .tm_mday = rtc_from_reg(s, s->cmos[REG_DAY_OF_MONTH]),
        .tm_mon = rtc_from_reg(s, s->cmos[REG_MONTH]) - 1,
        .tm_year = rtc_from_reg(s, s->cmos[MC146818_CENTURY]) * 100 +
                   rtc_from_reg(s, s->cmos[REG_YEAR]) - 1900,
    };
    int64_t t = (int64_t)timegm(&tm); /* normalises out-of-range fields */
    s->time_sec = t - floor_div(now - s->phase_ns, NS_PER_SEC);
}

/* ---- periodic interrupt ("Periodic Interrupt Selection" table) ---- */

/* The period in divider clocks, 0 for none. */
static int64_t rtc_period_clocks(const MC146818 *s)
{
    int rs = s->cmos[REG_A] & A_RS_MASK;
    if (rs == 0 || !rtc_divider_running(s)) return 0;
    if (rs <= 2) rs += 7; /* at 32.768 kHz, rates 1 and 2 repeat 8 and 9 */
    return (int64_t)1 << (rs - 1);
}

static int64_t rtc_divider_clocks(const MC146818 *s, int64_t ns)
{
    return floor_div((ns - s->phase_ns) * 64, 1953125); /* 1e9 / 32768 = 1953125 / 64 */
}

static int64_t rtc_ns_of_divider_clocks(const MC146818 *s, int64_t clocks)
{
    return s->phase_ns + (clocks * 1953125 + 63) / 64;
}

/* ---- interrupts ("Register C") ---- */

static void rtc_update_irq(MC146818 *s)
{
    uint8_t b = s->cmos[REG_B], c = s->cmos[REG_C] & (C_PF | C_AF | C_UF);
    if ((c & C_PF && b & B_PIE) || (c & C_AF && b & B_AIE) || (c & C_UF && b & B_UIE)) c |= C_IRQF;
    s->cmos[REG_C] = c;
    irq_set(s->dev.irq_out[0], !!(c & C_IRQF));
}

static void rtc_arm_timers(MC146818 *s, int64_t now)
{
    if (rtc_ticking(s))
        timer_mod(s->update_timer, rtc_next_update_ns(s, now));
    else
        timer_del(s->update_timer);
    int64_t period = rtc_period_clocks(s);
    if (period && (s->cmos[REG_B] & B_PIE)) {
        int64_t next = (floor_div(rtc_divider_clocks(s, now), period) + 1) * period;
        timer_mod(s->periodic_timer, rtc_ns_of_divider_clocks(s, next));
    } else {
        timer_del(s->periodic_timer);
    }
}

/* PF for periodic edges since the last read of register C. */
static void rtc_collect_pf(MC146818 *s, int64_t now)
{
    int64_t period = rtc_period_clocks(s);
    if (period && floor_div(rtc_divider_clocks(s, now), period) >
                      floor_div(rtc_divider_clocks(s, s->pf_since_ns), period))
        s->cmos[REG_C] |= C_PF;
    s->pf_since_ns = now;
}

static bool rtc_alarm_field_matches(uint8_t alarm, uint8_t now)
{
    return (alarm & ALARM_DONT_CARE) == ALARM_DONT_CARE || alarm == now;
}

/* "Update Cycle": once a second the time advances, UF is set and the
 * alarm compared. */
static void rtc_update_cb(void *opaque)
{
    MC146818 *s = opaque;
    int64_t now = rtc_now_ns(s);
    if (!rtc_ticking(s)) return;
    rtc_format_time(s, now);
    s->cmos[REG_C] |= C_UF;
    if (rtc_alarm_field_matches(s->cmos[REG_SECONDS_ALARM], s->cmos[REG_SECONDS]) &&
        rtc_alarm_field_matches(s->cmos[REG_MINUTES_ALARM], s->cmos[REG_MINUTES]) &&
        rtc_alarm_field_matches(s->cmos[REG_HOURS_ALARM], s->cmos[REG_HOURS]))
        s->cmos[REG_C] |= C_AF;
    rtc_update_irq(s);
    rtc_arm_timers(s, now);
}

static void rtc_periodic_cb(void *opaque)
{
    MC146818 *s = opaque;
    int64_t now = rtc_now_ns(s);
    s->cmos[REG_C] |= C_PF;
    s->pf_since_ns = now;
    rtc_update_irq(s);
    rtc_arm_timers(s, now);
}

/* ---- registers ---- */

static bool rtc_is_time_reg(int index)
{
    return index <= REG_YEAR || index == MC146818_CENTURY;
}

static uint8_t rtc_peek(MC146818 *s, int index, int64_t now)
{
    if (rtc_is_time_reg(index)) rtc_format_time(s, now);
    switch (index) {
    case REG_A: {
        bool uip = rtc_ticking(s) && rtc_next_update_ns(s, now) - now <= UIP_WINDOW_NS;
        return (uint8_t)((s->cmos[REG_A] & ~A_UIP) | (uip ? A_UIP : 0));
    }
    case REG_D: return D_VRT; /* the battery is fine */
    default: return s->cmos[index];
    }
}

static uint8_t rtc_read_reg(MC146818 *s, int index, int64_t now)
{
    if (index != REG_C) return rtc_peek(s, index, now);
    rtc_collect_pf(s, now);
    rtc_update_irq(s);
    uint8_t val = s->cmos[REG_C];
    s->cmos[REG_C] = 0; /* "all flag bits are cleared after Register C is read" */
    rtc_update_irq(s);
    return val;
}

static void rtc_write_a(MC146818 *s, uint8_t val, int64_t now)
{
    bool was_running = rtc_divider_running(s);
    rtc_format_time(s, now); /* the registers hold the time if the clock stops */
    s->cmos[REG_A] = (uint8_t)((val & ~A_UIP) | (s->cmos[REG_A] & A_UIP));
    if (!was_running && rtc_divider_running(s)) {
        /* "the first update cycle begins one-half second later" */
        s->phase_ns = now + NS_PER_SEC / 2 - NS_PER_SEC;
        s->pf_since_ns = now;
        if (rtc_ticking(s)) rtc_load_time(s, now);
    } else if (!rtc_divider_running(s) && (val & A_DV_MASK) != 0x60 && (val & A_DV_MASK) != 0x70) {
        LOG_MASK(LOG_UNIMP, "mc146818: divider %#x: the clock stops\n", val & A_DV_MASK);
    }
}

static void rtc_write_b(MC146818 *s, uint8_t val, int64_t now)
{
    bool was_ticking = rtc_ticking(s);
    rtc_format_time(s, now);
    if (val & B_SET) val &= (uint8_t)~B_UIE; /* SET clears UIE */
    s->cmos[REG_B] = val;
    if (!was_ticking && rtc_ticking(s)) rtc_load_time(s, now);
    rtc_update_irq(s);
}

static void rtc_write_reg(MC146818 *s, int index, uint8_t val, int64_t now)
{
    switch (index) {
    case REG_A: rtc_write_a(s, val, now); break;
    case REG_B: rtc_write_b(s, val, now); break;
    case REG_C:
    case REG_D:
        LOG_MASK(LOG_GUEST_ERRORS, "mc146818: write %#x to read-only %#x\n", val, index);
        break;
    default:
        if (rtc_is_time_reg(index) && rtc_ticking(s)) {
            /* Set without SET: the next update counts on from the new value. */
            rtc_format_time(s, now);
            s->cmos[index] = val;
            rtc_load_time(s, now);
        } else {
            s->cmos[index] = val;
        }
        break;
    }
    rtc_arm_timers(s, now);
}

static uint64_t rtc_io_read(void *opaque, uint64_t offset, unsigned size)
{
    MC146818 *s = opaque;
    if (offset == 0) return 0xff; /* the index port is write-only */
    return rtc_read_reg(s, s->index, rtc_now_ns(s));
}

static void rtc_io_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    MC146818 *s = opaque;
    if (offset == 0) {
        s->index = value & 0x7f;
        s->nmi_masked = value & 0x80;
        return;
    }
    rtc_write_reg(s, s->index, (uint8_t)value, rtc_now_ns(s));
}

static const MemoryRegionOps rtc_ops = {
    .read = rtc_io_read,
    .write = rtc_io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 1,
};

/* ---- time base (QEMU's -rtc base=) ---- */

/* The host's date goes through the replay layer: recorded under -icount
 * rr=record and read back under rr=replay (core/replay.h). */
static bool rtc_parse_base(Machine *m, const char *base, int64_t *sec, int64_t *subsec_ns)
{
    *subsec_ns = 0;
    if (!base || !strcmp(base, "utc") || !strcmp(base, "localtime")) {
        int64_t now = replay_wallclock_ns(m);
        *sec = now / 1000000000;
        *subsec_ns = now % 1000000000;
        if (base && !strcmp(base, "localtime")) {
            struct tm tm;
            time_t t = (time_t)*sec;
            if (localtime_r(&t, &tm)) *sec += tm.tm_gmtoff;
        }
        return true;
    }
    struct tm tm = {0};
    int n = 0;
    if (sscanf(base, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec, &n) != 6 ||
        base[n]) {
        n = 0;
        tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
        if (sscanf(base, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) != 3 || base[n])
            return false;
    }
    if (tm.tm_year < 1970 || tm.tm_year > 9999 || tm.tm_mon < 1 || tm.tm_mon > 12 ||
        tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59 ||
        tm.tm_hour < 0 || tm.tm_min < 0 || tm.tm_sec < 0)
        return false;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *sec = (int64_t)timegm(&tm);
    return true;
}

/* ---- device ---- */

static void rtc_reset(Device *dev)
{
    /* "RESET": clears PIE, AIE, UIE, SQWE and the flags; the time is kept. */
    MC146818 *s = (MC146818 *)dev;
    int64_t now = rtc_now_ns(s);
    s->cmos[REG_B] &= (uint8_t) ~(B_PIE | B_AIE | B_UIE | B_SQWE);
    s->cmos[REG_C] = 0;
    s->pf_since_ns = now;
    rtc_update_irq(s);
    rtc_arm_timers(s, now);
}

static bool rtc_realize(Device *dev, Machine *m)
{
    MC146818 *s = (MC146818 *)dev;
    if (!m || !m->clocks) {
        fprintf(stderr, "doppel: mc146818: needs a machine with clocks\n");
        return false;
    }
    int64_t sec, subsec;
    if (!rtc_parse_base(m, s->base, &sec, &subsec)) {
        fprintf(stderr,
                "doppel: mc146818: bad rtc base '%s' (expected utc, localtime or "
                "YYYY-MM-DDTHH:MM:SS)\n",
                s->base);
        return false;
    }
    memory_region_init_io(&s->mr, "mc146818", 2, &rtc_ops, s);
    s->update_timer = timer_new(m->clocks, CLK_VIRTUAL, rtc_update_cb, s);
    s->periodic_timer = timer_new(m->clocks, CLK_VIRTUAL, rtc_periodic_cb, s);
    int64_t now = rtc_now_ns(s);
    s->phase_ns = now - subsec;
    s->time_sec = sec;
    s->cmos[REG_A] = A_DV_32KHZ | 0x06; /* 1024 Hz periodic rate, as the PC BIOS sets */
    s->cmos[REG_B] = B_24H;
    s->cmos[REG_D] = D_VRT;
    rtc_format_time(s, now);
    return true;
}

static void rtc_finalize(Device *dev)
{
    MC146818 *s = (MC146818 *)dev;
    timer_free(s->update_timer);
    timer_free(s->periodic_timer);
    memory_region_destroy(&s->mr);
}

static void rtc_post_load(Device *dev)
{
    MC146818 *s = (MC146818 *)dev;
    s->index &= 0x7f;
    rtc_update_irq(s);
    rtc_arm_timers(s, rtc_now_ns(s));
}

static const Property rtc_props[] = {
    DEFINE_PROP_STRING("base", MC146818, base, "utc",
                       "start time: utc, localtime or YYYY-MM-DDTHH:MM:SS"),
    DEFINE_PROP_END,
};

#define RTC_I64(f)                                                                                 \
    {                                                                                              \
#f, offsetof(MC146818, f), VMS_U64, 1                                                      \
    }

static const VMStateField rtc_vmstate[] = {
    VMSTATE_BUFFER(MC146818, cmos),
    VMSTATE_U8(MC146818, index),
    VMSTATE_BOOL(MC146818, nmi_masked),
    RTC_I64(phase_ns),
    RTC_I64(time_sec),
    RTC_I64(pf_since_ns),
    VMSTATE_END,
};

static const DeviceClass mc146818_class = {
    .name = "mc146818",
    .desc = "Motorola MC146818A real-time clock and CMOS RAM",
    .instance_size = sizeof(MC146818),
    .props = rtc_props,
    .vmstate = rtc_vmstate,
    .vmstate_version = 1,
    .realize = rtc_realize,
    .reset = rtc_reset,
    .post_load = rtc_post_load,
    .finalize = rtc_finalize,
};
DEVICE_REGISTER(mc146818_class)

Device *mc146818_create(Machine *m, MemoryRegion *io, uint16_t base, IrqLine *irq,
                        const char *rtc_base)
{
    Device *dev = device_create(m, "mc146818");
    if (!dev) return NULL;
    char err[160];
    if (rtc_base && !device_set_prop(dev, "base", rtc_base, err, sizeof err)) {
        fprintf(stderr, "doppel: mc146818: %s\n", err);
        device_free(dev);
        return NULL;
    }
    device_connect_irq(dev, 0, irq);
    if (!device_realize(dev)) return NULL;
    if (io) memory_region_add_subregion(io, base, &((MC146818 *)dev)->mr, 0);
    return dev;
}

void mc146818_set_cmos(Device *dev, int index, uint8_t value)
{
    MC146818 *s = (MC146818 *)dev;
    if (index < CMOS_FIRST_RAM || index > 0x7f || index == MC146818_CENTURY) return;
    s->cmos[index] = value;
}

uint8_t mc146818_get_cmos(Device *dev, int index)
{
    MC146818 *s = (MC146818 *)dev;
    if (index < 0 || index > 0x7f) return 0xff;
    return rtc_peek(s, index, rtc_now_ns(s));
}

bool mc146818_nmi_masked(Device *dev)
{
    return ((MC146818 *)dev)->nmi_masked;
}

MemoryRegion *mc146818_region(Device *dev)
{
    return &((MC146818 *)dev)->mr;
}
