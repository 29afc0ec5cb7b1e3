/*
 * pc: an IBM PC/AT-compatible machine of the i440FX/PIIX3 generation (the
 * board QEMU calls "pc"): one x86 cpu with its local APIC, the 82441FX
 * host bridge with PAM shadow RAM, the PIIX3 ISA bridge and IDE, PIIX4
 * ACPI power management, two 8259A PICs, an I/O APIC, the 8254 PIT, the
 * MC146818 RTC/CMOS, the 8042 keyboard controller, COM1/COM2, fw_cfg,
 * the debug console at 0x402 and isa-debug-exit at 0xf4.
 *
 * Boot paths: the firmware image (Debian's SeaBIOS by default, -bios
 * FILE), which boots disks, CD-ROMs and floppies; or, with -kernel, no
 * firmware at all: a bzImage through the Linux 32-bit boot protocol
 * (machines/linux_boot.h) or a multiboot image (machines/multiboot.h),
 * with the chipset set up and ACPI tables installed as the firmware would
 * (machines/pc_firmware.c).  docs/machines/pc.md describes the board.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block/block.h"
#include "block/snapshot_drive.h"
#include "core/chardev.h"
#include "core/event_loop.h"
#include "core/load_file.h"
#include "core/machine.h"
#include "core/options.h"
#include "devices/block/fdc.h"
#include "devices/char/debugcon.h"
#include "devices/char/uart16550.h"
#include "devices/display/vga.h"
#include "devices/dma/i8237.h"
#include "devices/ide/piix_ide.h"
#include "devices/input/i8042.h"
#include "devices/intc/apic.h"
#include "devices/intc/i8259.h"
#include "devices/intc/ioapic.h"
#include "devices/misc/fw_cfg.h"
#include "devices/misc/isa_debug_exit.h"
#include "devices/pci/i440fx.h"
#include "devices/pci/pci.h"
#include "devices/pci/piix3.h"
#include "devices/pci/piix4_pm.h"
#include "devices/timer/i8254.h"
#include "devices/timer/mc146818.h"
#include "devices/timer/port61.h"
#include "frontends/x86/x86.h"
#include "machines/linux_boot.h"
#include "machines/multiboot.h"
#include "machines/pc_internal.h"
#include "net/net.h"
#include "softmmu/tlb.h"

enum {
    /* System control port A (IBM PS/2 Technical Reference; the same port
     * on every chipset since): bit 0 pulses a fast reset, bit 1 opens A20. */
    PORT_A_RESET = 1u << 0,
    PORT_A_A20 = 1u << 1,
};

/* ---- reset and A20 (port 0x92, the 8042's output port, PIIX3 0xcf9) ---- */

static void pc_reset_bh(void *opaque)
{
    machine_reset(opaque);
}

/* A reset from the guest (port 0x92, 0xcf9, the 8042, triple fault): the
 * machine resets from the event loop, outside the running TB; -no-reboot
 * ends the run. */
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

