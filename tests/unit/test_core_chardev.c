/* core_chardev: backends, spec parsing, backpressure and the Ctrl-A mux,
 * fed through chardev_input as the stdin reader would. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/chardev.h"
#include "core/machine.h"
#include "test_util.h"

typedef struct Sink {
    uint8_t got[256];
    size_t len;
    int room; /* can_receive answer; -1 = unlimited */
} Sink;

static int sink_can_receive(void *opaque)
{
    Sink *s = opaque;
    return s->room < 0 ? 256 : s->room;
}

static void sink_receive(void *opaque, const uint8_t *buf, size_t len)
{
    Sink *s = opaque;
    memcpy(s->got + s->len, buf, len);
    s->len += len;
    if (s->room > 0) s->room -= (int)len;
}

static Machine M;
static Sink serial, monitor;
static char out_path[64];
static Chardev *chr;

static void setup(void)
{
    memset(&M, 0, sizeof M);
    memset(&serial, 0, sizeof serial);
    memset(&monitor, 0, sizeof monitor);
    serial.room = monitor.room = -1;
    strcpy(out_path, "/tmp/doppel-chardev-XXXXXX");
    close(mkstemp(out_path));
}

static void teardown(void)
{
    chardev_close(chr);
    chr = NULL;
    unlink(out_path);
}

TestSuite(core_chardev, .init = setup, .fini = teardown);

/* A mux whose output goes to out_path, with the serial sink attached. */
static void open_mux(void)
{
    char spec[96], err[256];
    snprintf(spec, sizeof spec, "mon:file:%s", out_path);
    chr = chardev_from_spec(&M, spec, err, sizeof err);
    cr_assert_not_null(chr, "%s", err);
    chardev_set_handlers(chr, sink_can_receive, sink_receive, &serial);
}

static void feed(const char *bytes, size_t len)
{
    chardev_input(chr, (const uint8_t *)bytes, len);
}

static char *read_output(void)
{
    static char buf[4096];
    return test_read_file(out_path, buf, sizeof buf);
}

Test(core_chardev, mux_passes_normal_bytes)
{
    open_mux();
    feed("hello\r", 6);
    cr_assert_eq(serial.len, 6);
    cr_assert_eq(memcmp(serial.got, "hello\r", 6), 0);
    cr_assert_not(M.quit);
}

Test(core_chardev, ctrl_a_x_requests_exit, .init = cr_redirect_stderr)
{
    open_mux();
    feed("ab\001x", 4);
    cr_assert(M.quit);
    cr_assert_eq(M.exit_status, 0);
    cr_assert_eq(serial.len, 2, "the escape is not passed to the guest");
    fflush(stderr);
    cr_assert_stderr_eq_str("doppel: terminated by Ctrl-A x\n");
}

Test(core_chardev, ctrl_a_a_sends_a_literal_ctrl_a)
{
    open_mux();
    feed("\001a\001\001z", 5);
    cr_assert_eq(serial.len, 3);
    cr_assert_eq(serial.got[0], 0x01);
    cr_assert_eq(serial.got[1], 0x01);
    cr_assert_eq(serial.got[2], 'z');
}

Test(core_chardev, escape_split_across_reads)
{
    open_mux();
    feed("\001", 1);
    cr_assert_eq(serial.len, 0);
    feed("a", 1);
    cr_assert_eq(serial.len, 1);
    cr_assert_eq(serial.got[0], 0x01);
}

Test(core_chardev, ctrl_a_h_prints_help_and_s_is_reserved)
{
    open_mux();
    feed("\001h\001s\001q", 6);
    cr_assert_eq(serial.len, 0, "escapes and unknown escapes are consumed");
    char *out = read_output();
    cr_assert(strstr(out, "C-a x    exit emulator\n"));
    cr_assert(strstr(out, "C-a c    switch between console and monitor\n"));
    cr_assert(strstr(out, "doppel: Ctrl-A s (save disks) is not supported\n"));
}

