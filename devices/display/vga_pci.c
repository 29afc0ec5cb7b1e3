/*
 * "VGA": the PCI VGA of QEMU's -vga std (QEMU docs/specs/standard-vga):
 * vendor 1234, device 1111, class 030000.  BAR0 is the framebuffer
 * (prefetchable, RAM-backed), BAR2 4 KiB of MMIO registers, the
 * expansion ROM holds the VGA BIOS SeaBIOS runs (Debian's
 * vgabios-stdvga.bin).  As a VGA-class function it also decodes the
 * legacy window and ports, whatever its BARs say.
 *
 * MMIO BAR layout:
 *   0x000-0x3ff  EDID blob (none: reads 0)
 *   0x400-0x41f  VGA ports 0x3c0-0x3df, byte for byte (a 16-bit write
 *                is index then data)
 *   0x500-0x515  Bochs dispi registers, index n at 0x500 + 2n
 *   0x600-0x607  QEMU extension: 0x600 region size (8), 0x604
 *                framebuffer endianness (0x1e1e1e1e: little)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/device.h"
#include "core/load_file.h"
#include "core/machine.h"
#include "core/snapshot_section.h"
#include "devices/display/vga.h"
#include "devices/display/vga_internal.h"
#include "devices/pci/i440fx.h" /* pci_device_post_load (proposed for pci.h) */
#include "devices/pci/pci.h"
#include "ui/display.h"

#define VGA_PCI_MMIO_SIZE        0x1000u
#define VGA_PCI_MMIO_PORTS       0x400u
#define VGA_PCI_MMIO_DISPI       0x500u
#define VGA_PCI_MMIO_QEXT        0x600u
#define VGA_PCI_QEXT_SIZE        8u
#define VGA_PCI_LITTLE_ENDIAN_FB 0x1e1e1e1eu

typedef struct VgaPci {
    PciDevice pci;
    VgaState vga;
    DisplaySource display;
    MemoryRegion mmio, rom;
    char *romfile;
    uint32_t vgamem_mb;
    /* set by vga_pci_create before realize (-device: the "pci" bus, addr) */
    PciBus *bus_req;
    int devfn_req;
    bool mapped;
} VgaPci;

static uint64_t vga_pci_mmio_read(void *opaque, uint64_t offset, unsigned size)
{
    VgaPci *s = opaque;
    uint64_t v = 0;
    if (offset >= VGA_PCI_MMIO_PORTS && offset < VGA_PCI_MMIO_PORTS + 0x20) {
        for (unsigned i = 0; i < size; i++)
            v |= (uint64_t)vga_port_read(&s->vga, (uint16_t)(0x3c0 + offset - 0x400 + i))
                 << (8 * i);
        return v;
    }
    if (offset >= VGA_PCI_MMIO_DISPI && offset < VGA_PCI_MMIO_DISPI + 2 * VBE_INDEX_COUNT) {
        for (unsigned i = 0; i < size; i++) {
            uint64_t byte_off = offset - VGA_PCI_MMIO_DISPI + i;
            uint16_t reg = vbe_read(&s->vga, (unsigned)(byte_off / 2));
            v |= (uint64_t)((reg >> (8 * (byte_off & 1))) & 0xff) << (8 * i);
        }
        return v;
    }
    if (offset >= VGA_PCI_MMIO_QEXT && offset < VGA_PCI_MMIO_QEXT + 8) {
        uint64_t regs = VGA_PCI_QEXT_SIZE | (uint64_t)VGA_PCI_LITTLE_ENDIAN_FB << 32;
        return (regs >> (8 * (offset - VGA_PCI_MMIO_QEXT))) &
               (size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1);
    }
    return 0;
}

