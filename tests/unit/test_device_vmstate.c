/*
 * Device state tables: every device a board creates saves, loads and
 * saves again to the same bytes, after a guest has run and after the
 * device was reset in between (so the table, not leftover state, carries
 * it); and the guest-visible registers of a device driven into a
 * non-reset state read back the same after reset + load, with its
 * pending timer firing at the same virtual time.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/cpu_loop.h"
#include "core/device.h"
#include "core/event_loop.h"
#include "core/machine.h"
#include "core/options.h"
#include "devices/char/uart16550.h"
#include "softmmu/memory.h"
#include "test_util.h"

typedef struct Board {
    Machine *m;
    Options o;
} Board;

static void board_start(Board *b, const char *machine, const char *kernel, const char *mem)
{
    memset(b, 0, sizeof *b);
    char *argv[16] = {"doppel",     "-M",      (char *)machine, "-m",      (char *)mem,
                      "-nographic", "-serial", "null",          "-icount", "shift=3"};
    int argc = 10;
    if (kernel) {
        argv[argc++] = "-kernel";
        argv[argc++] = (char *)kernel;
    }
    argv[argc] = NULL;
    cr_assert_eq(options_parse_stream(argc, argv, &b->o, stdout, stderr), 0, "options");
    b->m = machine_create(machine_find(machine), &b->o);
    cr_assert_not_null(b->m, "machine %s", machine);
    if (kernel) cr_assert(machine_boot(b->m));
}

static void board_stop(Board *b)
{
    machine_destroy(b->m);
    options_free(&b->o);
}

/* Run about insns guest instructions (timers fire on the way). */
static void board_run(Board *b, uint64_t insns)
{
    Machine *m = b->m;
    for (uint64_t done = 0; done < insns && !m->quit; done += 1000) {
        cpu_exec(m->cpus[0], 1000);
        clocks_run_expired(m->clocks);
        event_loop_poll(m->loop, 0);
    }
}

static uint8_t *save(const Device *d, size_t *len)
{
    *len = vmstate_save(d, NULL, 0);
    cr_assert_gt(*len, 0, "%s: nothing saved", d->class->name);
    uint8_t *buf = malloc(*len);
    cr_assert_eq(vmstate_save(d, buf, *len), *len);
    return buf;
}

/* save -> load -> save is byte-identical, and so is save -> reset ->
 * load -> save, for every device of the machine. */
static void check_all_devices(Machine *m)
{
    int n = 0;
    for (Device *d = m->devices; d; d = d->next, n++) {
        const char *name = d->class->name;
        cr_assert_not_null(d->class->vmstate, "device %s has no state table", name);
        size_t len, len2, len3;
        uint8_t *a = save(d, &len);
        char err[256];
        cr_assert(vmstate_load(d, a, len, err, sizeof err), "%s: %s", name, err);
        uint8_t *b = save(d, &len2);
        cr_assert_eq(len2, len, "%s: size changed", name);
        cr_assert_arr_eq(a, b, len, "%s: save/load/save differs", name);
        device_reset(d);
        cr_assert(vmstate_load(d, a, len, err, sizeof err), "%s after reset: %s", name, err);
        uint8_t *c = save(d, &len3);
        cr_assert_eq(len3, len);
        cr_assert_arr_eq(a, c, len, "%s: reset + load does not restore it", name);
        /* Truncated data is refused with the state untouched. */
        cr_assert_not(vmstate_load(d, a, len / 2, err, sizeof err), "%s: half loaded", name);
        free(a), free(b), free(c);
    }
    cr_assert_gt(n, 0);
}

static bool guest_exists(char *path, size_t len, const char *dir, const char *name)
{
    snprintf(path, len, "%s/%s", dir, name);
    return access(path, R_OK) == 0;
}

Test(device_vmstate, pc_every_device_round_trips, .timeout = 120)
{
    Board b;
    char elf[512];
    bool guest = guest_exists(elf, sizeof elf, DOPPEL_X86_GUEST_DIR, "interrupts.elf");
    board_start(&b, "pc", guest ? elf : NULL, "32");
    if (guest) board_run(&b, 200000);
    check_all_devices(b.m);
    board_stop(&b);
}