Test(core_chardev, ctrl_a_c_switches_to_the_monitor)
{
    open_mux();
    feed("\001c", 2);
    cr_assert(strstr(read_output(), "doppel: no monitor on this console yet\n"));
    feed("k", 1);
    cr_assert_eq(serial.len, 1, "still on the serial console");

    chardev_mux_set_monitor(chr, sink_can_receive, sink_receive, &monitor);
    feed("\001cinfo\001c!", 9);
    cr_assert_eq(monitor.len, 4);
    cr_assert_eq(memcmp(monitor.got, "info", 4), 0);
    cr_assert_eq(serial.len, 2);
    cr_assert_eq(serial.got[1], '!');
}

Test(core_chardev, plain_backend_has_no_escapes)
{
    char err[128];
    chr = chardev_from_spec(&M, "null", err, sizeof err);
    cr_assert_not_null(chr);
    chardev_set_handlers(chr, sink_can_receive, sink_receive, &serial);
    feed("\001x", 2);
    cr_assert_not(M.quit);
    cr_assert_eq(serial.len, 2);
    cr_assert_eq(chardev_write(chr, (const uint8_t *)"gone", 4), 4);
}

Test(core_chardev, backpressure_holds_input_until_accepted)
{
    open_mux();
    serial.room = 1;
    feed("abc", 3);
    cr_assert_eq(serial.len, 1);
    chardev_accept_input(chr); /* room still 0 */
    cr_assert_eq(serial.len, 1);
    serial.room = 5;
    chardev_accept_input(chr);
    cr_assert_eq(serial.len, 3);
    cr_assert_eq(memcmp(serial.got, "abc", 3), 0);
}

Test(core_chardev, file_backend_writes_output)
{
    open_mux();
    cr_assert_eq(chardev_write(chr, (const uint8_t *)"guest says hi\n", 14), 14);
    cr_assert_str_eq(read_output(), "guest says hi\n");
}

Test(core_chardev, ids_and_lookup)
{
    open_mux();
    cr_assert_null(chardev_find("serial0"));
    chardev_set_id(chr, "serial0");
    cr_assert_eq(chardev_find("serial0"), chr);
    chardev_close(chr);
    chr = NULL;
    cr_assert_null(chardev_find("serial0"));
}

Test(core_chardev, spec_errors)
{
    char err[256];
    cr_assert_null(chardev_from_spec(NULL, "none", err, sizeof err));
    cr_assert_str_eq(err, "", "none is no backend, not an error");
    cr_assert_null(chardev_from_spec(NULL, "bogus", err, sizeof err));
    cr_assert_str_eq(err,
                     "unknown chardev 'bogus' (expected stdio, mon:stdio, null, none, file:<path>, "
                     "tcp:[host]:port, telnet:[host]:port or unix:<path>)");
    cr_assert_null(chardev_from_spec(NULL, "unix:/nonexistent/dir/s", err, sizeof err));
    cr_assert_str_eq(err, "cannot connect to /nonexistent/dir/s: No such file or directory");
    cr_assert_null(chardev_from_spec(NULL, "file:/nonexistent/dir/x", err, sizeof err));
    cr_assert_str_eq(err, "cannot open '/nonexistent/dir/x': No such file or directory");
    cr_assert_null(chardev_from_spec(NULL, "mon:none", err, sizeof err));
    cr_assert(strstr(err, "unknown chardev 'mon:none'"));
}

Test(core_chardev, spec_syntax_check)
{
    char err[256];
    static const char *const good[] = {"stdio",
                                       "mon:stdio",
                                       "null",
                                       "none",
                                       "file:/x",
                                       "tcp::1234",
                                       "tcp:localhost:4444,server=on,wait=off",
                                       "tcp::4444,server,nowait",
                                       "unix:/tmp/s,server=on",
                                       "mon:tcp::5555,server=on"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        cr_assert(chardev_check_spec(good[i], err, sizeof err), "%s: %s", good[i], err);
    static const char *const bad[] = {"tcp::", "tcp::70000", "tcp:host", "tcp::1,colour=on",
                                      "file:", "unix:",      "pty",      "mon:mon:stdio"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_not(chardev_check_spec(bad[i], err, sizeof err), "%s accepted", bad[i]);
}
