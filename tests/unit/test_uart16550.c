/* uart16550: register semantics through the device's MMIO ops, with a
 * file chardev for output, chardev_input for input and a fake clock. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/chardev.h"
#include "core/clock.h"
#include "core/device.h"
#include "core/machine.h"
#include "devices/char/uart16550.h"
#include "softmmu/memory.h"
#include "test_util.h"

enum {
    RBR = 0,
    THR = 0,
    DLL = 0,
    IER = 1,
    DLM = 1,
    IIR = 2,
    FCR = 2,
    LCR = 3,
    MCR = 4,
    LSR = 5,
    MSR = 6,
    SCR = 7
};

static Machine M;
static int64_t fake_ns;
static int64_t fake_now(void *opaque)
{
    return fake_ns;
}
static char out_path[64];
static Chardev *chr;
static IrqLine irq;
static int irq_edges;
static Device *uart;
static MemoryRegion *mr;
static unsigned shift;

static void irq_handler(void *opaque, int n, int level)
{
    irq_edges++;
}

static void make_uart(unsigned regshift)
{
    char spec[96], err[256];
    snprintf(spec, sizeof spec, "file:%s", out_path);
    chr = chardev_from_spec(&M, spec, err, sizeof err);
    cr_assert_not_null(chr, "%s", err);
    shift = regshift;
    uart = uart16550_create(&M, NULL, 0, regshift, &irq, chr);
    cr_assert_not_null(uart);
    mr = uart16550_region(uart);
}

static void setup(void)
{
    memset(&M, 0, sizeof M);
    fake_ns = 1000;
    M.clocks = clocks_new();
    clocks_set_host_source(M.clocks, fake_now, NULL);
    strcpy(out_path, "/tmp/doppel-uart-XXXXXX");
    close(mkstemp(out_path));
    irq_init(&irq, irq_handler, NULL, 4);
    irq_edges = 0;
    make_uart(0);
}

static void teardown(void)
{
    device_free(uart);
    chardev_close(chr);
    clocks_free(M.clocks);
    unlink(out_path);
}

TestSuite(uart16550, .init = setup, .fini = teardown);

static uint8_t rd(unsigned reg)
{
    return (uint8_t)mr->ops->read(mr->opaque, reg << shift, 1);
}
static void wr(unsigned reg, uint8_t v)
{
    mr->ops->write(mr->opaque, reg << shift, v, 1);
}
static void input(const char *s)
{
    chardev_input(chr, (const uint8_t *)s, strlen(s));
}

/* Read n bytes the way a driver does, each after LSR says data ready,
 * then check the receiver is empty; the bytes as a string. */
static const char *receive_all(int n)
{
    static char got[64];
    cr_assert(n < (int)sizeof got);
    for (int i = 0; i < n; i++) {
        cr_assert(rd(LSR) & 0x01, "byte %d ready", i);
        got[i] = (char)rd(RBR);
    }
    got[n] = 0;
    cr_assert_eq(rd(LSR) & 0x01, 0, "more than %d bytes", n);
    return got;
}

static char *output(void)
{
    static char buf[256];
    return test_read_file(out_path, buf, sizeof buf);
}

Test(uart16550, reset_values)
{
    cr_assert_eq(rd(IER), 0);
    cr_assert_eq(rd(IIR), 0x01, "no interrupt pending, FIFOs off");
    cr_assert_eq(rd(LCR), 0);
    cr_assert_eq(rd(MCR), 0);
    cr_assert_eq(rd(LSR), 0x60, "THRE and TEMT");
    cr_assert_eq(rd(MSR), 0xb0, "CTS, DSR, DCD of a connected line");
    cr_assert_eq(irq.level, 0);
    cr_assert_eq(mr->size, 8);
}

Test(uart16550, divisor_latch_behind_dlab)
{
    wr(IER, 0x05);
    wr(LCR, 0x83);
    wr(DLL, 0x0c);
    wr(DLM, 0x01);
    cr_assert_eq(rd(DLL), 0x0c);
    cr_assert_eq(rd(DLM), 0x01);
    cr_assert_eq(rd(LCR), 0x83);
    wr(LCR, 0x03);
    cr_assert_eq(rd(IER), 0x05, "IER untouched by DLM writes");
    cr_assert_eq(output()[0], '\0', "DLL writes are not transmitted");
    wr(LCR, 0x80);
    cr_assert_eq(rd(DLL), 0x0c, "divisor kept");
}

