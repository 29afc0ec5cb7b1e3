/* i8042 controller with its PS/2 keyboard and mouse, through ports 0x60 and
 * 0x64 and the machine's input sinks (core/input.h). */
#include <criterion/criterion.h>
#include <linux/input-event-codes.h>
#include <string.h>

#include "core/clock.h"
#include "core/device.h"
#include "core/input.h"
#include "core/machine.h"
#include "devices/input/i8042.h"
#include "softmmu/memory.h"

static Machine M;
static MemoryRegion io;
static AddressSpace as;
static IrqLine irq1, irq12;
static Device *kbc;
static int a20_calls, reset_calls;
static bool a20_state;

static void irq_handler(void *opaque, int n, int level)
{
}

static void a20_cb(void *opaque, bool on)
{
    a20_calls++;
    a20_state = on;
}

static void reset_cb(void *opaque)
{
    reset_calls++;
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
    M.clocks = clocks_new();
    memory_region_init_container(&io, "io", 0x10000);
    address_space_init(&as, &io, "io");
    irq_init(&irq1, irq_handler, NULL, 1);
    irq_init(&irq12, irq_handler, NULL, 12);
    a20_calls = reset_calls = 0;
    a20_state = true;
    kbc = i8042_create(&M, &io, &irq1, &irq12, a20_cb, reset_cb, NULL);
    cr_assert_not_null(kbc);
}

static void teardown(void)
{
    device_free_all(&M);
    address_space_destroy(&as);
    memory_region_destroy(&io);
    clocks_free(M.clocks);
}

TestSuite(pc_i8042, .init = setup, .fini = teardown);

static uint8_t status(void)
{
    return inb(0x64);
}

/* Check the output buffer yields exactly these bytes. */
static void expect(const uint8_t *bytes, int n)
{
    for (int i = 0; i < n; i++) {
        cr_assert(status() & 0x01, "byte %d of %d present", i, n);
        uint8_t b = inb(0x60);
        cr_assert_eq(b, bytes[i], "byte %d: %#x, expected %#x", i, b, bytes[i]);
    }
    cr_assert_eq(status() & 0x01, 0, "nothing after %d bytes", n);
}
#define EXPECT(...) expect((const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))

static void command(uint8_t c)
{
    outb(0x64, c);
}

static void set_command_byte(uint8_t v)
{
    command(0x60);
    outb(0x60, v);
}

static void to_mouse(uint8_t b)
{
    command(0xd4);
    outb(0x60, b);
}

static void key(int code, bool down)
{
    cr_assert(input_key_event(&M, code, down), "a keyboard is registered");
}

Test(pc_i8042, self_tests)
{
    cr_assert_eq(status() & 0x05, 0x00, "empty, SYS clear at power-on");
    command(0xaa);
    cr_assert_eq(status() & 0x05, 0x05, "SYS set by a passed self-test");
    EXPECT(0x55);
    command(0xab);
    EXPECT(0x00);
    command(0xa9);
    EXPECT(0x00);
    command(0xa4);
    EXPECT(0xf1);
}

Test(pc_i8042, command_byte)
{
    command(0x20);
    EXPECT(0x03);
    set_command_byte(0x65);
    command(0x20);
    EXPECT(0x65);
    cr_assert_eq(status() & 0x04, 0x04, "SYS from command byte bit 2");
    cr_assert_eq(status() & 0x08, 0x08, "A2: last write went to 0x64");
    outb(0x60, 0xf4); /* to the keyboard */
    cr_assert_eq(status() & 0x08, 0x00);
    EXPECT(0xfa);
    command(0xad);
    command(0xa7);
    command(0x20);
    EXPECT(0x65 | 0x10 | 0x20);
    command(0xae);
    command(0xa8);
    command(0x20);
    EXPECT(0x45);
}

Test(pc_i8042, output_port_a20_and_reset)
{
    command(0xd0);
    EXPECT(0xcf);
    command(0xd1);
    outb(0x60, 0xcd);
    cr_assert_eq(a20_calls, 1);
    cr_assert_not(a20_state);
    command(0xd0);
    EXPECT(0xcd);
    command(0xdf);
    cr_assert(a20_state);
    command(0xdd);
    cr_assert_not(a20_state);
    cr_assert_eq(reset_calls, 0);
    command(0xd1);
    outb(0x60, 0xce);
    cr_assert_eq(reset_calls, 1, "output port bit 0 low resets the system");
    command(0xff);
    cr_assert_eq(reset_calls, 1, "0xff pulses nothing");
    command(0xfe);
    cr_assert_eq(reset_calls, 2, "0xfe pulses reset");
}

