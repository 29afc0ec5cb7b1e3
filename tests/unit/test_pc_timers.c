/* i8254 PIT and port 0x61 through the I/O port space, on a fake host
 * clock so virtual time moves only when a test says so. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/clock.h"
#include "core/device.h"
#include "core/machine.h"
#include "devices/timer/i8254.h"
#include "devices/timer/port61.h"
#include "softmmu/memory.h"

static Machine M;
static MemoryRegion io;
static AddressSpace as;
static int64_t fake_ns;
static IrqLine irq0;
static Device *pit, *p61;
static int64_t rise_ns[64];
static int nrise, nfall;

static int64_t fake_now(void *opaque)
{
    return fake_ns;
}

static int64_t vnow(void)
{
    return clock_get_ns(M.clocks, CLK_VIRTUAL);
}

static void irq0_handler(void *opaque, int n, int level)
{
    if (level) {
        if (nrise < 64) rise_ns[nrise] = vnow();
        nrise++;
    } else {
        nfall++;
    }
}

/* Tick t of the PIT's global grid begins at this virtual time. */
static int64_t ns_of_tick(int64_t t)
{
    return (int64_t)(((__int128)t * 1000000000 + I8254_HZ - 1) / I8254_HZ);
}

static void set_vtime(int64_t ns)
{
    fake_ns += ns - vnow();
}

static int64_t t0; /* the tick tests start at */

