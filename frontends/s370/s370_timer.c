/*
 * The timing facilities (PoO-370 §4 "Timing", PoO-390 §4): the TOD clock,
 * the clock comparator and the CPU timer, derived from the machine's
 * virtual clock so that -icount runs repeat exactly, and the S/370
 * interval timer kept in storage at real location 80.
 *
 * The TOD clock counts 4096 units per microsecond (bit 51 = 1 us); its
 * value is tod_epoch plus the virtual time in those units.  The clock
 * comparator and CPU-timer conditions are levels: pending in ext_pending
 * exactly while TOD > CKC and while the CPU timer is negative.
 * s370_timer_update re-evaluates them (the interruption code calls it
 * after taking one) and arms a virtual-clock timer for the next change.
 */
#include <time.h>

#include "core/clock.h"
#include "core/machine.h"
#include "frontends/s370/s370_internal.h"
#include "frontends/s370/s370_timer.h"

/* Seconds from the TOD epoch (1900-01-01) to the Unix epoch, and to
 * 2000-01-01, the date a deterministic (-icount) run starts at. */
#define TOD_UNIX_EPOCH_S UINT64_C(2208988800)
#define TOD_Y2K_S        UINT64_C(3155673600)
#define TOD_UNITS_PER_US 4096u

/* The S/370 interval timer: bit 23 of the word at location 80 counts
 * 1/300 s (PoO-370 §4 "Interval Timer"). */
#define INTERVAL_TIMER_LOC  80u
#define INTERVAL_TIMER_HZ   300u
#define INTERVAL_TIMER_UNIT 0x100 /* bit 23 */

static Clocks *s370_clocks(const S370CPU *cpu)
{
    return cpu->common.machine ? cpu->common.machine->clocks : NULL;
}

static int64_t s370_virtual_ns(const S370CPU *cpu)
{
    Clocks *c = s370_clocks(cpu);
    return c ? clock_get_ns(c, CLK_VIRTUAL) : 0;
}

/* TOD units in ns nanoseconds (ns * 4096 / 1000), and back (rounded up,
 * so the clock has reached the value at the ns returned). */
static uint64_t tod_units(uint64_t ns)
{
    return (uint64_t)((unsigned __int128)ns * 512 / 125);
}

static unsigned __int128 tod_units_to_ns_ceil(unsigned __int128 units)
{
    return (units * 125 + 511) / 512;
}

static uint64_t s370_tod_at(const S370CPU *cpu, int64_t ns)
{
    return cpu->tod_epoch + tod_units(ns > 0 ? (uint64_t)ns : 0);
}

uint64_t s370_tod_now(S370CPU *cpu)
{
    return s370_tod_at(cpu, s370_virtual_ns(cpu));
}

uint64_t s370_tod_store(S370CPU *cpu)
{
    /* PoO-370 §10 "Store Clock": every value stored is unique and
     * larger than the one before, even within one microsecond. */
    uint64_t v = s370_tod_now(cpu);
    if (v <= cpu->tod_last) v = cpu->tod_last + 1;
    cpu->tod_last = v;
    return v;
}

void s370_tod_set(S370CPU *cpu, uint64_t value)
{
    cpu->tod_epoch = value - tod_units((uint64_t)s370_virtual_ns(cpu));
    cpu->tod_set = true;
    cpu->tod_last = 0;
    s370_timer_update(cpu);
}

void s370_ckc_set(S370CPU *cpu, uint64_t value)
{
    cpu->ckc = value;
    s370_timer_update(cpu);
}

int64_t s370_cpu_timer_get(S370CPU *cpu)
{
    __int128 units = (__int128)(cpu->cpu_timer_ns - s370_virtual_ns(cpu)) * 512 / 125;
    if (units > INT64_MAX) return INT64_MAX;
    if (units < INT64_MIN) return INT64_MIN;
    return (int64_t)units;
}

void s370_cpu_timer_set(S370CPU *cpu, int64_t value)
{
    /* |value| * 125/512 stays far inside int64. */
    cpu->cpu_timer_ns = s370_virtual_ns(cpu) + (int64_t)((__int128)value * 125 / 512);
    s370_timer_update(cpu);
}

/* Set or clear a level condition; a new one asks for the interruption. */
static void s370_ext_level(S370CPU *cpu, uint32_t condition, bool on)
{
    if (on && !(cpu->ext_pending & condition))
        s370_external_request(cpu, condition);
    else if (!on)
        cpu->ext_pending &= ~condition;
}

