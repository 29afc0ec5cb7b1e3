/*
 * ir-demo: the default machine until a guest ISA lands.  One IR demo cpu,
 * RAM at 0, the program ROM, a 16550 UART on the first -serial port and a
 * test-exit register.  -append N sets the sieve bound (default 2000).
 */
#include <stdlib.h>
#include <string.h>

#include "core/chardev.h"
#include "core/machine.h"
#include "core/options.h"
#include "devices/char/uart16550.h"
#include "devices/misc/test_exit.h"
#include "frontends/irdemo/irdemo.h"
#include "softmmu/memory.h"

#define IR_DEMO_DEFAULT_LIMIT 2000u
#define IR_DEMO_SIEVE         0x1000u

typedef struct IrDemoBoard {
    MemoryRegion ram, rom;
} IrDemoBoard;

static bool ir_demo_limit(const Machine *m, uint32_t *limit)
{
    const char *arg = m->opts ? m->opts->append : NULL;
    unsigned long v = IR_DEMO_DEFAULT_LIMIT;
    char *end;
    if (arg) v = strtoul(arg, &end, 0);
    if (arg && (*arg == '\0' || *end != '\0' || v < 2 || v > 0xffffffffu)) {
        fprintf(stderr,
                "doppel: -append: ir-demo expects the sieve bound, a number >= 2 (got '%s')\n",
                arg);
        return false;
    }
    if (v + IR_DEMO_SIEVE > m->ram_size) {
        fprintf(stderr, "doppel: -m: the sieve below %lu needs %lu bytes of RAM, -m gives %llu\n",
                v, v + IR_DEMO_SIEVE, (unsigned long long)m->ram_size);
        return false;
    }
    *limit = (uint32_t)v;
    return true;
}

/* The demo boots only its built-in program: refuse what it cannot use. */
static bool ir_demo_check_boot_options(const Machine *m)
{
    const Options *o = m->opts;
    if (!o) return true;
    const char *given = o->bios     ? "-bios"
                        : o->kernel ? "-kernel"
                        : o->initrd ? "-initrd"
                        : o->dtb    ? "-dtb"
                                    : NULL;
    if (!given) return true;
    fprintf(stderr, "doppel: %s: machine ir-demo runs its built-in program and loads no images\n",
            given);
    return false;
}

static bool ir_demo_init(Machine *m)
{
    if (!ir_demo_check_boot_options(m)) return false;
    IrDemoBoard *b = calloc(1, sizeof(*b));
    uint32_t limit;
    if (!b || !ir_demo_limit(m, &limit)) {
        free(b);
        return false;
    }
    m->board = b;

    if (m->ram_size > IRDEMO_EXIT_BASE) {
        fprintf(stderr, "doppel: -m: ir-demo has room for at most %llu MiB of RAM\n",
                (unsigned long long)(IRDEMO_EXIT_BASE >> 20));
        return false;
    }
    if (!memory_region_init_ram(&b->ram, "ir-demo.ram", m->ram_size)) {
        fprintf(stderr, "doppel: -m: cannot allocate %llu bytes of guest RAM\n",
                (unsigned long long)m->ram_size);
        return false;
    }
    memory_region_add_subregion(m->system_memory, IRDEMO_RAM_BASE, &b->ram, 0);
    memory_region_init_rom(&b->rom, "ir-demo.program", IRDEMO_ROM_SIZE);
    memory_region_add_subregion(m->system_memory, IRDEMO_ROM_BASE, &b->rom, 0);
    uint8_t image[IRDEMO_ROM_SIZE];
    irdemo_program_image(image, sizeof image, limit);
    address_space_write_rom(m->as, IRDEMO_ROM_BASE, image, sizeof image);

    Chardev *chr;
    if (!chardev_open_serial0(m, &chr)) return false;
    if (!uart16550_create(m, m->system_memory, IRDEMO_UART_BASE, 0, NULL, chr)) return false;
    if (!test_exit_create(m, m->system_memory, IRDEMO_EXIT_BASE)) return false;

    if (!machine_add_cpu(m, &irdemo_arch_ops)) return false;
    return true;
}

static void ir_demo_finalize(Machine *m)
{
    IrDemoBoard *b = m->board;
    if (!b) return;
    memory_region_del_subregion(m->system_memory, &b->rom);
    memory_region_del_subregion(m->system_memory, &b->ram);
    memory_region_destroy(&b->rom);
    memory_region_destroy(&b->ram);
    free(b);
    m->board = NULL;
}

static const MachineClass ir_demo_machine = {
    .name = "ir-demo",
    .desc = "IR demo board: the built-in IR program (a prime sieve) on a 16550 UART",
    .arch = "ir",
    .default_ram_size = 16ull << 20,
    .max_cpus = 1,
    .is_default = true,
    .exit_on_halt = true,
    .init = ir_demo_init,
    .finalize = ir_demo_finalize,
};
MACHINE_REGISTER(ir_demo_machine)
