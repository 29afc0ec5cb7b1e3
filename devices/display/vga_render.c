/*
 * The VGA picture, rendered when a front end asks (ui/display.h): text
 * modes from the font in plane 2, 16-colour planar, CGA 4-colour and
 * 256-colour modes through the attribute controller's palette and the
 * DAC, and the Bochs VBE framebuffer.  Timing registers are read only
 * for the display size (FreeVGA "CRT Controller Registers"): the output
 * has one pixel per pixel clock, scan lines repeated per CR9 removed.
 */
#include <string.h>

#include "core/log.h"
#include "devices/display/vga_internal.h"
#include "ui/display.h"

#define BLANK_WIDTH  640
#define BLANK_HEIGHT 480
/* Blink periods: the cursor toggles every 16 frames, blinking characters
 * every 32 (IBM VGA Technical Reference, "Attribute Controller"). */
#define CURSOR_BLINK_NS (16 * 16683333ll)
#define CHAR_BLINK_NS   (32 * 16683333ll)

/* DAC entry (after the PEL mask) as XRGB; 6-bit DACs scale to 8 bits. */
static uint32_t vga_dac_rgb(const VgaState *s, uint8_t index)
{
    const uint8_t *p = &s->palette[(index & s->pel_mask) * 3];
    if (s->vbe_regs[VBE_INDEX_ENABLE] & VBE_8BIT_DAC)
        return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
    uint32_t r = p[0] & 0x3f, g = p[1] & 0x3f, b = p[2] & 0x3f;
    return (r << 2 | r >> 4) << 16 | (g << 2 | g >> 4) << 8 | (b << 2 | b >> 4);
}

/* A 4-bit attribute colour through the palette registers AR0-ARF and the
 * colour select register AR14 (bits 7-6, and 5-4 when AR10 bit 7). */
static uint8_t vga_attr_index(const VgaState *s, unsigned c)
{
    uint8_t v = s->ar[c & 0x0f];
    if (s->ar[0x10] & 0x80) v = (uint8_t)((v & 0x0f) | (s->ar[0x14] & 0x03) << 4);
    return (uint8_t)((v & 0x3f) | (s->ar[0x14] & 0x0c) << 4);
}

static uint32_t vga_attr_rgb(const VgaState *s, unsigned c)
{
    return vga_dac_rgb(s, vga_attr_index(s, c));
}

typedef struct VgaGeometry {
    unsigned char_clocks; /* CR1 + 1 */
    unsigned lines;       /* vertical display end + 1 */
    uint32_t start;       /* CRTC start address, vram bytes */
    uint32_t line_bytes;  /* CR13: vram bytes per character row */
    unsigned line_compare;
} VgaGeometry;

static VgaGeometry vga_geometry(const VgaState *s)
{
    VgaGeometry g;
    const uint8_t *cr = s->cr;
    g.char_clocks = cr[1] + 1u;
    g.lines = (cr[0x12] | (cr[7] & 0x02) << 7 | (cr[7] & 0x40) << 3) + 1u;
    g.start = (uint32_t)(cr[0x0c] << 8 | cr[0x0d]) * 4;
    g.line_bytes = cr[0x13] * 8u;
    g.line_compare = cr[0x18] | (cr[7] & 0x10) << 4 | (cr[9] & 0x40) << 3;
    return g;
}

static bool vga_blank(DisplaySurface *surf, int w, int h)
{
    if (!display_surface_resize(surf, w, h)) return false;
    memset(surf->pixels, 0, (size_t)surf->stride * surf->height * sizeof(uint32_t));
    return true;
}

/* ---- text ---- */

/* Plane-2 offsets of the eight character maps (SR3 map select values). */
static const uint16_t font_map_offset[8] = {0x0000, 0x4000, 0x8000, 0xc000,
                                            0x2000, 0x6000, 0xa000, 0xe000};

static uint8_t vga_plane_byte(const VgaState *s, uint32_t offset, unsigned plane)
{
    return s->vram[((offset * 4) + plane) & (VGA_LEGACY_VRAM - 1)];
}

typedef struct TextCell {
    uint8_t ch, attr;
    bool cursor;
} TextCell;

