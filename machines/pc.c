/*
 * pc: the IBM PC/AT-compatible board, for now in a minimal form that runs
 * multiboot test programs and kernels: one x86 cpu, RAM flat from
 * physical 0 (no 640 KiB-1 MiB hole: no VGA or firmware is mapped yet),
 * the 64 KiB I/O port space with COM1, QEMU's isa-debug-exit at 0xf4 and
 * system control port A (0x92: fast A20 gate and reset).  Boot is -kernel
 * with a multiboot image (machines/multiboot.h); the PC firmware (SeaBIOS)
 * with PIC, PIT, RTC, disks and VGA is the full machine to come.
 * docs/machines/pc.md describes the board.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/chardev.h"
#include "core/event_loop.h"
#include "core/machine.h"
#include "core/options.h"
#include "devices/char/uart16550.h"
#include "devices/misc/isa_debug_exit.h"
#include "frontends/x86/x86.h"
#include "core/load_file.h"
#include "machines/linux_boot.h"
#include "machines/multiboot.h"
#include "softmmu/memory.h"
#include "softmmu/tlb.h"

#define PC_IO_SIZE        0x10000u
#define PC_COM1_PORT      0x3f8u
#define PC_DEBUG_EXIT     0xf4u
#define PC_DEBUG_EXIT_LEN 4u
#define PC_PORT_A         0x92u
/* RAM stays below the 32-bit PCI/firmware window the full machine maps. */
#define PC_MAX_RAM (3ull << 30)
#define PC_MIN_RAM (2ull << 20)

enum {
    /* System control port A (IBM PS/2 Technical Reference; the same port
     * on every chipset since): bit 0 pulses a fast reset, bit 1 opens A20. */
    PORT_A_RESET = 1u << 0,
    PORT_A_A20 = 1u << 1,
};

typedef struct PcBoard {
    MemoryRegion ram;
    MemoryRegion io; /* the port space, the "isa" bus */
    AddressSpace io_as;
    MemoryRegion port_a;
    X86CPU *cpu;
} PcBoard;

static void pc_reset_bh(void *opaque)
{
    machine_reset(opaque);
}

/* A reset from the guest (port 0x92, triple fault): the machine resets
 * from the event loop, outside the running TB; -no-reboot ends the run. */
static void pc_reset_request(void *opaque)
{
    Machine *m = opaque;
    if (m->opts && m->opts->no_reboot) {
        machine_request_exit(m, 0);
        return;
    }
    event_loop_schedule(m->loop, pc_reset_bh, m);
    for (int i = 0; i < m->ncpus; i++) {
        m->cpus[i]->halted = true; /* until the reset: nothing more runs */
        cpu_exit(m->cpus[i]);
    }
}

static uint64_t pc_port_a_read(void *opaque, uint64_t offset, unsigned size)
{
    Machine *m = opaque;
    PcBoard *b = m->board;
    return b->cpu->a20_mask & (1u << 20) ? PORT_A_A20 : 0;
}

static void pc_port_a_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    Machine *m = opaque;
    PcBoard *b = m->board;
    uint32_t mask = value & PORT_A_A20 ? ~0u : ~(1u << 20);
    if (mask != b->cpu->a20_mask) {
        b->cpu->a20_mask = mask;
        tlb_flush(&b->cpu->common); /* cached translations saw the old bit 20 */
    }
    if (value & PORT_A_RESET) pc_reset_request(m);
}

static const MemoryRegionOps pc_port_a_ops = {
    .read = pc_port_a_read,
    .write = pc_port_a_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 1,
};

/* Only multiboot -kernel boots until the PC firmware lands. */
static bool pc_check_boot_options(const Machine *m)
{
    const Options *o = m->opts;
    if (o && o->bios) {
        fprintf(stderr, "doppel: -bios: machine pc has no PC firmware (SeaBIOS) yet; it boots "
                        "only a multiboot -kernel\n");
        return false;
    }
    if (o && o->dtb) {
        fprintf(stderr, "doppel: -dtb: machine pc takes no device tree\n");
        return false;
    }
    if (!o || !o->kernel) {
        fprintf(stderr, "doppel: machine pc needs -kernel (a multiboot image) until the PC "
                        "firmware (SeaBIOS) lands\n");
        return false;
    }
    return true;
}

static bool pc_init_memory(Machine *m, PcBoard *b)
{
    if (m->ram_size < PC_MIN_RAM || m->ram_size > PC_MAX_RAM) {
        fprintf(stderr, "doppel: -m: machine pc takes 2 MiB to %llu MiB of RAM\n",
                PC_MAX_RAM >> 20);
        return false;
    }
    if (!memory_region_init_ram(&b->ram, "pc.ram", m->ram_size)) {
        fprintf(stderr, "doppel: -m: cannot allocate %llu bytes of guest RAM\n",
                (unsigned long long)m->ram_size);
        return false;
    }
    memory_region_add_subregion(m->system_memory, 0, &b->ram, 0);
    memory_region_init_container(&b->io, "io", PC_IO_SIZE);
    address_space_init(&b->io_as, &b->io, "io");
    memory_region_init_io(&b->port_a, "port-a", 1, &pc_port_a_ops, m);
    memory_region_add_subregion(&b->io, PC_PORT_A, &b->port_a, 0);
    return machine_add_bus(m, ISA_DEBUG_EXIT_BUS, &b->io);
}

