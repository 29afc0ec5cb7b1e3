/* MC146818 RTC and CMOS through ports 0x70/0x71, started at a fixed date
 * on a fake host clock. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/clock.h"
#include "core/device.h"
#include "core/machine.h"
#include "devices/timer/mc146818.h"
#include "softmmu/memory.h"

static Machine M;
static MemoryRegion io;
static AddressSpace as;
static int64_t fake_ns;
static IrqLine irq8;
static int nrise;
static Device *rtc;
static int64_t start_vt; /* realize: the divider's second boundaries are start_vt + k s */

static int64_t fake_now(void *opaque)
{
    return fake_ns;
}

static int64_t vnow(void)
{
    return clock_get_ns(M.clocks, CLK_VIRTUAL);
}

static void set_vtime(int64_t ns)
{
    fake_ns += ns - vnow();
}

/* Virtual time ns after realize. */
static void at(int64_t ns)
{
    set_vtime(start_vt + ns);
}

static void irq8_handler(void *opaque, int n, int level)
{
    if (level) nrise++;
}

static uint8_t inb(uint16_t port)
{
    uint64_t v = 0;
    address_space_read_val(&as, port, 1, false, &v);
    return (uint8_t)v;
}

static void outb(uint16_t port, uint8_t v)
{
    address_space_write_val(&as, port, 1, false, v);
}

static uint8_t cmos_read(uint8_t index)
{
    outb(0x70, index);
    return inb(0x71);
}

static void cmos_write(uint8_t index, uint8_t v)
{
    outb(0x70, index);
    outb(0x71, v);
}

static void setup(void)
{
    memset(&M, 0, sizeof M);
    fake_ns = 7000000;
    M.clocks = clocks_new();
    clocks_set_host_source(M.clocks, fake_now, NULL);
    memory_region_init_container(&io, "io", 0x10000);
    address_space_init(&as, &io, "io");
    irq_init(&irq8, irq8_handler, NULL, 8);
    nrise = 0;
    start_vt = vnow();
    rtc = mc146818_create(&M, &io, 0x70, &irq8, "2024-02-29T23:59:58");
    cr_assert_not_null(rtc);
}

static void teardown(void)
{
    device_free_all(&M);
    address_space_destroy(&as);
    memory_region_destroy(&io);
    clocks_free(M.clocks);
}

TestSuite(pc_timers_rtc, .init = setup, .fini = teardown);

/* Run timers as the event loop would, up to virtual time start_vt + ns. */
static void run_until(int64_t ns)
{
    int64_t end = start_vt + ns;
    for (;;) {
        int64_t d = clock_deadline_ns(M.clocks, CLK_VIRTUAL);
        if (d < 0 || vnow() + d > end) break;
        set_vtime(vnow() + d);
        clocks_run_expired(M.clocks);
    }
    set_vtime(end);
}

#define MS  1000000LL
#define SEC 1000000000LL

Test(pc_timers_rtc, time_in_bcd_24h)
{
    cr_assert_eq(cmos_read(0x00), 0x58);
    cr_assert_eq(cmos_read(0x02), 0x59);
    cr_assert_eq(cmos_read(0x04), 0x23);
    cr_assert_eq(cmos_read(0x06), 5, "Thursday");
    cr_assert_eq(cmos_read(0x07), 0x29);
    cr_assert_eq(cmos_read(0x08), 0x02);
    cr_assert_eq(cmos_read(0x09), 0x24);
    cr_assert_eq(cmos_read(0x32), 0x20, "century");
    cr_assert_eq(cmos_read(0x0a), 0x26, "32.768 kHz divider, 1024 Hz rate");
    cr_assert_eq(cmos_read(0x0b), 0x02, "24-hour BCD");
    cr_assert_eq(cmos_read(0x0d), 0x80, "VRT");
}

Test(pc_timers_rtc, clock_advances_over_leap_day)
{
    at(1 * SEC + 999 * MS);
    cr_assert_eq(cmos_read(0x00), 0x59);
    at(2 * SEC);
    cr_assert_eq(cmos_read(0x00), 0x00);
    cr_assert_eq(cmos_read(0x02), 0x00);
    cr_assert_eq(cmos_read(0x04), 0x00);
    cr_assert_eq(cmos_read(0x07), 0x01);
    cr_assert_eq(cmos_read(0x08), 0x03, "March after 29 February 2024");
    cr_assert_eq(cmos_read(0x06), 6, "Friday");
}

Test(pc_timers_rtc, binary_and_12_hour_modes)
{
    cmos_write(0x0b, 0x06); /* binary, 24 h */
    cr_assert_eq(cmos_read(0x00), 58);
    cr_assert_eq(cmos_read(0x04), 23);
    cr_assert_eq(cmos_read(0x32), 20);
    cmos_write(0x0b, 0x00); /* BCD, 12 h */
    cr_assert_eq(cmos_read(0x04), 0x80 | 0x11, "11 PM");
    cmos_write(0x0b, 0x04); /* binary, 12 h */
    cr_assert_eq(cmos_read(0x04), 0x80 | 11);
    at(2 * SEC);
    cr_assert_eq(cmos_read(0x04), 12, "midnight is 12 AM");
}

