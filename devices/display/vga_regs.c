/*
 * VGA port registers 0x3b0-0x3df and the Bochs VBE dispi registers.
 * Register names and bit layouts follow FreeVGA ("VGA/SVGA Video
 * Programming", which mirrors the IBM VGA Technical Reference); the dispi
 * interface follows Bochs' vbe.h and QEMU's docs/specs/standard-vga.
 */
#include <string.h>

#include "core/log.h"
#include "devices/display/vga_internal.h"

/* Writable bits of the indexed registers (FreeVGA register pages);
 * indexes past a table's length are reserved: read 0, writes dropped. */
static const uint8_t sr_mask[5] = {0x03, 0x3d, 0x0f, 0x3f, 0x0e};
static const uint8_t gr_mask[9] = {0x0f, 0x0f, 0x0f, 0x1f, 0x03, 0x7b, 0x0f, 0x0f, 0xff};
static const uint8_t ar_mask[21] = {0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f,
                                    0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f,
                                    0x3f, 0x3f, 0xef, 0xff, 0x3f, 0x0f, 0x0f};
#define CR_COUNT 0x19

/* Indexed register file: index port, data array, write masks. */
typedef struct IndexedRegs {
    uint8_t *index;
    uint8_t *regs;
    const uint8_t *mask; /* NULL: all bits */
    unsigned count;
} IndexedRegs;

/* One frame of 640x480 at 60 Hz (VGA timing: 525 lines of 800 dots at
 * 25.175 MHz); input status 1 reports vertical retrace for 2 lines and
 * display-disabled during horizontal and vertical blanking. */
#define VGA_LINE_NS      31778
#define VGA_FRAME_NS     (525 * VGA_LINE_NS)
#define VGA_HBLANK_NS    6356 /* 160 of 800 dots */
#define VGA_VBLANK_LINES 45

static uint8_t vga_input_status1(VgaState *s)
{
    int64_t now = vga_now_ns(s);
    int64_t in_frame = now % VGA_FRAME_NS;
    unsigned line = (unsigned)(in_frame / VGA_LINE_NS);
    bool vretrace = line >= 490 && line < 492;
    bool vblank = line >= 525 - VGA_VBLANK_LINES;
    bool hblank = in_frame % VGA_LINE_NS >= VGA_LINE_NS - VGA_HBLANK_NS;
    s->ar_flip_flop = false; /* reading input status 1 resets the 0x3c0 flip-flop */
    return (uint8_t)((vretrace ? 0x08 : 0) | (vblank || hblank ? 0x01 : 0));
}

/* Misc output bit 0 (I/OAS): 1 puts the CRTC and input status 1 at
 * 0x3dx, 0 at 0x3bx; the other range does not decode. */
static bool vga_port_decoded(const VgaState *s, uint16_t port)
{
    bool colour = s->misc_out & 0x01;
    if (port >= 0x3b0 && port <= 0x3bf) return !colour;
    if (port >= 0x3d0 && port <= 0x3df) return colour;
    return true;
}

static void vga_crtc_write(VgaState *s, uint8_t value)
{
    unsigned i = s->cr_index;
    if (i >= CR_COUNT) {
        LOG_MASK(LOG_GUEST_ERRORS, "vga: write %#x to reserved CRTC register %#x\n", value, i);
        return;
    }
    /* CR11 bit 7 (Protect) locks CR0-CR7, except CR7 bit 4 (line compare bit 8). */
    if ((s->cr[0x11] & 0x80) && i <= 7) {
        if (i == 7) s->cr[7] = (uint8_t)((s->cr[7] & ~0x10) | (value & 0x10));
        return;
    }
    s->cr[i] = value;
}

static void vga_ar_write(VgaState *s, uint8_t value)
{
    if (!s->ar_flip_flop) {
        s->ar_index = value & 0x3f;
    } else {
        unsigned i = s->ar_index & 0x1f;
        if (i < sizeof ar_mask)
            s->ar[i] = value & ar_mask[i];
        else
            LOG_MASK(LOG_GUEST_ERRORS, "vga: write to reserved attribute register %#x\n", i);
    }
    s->ar_flip_flop = !s->ar_flip_flop;
}

static void vga_dac_write_data(VgaState *s, uint8_t value)
{
    bool dac8 = s->vbe_regs[VBE_INDEX_ENABLE] & VBE_8BIT_DAC;
    s->dac_cache[s->dac_sub++] = dac8 ? value : (value & 0x3f);
    if (s->dac_sub == 3) {
        memcpy(&s->palette[s->dac_write_index * 3], s->dac_cache, 3);
        s->dac_write_index++;
        s->dac_sub = 0;
    }
}