static bool pc_init_serial(Machine *m, PcBoard *b)
{
    Chardev *chr;
    if (!chardev_open_serial0(m, &chr)) return false;
    return uart16550_create(m, &b->io, PC_COM1_PORT, 0, NULL, chr) != NULL;
}

/* What the board connects to the cpu; again after every reset, since the
 * cpu's reset may clear it. */
static void pc_connect_cpu(Machine *m, PcBoard *b)
{
    b->cpu->io = &b->io_as;
    b->cpu->reset_request = pc_reset_request;
    b->cpu->reset_opaque = m;
}

static bool pc_init(Machine *m)
{
    if (!pc_check_boot_options(m)) return false;
    PcBoard *b = calloc(1, sizeof(*b));
    if (!b) return false;
    m->board = b;
    if (!pc_init_memory(m, b) || !pc_init_serial(m, b)) return false;
    if (!isa_debug_exit_create(m, PC_DEBUG_EXIT, PC_DEBUG_EXIT_LEN)) return false;
    CPUState *c = machine_add_cpu(m, &x86_arch_ops);
    if (!c) return false;
    b->cpu = x86_cpu(c);
    pc_connect_cpu(m, b);
    return true;
}

/* Multiboot: the images into RAM, then the cpu in the multiboot entry
 * state (Multiboot 0.6.96 §3.2). */
static bool pc_boot_linux(Machine *m)
{
    PcBoard *b = m->board;
    const Options *o = m->opts;
    E820Map map = {0};
    e820_add(&map, 0, 0x9fc00, E820_RAM);
    e820_add(&map, 0x9fc00, 0x400, E820_RESERVED);
    e820_add(&map, 0xf0000, 0x10000, E820_RESERVED);
    e820_add(&map, 0x100000, m->ram_size - 0x100000, E820_RAM);
    LinuxBootArgs args = {.kernel = o->kernel,
                          .initrd = o->initrd,
                          .cmdline = o->append,
                          .ram_top = m->ram_size,
                          .e820 = &map};
    LinuxBoot boot;
    char err[512];
    if (!linux_boot_load(m->as, &args, &boot, err, sizeof err)) {
        fprintf(stderr, "doppel: %s\n", err);
        return false;
    }
    pc_connect_cpu(m, b);
    x86_setup_flat_protected_state(b->cpu, LINUX_BOOT_CODE_SEL, LINUX_BOOT_DATA_SEL,
                                   LINUX_BOOT_GDT, LINUX_BOOT_GDT_LIMIT, boot.entry);
    b->cpu->regs[X86_ESI] = boot.boot_params;
    return true;
}

static bool pc_kernel_is_bzimage(const char *path)
{
    size_t size;
    uint8_t *image = load_file(path, &size);
    bool yes = image && linux_boot_is_bzimage(image, size);
    free(image);
    return yes;
}

static bool pc_boot(Machine *m)
{
    PcBoard *b = m->board;
    const Options *o = m->opts;
    if (pc_kernel_is_bzimage(o->kernel)) return pc_boot_linux(m);
    MultibootArgs args = {.kernel = o->kernel, .append = o->append, .initrd = o->initrd};
    MultibootBoot boot;
    char err[512];
    if (!multiboot_load(m->as, m->ram_size, &args, &boot, err, sizeof err)) {
        fprintf(stderr, "doppel: %s\n", err);
        return false;
    }
    pc_connect_cpu(m, b);
    x86_setup_multiboot_state(b->cpu, boot.entry, boot.info_addr);
    return true;
}

static void pc_finalize(Machine *m)
{
    PcBoard *b = m->board;
    if (!b) return;
    machine_remove_bus(m, &b->io);
    if (b->io.kind == MR_CONTAINER && b->io_as.root) {
        memory_region_del_subregion(&b->io, &b->port_a);
        memory_region_destroy(&b->port_a);
        address_space_destroy(&b->io_as);
        memory_region_destroy(&b->io);
    }
    if (b->ram.kind == MR_RAM) {
        memory_region_del_subregion(m->system_memory, &b->ram);
        memory_region_destroy(&b->ram);
    }
    free(b);
    m->board = NULL;
}

static const MachineClass pc_machine = {
    .name = "pc",
    .desc = "PC (minimal for now): x86 cpu, RAM, COM1, isa-debug-exit; boots "
            "multiboot -kernel",
    .arch = "x86",
    .default_ram_size = 128ull << 20,
    .max_cpus = 1,
    .init = pc_init,
    .finalize = pc_finalize,
    .boot = pc_boot,
};
MACHINE_REGISTER(pc_machine)