static void pc_set_a20(void *opaque, bool on)
{
    Machine *m = opaque;
    PcBoard *b = m->board;
    uint32_t mask = on ? ~0u : ~(1u << 20);
    if (mask != b->cpu->a20_mask) {
        b->cpu->a20_mask = mask;
        tlb_flush(&b->cpu->common); /* cached translations saw the old bit 20 */
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
    pc_set_a20(opaque, value & PORT_A_A20);
    if (value & PORT_A_RESET) pc_reset_request(opaque);
}

static const MemoryRegionOps pc_port_a_ops = {
    .read = pc_port_a_read,
    .write = pc_port_a_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 1,
};

/* ---- options ---- */

static bool pc_check_boot_options(const Machine *m)
{
    const Options *o = m->opts;
    if (o && o->dtb) {
        fprintf(stderr, "doppel: -dtb: machine pc takes no device tree\n");
        return false;
    }
    if (o && o->bios && o->kernel) {
        fprintf(stderr, "doppel: -bios: a -kernel boot runs without firmware; give one or the "
                        "other\n");
        return false;
    }
    if (o && (o->initrd || o->append) && !o->kernel) {
        fprintf(stderr, "doppel: %s needs -kernel\n", o->initrd ? "-initrd" : "-append");
        return false;
    }
    if (m->ram_size < PC_MIN_RAM || m->ram_size > PC_MAX_RAM) {
        fprintf(stderr, "doppel: -m: machine pc takes 2 MiB to %llu MiB of RAM\n",
                PC_MAX_RAM >> 20);
        return false;
    }
    return true;
}

/* ---- memory ---- */

static bool pc_init_ram(Machine *m, PcBoard *b)
{
    if (!memory_region_init_ram(&b->ram, "pc.ram", m->ram_size)) {
        fprintf(stderr, "doppel: -m: cannot allocate %llu bytes of guest RAM\n",
                (unsigned long long)m->ram_size);
        return false;
    }
    memory_region_init_alias(&b->ram_low, "ram-below-640k", &b->ram, 0, PC_LOW_RAM_END);
    memory_region_add_subregion(m->system_memory, 0, &b->ram_low, 0);
    memory_region_init_alias(&b->ram_high, "ram-above-1m", &b->ram, PC_HIGH_RAM,
                             m->ram_size - PC_HIGH_RAM);
    memory_region_add_subregion(m->system_memory, PC_HIGH_RAM, &b->ram_high, 0);
    memory_region_init_container(&b->io, "io", 0x10000);
    address_space_init(&b->io_as, &b->io, "io");
    memory_region_init_io(&b->port_a, "port-a", 1, &pc_port_a_ops, m);
    memory_region_add_subregion(&b->io, PC_PORT_A, &b->port_a, 0);
    return machine_add_bus(m, ISA_DEBUG_EXIT_BUS, &b->io);
}

/* The firmware image: ROM at the top of the 4 GiB space (the reset vector
 * is its last 16 bytes) and its last 128 KiB again below 1 MiB, under the
 * PAM segments the i440FX maps over it. */
static bool pc_init_bios(Machine *m, PcBoard *b)
{
    const char *path = m->opts && m->opts->bios ? m->opts->bios : PC_BIOS_DEFAULT;
    size_t size;
    uint8_t *image = load_file(path, &size);
    if (!image) {
        fprintf(stderr, "doppel: -bios %s: %s%s\n", path, strerror(errno),
                m->opts && m->opts->bios ? "" : " (install Debian's seabios package)");
        return false;
    }
    if (size < 0x10000 || size > PC_BIOS_MAX || size % 0x10000) {
        fprintf(stderr,
                "doppel: -bios %s: %zu bytes; a PC firmware image is a multiple of 64 KiB "
                "up to 16 MiB\n",
                path, size);
        free(image);
        return false;
    }
    if (!memory_region_init_rom(&b->bios, "pc.bios", size)) {
        free(image);
        return false;
    }
    memcpy(b->bios.host, image, size);
    free(image);
    memory_region_add_subregion(m->system_memory, 0x100000000ull - size, &b->bios, 0);
    uint64_t isa_size = size < PC_ISA_BIOS_SIZE ? size : PC_ISA_BIOS_SIZE;
    memory_region_init_alias(&b->isa_bios, "isa-bios", &b->bios, size - isa_size, isa_size);
    memory_region_set_readonly(&b->isa_bios, true);
    memory_region_add_subregion(m->system_memory, PC_HIGH_RAM - isa_size, &b->isa_bios, -1);
    b->has_bios = true;
    return true;
}

/* ---- interrupts: local APIC, I/O APIC, PICs, the ISA IRQ fan-out ---- */

static void pc_isa_irq_set(void *opaque, int n, int level)
{
    PcBoard *b = opaque;
    irq_set(i8259_input(b->pic, n), level);
    irq_set(ioapic_input(b->ioapic, n == PC_IRQ_PIT ? 2 : n), level);
}

static bool pc_init_interrupts(Machine *m, PcBoard *b)
{
    b->apic = apic_create(m, b->cpu, &b->apic_bus);
    b->ioapic = ioapic_create(m, m->system_memory, PC_IOAPIC_BASE, &b->apic_bus);
    if (!b->apic || !b->ioapic) return false;
    b->apic_bus.deliver = apic_deliver;
    b->apic_bus.deliver_opaque = b->apic;
    b->apic_bus.eoi = ioapic_eoi;
    b->apic_bus.eoi_opaque = b->ioapic;
    b->pic = i8259_create(m, &b->io, apic_lint(b->apic, 0));
    if (!b->pic) return false;
    apic_set_extint_source(b->apic, i8259_acknowledge, b->pic);
    for (int i = 0; i < 16; i++)
        irq_init(&b->isa_irq[i], pc_isa_irq_set, b, i);
    for (int i = 0; i < 4; i++)
        b->ioapic_pirq[i] = ioapic_input(b->ioapic, PC_IOAPIC_PIRQ + i);
    return true;
}

/* What the board connects to the cpu; again after every reset. */
static void pc_connect_cpu(Machine *m, PcBoard *b)
{
    b->cpu->io = &b->io_as;
    b->cpu->intr_ack = apic_intr_ack;
    b->cpu->intr_opaque = b->apic;
    b->cpu->reset_request = pc_reset_request;
    b->cpu->reset_opaque = m;
}

/* ---- chipset and ISA devices ---- */

static bool pc_init_chipset(Machine *m, PcBoard *b)
{
    IrqLine *isa[16];
    for (int i = 0; i < 16; i++)
        isa[i] = &b->isa_irq[i];
    b->i440fx = i440fx_create(m, &b->io, m->system_memory, &b->ram, &b->pci);
    if (!b->i440fx) return false;
    b->piix3 = piix3_create(m, b->pci, isa, b->ioapic_pirq, pc_reset_request, m);
    b->pm = piix4_pm_create(m, b->pci, PCI_DEVFN(1, 3), &b->isa_irq[PC_IRQ_SCI]);
    return b->piix3 && b->pm;
}

static const char *pc_rtc_base(const Options *o, char *buf, size_t len)
{
    /* -rtc base=X[,clock=..]: the base value only. */
    const char *p = o && o->rtc ? strstr(o->rtc, "base=") : NULL;
    if (!p) return NULL;
    p += 5;
    size_t n = strcspn(p, ",");
    if (n >= len) n = len - 1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return buf;
}

static bool pc_init_serial(Machine *m, PcBoard *b)
{
    Chardev *chr;
    if (!chardev_open_serial0(m, &chr)) return false;
    if (!uart16550_create(m, &b->io, PC_COM1_PORT, 0, &b->isa_irq[PC_IRQ_COM1], chr)) return false;
    const Options *o = m->opts;
    if (o && o->nserials > 1) {
        char err[256] = "";
        Chardev *chr2 = chardev_from_spec(m, o->serials[1], err, sizeof err);
        if (!chr2 && err[0]) {
            fprintf(stderr, "doppel: -serial %s: %s\n", o->serials[1], err);
            return false;
        }
        if (chr2) chardev_set_id(chr2, "serial1");
        if (!uart16550_create(m, &b->io, PC_COM2_PORT, 0, &b->isa_irq[PC_IRQ_COM2], chr2))
            return false;
    }
    if (o && o->debugcon) {
        char err[256] = "";
        Chardev *dbg = chardev_from_spec(m, o->debugcon, err, sizeof err);
        if (!dbg) {
            fprintf(stderr, "doppel: -debugcon %s: %s\n", o->debugcon, err[0] ? err : "no device");
            return false;
        }
        if (!debugcon_create(m, &b->io, DEBUGCON_PORT, dbg)) return false;
    }
    return true;
}

static bool pc_init_isa(Machine *m, PcBoard *b)
{
    char base[64];
    b->pit = i8254_create(m, &b->io, PC_PIT_PORT, &b->isa_irq[PC_IRQ_PIT]);
    if (!b->pit || !port61_create(m, &b->io, b->pit)) return false;
    b->rtc = mc146818_create(m, &b->io, PC_RTC_PORT, &b->isa_irq[PC_IRQ_RTC],
                             pc_rtc_base(m->opts, base, sizeof base));
    if (!b->rtc) return false;
    b->kbd = i8042_create(m, &b->io, &b->isa_irq[PC_IRQ_KBD], &b->isa_irq[PC_IRQ_MOUSE], pc_set_a20,
                          pc_reset_request, m);
    if (!b->kbd) return false;
    b->fw_cfg = fw_cfg_create(m, &b->io, m->as);
    if (!b->fw_cfg) return false;
    if (!pc_init_serial(m, b)) return false;
    return isa_debug_exit_create(m, PC_DEBUG_EXIT, PC_DEBUG_EXIT_LEN) != NULL;
}

/* ---- drives and NICs ---- */

/* -drive/-hda/-cdrom/-fda: open the images for the IDE channels and the
 * floppy drives.  if= defaults to ide; an index picks the position
 * (IDE 0-3: primary master, primary slave, secondary master, secondary
 * slave; floppy 0-1), else the first free one. */
static bool pc_open_drives(Machine *m, PcBoard *b)
{
    const Options *o = m->opts;
    for (int i = 0; o && i < o->ndrives; i++) {
        const DriveOpts *d = &o->drives[i];
        const char *iface = d->iface ? d->iface : "ide";
        bool floppy = !strcmp(iface, "floppy");
        if (!floppy && strcmp(iface, "ide")) {
            fprintf(stderr, "doppel: -drive %s: machine pc has no if=%s (ide or floppy)\n", d->spec,
                    iface);
            return false;
        }
        if (!d->file && !d->cdrom) {
            fprintf(stderr, "doppel: -drive %s: needs file= (only a CD-ROM may be empty)\n",
                    d->spec);
            return false;
        }
        BlockBackend **slots = floppy ? b->floppy : b->drive;
        int nslots = floppy ? PC_FLOPPIES : PC_DRIVES;
        bool *taken = floppy ? b->floppy_used : b->drive_used;
        int index = d->index;
        if (index < 0)
            for (index = 0; index < nslots && taken[index]; index++)
                ;
        if (index >= nslots || taken[index]) {
            fprintf(stderr, "doppel: -drive %s: %s index %d is %s\n", d->spec, iface, index,
                    index >= nslots ? "out of range" : "taken");
            return false;
        }
        taken[index] = true;
        if (!floppy) b->cdrom[index] = d->cdrom;
        if (!d->file) continue;
        char err[512];
        BlockOpenOptions bo = {.file = d->file,
                               .format = d->format,
                               .read_only = d->cdrom || d->read_only,
                               .snapshot = d->snapshot || o->snapshot};
        slots[index] = blk_open(&bo, err, sizeof err);
        if (!slots[index]) {
            fprintf(stderr, "doppel: -drive %s: %s\n", d->spec, err);
            return false;
        }
        if (!snapshot_drive_add_block(m, slots[index], iface, index, d->cdrom)) return false;
    }
    return true;
}

static bool pc_init_storage(Machine *m, PcBoard *b)
{
    if (!pc_open_drives(m, b)) return false;
    b->ide = piix3_ide_create(m, b->pci, PCI_DEVFN(1, 1), &b->isa_irq[PC_IRQ_IDE0],
                              &b->isa_irq[PC_IRQ_IDE1], b->drive, b->cdrom);
    if (!b->ide) return false;
    b->dma = i8237_create(m, &b->io, m->as);
    if (!b->dma) return false;
    b->fdc = fdc_create(m, &b->io, &b->isa_irq[PC_IRQ_FLOPPY], b->dma, b->floppy);
    return b->fdc != NULL;
}

/* The standard VGA (QEMU's -vga std) at 00:02.0 with SeaBIOS's VGA BIOS
 * in its ROM BAR: the firmware runs it; a -kernel boot leaves it in its
 * reset state (the kernel's console is on the serial port then). */
static bool pc_init_display(Machine *m, PcBoard *b)
{
    b->vga = vga_pci_create(m, b->pci, PCI_DEVFN(2, 0), NULL);
    return b->vga != NULL;
}

static bool pc_init_net(Machine *m, PcBoard *b)
{
    char err[512];
    if (!net_backends_create(m, m->opts, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return false;
    }
    return true;
}

/* ---- the board ---- */

static bool pc_init(Machine *m)
{
    if (!pc_check_boot_options(m)) return false;
    PcBoard *b = calloc(1, sizeof(*b));
    if (!b) return false;
    m->board = b;
    b->firmware = !(m->opts && m->opts->kernel);
    if (!pc_init_ram(m, b)) return false;
    if (b->firmware && !pc_init_bios(m, b)) return false;
    CPUState *c = machine_add_cpu(m, &x86_arch_ops);
    if (!c) return false;
    b->cpu = x86_cpu(c);
    if (!pc_init_interrupts(m, b) || !pc_init_chipset(m, b) || !pc_init_isa(m, b) ||
        !pc_init_storage(m, b) || !pc_init_display(m, b) || !pc_init_net(m, b))
        return false;
    pc_connect_cpu(m, b);
    return pc_firmware_describe(m, b);
}

static bool pc_boot_linux(Machine *m, PcBoard *b)
{
    const Options *o = m->opts;
    E820Map map = {0};
    uint64_t rsdp = 0;
    if (!pc_firmwareless_setup(m, b, &map, &rsdp, true)) return false;
    uint64_t ram_top = 0;
    for (int i = 0; i < map.count; i++)
        if (map.entry[i].type == E820_RAM && map.entry[i].addr + map.entry[i].size > ram_top)
            ram_top = map.entry[i].addr + map.entry[i].size;
    LinuxBootArgs args = {.kernel = o->kernel,
                          .initrd = o->initrd,
                          .cmdline = o->append,
                          .ram_top = ram_top,
                          .e820 = &map,
                          .acpi_rsdp = rsdp};
    LinuxBoot boot;
    char err[512];
    if (!linux_boot_load(m->as, &args, &boot, err, sizeof err)) {
        fprintf(stderr, "doppel: %s\n", err);
        return false;
    }
    x86_setup_flat_protected_state(b->cpu, LINUX_BOOT_CODE_SEL, LINUX_BOOT_DATA_SEL, LINUX_BOOT_GDT,
                                   LINUX_BOOT_GDT_LIMIT, boot.entry);
    b->cpu->regs[X86_ESI] = boot.boot_params;
    return true;
}

static bool pc_boot_multiboot(Machine *m, PcBoard *b)
{
    const Options *o = m->opts;
    E820Map map = {0};
    uint64_t rsdp = 0;
    if (!pc_firmwareless_setup(m, b, &map, &rsdp, false)) return false;
    MultibootArgs args = {.kernel = o->kernel, .append = o->append, .initrd = o->initrd};
    MultibootBoot boot;
    char err[512];
    if (!multiboot_load(m->as, m->ram_size, &args, &boot, err, sizeof err)) {
        fprintf(stderr, "doppel: %s\n", err);
        return false;
    }
    x86_setup_multiboot_state(b->cpu, boot.entry, boot.info_addr);
    return true;
}

/* Only the setup header is needed to tell: the loader reads the file. */
static bool pc_kernel_is_bzimage(const char *path)
{
    uint8_t head[0x400];
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    return linux_boot_is_bzimage(head, n);
}

/* After every reset: the firmware starts itself from the reset vector;
 * a -kernel is loaded again.  A bzImage is recognised by its setup
 * header first, as QEMU does; anything else must be multiboot. */
static bool pc_boot(Machine *m)
{
    PcBoard *b = m->board;
    pc_connect_cpu(m, b);
    if (b->firmware) return true;
    if (pc_kernel_is_bzimage(m->opts->kernel)) return pc_boot_linux(m, b);
    return pc_boot_multiboot(m, b);
}

static void pc_finalize(Machine *m)
{
    PcBoard *b = m->board;
    if (!b) return;
    net_backends_free(m);
    for (int i = 0; i < PC_DRIVES; i++)
        if (b->drive[i]) blk_close(b->drive[i]);
    for (int i = 0; i < PC_FLOPPIES; i++)
        if (b->floppy[i]) blk_close(b->floppy[i]);
    machine_remove_bus(m, &b->io);
    if (b->io.kind == MR_CONTAINER && b->io_as.root) {
        memory_region_del_subregion(&b->io, &b->port_a);
        memory_region_destroy(&b->port_a);
        address_space_destroy(&b->io_as);
        memory_region_destroy(&b->io);
    }
    if (b->has_bios) {
        memory_region_destroy(&b->isa_bios);
        memory_region_destroy(&b->bios);
    }
    if (b->ram.kind == MR_RAM) {
        memory_region_destroy(&b->ram_high);
        memory_region_destroy(&b->ram_low);
        memory_region_destroy(&b->ram);
    }
    free(b);
    m->board = NULL;
}

/* system_powerdown: the ACPI fixed power button (ACPI spec 4.8.3.1;
 * the FADT leaves PWR_BUTTON clear, so the guest knows it is there). */
static bool pc_powerdown(Machine *m)
{
    PcBoard *b = m->board;
    if (!b || !b->pm) return false;
    piix4_pm_power_button(b->pm);
    return true;
}

static const MachineClass pc_machine = {
    .name = "pc",
    .desc = "Standard PC (i440FX + PIIX3): SeaBIOS, or -kernel bzImage/multiboot without "
            "firmware",
    .arch = "x86",
    .default_ram_size = 128ull << 20,
    .max_cpus = 1,
    .init = pc_init,
    .finalize = pc_finalize,
    .boot = pc_boot,
    .powerdown = pc_powerdown,
};
MACHINE_REGISTER(pc_machine)