static void vga_pci_mmio_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    VgaPci *s = opaque;
    if (offset >= VGA_PCI_MMIO_PORTS && offset < VGA_PCI_MMIO_PORTS + 0x20) {
        for (unsigned i = 0; i < size; i++)
            vga_port_write(&s->vga, (uint16_t)(0x3c0 + offset - 0x400 + i),
                           (uint8_t)(value >> (8 * i)));
        return;
    }
    if (offset >= VGA_PCI_MMIO_DISPI && offset < VGA_PCI_MMIO_DISPI + 2 * VBE_INDEX_COUNT) {
        unsigned index = (unsigned)((offset - VGA_PCI_MMIO_DISPI) / 2);
        if (size == 1) { /* one byte of a 16-bit register */
            unsigned shift = 8 * (offset & 1);
            uint16_t reg = s->vga.vbe_regs[index];
            value = (reg & ~(0xffu << shift)) | (value & 0xff) << shift;
        }
        vbe_write(&s->vga, index, (uint16_t)value);
        if (size == 4 && index + 1 < VBE_INDEX_COUNT)
            vbe_write(&s->vga, index + 1, (uint16_t)(value >> 16));
    }
    /* The EDID blob and the QEMU extension registers are read-only here. */
}

static const MemoryRegionOps vga_pci_mmio_ops = {
    .read = vga_pci_mmio_read,
    .write = vga_pci_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 4,
};

static bool vga_pci_render(void *opaque, DisplaySurface *surf)
{
    return vga_render(&((VgaPci *)opaque)->vga, surf);
}

static uint64_t pow2_at_least(uint64_t v)
{
    uint64_t p = 1;
    while (p < v)
        p <<= 1;
    return p;
}

/* The VGA BIOS into the expansion ROM (rounded up to a power of two). */
static bool vga_pci_load_rom(VgaPci *s)
{
    const char *path = s->romfile ? s->romfile : VGA_STD_ROMFILE;
    if (!path[0]) return true;
    size_t size;
    uint8_t *image = load_file(path, &size);
    if (!image) {
        fprintf(stderr, "doppel: VGA: cannot read the VGA BIOS %s (apt-get install seabios)\n",
                path);
        return false;
    }
    if (size == 0 || size > (16u << 20) ||
        !memory_region_init_rom(&s->rom, "vga.rom", pow2_at_least(size))) {
        fprintf(stderr, "doppel: VGA: %s: unusable ROM image (%zu bytes)\n", path, size);
        free(image);
        return false;
    }
    memcpy(s->rom.host, image, size);
    free(image);
    return true;
}

static void vga_pci_cleanup(VgaPci *s)
{
    if (s->mapped) {
        vga_unmap_legacy(&s->vga, pci_bus_mem(s->pci.bus), pci_bus_io(s->pci.bus));
        s->mapped = false;
    }
    if (s->pci.bus) pci_device_detach(&s->pci);
    display_unregister(s->pci.dev.machine, &s->display);
    if (s->mmio.kind == MR_IO) memory_region_destroy(&s->mmio);
    if (s->rom.kind == MR_ROM) memory_region_destroy(&s->rom);
    if (s->pci.dev.machine) snapshot_remove_ram(s->pci.dev.machine, &s->vga.vram_mr);
    vga_destroy(&s->vga);
}

