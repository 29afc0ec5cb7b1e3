/*
 * The VGA's host interface to video memory, 0xa0000-0xbffff (FreeVGA
 * "Graphics Controller Registers", "Sequencer Registers"): memory map
 * select (GR6), chain-4 and odd/even addressing, the 32-bit latch, read
 * modes 0-1 (GR5 bit 3) and write modes 0-3 (GR5 bits 0-1) with
 * set/reset (GR0/GR1), rotate and logical function (GR3), bit mask (GR8)
 * and map mask (SR2).  With the Bochs VBE enabled the window is a 64 KiB
 * linear bank of video memory (VBE BANK register).
 */
#include <string.h>

#include "devices/display/vga_internal.h"

#define PLANE_OFFSETS 0x10000u /* 64 KiB per plane */

/* A 4-bit plane mask as one byte per plane: bit p -> 0xff in byte p. */
static uint32_t plane_expand(unsigned nibble)
{
    uint32_t v = 0;
    for (unsigned p = 0; p < 4; p++)
        if (nibble & (1u << p)) v |= 0xffu << (8 * p);
    return v;
}

static uint32_t vram_word(const VgaState *s, uint32_t offset)
{
    uint32_t v;
    memcpy(&v, &s->vram[offset * 4], 4);
    return v;
}

/* Window offset -> offset inside the decoded range (GR6 bits 2-3), or -1
 * when the address lies outside it. */
static int32_t vga_window_decode(const VgaState *s, uint32_t addr)
{
    static const uint32_t base[4] = {0x00000, 0x00000, 0x10000, 0x18000};
    static const uint32_t size[4] = {0x20000, 0x10000, 0x08000, 0x08000};
    unsigned map = (s->gr[6] >> 2) & 3;
    if (addr < base[map] || addr - base[map] >= size[map]) return -1;
    return (int32_t)(addr - base[map]);
}

/* The VBE bank window: linear bytes of video memory at BANK * 64 KiB. */
static uint8_t *vbe_bank_byte(VgaState *s, uint32_t addr)
{
    uint32_t pos = ((uint32_t)s->vbe_regs[VBE_INDEX_BANK] << 16) + addr;
    return addr < 0x10000 && pos < s->vram_size ? &s->vram[pos] : NULL;
}

uint8_t vga_mem_read(VgaState *s, uint32_t addr)
{
    if (vbe_enabled(s)) {
        uint8_t *p = vbe_bank_byte(s, addr);
        return p ? *p : 0xff;
    }
    int32_t a = vga_window_decode(s, addr);
    if (a < 0) return 0xff;
    if (s->sr[4] & 0x08) /* chain-4: plane A1:A0 */
        return s->vram[(uint32_t)a & 0xffff];
    if (s->gr[5] & 0x10) { /* host odd/even: A0 (and GR4 bit 1) picks the plane */
        unsigned plane = (s->gr[4] & 2) | ((uint32_t)a & 1);
        return s->vram[(((uint32_t)a >> 1) & 0xffff) * 4 + plane];
    }
    uint32_t offset = (uint32_t)a & (PLANE_OFFSETS - 1);
    s->latch = vram_word(s, offset);
    if (!(s->gr[5] & 0x08)) /* read mode 0: the plane GR4 selects */
        return (uint8_t)(s->latch >> (8 * (s->gr[4] & 3)));
    /* Read mode 1, colour compare: a 1 for each pixel whose planes, where
     * GR7 (colour don't care) counts them, equal GR2 (colour compare). */
    uint32_t care = plane_expand(s->gr[7]);
    uint32_t diff = (s->latch ^ plane_expand(s->gr[2])) & care;
    diff |= diff >> 16;
    diff |= diff >> 8;
    return (uint8_t)~diff;
}

static uint8_t rotate_right(uint8_t v, unsigned n)
{
    n &= 7;
    return (uint8_t)((v >> n) | (v << ((8 - n) & 7)));
}

/* The logical function of GR3 bits 3-4 between data and latch. */
static uint32_t vga_alu(const VgaState *s, uint32_t data)
{
    switch ((s->gr[3] >> 3) & 3) {
    case 1: return data & s->latch;
    case 2: return data | s->latch;
    case 3: return data ^ s->latch;
    default: return data;
    }
}

/* Planar write: the four plane bytes the write mode produces. */
static uint32_t vga_planar_data(VgaState *s, uint8_t value)
{
    uint32_t bit_mask = s->gr[8];
    uint32_t data;
    switch (s->gr[5] & 3) {
    case 0: {
        uint32_t sr_enable = plane_expand(s->gr[1]);
        data = rotate_right(value, s->gr[3]) * 0x01010101u;
        data = (data & ~sr_enable) | (plane_expand(s->gr[0]) & sr_enable);
        data = vga_alu(s, data);
        break;
    }
    case 1: return s->latch; /* latches copied, bit mask ignored */
    case 2: data = vga_alu(s, plane_expand(value & 0x0f)); break;
    default: /* 3: rotated data ANDed into the bit mask, set/reset as colour */
        bit_mask &= rotate_right(value, s->gr[3]);
        data = vga_alu(s, plane_expand(s->gr[0]));
        break;
    }
    bit_mask *= 0x01010101u;
    return (data & bit_mask) | (s->latch & ~bit_mask);
}

void vga_mem_write(VgaState *s, uint32_t addr, uint8_t value)
{
    if (vbe_enabled(s)) {
        uint8_t *p = vbe_bank_byte(s, addr);
        if (p) *p = value;
        return;
    }
    int32_t a = vga_window_decode(s, addr);
    if (a < 0) return;
    unsigned map_mask = s->sr[2] & 0x0f;
    if (s->sr[4] & 0x08) { /* chain-4 */
        uint32_t pos = (uint32_t)a & 0xffff;
        if (map_mask & (1u << (pos & 3))) s->vram[pos] = value;
        return;
    }
    if (!(s->sr[4] & 0x04)) { /* odd/even: A0 picks plane 0/1 or 2/3 */
        unsigned plane = (uint32_t)a & 1;
        if (map_mask & (1u << plane)) s->vram[(((uint32_t)a >> 1) & 0xffff) * 4 + plane] = value;
        if (map_mask & (4u << plane))
            s->vram[(((uint32_t)a >> 1) & 0xffff) * 4 + plane + 2] = value;
        return;
    }
    uint32_t offset = (uint32_t)a & (PLANE_OFFSETS - 1);
    uint32_t data = vga_planar_data(s, value);
    uint32_t planes = plane_expand(map_mask);
    uint32_t word = (vram_word(s, offset) & ~planes) | (data & planes);
    memcpy(&s->vram[offset * 4], &word, 4);
}

static uint64_t vga_window_read(void *opaque, uint64_t offset, unsigned size)
{
    return vga_mem_read(opaque, (uint32_t)offset);
}

static void vga_window_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    vga_mem_write(opaque, (uint32_t)offset, (uint8_t)value);
}

/* Byte accesses only: wider guest accesses arrive as bytes in address
 * order, which is what the VGA's 8-bit host interface does. */
const MemoryRegionOps vga_window_ops = {
    .read = vga_window_read,
    .write = vga_window_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 1,
};