static uint8_t vga_dac_read_data(VgaState *s)
{
    uint8_t v = s->palette[s->dac_read_index * 3 + s->dac_sub++];
    if (s->dac_sub == 3) {
        s->dac_read_index++;
        s->dac_sub = 0;
    }
    return v;
}

static uint8_t indexed_read(const IndexedRegs *r)
{
    return *r->index < r->count ? r->regs[*r->index] : 0;
}

static void indexed_write(const IndexedRegs *r, uint8_t value, const char *what)
{
    if (*r->index < r->count)
        r->regs[*r->index] = r->mask ? value & r->mask[*r->index] : value;
    else
        LOG_MASK(LOG_GUEST_ERRORS, "vga: write %#x to reserved %s register %#x\n", value, what,
                 *r->index);
}

uint8_t vga_port_read(VgaState *s, uint16_t port)
{
    if (!vga_port_decoded(s, port)) return 0xff;
    IndexedRegs seq = {&s->sr_index, s->sr, sr_mask, sizeof sr_mask};
    IndexedRegs gc = {&s->gr_index, s->gr, gr_mask, sizeof gr_mask};
    IndexedRegs crtc = {&s->cr_index, s->cr, NULL, CR_COUNT};
    switch (port) {
    case 0x3c0: return s->ar_index;
    case 0x3c1: return (s->ar_index & 0x1f) < sizeof ar_mask ? s->ar[s->ar_index & 0x1f] : 0;
    case 0x3c2: return 0; /* input status 0: no switch sense, no retrace interrupt */
    case 0x3c4: return s->sr_index;
    case 0x3c5: return indexed_read(&seq);
    case 0x3c6: return s->pel_mask;
    case 0x3c7: return s->dac_state;
    case 0x3c8: return s->dac_write_index;
    case 0x3c9: return vga_dac_read_data(s);
    case 0x3ca: return s->feature_ctrl;
    case 0x3cc: return s->misc_out;
    case 0x3ce: return s->gr_index;
    case 0x3cf: return indexed_read(&gc);
    case 0x3b4:
    case 0x3d4: return s->cr_index;
    case 0x3b5:
    case 0x3d5: return indexed_read(&crtc);
    case 0x3ba:
    case 0x3da: return vga_input_status1(s);
    default: return 0xff;
    }
}

void vga_port_write(VgaState *s, uint16_t port, uint8_t value)
{
    if (!vga_port_decoded(s, port)) return;
    IndexedRegs seq = {&s->sr_index, s->sr, sr_mask, sizeof sr_mask};
    IndexedRegs gc = {&s->gr_index, s->gr, gr_mask, sizeof gr_mask};
    switch (port) {
    case 0x3c0: vga_ar_write(s, value); break;
    case 0x3c2: s->misc_out = value & 0xef; break;
    case 0x3c4: s->sr_index = value & 0x07; break;
    case 0x3c5: indexed_write(&seq, value, "sequencer"); break;
    case 0x3c6: s->pel_mask = value; break;
    case 0x3c7:
        s->dac_read_index = value;
        s->dac_sub = 0;
        s->dac_state = 3;
        break;
    case 0x3c8:
        s->dac_write_index = value;
        s->dac_sub = 0;
        s->dac_state = 0;
        break;
    case 0x3c9: vga_dac_write_data(s, value); break;
    case 0x3ce: s->gr_index = value & 0x0f; break;
    case 0x3cf: indexed_write(&gc, value, "graphics"); break;
    case 0x3b4:
    case 0x3d4: s->cr_index = value & 0x3f; break;
    case 0x3b5:
    case 0x3d5: vga_crtc_write(s, value); break;
    case 0x3ba:
    case 0x3da: s->feature_ctrl = value & 0x03; break;
    default: LOG_MASK(LOG_GUEST_ERRORS, "vga: write %#x to unused port %#x\n", value, port); break;
    }
}

static uint64_t vga_ports_read(void *opaque, uint64_t offset, unsigned size)
{
    return vga_port_read(opaque, (uint16_t)(VGA_PORT_BASE + offset));
}

static void vga_ports_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    vga_port_write(opaque, (uint16_t)(VGA_PORT_BASE + offset), (uint8_t)value);
}

/* 16-bit port writes reach index then data, as on the ISA bus. */
const MemoryRegionOps vga_port_ops = {
    .read = vga_ports_read,
    .write = vga_ports_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 1,
};

/* ---- Bochs VBE dispi ---- */

static unsigned vbe_bytes_per_pixel(unsigned bpp)
{
    return bpp == 15 ? 2 : (bpp + 7) / 8;
}