static bool vga_pci_realize(Device *dev, Machine *m)
{
    VgaPci *s = (VgaPci *)dev;
    PciBus *bus = s->bus_req ? s->bus_req : m ? machine_find_bus(m, PCI_BUS_NAME) : NULL;
    char err[200];
    if (!bus) {
        fprintf(stderr, "doppel: VGA: this machine has no PCI bus\n");
        return false;
    }
    uint32_t vram = s->vgamem_mb << 20;
    if (s->vgamem_mb < 1 || s->vgamem_mb > 256 || (s->vgamem_mb & (s->vgamem_mb - 1))) {
        fprintf(stderr, "doppel: VGA: vgamem_mb must be a power of two from 1 to 256\n");
        return false;
    }
    if (!vga_init(&s->vga, m ? m->clocks : NULL, vram, "VGA")) return false;
    s->display = (DisplaySource){.name = "VGA", .render = vga_pci_render, .opaque = s};
    if (!display_register(m, &s->display)) {
        fprintf(stderr, "doppel: VGA: the machine has a display already\n");
        vga_destroy(&s->vga);
        return false;
    }
    if (!vga_pci_load_rom(s)) {
        vga_pci_cleanup(s);
        return false;
    }
    if (!pci_device_attach(&s->pci, bus, s->bus_req ? s->devfn_req : -1, 0x1234, 0x1111, 0x02,
                           0x030000, err, sizeof err)) {
        fprintf(stderr, "doppel: VGA: %s\n", err);
        vga_pci_cleanup(s);
        return false;
    }
    memory_region_init_io(&s->mmio, "vga.mmio", VGA_PCI_MMIO_SIZE, &vga_pci_mmio_ops, s);
    pci_register_bar(&s->pci, 0, PCI_BAR_MEM32_PREFETCH, &s->vga.vram_mr);
    pci_register_bar(&s->pci, 2, PCI_BAR_MEM32, &s->mmio);
    if (s->rom.kind == MR_ROM) pci_register_bar(&s->pci, PCI_ROM_SLOT, PCI_BAR_ROM, &s->rom);
    vga_map_legacy(&s->vga, pci_bus_mem(bus), pci_bus_io(bus));
    s->mapped = true;
    /* Video memory lives behind BAR 0, unmapped until the firmware
     * programs it: snapshots hold it either way. */
    if (m) snapshot_add_ram(m, &s->vga.vram_mr);
    return true;
}

static void vga_pci_reset(Device *dev)
{
    VgaPci *s = (VgaPci *)dev;
    pci_device_reset(&s->pci);
    vga_reset(&s->vga);
}

static void vga_pci_finalize(Device *dev)
{
    vga_pci_cleanup((VgaPci *)dev);
}

static void vga_pci_post_load(Device *dev)
{
    pci_device_post_load(&((VgaPci *)dev)->pci);
}

static const Property vga_pci_props[] = {
    DEFINE_PROP_STRING("romfile", VgaPci, romfile, VGA_STD_ROMFILE,
                       "VGA BIOS for the expansion ROM (empty: none)"),
    DEFINE_PROP_U32("vgamem_mb", VgaPci, vgamem_mb, 16, "video memory in MiB (BAR0)"),
    DEFINE_PROP_PCI_ADDR(VgaPci, pci),
    DEFINE_PROP_END,
};

static const VMStateField vga_pci_vmstate[] = {
    VMSTATE_BUFFER(VgaPci, pci.config),
    VGA_VMSTATE_FIELDS(VgaPci, vga),
    VMSTATE_END,
};

static const DeviceClass vga_pci_class = {
    .name = "VGA",
    .desc = "PCI VGA with Bochs VBE (QEMU -vga std, 1234:1111)",
    .instance_size = sizeof(VgaPci),
    .props = vga_pci_props,
    .vmstate = vga_pci_vmstate,
    .vmstate_version = 1,
    .realize = vga_pci_realize,
    .reset = vga_pci_reset,
    .post_load = vga_pci_post_load,
    .finalize = vga_pci_finalize,
    .user_creatable = true,
};
DEVICE_REGISTER(vga_pci_class)

Device *vga_pci_create(Machine *m, PciBus *bus, int devfn, const char *romfile)
{
    Device *d = device_create(m, "VGA");
    if (!d) return NULL;
    VgaPci *s = (VgaPci *)d;
    char err[200];
    if (romfile && !device_set_prop(d, "romfile", romfile, err, sizeof err)) {
        fprintf(stderr, "doppel: VGA: %s\n", err);
        device_free(d);
        return NULL;
    }
    s->bus_req = bus;
    s->devfn_req = devfn;
    return device_realize(d) ? d : NULL;
}
