/*
 * isa-vga: the VGA core on the ISA bus, with the Bochs VBE linear
 * framebuffer at the fixed address Bochs and QEMU use (0xe0000000).
 */
#include "devices/display/vga.h"

#include <stdio.h>

#include "core/device.h"
#include "core/machine.h"
#include "devices/display/vga_internal.h"
#include "softmmu/memory.h"
#include "ui/display.h"

#define ISA_VGA_VRAM (8u << 20)

typedef struct IsaVga {
    Device dev;
    VgaState vga;
    DisplaySource display;
    MemoryRegion *mem, *io; /* where the board maps it (NULL: -device: the defaults) */
    bool mapped;
} IsaVga;

static bool isa_vga_render(void *opaque, DisplaySurface *surf)
{
    return vga_render(&((IsaVga *)opaque)->vga, surf);
}

static bool isa_vga_realize(Device *dev, Machine *m)
{
    IsaVga *s = (IsaVga *)dev;
    if (m && !s->mem) s->mem = m->system_memory;
    if (m && !s->io) s->io = machine_find_bus(m, "isa");
    if (!vga_init(&s->vga, m ? m->clocks : NULL, ISA_VGA_VRAM, "isa-vga")) return false;
    s->display = (DisplaySource){.name = "isa-vga", .render = isa_vga_render, .opaque = s};
    if (!display_register(m, &s->display)) {
        fprintf(stderr, "doppel: isa-vga: the machine has a display already\n");
        vga_destroy(&s->vga);
        return false;
    }
    vga_map_legacy(&s->vga, s->mem, s->io);
    if (s->mem) memory_region_add_subregion(s->mem, VBE_LFB_ISA_ADDR, &s->vga.vram_mr, 0);
    s->mapped = true;
    return true;
}

static void isa_vga_reset(Device *dev)
{
    vga_reset(&((IsaVga *)dev)->vga);
}

static void isa_vga_finalize(Device *dev)
{
    IsaVga *s = (IsaVga *)dev;
    if (s->mapped) {
        vga_unmap_legacy(&s->vga, s->mem, s->io);
        if (s->mem) memory_region_del_subregion(s->mem, &s->vga.vram_mr);
        s->mapped = false;
    }
    display_unregister(dev->machine, &s->display);
    vga_destroy(&s->vga);
}

static const VMStateField isa_vga_vmstate[] = {
    VGA_VMSTATE_FIELDS(IsaVga, vga),
    VMSTATE_END,
};

static const DeviceClass isa_vga_class = {
    .name = "isa-vga",
    .desc = "VGA with Bochs VBE on the ISA bus (LFB at 0xe0000000)",
    .instance_size = sizeof(IsaVga),
    .vmstate = isa_vga_vmstate,
    .vmstate_version = 1,
    .realize = isa_vga_realize,
    .reset = isa_vga_reset,
    .finalize = isa_vga_finalize,
    .user_creatable = true,
};
DEVICE_REGISTER(isa_vga_class)

Device *isa_vga_create(Machine *m, MemoryRegion *mem, MemoryRegion *io)
{
    Device *d = device_create(m, "isa-vga");
    if (!d) return NULL;
    ((IsaVga *)d)->mem = mem;
    ((IsaVga *)d)->io = io;
    return device_realize(d) ? d : NULL;
}