Test(pc_timers_rtc, set_holds_and_loads_the_time)
{
    cmos_write(0x0b, 0x82); /* SET */
    cmos_write(0x00, 0x30);
    cmos_write(0x02, 0x15);
    cmos_write(0x04, 0x10);
    cmos_write(0x07, 0x04);
    cmos_write(0x08, 0x07);
    cmos_write(0x09, 0x99);
    cmos_write(0x32, 0x19);
    at(5 * SEC + 100 * MS);
    cr_assert_eq(cmos_read(0x00), 0x30, "no updates while SET");
    cmos_write(0x0b, 0x02);
    cr_assert_eq(cmos_read(0x00), 0x30);
    at(6 * SEC);
    cr_assert_eq(cmos_read(0x00), 0x31, "counting resumes on the divider's phase");
    cr_assert_eq(cmos_read(0x02), 0x15);
    cr_assert_eq(cmos_read(0x09), 0x99);
    cr_assert_eq(cmos_read(0x32), 0x19);
    cr_assert_eq(cmos_read(0x06), 1, "4 July 1999 was a Sunday");
}

Test(pc_timers_rtc, set_clears_uie)
{
    cmos_write(0x0b, 0x12);
    cmos_write(0x0b, 0x92);
    cr_assert_eq(cmos_read(0x0b), 0x82);
}

Test(pc_timers_rtc, write_without_set)
{
    at(300 * MS);
    cmos_write(0x02, 0x05);
    cr_assert_eq(cmos_read(0x02), 0x05);
    cr_assert_eq(cmos_read(0x04), 0x23);
    at(1 * SEC);
    cr_assert_eq(cmos_read(0x00), 0x59);
    cr_assert_eq(cmos_read(0x02), 0x05);
}

Test(pc_timers_rtc, uip_window_before_update)
{
    at(3 * SEC - 300 * 1000);
    cr_assert_eq(cmos_read(0x0a) & 0x80, 0, "more than 244 us to go");
    at(3 * SEC - 100 * 1000);
    cr_assert_eq(cmos_read(0x0a) & 0x80, 0x80, "update in progress soon");
    cr_assert_eq(cmos_read(0x00), 0x00, "still the old second: 23:59:58 + 2");
    at(3 * SEC);
    cr_assert_eq(cmos_read(0x0a) & 0x80, 0);
    cr_assert_eq(cmos_read(0x00), 0x01);
    cmos_write(0x0b, 0x82);
    at(4 * SEC - 100 * 1000);
    cr_assert_eq(cmos_read(0x0a) & 0x80, 0, "no update cycles while SET");
}

Test(pc_timers_rtc, periodic_interrupt)
{
    cmos_write(0x0a, 0x26); /* 1024 Hz */
    cmos_write(0x0b, 0x42); /* PIE */
    int ints = 0;
    for (;;) {
        int64_t d = clock_deadline_ns(M.clocks, CLK_VIRTUAL);
        if (vnow() + d > start_vt + 100 * MS) break;
        set_vtime(vnow() + d);
        clocks_run_expired(M.clocks);
        if (irq8.level) {
            ints++;
            cr_assert_eq(cmos_read(0x0c), 0xc0, "IRQF and PF");
            cr_assert_eq(irq8.level, 0, "reading C ends the request");
        }
    }
    /* periodic edges at k * 976.5625 us: k = 1..102 up to 100 ms */
    cr_assert_eq(ints, 102);
    cr_assert_eq(nrise, 102);
}

Test(pc_timers_rtc, periodic_flag_without_pie)
{
    cmos_write(0x0a, 0x2f); /* 2 Hz */
    cr_assert_eq(cmos_read(0x0c), 0x00);
    at(400 * MS);
    cr_assert_eq(cmos_read(0x0c), 0x00);
    at(600 * MS);
    cr_assert_eq(cmos_read(0x0c), 0x40, "PF without IRQF");
    cr_assert_eq(cmos_read(0x0c), 0x00, "cleared by the read");
    cr_assert_eq(nrise, 0);
    cmos_write(0x0a, 0x20); /* no periodic rate */
    at(3 * SEC + 100 * MS);
    cr_assert_eq(cmos_read(0x0c) & 0x40, 0);
}