Test(uart16550, transmit_to_chardev)
{
    wr(THR, 'H');
    wr(THR, 'i');
    cr_assert_str_eq(output(), "Hi");
    cr_assert_eq(rd(LSR) & 0x60, 0x60, "transmitter empty again");
}

Test(uart16550, receive_sets_data_ready)
{
    input("x");
    cr_assert_eq(rd(LSR) & 0x01, 0x01);
    cr_assert_eq(rd(RBR), 'x');
    cr_assert_eq(rd(LSR) & 0x01, 0x00);
}

Test(uart16550, holding_register_applies_backpressure)
{
    input("abc"); /* 16450 mode: one character at a time */
    cr_assert_eq(rd(RBR), 'a');
    cr_assert_eq(rd(RBR), 'b');
    cr_assert_eq(rd(RBR), 'c');
    cr_assert_eq(rd(LSR) & 0x03, 0x00, "no overrun, nothing left");
}

Test(uart16550, fifo_buffers_sixteen_in_order)
{
    wr(FCR, 0x01);
    cr_assert_eq(rd(IIR) & 0xc0, 0xc0);
    input("0123456789abcdefXY");
    cr_assert_str_eq(receive_all(18), "0123456789abcdefXY");
    cr_assert_eq(rd(LSR) & 0x03, 0);
}

Test(uart16550, fcr_resets_receive_fifo)
{
    wr(FCR, 0x01);
    input("abc");
    wr(FCR, 0x03);
    cr_assert_eq(rd(LSR) & 0x01, 0);
    input("z");
    wr(FCR, 0x00); /* leaving FIFO mode clears the FIFOs too */
    cr_assert_eq(rd(LSR) & 0x01, 0);
    cr_assert_eq(rd(IIR) & 0xc0, 0);
}

/* Input the host sent before the guest set the FIFO up (a pipe on stdin)
 * waits in the chardev; clearing the receiver lets it in. */
Test(uart16550, input_waiting_before_fifo_setup_arrives_after_it)
{
    input("abq");
    cr_assert_eq(rd(LSR) & 0x01, 0x01);
    wr(FCR, 0x07); /* FIFO on: the unread 'a' is lost, 'b' and 'q' come */
    cr_assert_str_eq(receive_all(2), "bq");
}

Test(uart16550, rx_trigger_level_and_timeout)
{
    wr(LCR, 0x80);
    wr(DLL, 1); /* 115200 baud: 10-bit frames of ~86.8 us */
    wr(LCR, 0x03);
    wr(FCR, 0xc1); /* trigger at 14 */
    wr(IER, 0x01);
    input("abc");
    cr_assert_eq(rd(IIR), 0xc1, "below the trigger level");
    cr_assert_eq(irq.level, 0);
    fake_ns += 4 * 86806 + 100; /* four character times */
    cr_assert(clocks_run_expired(M.clocks));
    cr_assert_eq(rd(IIR), 0xcc, "character timeout");
    cr_assert_eq(irq.level, 1);
    cr_assert_eq(rd(RBR), 'a');
    cr_assert_eq(rd(IIR), 0xc1, "reading the FIFO clears the timeout");
    cr_assert_eq(irq.level, 0);
    input("defghijklmnop"); /* now 15 >= 14 */
    cr_assert_eq(rd(IIR), 0xc4);
    cr_assert_eq(irq.level, 1);
    rd(RBR);
    rd(RBR); /* 13 left */
    cr_assert_eq(rd(IIR), 0xc1);
}

Test(uart16550, thre_interrupt)
{
    wr(IER, 0x02);
    cr_assert_eq(irq.level, 1, "enabling ETBEI with THR empty interrupts at once");
    cr_assert_eq(rd(IIR), 0x02);
    cr_assert_eq(irq.level, 0, "reading IIR acknowledges THRE");
    cr_assert_eq(rd(IIR), 0x01);
    wr(THR, 'q');
    cr_assert_eq(irq.level, 1, "THR empty again after the character left");
    wr(IER, 0x00);
    cr_assert_eq(irq.level, 0);
    cr_assert_eq(irq_edges, 4);
}