static void at_tick(int64_t d)
{
    set_vtime(ns_of_tick(t0 + d));
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

static void setup(void)
{
    memset(&M, 0, sizeof M);
    fake_ns = 5000000;
    M.clocks = clocks_new();
    clocks_set_host_source(M.clocks, fake_now, NULL);
    memory_region_init_container(&io, "io", 0x10000);
    address_space_init(&as, &io, "io");
    irq_init(&irq0, irq0_handler, NULL, 0);
    nrise = nfall = 0;
    pit = i8254_create(&M, &io, 0x40, &irq0);
    cr_assert_not_null(pit);
    p61 = port61_create(&M, &io, pit);
    cr_assert_not_null(p61);
    t0 = I8254_HZ; /* one second in */
    at_tick(0);
}

static void teardown(void)
{
    device_free_all(&M);
    address_space_destroy(&as);
    memory_region_destroy(&io);
    clocks_free(M.clocks);
}

TestSuite(pc_timers, .init = setup, .fini = teardown);

static void program(int ch, uint8_t mode_bits, uint16_t count)
{
    outb(0x43, (uint8_t)(ch << 6 | 0x30 | mode_bits));
    outb((uint16_t)(0x40 + ch), (uint8_t)count);
    outb((uint16_t)(0x40 + ch), (uint8_t)(count >> 8));
}

static uint16_t read_count(int ch)
{
    outb(0x43, (uint8_t)(ch << 6)); /* counter latch */
    uint8_t lo = inb((uint16_t)(0x40 + ch));
    return (uint16_t)(lo | inb((uint16_t)(0x40 + ch)) << 8);
}

/* Read-back of one counter's status byte. */
static uint8_t read_status(int ch)
{
    outb(0x43, (uint8_t)(0xe0 | 2 << ch));
    return inb((uint16_t)(0x40 + ch));
}

static bool out(int ch)
{
    return read_status(ch) & 0x80;
}

Test(pc_timers, mode0_interrupt_on_terminal_count)
{
    program(1, 0 << 1, 1000);
    cr_assert_not(out(1), "mode 0: OUT low after the count is written");
    at_tick(100);
    cr_assert_eq(read_count(1), 900);
    at_tick(999);
    cr_assert_not(out(1));
    at_tick(1000);
    cr_assert(out(1), "OUT high at terminal count");
    at_tick(1001);
    cr_assert_eq(read_count(1), 0xffff, "the counter wraps and keeps counting");
    cr_assert(out(1), "OUT stays high");
}

Test(pc_timers, mode0_first_byte_stops_counting)
{
    program(1, 0, 50);
    at_tick(60);
    cr_assert(out(1));
    outb(0x41, 0x10); /* LSB of a new count */
    cr_assert_not(out(1), "writing the first byte sets OUT low");
    at_tick(100);
    outb(0x41, 0x00);
    at_tick(110);
    cr_assert_eq(read_count(1), 6, "new count 16 started at the MSB write");
}

Test(pc_timers, mode2_rate_generator)
{
    program(1, 2 << 1, 100);
    cr_assert(out(1));
    at_tick(30);
    cr_assert_eq(read_count(1), 70);
    at_tick(98);
    cr_assert(out(1));
    at_tick(99);
    cr_assert_not(out(1), "one clock low when the count reaches 1");
    cr_assert_eq(read_count(1), 1);
    at_tick(100);
    cr_assert(out(1));
    cr_assert_eq(read_count(1), 100, "reloaded");
    at_tick(250);
    cr_assert_eq(read_count(1), 50);
}

Test(pc_timers, mode2_new_count_waits_for_period_end)
{
    program(1, 2 << 1, 100);
    at_tick(40);
    outb(0x41, 10);
    outb(0x41, 0);
    cr_assert_eq(read_status(1) & 0x40, 0x40, "null count until loaded");
    at_tick(60);
    cr_assert_eq(read_count(1), 40, "the old count runs to the end of its period");
    at_tick(103);
    cr_assert_eq(read_count(1), 7, "then the new count");
    cr_assert_eq(read_status(1) & 0x40, 0);
}

Test(pc_timers, mode3_square_wave)
{
    program(1, 3 << 1, 10);
    cr_assert(out(1));
    at_tick(1);
    cr_assert_eq(read_count(1), 8, "counts by two");
    at_tick(4);
    cr_assert(out(1));
    at_tick(5);
    cr_assert_not(out(1), "low for the second half");
    cr_assert_eq(read_count(1), 10);
    at_tick(9);
    cr_assert_not(out(1));
    at_tick(10);
    cr_assert(out(1));
    /* odd counts: high one clock longer */
    program(1, 3 << 1, 5);
    at_tick(12);
    cr_assert(out(1));
    at_tick(13);
    cr_assert_not(out(1));
    at_tick(15);
    cr_assert(out(1));
}

Test(pc_timers, mode4_software_strobe)
{
    program(1, 4 << 1, 20);
    at_tick(19);
    cr_assert(out(1));
    at_tick(20);
    cr_assert_not(out(1), "one clock low at terminal count");
    at_tick(21);
    cr_assert(out(1));
    at_tick(40);
    cr_assert(out(1), "no repeat");
}

Test(pc_timers, mode1_and_mode5_are_gate_triggered)
{
    outb(0x61, 0x00); /* gate 2 low */
    program(2, 1 << 1, 30);
    at_tick(100);
    cr_assert(out(2), "mode 1 waits for a trigger with OUT high");
    outb(0x61, 0x01);
    cr_assert_not(out(2), "triggered: OUT low");
    at_tick(129);
    cr_assert_not(out(2));
    at_tick(130);
    cr_assert(out(2));
    outb(0x61, 0x00);
    outb(0x61, 0x01); /* retrigger */
    at_tick(140);
    cr_assert_not(out(2));
    cr_assert_eq(read_count(2), 20);

    program(2, 5 << 1, 10);
    outb(0x61, 0x00);
    at_tick(150);
    outb(0x61, 0x01);
    at_tick(159);
    cr_assert(out(2));
    at_tick(160);
    cr_assert_not(out(2), "mode 5: strobe at terminal count");
    at_tick(161);
    cr_assert(out(2));
}

Test(pc_timers, gate_low_suspends_mode0)
{
    outb(0x61, 0x01);
    program(2, 0, 100);
    at_tick(10);
    outb(0x61, 0x00);
    at_tick(500);
    cr_assert_eq(read_count(2), 90, "counting suspended while the gate is low");
    outb(0x61, 0x01);
    at_tick(520);
    cr_assert_eq(read_count(2), 70);
}

Test(pc_timers, bcd_counting)
{
    outb(0x43, 0x71); /* counter 1, LSB+MSB, mode 0, BCD */
    outb(0x41, 0x00);
    outb(0x41, 0x10); /* 1000 */
    at_tick(1);
    cr_assert_eq(read_count(1), 0x0999);
    at_tick(1001);
    cr_assert_eq(read_count(1), 0x9999, "BCD wraps at 10000");
}

Test(pc_timers, lsb_only_and_msb_only_access)
{
    outb(0x43, 0x50); /* counter 1, LSB only, mode 0 */
    outb(0x41, 0x80);
    at_tick(0x10);
    cr_assert_eq(inb(0x41), 0x70);
    cr_assert_eq(inb(0x41), 0x70, "every read is the LSB");
    outb(0x43, 0x60); /* MSB only */
    outb(0x41, 0x02);
    at_tick(0x10 + 0x100);
    cr_assert_eq(inb(0x41), 0x01, "0x200 - 0x100 = 0x100: MSB 1");
}

Test(pc_timers, latch_holds_first_value)
{
    program(1, 2 << 1, 1000);
    at_tick(100);
    outb(0x43, 0x40);
    at_tick(200);
    outb(0x43, 0x40); /* ignored: the first latch was not read */
    uint8_t lo = inb(0x41);
    at_tick(300);
    uint8_t hi = inb(0x41);
    cr_assert_eq(lo | hi << 8, 900);
    cr_assert_eq(read_count(1), 700, "released after both bytes");
}

Test(pc_timers, read_back_latches_several_counters)
{
    program(1, 2 << 1, 1000);
    outb(0x61, 0x01);
    program(2, 0, 500);
    at_tick(100);
    outb(0x43, 0xc0 | 0x20 | 0x04 | 0x08 | 0x02); /* latch status only: counters 0, 1, 2 */
    at_tick(200);
    cr_assert_eq(inb(0x40) & 0x7f, 0x36, "counter 0 from reset: LSB+MSB, mode 3, binary");
    cr_assert_eq(inb(0x41), 0x80 | 0x34);
    cr_assert_eq(inb(0x42), 0x30, "mode 0 before terminal count: OUT low");
    outb(0x43, 0xc0 | 0x08); /* count and status of counter 2 */
    cr_assert_eq(inb(0x42), 0x30);
    cr_assert_eq(inb(0x42), (uint8_t)300);
    cr_assert_eq(inb(0x42), 300 >> 8);
}

Test(pc_timers, control_word_sets_status)
{
    outb(0x43, 0x7a); /* counter 1, LSB+MSB, mode 5 */
    cr_assert_eq(read_status(1), 0x80 | 0x40 | 0x3a, "OUT high, null count, mode 5");
}

static void run_virtual_until(int64_t end)
{
    for (;;) {
        int64_t d = clock_deadline_ns(M.clocks, CLK_VIRTUAL);
        if (d < 0 || vnow() + d > end) break;
        set_vtime(vnow() + d);
        clocks_run_expired(M.clocks);
    }
    set_vtime(end);
}

Test(pc_timers, irq0_periodic_edges_in_mode2)
{
    program(0, 2 << 1, 1193);
    nrise = nfall = 0;
    run_virtual_until(ns_of_tick(t0 + 5 * 1193 + 10));
    cr_assert_eq(nrise, 5);
    cr_assert_eq(nfall, 5, "OUT pulses low for one clock before each reload");
    for (int k = 0; k < 5; k++)
        cr_assert_eq(rise_ns[k], ns_of_tick(t0 + (k + 1) * 1193), "edge %d", k);
    cr_assert_eq(irq0.level, 1);
}

Test(pc_timers, irq0_square_wave_and_late_event_loop)
{
    program(0, 3 << 1, 1000);
    nrise = nfall = 0;
    /* the event loop runs only after 10 periods: every edge is still delivered */
    at_tick(10 * 1000 + 1);
    while (clocks_run_expired(M.clocks))
        ;
    cr_assert_eq(nrise, 10);
    cr_assert_eq(nfall, 10);
    cr_assert_eq(irq0.level, 1);
}

Test(pc_timers, irq0_oneshot_mode0)
{
    program(0, 0, 500);
    cr_assert_eq(irq0.level, 0);
    nrise = 0;
    run_virtual_until(ns_of_tick(t0 + 5000));
    cr_assert_eq(nrise, 1);
    cr_assert_eq(rise_ns[0], ns_of_tick(t0 + 500));
    cr_assert_eq(clock_deadline_ns(M.clocks, CLK_VIRTUAL), -1, "no timer after the one shot");
}

Test(pc_timers, port61_tsc_calibration_like_seabios)
{
    /* SeaBIOS: gate on, speaker off; counter 2 mode 0; poll OUT2 in port 0x61. */
    outb(0x61, (uint8_t)((inb(0x61) & ~0x02) | 0x01));
    outb(0x43, 0xb0);
    outb(0x42, (uint8_t)5966);
    outb(0x42, 5966 >> 8);
    int64_t start = vnow();
    while (!(inb(0x61) & 0x20))
        set_vtime(vnow() + 1000);
    int64_t elapsed = vnow() - start, expect = 5966LL * 1000000000 / I8254_HZ;
    cr_assert(elapsed >= expect - 1000 && elapsed <= expect + 1000, "OUT2 after %lld ns",
              (long long)elapsed);
    cr_assert_eq(inb(0x61) & 0x0f, 0x01, "gate bit reads back, speaker off");
}

Test(pc_timers, port61_gate_and_bits)
{
    cr_assert_eq(inb(0x61) & 0xcf, 0x00, "reset: gate and speaker off");
    outb(0x61, 0x0f);
    cr_assert_eq(inb(0x61) & 0xcf, 0x0f, "bits 0-3 read back, 6-7 read 0");
    outb(0x61, 0xf0);
    cr_assert_eq(inb(0x61) & 0xcf, 0x00, "bits 4-7 are not writable");
}

Test(pc_timers, port61_refresh_toggle)
{
    set_vtime(1000000 * 15085LL); /* start of an even refresh period */
    uint8_t a = inb(0x61) & 0x10;
    set_vtime(1000000 * 15085LL + 15084);
    cr_assert_eq(inb(0x61) & 0x10, a, "steady within one refresh period");
    set_vtime(1000001 * 15085LL);
    cr_assert_neq(inb(0x61) & 0x10, a, "flips every 15.085 us");
    set_vtime(1000002 * 15085LL);
    cr_assert_eq(inb(0x61) & 0x10, a);
}

Test(pc_timers, port61_out2_follows_counter2)
{
    outb(0x61, 0x01);
    program(2, 3 << 1, 100);
    at_tick(10);
    cr_assert_eq(inb(0x61) & 0x20, 0x20);
    at_tick(60);
    cr_assert_eq(inb(0x61) & 0x20, 0x00);
    outb(0x61, 0x00);
    cr_assert_eq(inb(0x61) & 0x20, 0x20, "gate low forces OUT high in mode 3");
}

Test(pc_timers, vmstate_round_trip)
{
    program(1, 2 << 1, 1000);
    at_tick(100);
    uint8_t buf[2048];
    size_t n = vmstate_save(pit, buf, sizeof buf);
    cr_assert(n > 0 && n <= sizeof buf);
    program(1, 0, 5);
    char err[128];
    cr_assert(vmstate_load(pit, buf, n, err, sizeof err), "%s", err);
    at_tick(200);
    cr_assert_eq(read_count(1), 800);
}