Test(pc_timers_rtc, update_ended_interrupt)
{
    cmos_write(0x0a, 0x20); /* no periodic flag */
    cmos_write(0x0b, 0x12); /* UIE */
    run_until(900 * MS);
    cr_assert_eq(irq8.level, 0);
    run_until(1 * SEC);
    cr_assert_eq(irq8.level, 1);
    cr_assert_eq(cmos_read(0x0c), 0x90, "IRQF and UF");
    cr_assert_eq(cmos_read(0x00), 0x59);
    run_until(3 * SEC + 1);
    cr_assert_eq(nrise, 2, "the 3 s update finds IRQF still set from 2 s");
    cr_assert_eq(cmos_read(0x0c), 0xb0, "and AF: the alarm registers hold 00:00:00");
}

Test(pc_timers_rtc, alarm_interrupt)
{
    cmos_write(0x01, 0x00);
    cmos_write(0x03, 0x00);
    cmos_write(0x05, 0x00);
    cmos_write(0x0a, 0x20);
    cmos_write(0x0b, 0x22); /* AIE */
    run_until(1 * SEC + 500 * MS);
    cr_assert_eq(irq8.level, 0, "23:59:59 does not match");
    cr_assert_eq(cmos_read(0x0c), 0x10, "UF alone");
    run_until(2 * SEC + 1);
    cr_assert_eq(irq8.level, 1);
    cr_assert_eq(cmos_read(0x0c), 0xb0, "IRQF, AF, UF at 00:00:00");
}

Test(pc_timers_rtc, alarm_dont_care_fires_every_second)
{
    cmos_write(0x01, 0xff);
    cmos_write(0x03, 0xc0);
    cmos_write(0x05, 0xc5);
    cmos_write(0x0b, 0x22);
    for (int k = 1; k <= 3; k++) {
        run_until(k * SEC + 1);
        cr_assert_eq(cmos_read(0x0c) & 0xa0, 0xa0, "second %d", k);
    }
    cr_assert_eq(nrise, 3);
}

Test(pc_timers_rtc, divider_reset_stops_the_clock)
{
    at(500 * MS);
    cmos_write(0x0a, 0x76); /* divider reset */
    at(10 * SEC);
    cr_assert_eq(cmos_read(0x00), 0x58);
    cmos_write(0x0a, 0x26);
    at(10 * SEC + 499 * MS);
    cr_assert_eq(cmos_read(0x00), 0x58);
    at(10 * SEC + 500 * MS);
    cr_assert_eq(cmos_read(0x00), 0x59, "first update half a second later");
}

Test(pc_timers_rtc, cmos_ram_and_board_access)
{
    mc146818_set_cmos(rtc, 0x10, 0x40);
    cr_assert_eq(cmos_read(0x10), 0x40);
    cmos_write(0x7f, 0xa5);
    cr_assert_eq(mc146818_get_cmos(rtc, 0x7f), 0xa5);
    cr_assert_eq(mc146818_get_cmos(rtc, 0x00), 0x58, "board reads see the clock");
    mc146818_set_cmos(rtc, 0x00, 0x11);
    cr_assert_eq(cmos_read(0x00), 0x58, "clock registers are not board RAM");
    cmos_write(0x0d, 0x00);
    cr_assert_eq(cmos_read(0x0d), 0x80, "D is read-only");
}

Test(pc_timers_rtc, nmi_mask_in_index_bit7)
{
    cr_assert_not(mc146818_nmi_masked(rtc));
    mc146818_set_cmos(rtc, 0x0f, 0x33);
    outb(0x70, 0x8f);
    cr_assert(mc146818_nmi_masked(rtc));
    cr_assert_eq(inb(0x71), 0x33, "bit 7 is not part of the index");
    outb(0x70, 0x0f);
    cr_assert_not(mc146818_nmi_masked(rtc));
}

Test(pc_timers_rtc, reset_clears_enables_and_flags)
{
    cmos_write(0x0b, 0x7a);
    run_until(1 * SEC + 1);
    cr_assert_eq(irq8.level, 1);
    device_reset(rtc);
    cr_assert_eq(irq8.level, 0);
    cr_assert_eq(cmos_read(0x0b), 0x02);
    cr_assert_eq(cmos_read(0x0c), 0x00);
    cr_assert_eq(cmos_read(0x00), 0x59, "the time survives reset");
}

Test(pc_timers_rtc, malformed_base_is_rejected)
{
    cr_assert_null(mc146818_create(&M, NULL, 0x70, NULL, "2024-13-01"));
    cr_assert_null(mc146818_create(&M, NULL, 0x70, NULL, "yesterday"));
    cr_assert_null(mc146818_create(&M, NULL, 0x70, NULL, "2024-01-01T10:00:00x"));
    Device *d = mc146818_create(&M, NULL, 0x70, NULL, "2000-01-01");
    cr_assert_not_null(d);
    cr_assert_eq(mc146818_get_cmos(d, 0x09), 0x00);
    cr_assert_eq(mc146818_get_cmos(d, 0x32), 0x20);
    cr_assert_not_null(mc146818_create(&M, NULL, 0x70, NULL, "localtime"));
    cr_assert_not_null(mc146818_create(&M, NULL, 0x70, NULL, NULL));
}