/* One character cell into the surface at (x0, y0). */
static void vga_draw_cell(const VgaState *s, DisplaySurface *surf, int x0, int y0, TextCell c,
                          unsigned cw, unsigned ch_h, bool dup9, bool blink_on, bool cursor_on)
{
    unsigned sr3 = s->sr[3];
    unsigned map_a = ((sr3 >> 5) & 1) << 2 | ((sr3 >> 2) & 3);
    unsigned map_b = ((sr3 >> 4) & 1) << 2 | (sr3 & 3);
    uint32_t font = font_map_offset[(c.attr & 0x08) ? map_a : map_b] + c.ch * 32u;
    unsigned fg_c = c.attr & 0x0f, bg_c = c.attr >> 4;
    bool blink = s->ar[0x10] & 0x08;
    if (blink) {
        bg_c &= 7;
        if ((c.attr & 0x80) && !blink_on) fg_c = bg_c;
    }
    uint32_t fg = vga_attr_rgb(s, fg_c), bg = vga_attr_rgb(s, bg_c);
    bool underline_attr = (s->ar[0x10] & 0x02) && (c.attr & 0x77) == 0x01;
    unsigned cur_start = s->cr[0x0a] & 0x1f, cur_end = s->cr[0x0b] & 0x1f;
    bool scale = s->sr[1] & 0x08; /* half dot clock: each dot twice */
    for (unsigned y = 0; y < ch_h; y++) {
        unsigned bits = vga_plane_byte(s, font + y, 2);
        /* Dot 8 of a 9-dot cell repeats dot 7 for line-drawing characters. */
        bits = bits << 1 | (cw == 9 && dup9 && c.ch >= 0xc0 && c.ch <= 0xdf ? bits & 1 : 0);
        bool solid = (c.cursor && cursor_on && y >= cur_start && y <= cur_end) ||
                     (underline_attr && y == (s->cr[0x14] & 0x1fu));
        uint32_t *row = &surf->pixels[(size_t)(y0 + (int)y) * surf->stride + x0];
        for (unsigned x = 0; x < cw; x++) {
            uint32_t px = solid || (bits >> (8 - x) & 1) ? fg : bg;
            if (scale) {
                row[2 * x] = row[2 * x + 1] = px;
            } else {
                row[x] = px;
            }
        }
    }
}

static bool vga_render_text(VgaState *s, DisplaySurface *surf, const VgaGeometry *g)
{
    unsigned cw = (s->sr[1] & 0x01) ? 8 : 9;
    unsigned scale = (s->sr[1] & 0x08) ? 2 : 1;
    unsigned ch_h = (s->cr[9] & 0x1f) + 1u;
    unsigned cols = g->char_clocks, rows = g->lines / ch_h;
    if (rows == 0 || cols > 256 || rows > 256) return vga_blank(surf, BLANK_WIDTH, BLANK_HEIGHT);
    if (!display_surface_resize(surf, (int)(cols * cw * scale), (int)(rows * ch_h))) return false;
    int64_t now = vga_now_ns(s);
    bool cursor_on = !(s->cr[0x0a] & 0x20) && (now / CURSOR_BLINK_NS) % 2 == 0;
    bool blink_on = (now / CHAR_BLINK_NS) % 2 == 0;
    bool dup9 = s->ar[0x10] & 0x04;
    uint32_t cursor = (uint32_t)(s->cr[0x0e] << 8 | s->cr[0x0f]) * 4;
    for (unsigned r = 0; r < rows; r++) {
        for (unsigned col = 0; col < cols; col++) {
            uint32_t pos = g->start + r * g->line_bytes + col * 4;
            TextCell c = {vga_plane_byte(s, pos / 4, 0), vga_plane_byte(s, pos / 4, 1),
                          pos == cursor};
            vga_draw_cell(s, surf, (int)(col * cw * scale), (int)(r * ch_h), c, cw, ch_h, dup9,
                          blink_on, cursor_on);
        }
    }
    return true;
}

/* ---- graphics ---- */

/* vram byte offset of the first byte of output row y (after scan-line
 * repetition), with the line compare split: rows past it restart at 0. */
static uint32_t vga_row_base(const VgaGeometry *g, unsigned y, unsigned scan_mult)
{
    unsigned scan = y * scan_mult;
    if (scan > g->line_compare) return ((scan - g->line_compare - 1) / scan_mult) * g->line_bytes;
    return g->start + y * g->line_bytes;
}