Test(device_vmstate, s370_every_device_round_trips, .timeout = 120)
{
    Board b;
    char deck[512];
    bool guest = guest_exists(deck, sizeof deck, DOPPEL_S370_GUEST_DIR, "timer.deck");
    board_start(&b, "s370", guest ? deck : NULL, "1");
    if (guest) board_run(&b, 20000);
    check_all_devices(b.m);
    board_stop(&b);
}

Test(device_vmstate, s390_every_device_round_trips, .timeout = 120)
{
    Board b;
    board_start(&b, "s390", NULL, "1");
    check_all_devices(b.m);
    board_stop(&b);
}

/* ---- a device driven through its registers ---- */

static Device *find_device(Machine *m, const char *cls)
{
    for (Device *d = m->devices; d; d = d->next)
        if (!strcmp(d->class->name, cls)) return d;
    return NULL;
}

enum { RBR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, SCR = 7 };

static uint8_t uart_rd(MemoryRegion *mr, unsigned reg)
{
    return (uint8_t)mr->ops->read(mr->opaque, reg, 1);
}

static void uart_wr(MemoryRegion *mr, unsigned reg, uint8_t v)
{
    mr->ops->write(mr->opaque, reg, v, 1);
}

/* The 16550's registers and its FIFO character timeout (PC16550D "FIFO
 * Interrupt Mode Operation": 4 character times after the last access)
 * come back after a reset, in loopback so the test feeds the FIFO. */
Test(device_vmstate, uart16550_registers_and_timeout)
{
    Board b;
    board_start(&b, "pc", NULL, "32");
    Machine *m = b.m;
    Device *d = find_device(m, "uart16550");
    cr_assert_not_null(d);
    MemoryRegion *mr = uart16550_region(d);
    uart_wr(mr, LCR, 0x80); /* DLAB: divisor 3 */
    uart_wr(mr, 0, 3);
    uart_wr(mr, 1, 0);
    uart_wr(mr, LCR, 0x1b);        /* 8E1, DLAB off */
    uart_wr(mr, FCR, 0xc1);        /* FIFO on, trigger 14 */
    uart_wr(mr, MCR, 0x10 | 0x08); /* loopback, OUT2 */
    uart_wr(mr, IER, 0x01);        /* received data (and timeout) */
    uart_wr(mr, SCR, 0x5a);
    for (int i = 0; i < 3; i++)
        uart_wr(mr, 0, (uint8_t)('a' + i)); /* loops back into the FIFO */
    int64_t due = clock_deadline_ns(m->clocks, CLK_VIRTUAL);
    cr_assert_gt(due, 0, "timeout timer not armed");

    size_t len;
    uint8_t *saved = save(d, &len);
    uint8_t regs[8];
    for (unsigned r = 1; r < 8; r++)
        regs[r] = uart_rd(mr, r == IIR ? LCR : r); /* IIR reads would acknowledge */

    device_reset(d);
    cr_assert_eq(uart_rd(mr, IER), 0, "reset did not clear IER");
    char err[256];
    cr_assert(vmstate_load(d, saved, len, err, sizeof err), "%s", err);
    for (unsigned r = 1; r < 8; r++)
        cr_assert_eq(uart_rd(mr, r == IIR ? LCR : r), regs[r], "register %u", r);
    cr_assert_eq(clock_deadline_ns(m->clocks, CLK_VIRTUAL), due, "timeout moved");
    cr_assert_eq(uart_rd(mr, IIR) & 0x0f, 0x01, "interrupt before the timeout");
    /* At the saved time the timeout is reported (IIR 0xc | FIFO bits). */
    clocks_warp_virtual(m->clocks, clock_get_ns(m->clocks, CLK_VIRTUAL) + due);
    clocks_run_expired(m->clocks);
    cr_assert_eq(uart_rd(mr, IIR) & 0x0f, 0x0c, "no character timeout at its time");
    cr_assert_eq(uart_rd(mr, RBR), 'a');
    cr_assert_eq(uart_rd(mr, RBR), 'b');
    free(saved);
    board_stop(&b);
}