Test(pc_i8042, keyboard_reset_and_identify)
{
    outb(0x60, 0xff);
    cr_assert_eq(irq1.level, 1, "IRQ1 with the command byte's INT bit");
    EXPECT(0xfa, 0xaa);
    cr_assert_eq(irq1.level, 0);
    outb(0x60, 0xf2);
    EXPECT(0xfa, 0xab, 0x83);
    set_command_byte(0x41); /* translate */
    outb(0x60, 0xf2);
    EXPECT(0xfa, 0xab, 0x41);
}

Test(pc_i8042, keyboard_commands)
{
    outb(0x60, 0xed);
    outb(0x60, 0x07);
    EXPECT(0xfa, 0xfa);
    outb(0x60, 0xee);
    EXPECT(0xee);
    outb(0x60, 0xf3);
    outb(0x60, 0x20);
    EXPECT(0xfa, 0xfa);
    outb(0x60, 0x01);
    EXPECT(0xfe);
    outb(0x60, 0xfe);
    EXPECT(0xfe); /* resend repeats the last byte */
    outb(0x60, 0xed);
    outb(0x60, 0xf2); /* a command instead of the LED argument */
    EXPECT(0xfa, 0xfa, 0xab, 0x83);
}

Test(pc_i8042, scancode_sets)
{
    outb(0x60, 0xf0);
    outb(0x60, 0x00);
    EXPECT(0xfa, 0xfa, 0x02);
    outb(0x60, 0xf0);
    outb(0x60, 0x01);
    EXPECT(0xfa, 0xfa);
    outb(0x60, 0xf0);
    outb(0x60, 0x00);
    EXPECT(0xfa, 0xfa, 0x01);
    key(KEY_A, true);
    key(KEY_A, false);
    key(KEY_UP, true);
    key(KEY_UP, false);
    EXPECT(0x1e, 0x9e, 0xe0, 0x48, 0xe0, 0xc8);
}

Test(pc_i8042, set2_keys)
{
    key(KEY_A, true);
    cr_assert_eq(irq1.level, 1);
    cr_assert_eq(status() & 0x20, 0, "keyboard data: AUXB clear");
    key(KEY_A, false);
    key(KEY_RIGHTCTRL, true);
    key(KEY_RIGHTCTRL, false);
    key(KEY_F7, true);
    EXPECT(0x1c, 0xf0, 0x1c, 0xe0, 0x14, 0xe0, 0xf0, 0x14, 0x83);
}

Test(pc_i8042, translated_set1_keys)
{
    set_command_byte(0x61); /* INT, SYS, XLAT, and aux disabled */
    key(KEY_A, true);
    key(KEY_A, false);
    key(KEY_RIGHTCTRL, true);
    key(KEY_RIGHTCTRL, false);
    key(KEY_F7, true);
    key(KEY_LEFTMETA, true);
    EXPECT(0x1e, 0x9e, 0xe0, 0x1d, 0xe0, 0x9d, 0x41, 0xe0, 0x5b);
}

Test(pc_i8042, pause_and_print_screen)
{
    key(KEY_PAUSE, true);
    key(KEY_PAUSE, false);
    EXPECT(0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77);
    key(KEY_SYSRQ, true);
    key(KEY_SYSRQ, false);
    EXPECT(0xe0, 0x12, 0xe0, 0x7c, 0xe0, 0xf0, 0x7c, 0xe0, 0xf0, 0x12);
    set_command_byte(0x41);
    key(KEY_PAUSE, true);
    EXPECT(0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5);
    key(KEY_SYSRQ, true);
    key(KEY_SYSRQ, false);
    EXPECT(0xe0, 0x2a, 0xe0, 0x37, 0xe0, 0xb7, 0xe0, 0xaa);
}

Test(pc_i8042, keyboard_queue_overrun)
{
    command(0xad); /* hold the bytes in the keyboard */
    for (int i = 0; i < 20; i++)
        key(KEY_A, true);
    cr_assert_eq(status() & 0x01, 0, "disabled interface: nothing delivered");
    command(0xae);
    uint8_t want[16];
    memset(want, 0x1c, 15);
    want[15] = 0x00; /* set 2 overrun code */
    expect(want, 16);
}

Test(pc_i8042, scanning_disabled_by_f5)
{
    outb(0x60, 0xf5);
    EXPECT(0xfa);
    key(KEY_A, true);
    cr_assert_eq(status() & 0x01, 0);
    outb(0x60, 0xf4);
    EXPECT(0xfa);
    key(KEY_A, true);
    EXPECT(0x1c);
}

Test(pc_i8042, controller_reply_keeps_keyboard_data)
{
    key(KEY_B, true);
    command(0x20);
    EXPECT(0x03, 0x32);
}