Test(uart16550, interrupt_priorities)
{
    wr(MCR, 0x10); /* loopback */
    wr(IER, 0x0f);
    wr(MCR, 0x13); /* DTR, RTS on: DSR and CTS change */
    wr(THR, 'a');
    wr(THR, 'b'); /* overrun in 16450 mode */
    cr_assert_eq(rd(IIR), 0x06, "line status first");
    cr_assert_eq(rd(LSR) & 0x03, 0x03, "OE and DR");
    cr_assert_eq(rd(IIR), 0x04, "then received data");
    cr_assert_eq(rd(RBR), 'b', "the overrun overwrote RBR");
    cr_assert_eq(rd(IIR), 0x02, "then THR empty");
    cr_assert_eq(rd(IIR), 0x00, "then modem status");
    cr_assert_eq(rd(MSR) & 0x0f, 0x0b, "DCTS DDSR DDCD");
    cr_assert_eq(rd(IIR), 0x01);
    cr_assert_eq(irq.level, 0);
}

Test(uart16550, loopback_routes_output_to_input)
{
    wr(MCR, 0x10); /* loopback, outputs off: CTS DSR DCD fall */
    cr_assert_eq(rd(MSR), 0x0b, "DCTS DDSR DDCD");
    wr(MCR, 0x1f);
    cr_assert_eq(rd(MSR), 0xf0 | 0x0b, "inputs follow MCR; RI rising sets no delta");
    cr_assert_eq(rd(MSR), 0xf0, "deltas clear on read");
    wr(MCR, 0x1b); /* OUT1 off: RI falls */
    cr_assert_eq(rd(MSR), 0xb4, "trailing edge of RI sets TERI");
    wr(THR, 'z');
    cr_assert_eq(rd(RBR), 'z');
    cr_assert_str_eq(output(), "", "nothing leaves in loopback");
    input("k"); /* the serial input is disconnected */
    cr_assert_eq(rd(LSR) & 0x01, 0);
    wr(MCR, 0x00);
    cr_assert_eq(rd(RBR), 'k', "held input arrives once loopback ends");
}

Test(uart16550, scratch_register)
{
    wr(SCR, 0x5a);
    cr_assert_eq(rd(SCR), 0x5a);
}

Test(uart16550, register_stride)
{
    device_free(uart);
    chardev_close(chr);
    make_uart(2);
    cr_assert_eq(mr->size, 32);
    wr(SCR, 0xa5);
    cr_assert_eq(mr->ops->read(mr->opaque, 28, 4), 0xa5, "32-bit access at 7 << 2");
    cr_assert_eq(mr->ops->read(mr->opaque, 29, 1), 0, "between registers");
    cr_assert_eq(rd(LSR), 0x60);
}

Test(uart16550, regshift_too_large_fails_realize)
{
    char err[128];
    Device *d = device_create(&M, "uart16550");
    cr_assert(device_set_prop(d, "regshift", "4", err, sizeof err));
    cr_assert_not(device_realize(d));
}

Test(uart16550, state_round_trip)
{
    wr(LCR, 0x80);
    wr(DLL, 0x0c);
    wr(LCR, 0x1b);
    wr(FCR, 0x81);
    wr(IER, 0x01);
    wr(SCR, 0x77);
    input("hey");
    size_t len = vmstate_save(uart, NULL, 0);
    uint8_t *buf = malloc(len);
    vmstate_save(uart, buf, len);

    Device *copy = device_create(&M, "uart16550");
    cr_assert(device_realize(copy));
    char err[256];
    cr_assert(vmstate_load(copy, buf, len, err, sizeof err), "%s", err);
    MemoryRegion *cmr = uart16550_region(copy);
    cr_assert_eq(cmr->ops->read(cmr->opaque, LCR, 1), 0x1b);
    cr_assert_eq(cmr->ops->read(cmr->opaque, SCR, 1), 0x77);
    cr_assert_eq(cmr->ops->read(cmr->opaque, IIR, 1) & 0xc0, 0xc0);
    cr_assert_eq(cmr->ops->read(cmr->opaque, RBR, 1), 'h');
    cr_assert_eq(cmr->ops->read(cmr->opaque, RBR, 1), 'e');
    cr_assert_eq(cmr->ops->read(cmr->opaque, RBR, 1), 'y');

    char *text;
    size_t tlen;
    FILE *f = open_memstream(&text, &tlen);
    vmstate_print(uart, f);
    fclose(f);
    cr_assert(strstr(text, "lcr = 0x1b\n"));
    cr_assert(strstr(text, "rx_fifo = [0x68 0x65 0x79 0x00*13]\n"));
    free(text);
    free(buf);
    device_free(copy);
}