static bool vga_render_graphics(VgaState *s, DisplaySurface *surf, const VgaGeometry *g)
{
    unsigned scan_mult = ((s->cr[9] & 0x1f) + 1u) * ((s->cr[9] & 0x80) ? 2u : 1u);
    bool shift256 = s->gr[5] & 0x40, cga = s->gr[5] & 0x20;
    unsigned width = g->char_clocks * (shift256 ? 4 : 8);
    unsigned height = g->lines / scan_mult;
    if (cga) { /* CGA: the scan line's bit 0 is address bit 13 (CR17 bit 0 clear) */
        scan_mult = (s->cr[9] & 0x80) ? 2u : 1u;
        height = g->lines / scan_mult;
    }
    if (width < 8 || height == 0 || width > 2048 || height > 2048)
        return vga_blank(surf, BLANK_WIDTH, BLANK_HEIGHT);
    if (!display_surface_resize(surf, (int)width, (int)height)) return false;
    uint32_t mask = VGA_LEGACY_VRAM - 1;
    uint8_t plane_enable = s->ar[0x12] & 0x0f;
    for (unsigned y = 0; y < height; y++) {
        uint32_t *row = &surf->pixels[(size_t)y * surf->stride];
        if (cga) {
            /* Host (odd/even) address of the byte: rows of two scan lines. */
            uint32_t host = g->start / 2 + (y / 2) * (g->line_bytes / 2) + ((y & 1) << 13);
            for (unsigned x = 0; x < width; x++) {
                uint32_t a = host + x / 4;
                uint8_t b = s->vram[((a >> 1) * 4 + (a & 1)) & mask];
                row[x] = vga_attr_rgb(s, (b >> (6 - 2 * (x & 3))) & 3);
            }
            continue;
        }
        uint32_t base = vga_row_base(g, y, scan_mult);
        if (shift256) {
            for (unsigned x = 0; x < width; x++)
                row[x] = vga_dac_rgb(s, s->vram[(base + x) & mask]);
            continue;
        }
        for (unsigned x = 0; x < width; x++) {
            uint32_t off = (base + (x / 8) * 4) & mask;
            unsigned bit = 7 - (x & 7), c = 0;
            for (unsigned p = 0; p < 4; p++)
                c |= ((s->vram[off + p] >> bit) & 1u) << p;
            row[x] = vga_attr_rgb(s, c & plane_enable);
        }
    }
    return true;
}

/* ---- Bochs VBE ---- */

static uint32_t vbe_pixel(const VgaState *s, const uint8_t *p, unsigned bpp)
{
    switch (bpp) {
    case 8: return vga_dac_rgb(s, p[0]);
    case 15: {
        unsigned v = p[0] | p[1] << 8;
        unsigned r = (v >> 10) & 0x1f, g = (v >> 5) & 0x1f, b = v & 0x1f;
        return (r << 3 | r >> 2) << 16 | (g << 3 | g >> 2) << 8 | (b << 3 | b >> 2);
    }
    case 16: {
        unsigned v = p[0] | p[1] << 8;
        unsigned r = (v >> 11) & 0x1f, g = (v >> 5) & 0x3f, b = v & 0x1f;
        return (r << 3 | r >> 2) << 16 | (g << 2 | g >> 4) << 8 | (b << 3 | b >> 2);
    }
    default: /* 24 and 32: B, G, R in memory */
        return (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
    }
}

static bool vbe_render(VgaState *s, DisplaySurface *surf)
{
    const uint16_t *r = s->vbe_regs;
    unsigned w = r[VBE_INDEX_XRES], h = r[VBE_INDEX_YRES], bpp = r[VBE_INDEX_BPP];
    if (w == 0 || h == 0 || bpp == 4) {
        if (bpp == 4) LOG_MASK(LOG_UNIMP, "vbe: 4-bit planar modes are not rendered\n");
        return vga_blank(surf, w ? (int)w : BLANK_WIDTH, h ? (int)h : BLANK_HEIGHT);
    }
    if (!display_surface_resize(surf, (int)w, (int)h)) return false;
    unsigned bytespp = bpp == 15 ? 2 : bpp / 8;
    uint64_t line = (uint64_t)r[VBE_INDEX_VIRT_WIDTH] * bytespp;
    uint64_t start = r[VBE_INDEX_Y_OFFSET] * line + (uint64_t)r[VBE_INDEX_X_OFFSET] * bytespp;
    for (unsigned y = 0; y < h; y++) {
        uint32_t *row = &surf->pixels[(size_t)y * surf->stride];
        uint64_t pos = start + y * line;
        for (unsigned x = 0; x < w; x++, pos += bytespp)
            row[x] = pos + bytespp <= s->vram_size ? vbe_pixel(s, &s->vram[pos], bpp) : 0;
    }
    return true;
}

bool vga_render(VgaState *s, DisplaySurface *surf)
{
    if (vbe_enabled(s)) return vbe_render(s, surf);
    VgaGeometry g = vga_geometry(s);
    /* Blank while the palette is being loaded (AR index bit 5 clear) or
     * the screen is off (SR1 bit 5), at the size of the mode. */
    bool off = !(s->ar_index & 0x20) || (s->sr[1] & 0x20);
    bool ok =
        (s->ar[0x10] & 0x01) ? vga_render_graphics(s, surf, &g) : vga_render_text(s, surf, &g);
    if (ok && off) memset(surf->pixels, 0, (size_t)surf->stride * surf->height * sizeof(uint32_t));
    return ok;
}
