/*
 * The IBM VGA core shared by the ISA and PCI VGA devices (vga.c,
 * vga_pci.c): register file, video memory, the legacy window and the
 * Bochs VBE "dispi" extension.  Not a Device itself: each device embeds a
 * VgaState and lists VGA_VMSTATE_FIELDS in its state table.
 *
 * Video memory layout: plane p of planar offset o is vram[o * 4 + p], so
 * chain-4 addresses (mode 13h) and VBE modes are plain linear bytes of
 * vram.  As in QEMU, odd/even host addressing uses planar offset A >> 1
 * and chain-4 uses A >> 2 (real hardware keeps A and skips the low
 * bits), and the renderer reads text cells and chain-4 pixels at the
 * matching packed offsets; a guest only sees the difference if it mixes
 * planar and chained access to the same cells.
 */
#ifndef DOPPEL_VGA_INTERNAL_H
#define DOPPEL_VGA_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "softmmu/memory.h"

struct Clocks;
struct DisplaySurface;

#define VGA_LEGACY_VRAM  (256u * 1024) /* four 64 KiB planes */
#define VGA_WINDOW_BASE  0xa0000u
#define VGA_WINDOW_SIZE  0x20000u
#define VGA_PORT_BASE    0x3b0u
#define VGA_PORT_COUNT   0x30u /* 0x3b0-0x3df */
#define VBE_PORT_BASE    0x1ceu
#define VBE_PORT_COUNT   4u
#define VBE_LFB_ISA_ADDR 0xe0000000u /* QEMU's isa-vga / Bochs LFB address */

/* Bochs VBE dispi registers (Bochs vbe.h, QEMU docs/specs/standard-vga). */
enum {
    VBE_INDEX_ID = 0,
    VBE_INDEX_XRES = 1,
    VBE_INDEX_YRES = 2,
    VBE_INDEX_BPP = 3,
    VBE_INDEX_ENABLE = 4,
    VBE_INDEX_BANK = 5,
    VBE_INDEX_VIRT_WIDTH = 6,
    VBE_INDEX_VIRT_HEIGHT = 7,
    VBE_INDEX_X_OFFSET = 8,
    VBE_INDEX_Y_OFFSET = 9,
    VBE_INDEX_VIDEO_MEMORY_64K = 10,
    VBE_INDEX_COUNT = 11,

    VBE_ID0 = 0xb0c0,
    VBE_ID5 = 0xb0c5,

    VBE_ENABLED = 0x01,
    VBE_GETCAPS = 0x02,
    VBE_8BIT_DAC = 0x20,
    VBE_LFB_ENABLED = 0x40,
    VBE_NOCLEARMEM = 0x80,

    VBE_MAX_XRES = 16000,
    VBE_MAX_YRES = 12000,
    VBE_MAX_BPP = 32,
};

typedef struct VgaState {
    /* host side */
    MemoryRegion vram_mr; /* MR_RAM: the linear framebuffer */
    uint8_t *vram;
    uint32_t vram_size;
    MemoryRegion window; /* 0xa0000-0xbffff */
    MemoryRegion ports;  /* 0x3b0-0x3df */
    MemoryRegion vbe_ports;
    struct Clocks *clocks; /* retrace bits and blink; NULL: time stands at 0 */

    /* guest-visible registers (FreeVGA names) */
    uint8_t misc_out;
    uint8_t feature_ctrl;
    uint8_t sr_index, sr[8];
    uint8_t gr_index, gr[16];
    uint8_t cr_index, cr[32];
    uint8_t ar_index, ar[32];
    bool ar_flip_flop; /* true: next 0x3c0 write is data */
    uint8_t pel_mask;
    uint8_t dac_read_index, dac_write_index;
    uint8_t dac_sub;   /* 0-2: which of R, G, B comes next */
    uint8_t dac_state; /* 0x3c7 read: 0 after a write index, 3 after a read index */
    uint8_t dac_cache[3];
    uint8_t palette[768];
    uint32_t latch;
    uint16_t vbe_index;
    uint16_t vbe_regs[VBE_INDEX_COUNT];
} VgaState;

/* Field list for a device's VMState table; S is the device struct, member
 * its VgaState.  (Video memory is a RAM region, saved with RAM.) */
#define VGA_VMSTATE_FIELDS(S, m)                                                                   \
    VMSTATE_U8(S, m.misc_out), VMSTATE_U8(S, m.feature_ctrl), VMSTATE_U8(S, m.sr_index),           \
        VMSTATE_U8_ARRAY(S, m.sr), VMSTATE_U8(S, m.gr_index), VMSTATE_U8_ARRAY(S, m.gr),           \
        VMSTATE_U8(S, m.cr_index), VMSTATE_U8_ARRAY(S, m.cr), VMSTATE_U8(S, m.ar_index),           \
        VMSTATE_U8_ARRAY(S, m.ar), VMSTATE_BOOL(S, m.ar_flip_flop), VMSTATE_U8(S, m.pel_mask),     \
        VMSTATE_U8(S, m.dac_read_index), VMSTATE_U8(S, m.dac_write_index),                         \
        VMSTATE_U8(S, m.dac_sub), VMSTATE_U8(S, m.dac_state), VMSTATE_U8_ARRAY(S, m.dac_cache),    \
        VMSTATE_BUFFER(S, m.palette), VMSTATE_U32(S, m.latch), VMSTATE_U16(S, m.vbe_index),        \
        VMSTATE_U16_ARRAY(S, m.vbe_regs)

/* vga_core.c: set-up, reset, mapping */
/* Allocate vram_size bytes (at least 256 KiB, a power of two) and the
 * regions; false after one printed line.  owner names the regions. */
bool vga_init(VgaState *s, struct Clocks *clocks, uint32_t vram_size, const char *owner);
void vga_destroy(VgaState *s);
void vga_reset(VgaState *s);
/* Map the window into mem (above RAM: priority 1) and the VGA and VBE
 * ports into io; either may be NULL. */
void vga_map_legacy(VgaState *s, MemoryRegion *mem, MemoryRegion *io);
void vga_unmap_legacy(VgaState *s, MemoryRegion *mem, MemoryRegion *io);

/* vga_regs.c: the port registers */
uint8_t vga_port_read(VgaState *s, uint16_t port);
void vga_port_write(VgaState *s, uint16_t port, uint8_t value);
uint16_t vbe_read(VgaState *s, unsigned index);
void vbe_write(VgaState *s, unsigned index, uint16_t value);
extern const MemoryRegionOps vga_port_ops, vbe_port_ops;

/* vga_mem.c: the legacy window (offset from 0xa0000) */
uint8_t vga_mem_read(VgaState *s, uint32_t addr);
void vga_mem_write(VgaState *s, uint32_t addr, uint8_t value);
extern const MemoryRegionOps vga_window_ops;

/* vga_render.c: the current picture into surf (resized); false if the
 * surface cannot be allocated.  Blink phases follow virtual time. */
bool vga_render(VgaState *s, struct DisplaySurface *surf);
/* Helpers shared by the register and render files. */
static inline bool vbe_enabled(const VgaState *s)
{
    return s->vbe_regs[VBE_INDEX_ENABLE] & VBE_ENABLED;
}
int64_t vga_now_ns(const VgaState *s);

#endif