Test(pc_i8042, write_output_buffers)
{
    command(0xd2);
    outb(0x60, 0x42);
    cr_assert_eq(status() & 0x21, 0x01);
    cr_assert_eq(irq1.level, 1);
    EXPECT(0x42);
    command(0xd3);
    outb(0x60, 0x43);
    cr_assert_eq(status() & 0x21, 0x21, "as if from the mouse");
    cr_assert_eq(irq12.level, 1);
    cr_assert_eq(irq1.level, 0);
    EXPECT(0x43);
    cr_assert_eq(irq12.level, 0);
}

Test(pc_i8042, mouse_reset_and_intellimouse_id)
{
    to_mouse(0xff);
    cr_assert_eq(status() & 0x21, 0x21, "mouse data: AUXB");
    cr_assert_eq(irq12.level, 1);
    EXPECT(0xfa, 0xaa, 0x00);
    to_mouse(0xf2);
    EXPECT(0xfa, 0x00);
    static const uint8_t knock[] = {200, 100, 80};
    for (int i = 0; i < 3; i++) {
        to_mouse(0xf3);
        to_mouse(knock[i]);
        EXPECT(0xfa, 0xfa);
    }
    to_mouse(0xf2);
    EXPECT(0xfa, 0x03);
    to_mouse(0xe9);
    EXPECT(0xfa, 0x00, 0x02, 80);
    to_mouse(0xff);
    EXPECT(0xfa, 0xaa, 0x00);
    to_mouse(0xf2);
    EXPECT(0xfa, 0x00); /* reset forgets the wheel */
}

Test(pc_i8042, mouse_stream_packets)
{
    cr_assert(input_mouse_event(&M, 5, 3, 0, 0));
    cr_assert_eq(status() & 0x01, 0, "no reports before F4");
    to_mouse(0xf4);
    EXPECT(0xfa);
    input_mouse_event(&M, 5, 3, 0, INPUT_BUTTON_LEFT);
    EXPECT(0x08 | 0x20 | 0x01, 0x05, 0xfd); /* Y up: 3 down is -3 */
    input_mouse_event(&M, -10, -4, 0, INPUT_BUTTON_RIGHT | INPUT_BUTTON_MIDDLE);
    EXPECT(0x08 | 0x10 | 0x06, 0xf6, 0x04);
    input_mouse_event(&M, 300, 0, 0, 0);
    EXPECT(0x08 | 0x40, 0xff, 0x00); /* X overflow */
    input_mouse_event(&M, 0, 0, 0, 0);
    cr_assert_eq(status() & 0x01, 0, "nothing new to report");
}

Test(pc_i8042, mouse_wheel_packets)
{
    static const uint8_t knock[] = {200, 100, 80};
    for (int i = 0; i < 3; i++) {
        to_mouse(0xf3);
        to_mouse(knock[i]);
    }
    to_mouse(0xf4);
    EXPECT(0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa);
    input_mouse_event(&M, 1, 0, 1, 0);
    EXPECT(0x08, 0x01, 0x00, 0xff); /* wheel away from the user: Z -1 */
}

Test(pc_i8042, mouse_remote_mode_and_status)
{
    to_mouse(0xf0);
    EXPECT(0xfa);
    input_mouse_event(&M, 7, 0, 0, INPUT_BUTTON_LEFT);
    cr_assert_eq(status() & 0x01, 0, "remote mode: no stream");
    to_mouse(0xeb);
    EXPECT(0xfa, 0x09, 0x07, 0x00);
    to_mouse(0xe7);
    to_mouse(0xe8);
    to_mouse(0x03);
    EXPECT(0xfa, 0xfa, 0xfa);
    to_mouse(0xe9);
    EXPECT(0xfa, 0x40 | 0x10 | 0x04, 0x03, 100);
}

Test(pc_i8042, aux_disabled_holds_mouse_data)
{
    to_mouse(0xf4);
    EXPECT(0xfa);
    command(0xa7);
    input_mouse_event(&M, 1, 1, 0, 0);
    cr_assert_eq(status() & 0x01, 0);
    command(0xa8);
    EXPECT(0x08 | 0x20, 0x01, 0xff);
}

Test(pc_i8042, vmstate_round_trip)
{
    set_command_byte(0x47);
    uint8_t buf[512];
    size_t n = vmstate_save(kbc, buf, sizeof buf);
    cr_assert(n > 0 && n <= sizeof buf);
    set_command_byte(0x00);
    char err[128];
    cr_assert(vmstate_load(kbc, buf, n, err, sizeof err), "%s", err);
    command(0x20);
    EXPECT(0x47);
}