void s370_timer_update(S370CPU *cpu)
{
    Clocks *clocks = s370_clocks(cpu);
    if (!clocks || !cpu->ckc_timer) return;
    int64_t now = clock_get_ns(clocks, CLK_VIRTUAL);

    /* Clock comparator (PoO-370 §4): pending while TOD > CKC. */
    uint64_t tod = s370_tod_at(cpu, now);
    s370_ext_level(cpu, S370_EXT_CLOCK_COMP, tod > cpu->ckc);
    timer_del(cpu->ckc_timer);
    if (tod <= cpu->ckc) {
        /* The first ns at which the TOD clock exceeds the comparator. */
        unsigned __int128 target =
            (unsigned __int128)tod_units((uint64_t)(now > 0 ? now : 0)) + (cpu->ckc - tod) + 1;
        unsigned __int128 at = tod_units_to_ns_ceil(target);
        if (at <= INT64_MAX) timer_mod(cpu->ckc_timer, (int64_t)at);
    }

    /* CPU timer: pending while negative, i.e. once now passes the ns at
     * which it reads zero. */
    s370_ext_level(cpu, S370_EXT_CPU_TIMER, now > cpu->cpu_timer_ns);
    timer_del(cpu->cpu_timer);
    if (now <= cpu->cpu_timer_ns && cpu->cpu_timer_ns < INT64_MAX)
        timer_mod(cpu->cpu_timer, cpu->cpu_timer_ns + 1);
}

static void s370_timer_expired(void *opaque)
{
    s370_timer_update(opaque);
}

/* ---- the S/370 interval timer ---- */

static uint64_t interval_ticks(int64_t ns)
{
    return ns > 0 ? (uint64_t)((unsigned __int128)ns * INTERVAL_TIMER_HZ / 1000000000u) : 0;
}

/* Bring location 80 up to date: one unit of bit 23 per 1/300 s since the
 * last update; the interruption comes when the value turns negative. */
static void s370_interval_timer_advance(S370CPU *cpu, int64_t now)
{
    uint64_t ticks = interval_ticks(now) - interval_ticks(cpu->interval_last_ns);
    cpu->interval_last_ns = now;
    if (!ticks) return;
    uint64_t abs = s370_real_to_abs(cpu, INTERVAL_TIMER_LOC);
    if (!s370_abs_valid(cpu, abs, 4)) return;
    int32_t old = (int32_t)s370_abs_load32(cpu, abs);
    int64_t value = (int64_t)old - (int64_t)ticks * INTERVAL_TIMER_UNIT;
    s370_abs_store32(cpu, abs, (uint32_t)value);
    if (old >= 0 && value < 0) s370_external_request(cpu, S370_EXT_INTERVAL_TIMER);
}

static void s370_interval_timer_arm(S370CPU *cpu, int64_t now)
{
    uint64_t next = interval_ticks(now) + 1;
    int64_t at = (int64_t)((next * 1000000000u + INTERVAL_TIMER_HZ - 1) / INTERVAL_TIMER_HZ);
    timer_mod(cpu->interval_timer, at);
}

static void s370_interval_timer_expired(void *opaque)
{
    S370CPU *cpu = opaque;
    int64_t now = s370_virtual_ns(cpu);
    s370_interval_timer_advance(cpu, now);
    s370_interval_timer_arm(cpu, now);
}

/* ---- set-up ---- */

/* The TOD value a machine's support processor would have set at power-on:
 * the host's date, or a fixed one when the run must be repeatable. */
static uint64_t s370_tod_power_on(const S370CPU *cpu)
{
    const Machine *m = cpu->common.machine;
    if (!m || m->icount_shift >= 0) return TOD_Y2K_S * 1000000u * TOD_UNITS_PER_US;
    struct timespec ts;
    if (timespec_get(&ts, TIME_UTC) != TIME_UTC) return TOD_Y2K_S * 1000000u * TOD_UNITS_PER_US;
    uint64_t us =
        ((uint64_t)ts.tv_sec + TOD_UNIX_EPOCH_S) * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
    return us * TOD_UNITS_PER_US;
}

void s370_timer_init(S370CPU *cpu)
{
    Clocks *clocks = s370_clocks(cpu);
    if (!cpu->tod_set) {
        cpu->tod_epoch = s370_tod_power_on(cpu) - tod_units((uint64_t)s370_virtual_ns(cpu));
        cpu->tod_set = true;
    }
    if (!clocks || cpu->ckc_timer) return;
    cpu->ckc_timer = timer_new(clocks, CLK_VIRTUAL, s370_timer_expired, cpu);
    cpu->cpu_timer = timer_new(clocks, CLK_VIRTUAL, s370_timer_expired, cpu);
    cpu->interval_timer = timer_new(clocks, CLK_VIRTUAL, s370_interval_timer_expired, cpu);
}

void s370_timer_fini(S370CPU *cpu)
{
    timer_free(cpu->ckc_timer);
    timer_free(cpu->cpu_timer);
    timer_free(cpu->interval_timer);
    cpu->ckc_timer = cpu->cpu_timer = cpu->interval_timer = NULL;
}

void s370_timer_reset(S370CPU *cpu)
{
    /* CPU reset clears the clock comparator and CPU timer; the TOD clock
     * runs on (only power-on sets it). */
    int64_t now = s370_virtual_ns(cpu);
    cpu->ckc = 0;
    cpu->cpu_timer_ns = now;
    cpu->ext_pending &= ~(S370_EXT_CLOCK_COMP | S370_EXT_CPU_TIMER | S370_EXT_INTERVAL_TIMER);
    cpu->interval_last_ns = now;
    if (!cpu->interval_timer) return;
    if (cpu->arch == S370_ARCH_370)
        s370_interval_timer_arm(cpu, now);
    else
        timer_del(cpu->interval_timer);
    s370_timer_update(cpu);
}