/* Bytes per scan line of the virtual screen. */
static uint32_t vbe_line_bytes(const VgaState *s)
{
    unsigned bpp = s->vbe_regs[VBE_INDEX_BPP];
    uint32_t w = s->vbe_regs[VBE_INDEX_VIRT_WIDTH];
    return bpp == 4 ? w / 2 : w * vbe_bytes_per_pixel(bpp);
}

static void vbe_update_virt_height(VgaState *s)
{
    uint32_t line = vbe_line_bytes(s);
    uint32_t h = line ? s->vram_size / line : 0;
    s->vbe_regs[VBE_INDEX_VIRT_HEIGHT] = (uint16_t)(h > 0xffff ? 0xffff : h);
}

static void vbe_enable(VgaState *s, uint16_t value)
{
    uint16_t *r = s->vbe_regs;
    if ((value & VBE_ENABLED) && !(r[VBE_INDEX_ENABLE] & VBE_ENABLED)) {
        r[VBE_INDEX_VIRT_WIDTH] = r[VBE_INDEX_XRES];
        r[VBE_INDEX_X_OFFSET] = r[VBE_INDEX_Y_OFFSET] = 0;
        r[VBE_INDEX_BANK] = 0;
        vbe_update_virt_height(s);
        if (!(value & VBE_NOCLEARMEM)) {
            uint64_t bytes = (uint64_t)r[VBE_INDEX_YRES] * vbe_line_bytes(s);
            memset(s->vram, 0, bytes < s->vram_size ? bytes : s->vram_size);
        }
    }
    r[VBE_INDEX_ENABLE] = value & (VBE_ENABLED | VBE_GETCAPS | VBE_8BIT_DAC | VBE_LFB_ENABLED);
}

uint16_t vbe_read(VgaState *s, unsigned index)
{
    if (index >= VBE_INDEX_COUNT) return 0;
    if (s->vbe_regs[VBE_INDEX_ENABLE] & VBE_GETCAPS) {
        /* GETCAPS: the resolution registers read as the maxima. */
        if (index == VBE_INDEX_XRES) return VBE_MAX_XRES;
        if (index == VBE_INDEX_YRES) return VBE_MAX_YRES;
        if (index == VBE_INDEX_BPP) return VBE_MAX_BPP;
    }
    return s->vbe_regs[index];
}

void vbe_write(VgaState *s, unsigned index, uint16_t value)
{
    uint16_t *r = s->vbe_regs;
    switch (index) {
    case VBE_INDEX_ID:
        if (value >= VBE_ID0 && value <= VBE_ID5) r[index] = value;
        break;
    case VBE_INDEX_XRES:
    case VBE_INDEX_YRES:
        if (value <= (index == VBE_INDEX_XRES ? VBE_MAX_XRES : VBE_MAX_YRES)) r[index] = value;
        break;
    case VBE_INDEX_BPP:
        if (value == 0) value = 8;
        if (value == 4 || value == 8 || value == 15 || value == 16 || value == 24 || value == 32)
            r[index] = value;
        else
            LOG_MASK(LOG_GUEST_ERRORS, "vbe: unsupported depth %u\n", value);
        break;
    case VBE_INDEX_ENABLE: vbe_enable(s, value); break;
    case VBE_INDEX_BANK:
        if ((uint32_t)value << 16 < s->vram_size) r[index] = value;
        break;
    case VBE_INDEX_VIRT_WIDTH:
        r[index] = value;
        vbe_update_virt_height(s);
        break;
    case VBE_INDEX_X_OFFSET:
    case VBE_INDEX_Y_OFFSET: r[index] = value; break;
    default: /* VIRT_HEIGHT and VIDEO_MEMORY_64K are derived */
        LOG_MASK(LOG_GUEST_ERRORS, "vbe: write %#x to read-only register %u\n", value, index);
        break;
    }
}

/* 0x1ce: index; 0x1cf (and 0x1d0, where QEMU also decodes it): data. */
static uint64_t vbe_ports_read(void *opaque, uint64_t offset, unsigned size)
{
    VgaState *s = opaque;
    if (offset == 0) return s->vbe_index;
    if (offset <= 2) return vbe_read(s, s->vbe_index);
    return 0xff;
}

static void vbe_ports_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    VgaState *s = opaque;
    if (offset == 0)
        s->vbe_index = (uint16_t)value;
    else if (offset <= 2)
        vbe_write(s, s->vbe_index, (uint16_t)value);
}

const MemoryRegionOps vbe_port_ops = {
    .read = vbe_ports_read,
    .write = vbe_ports_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 2,
    .unaligned = true, /* the data port 0x1cf is odd */
};
