/*
 * VGA core set-up: video memory, the regions of the legacy interface and
 * the power-on register state.
 */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "devices/display/vga_internal.h"

int64_t vga_now_ns(const VgaState *s)
{
    return s->clocks ? clock_get_ns(s->clocks, CLK_VIRTUAL) : 0;
}

bool vga_init(VgaState *s, struct Clocks *clocks, uint32_t vram_size, const char *owner)
{
    if (vram_size < VGA_LEGACY_VRAM || (vram_size & (vram_size - 1))) {
        fprintf(stderr, "doppel: %s: video memory must be a power of two of at least 256 KiB\n",
                owner);
        return false;
    }
    s->clocks = clocks;
    if (!memory_region_init_ram(&s->vram_mr, "vga.vram", vram_size)) {
        fprintf(stderr, "doppel: %s: cannot allocate %u bytes of video memory\n", owner, vram_size);
        return false;
    }
    s->vram = s->vram_mr.host;
    s->vram_size = vram_size;
    memory_region_init_io(&s->window, "vga.window", VGA_WINDOW_SIZE, &vga_window_ops, s);
    memory_region_init_io(&s->ports, "vga.ports", VGA_PORT_COUNT, &vga_port_ops, s);
    memory_region_init_io(&s->vbe_ports, "vbe.ports", VBE_PORT_COUNT, &vbe_port_ops, s);
    return true;
}

void vga_destroy(VgaState *s)
{
    if (s->vram_mr.kind == MR_RAM) memory_region_destroy(&s->vram_mr);
    if (s->window.kind == MR_IO) memory_region_destroy(&s->window);
    if (s->ports.kind == MR_IO) memory_region_destroy(&s->ports);
    if (s->vbe_ports.kind == MR_IO) memory_region_destroy(&s->vbe_ports);
    s->vram = NULL;
}

/* Power-on: registers zero (the VGA BIOS programs a mode), colour
 * addressing, palette address source on, VBE off.  Video memory keeps its
 * contents, as on a warm reset. */
void vga_reset(VgaState *s)
{
    s->misc_out = 0x01;
    s->feature_ctrl = 0;
    s->sr_index = s->gr_index = s->cr_index = 0;
    memset(s->sr, 0, sizeof s->sr);
    memset(s->gr, 0, sizeof s->gr);
    memset(s->cr, 0, sizeof s->cr);
    memset(s->ar, 0, sizeof s->ar);
    s->ar_index = 0x20;
    s->ar_flip_flop = false;
    s->pel_mask = 0xff;
    s->dac_read_index = s->dac_write_index = 0;
    s->dac_sub = s->dac_state = 0;
    memset(s->dac_cache, 0, sizeof s->dac_cache);
    memset(s->palette, 0, sizeof s->palette);
    s->latch = 0;
    s->vbe_index = 0;
    memset(s->vbe_regs, 0, sizeof s->vbe_regs);
    s->vbe_regs[VBE_INDEX_ID] = VBE_ID5;
    s->vbe_regs[VBE_INDEX_BPP] = 8;
    s->vbe_regs[VBE_INDEX_VIDEO_MEMORY_64K] = (uint16_t)(s->vram_size >> 16);
}

void vga_map_legacy(VgaState *s, MemoryRegion *mem, MemoryRegion *io)
{
    if (mem) memory_region_add_subregion(mem, VGA_WINDOW_BASE, &s->window, 1);
    if (io) {
        memory_region_add_subregion(io, VGA_PORT_BASE, &s->ports, 0);
        memory_region_add_subregion(io, VBE_PORT_BASE, &s->vbe_ports, 0);
    }
}

void vga_unmap_legacy(VgaState *s, MemoryRegion *mem, MemoryRegion *io)
{
    if (mem) memory_region_del_subregion(mem, &s->window);
    if (io) {
        memory_region_del_subregion(io, &s->ports);
        memory_region_del_subregion(io, &s->vbe_ports);
    }
}
