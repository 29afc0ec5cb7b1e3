/*
 * Intel 8237A DMA controllers as wired in the PC/AT: controller 1 serves
 * 8-bit channels 0-3 at ports 0x00-0x0f; controller 2 serves 16-bit
 * channels 4-7 at 0xc0-0xdf (register n at 0xc0 + 2n, A0 not decoded)
 * and its channel 4 is the cascade input of controller 1.  Page registers
 * (a 74LS612 of 16 latches at 0x80-0x8f) give address bits 16-23; port
 * 0x80 is left to the POST code port.  Register names follow the 8237A
 * datasheet (Intel 231466), "Register Description".
 *
 * Transfers happen when a device calls i8237_transfer: the device's DREQ
 * is served at once, so demand, single and block mode behave alike.
 */
#include "devices/dma/i8237.h"

#include <stdio.h>
#include <string.h>

#include "core/device.h"
#include "core/log.h"
#include "softmmu/memory.h"

enum {
    DMA_CHANNELS = 8,
    DMA_PAGE_PORT = 0x80, /* first latch of the page register file */
    DMA_PAGE_FIRST = 0x81,
    DMA_PAGE_COUNT = 15,

    /* register numbers within a controller */
    REG_STATUS_COMMAND = 8,
    REG_REQUEST = 9,
    REG_SINGLE_MASK = 10,
    REG_MODE = 11,
    REG_CLEAR_FLIPFLOP = 12,
    REG_TEMP_MASTER_CLEAR = 13,
    REG_CLEAR_MASK = 14,
    REG_ALL_MASK = 15,

    CMD_DISABLE = 0x04, /* command register bit 2: controller disable */

    MODE_TYPE_SHIFT = 2, /* bits 3-2: transfer type */
    MODE_VERIFY = 0,
    MODE_WRITE = 1, /* device to memory */
    MODE_READ = 2,  /* memory to device */
    MODE_ILLEGAL = 3,
    MODE_AUTOINIT = 0x10,
    MODE_DECREMENT = 0x20,
    MODE_SEL_SHIFT = 6, /* bits 7-6: demand, single, block, cascade */
    MODE_SEL_CASCADE = 3,
};

/* Page register latch (offset from 0x80) of each channel (IBM PC/AT
 * technical reference, "DMA page registers"). */
static const uint8_t i8237_page_of_channel[DMA_CHANNELS] = {7, 3, 1, 2, 0xf, 0xb, 9, 0xa};

typedef struct I8237 I8237;

/* One controller's port window: knows which channels it serves. */
typedef struct I8237Port {
    I8237 *s;
    int ctl; /* 0: channels 0-3, 1: channels 4-7 */
} I8237Port;

struct I8237 {
    Device dev;
    MemoryRegion *io;
    AddressSpace *as;
    MemoryRegion ctl_io[2], page_io;
    I8237Port port[2];

    uint16_t base_addr[DMA_CHANNELS], base_count[DMA_CHANNELS];
    uint16_t cur_addr[DMA_CHANNELS], cur_count[DMA_CHANNELS];
    uint8_t mode[DMA_CHANNELS]; /* bits 7-2 of the last mode write */
    uint8_t command[2], status[2], request[2], mask[2], flipflop[2];
    uint8_t page[16]; /* latches 0x80-0x8f */
};

static void i8237_master_clear(I8237 *s, int ctl)
{
    /* Datasheet "Master Clear": command, status, request, temporary and
     * the byte pointer flip-flop cleared, all mask bits set. */
    s->command[ctl] = s->status[ctl] = s->request[ctl] = s->flipflop[ctl] = 0;
    s->mask[ctl] = 0x0f;
}

/* The byte pointer flip-flop selects the low (0) or high (1) byte of the
 * next address or count access and toggles after each. */
static bool i8237_next_byte_high(I8237 *s, int ctl)
{
    bool high = s->flipflop[ctl];
    s->flipflop[ctl] ^= 1;
    return high;
}

static uint64_t i8237_ctl_read(void *opaque, uint64_t offset, unsigned size)
{
    I8237Port *p = opaque;
    I8237 *s = p->s;
    int ctl = p->ctl;
    unsigned reg = p->ctl ? (unsigned)offset >> 1 : (unsigned)offset;
    if (reg < 8) {
        int ch = ctl * 4 + (int)(reg >> 1);
        uint16_t v = (reg & 1) ? s->cur_count[ch] : s->cur_addr[ch];
        return i8237_next_byte_high(s, ctl) ? v >> 8 : v & 0xff;
    }
    switch (reg) {
    case REG_STATUS_COMMAND: {
        /* bits 0-3 terminal count reached (cleared by this read), 4-7
         * requests pending */
        uint8_t v = (uint8_t)(s->status[ctl] | (s->request[ctl] << 4));
        s->status[ctl] = 0;
        return v;
    }
    case REG_TEMP_MASTER_CLEAR: return 0;          /* temporary: memory-to-memory only */
    case REG_ALL_MASK: return s->mask[ctl] | 0xf0; /* readable on the PIIX family */
    default:
        LOG_MASK(LOG_GUEST_ERRORS, "i8237: read of write-only register %u of controller %d\n", reg,
                 ctl + 1);
        return 0xff;
    }
}

static void i8237_ctl_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    I8237Port *p = opaque;
    I8237 *s = p->s;
    int ctl = p->ctl;
    unsigned reg = p->ctl ? (unsigned)offset >> 1 : (unsigned)offset;
    uint8_t v = (uint8_t)value;
    int ch = ctl * 4 + (v & 3); /* for the registers that name a channel in bits 1-0 */
    if (reg < 8) {
        int c = ctl * 4 + (int)(reg >> 1);
        uint16_t *base = (reg & 1) ? &s->base_count[c] : &s->base_addr[c];
        uint16_t *cur = (reg & 1) ? &s->cur_count[c] : &s->cur_addr[c];
        if (i8237_next_byte_high(s, ctl))
            *base = (uint16_t)((*base & 0x00ff) | (v << 8));
        else
            *base = (uint16_t)((*base & 0xff00) | v);
        *cur = *base; /* writes load the base and current registers together */
        return;
    }
    switch (reg) {
    case REG_STATUS_COMMAND: s->command[ctl] = v; break;
    case REG_REQUEST:
        if (v & 4)
            s->request[ctl] |= (uint8_t)(1u << (v & 3));
        else
            s->request[ctl] &= (uint8_t) ~(1u << (v & 3));
        break;
    case REG_SINGLE_MASK:
        if (v & 4)
            s->mask[ctl] |= (uint8_t)(1u << (v & 3));
        else
            s->mask[ctl] &= (uint8_t) ~(1u << (v & 3));
        break;
    case REG_MODE: s->mode[ch] = v & 0xfc; break;
    case REG_CLEAR_FLIPFLOP: s->flipflop[ctl] = 0; break;
    case REG_TEMP_MASTER_CLEAR: i8237_master_clear(s, ctl); break;
    case REG_CLEAR_MASK: s->mask[ctl] = 0; break;
    case REG_ALL_MASK: s->mask[ctl] = v & 0x0f; break;
    }
}

static const MemoryRegionOps i8237_ctl_ops = {
    .read = i8237_ctl_read,
    .write = i8237_ctl_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 1,
};

static uint64_t i8237_page_read(void *opaque, uint64_t offset, unsigned size)
{
    I8237 *s = opaque;
    return s->page[DMA_PAGE_FIRST - DMA_PAGE_PORT + offset];
}

static void i8237_page_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    I8237 *s = opaque;
    s->page[DMA_PAGE_FIRST - DMA_PAGE_PORT + offset] = (uint8_t)value;
}

static const MemoryRegionOps i8237_page_ops = {
    .read = i8237_page_read,
    .write = i8237_page_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 1,
};

/* ---- transfers ---- */

bool i8237_channel_ready(Device *dma, int ch)
{
    I8237 *s = (I8237 *)dma;
    if (!s || ch < 0 || ch >= DMA_CHANNELS) return false;
    int ctl = ch >> 2;
    uint8_t mode = s->mode[ch];
    if (s->command[ctl] & CMD_DISABLE) return false;
    if (s->mask[ctl] & (1u << (ch & 3))) return false;
    if ((mode >> MODE_SEL_SHIFT) == MODE_SEL_CASCADE) return false;
    if (((mode >> MODE_TYPE_SHIFT) & 3) == MODE_ILLEGAL) return false;
    /* Controller 1 reaches the bus only through channel 4 of controller 2. */
    if (ctl == 0 && ((s->mask[1] & 1) || (s->command[1] & CMD_DISABLE))) return false;
    return true;
}

/* Physical address of channel ch's current address: 8-bit channels wrap
 * within their 64 KiB page, 16-bit channels count words and wrap within a
 * 128 KiB page (page bit 0 unused). */
static uint64_t i8237_phys(const I8237 *s, int ch)
{
    uint8_t page = s->page[i8237_page_of_channel[ch]];
    if (ch < 4) return ((uint64_t)page << 16) | s->cur_addr[ch];
    return ((uint64_t)(page & 0xfe) << 16) | ((uint64_t)s->cur_addr[ch] << 1);
}

static void i8237_terminal_count(I8237 *s, int ch)
{
    int ctl = ch >> 2, bit = 1 << (ch & 3);
    s->status[ctl] |= (uint8_t)bit;
    s->request[ctl] &= (uint8_t)~bit;
    if (s->mode[ch] & MODE_AUTOINIT) {
        s->cur_addr[ch] = s->base_addr[ch];
        s->cur_count[ch] = s->base_count[ch];
    } else {
        s->mask[ctl] |= (uint8_t)bit; /* "the mask bit is set when TC is reached" */
    }
}

size_t i8237_transfer(Device *dma, int ch, void *buf, size_t len, bool to_memory, bool *tc)
{
    I8237 *s = (I8237 *)dma;
    if (tc) *tc = false;
    if (!i8237_channel_ready(dma, ch)) return 0;
    unsigned shift = ch >= 4; /* log2 of the bytes per transfer */
    unsigned type = (s->mode[ch] >> MODE_TYPE_SHIFT) & 3;
    if (type != MODE_VERIFY && (type == MODE_WRITE) != to_memory)
        LOG_MASK(LOG_GUEST_ERRORS, "i8237: channel %d programmed to %s memory, device %s it\n", ch,
                 type == MODE_WRITE ? "write" : "read", to_memory ? "writes" : "reads");
    bool down = s->mode[ch] & MODE_DECREMENT;
    uint8_t *p = buf;
    size_t units = len >> shift, done = 0;
    while (done < units) {
        uint32_t left = (uint32_t)s->cur_count[ch] + 1;
        size_t n = units - done;
        if (n > left) n = left;
        if (down)
            n = 1; /* memory runs backwards: one transfer at a time */
        else if (n > 0x10000u - s->cur_addr[ch])
            n = 0x10000u - s->cur_addr[ch]; /* the address wraps within its page */
        if (type == MODE_WRITE)
            dma_write(s->as, i8237_phys(s, ch), p + (done << shift), n << shift);
        else if (type == MODE_READ)
            dma_read(s->as, i8237_phys(s, ch), p + (done << shift), n << shift);
        s->cur_addr[ch] = (uint16_t)(down ? s->cur_addr[ch] - n : s->cur_addr[ch] + n);
        s->cur_count[ch] = (uint16_t)(s->cur_count[ch] - n);
        done += n;
        if (n == left) {
            i8237_terminal_count(s, ch);
            if (tc) *tc = true;
            break;
        }
    }
    return done << shift;
}

/* ---- device ---- */

static void i8237_reset(Device *dev)
{
    I8237 *s = (I8237 *)dev;
    memset(s->base_addr, 0, sizeof s->base_addr);
    memset(s->base_count, 0, sizeof s->base_count);
    memset(s->cur_addr, 0, sizeof s->cur_addr);
    memset(s->cur_count, 0, sizeof s->cur_count);
    memset(s->mode, 0, sizeof s->mode);
    memset(s->page, 0, sizeof s->page);
    i8237_master_clear(s, 0);
    i8237_master_clear(s, 1);
}

static bool i8237_realize(Device *dev, Machine *m)
{
    I8237 *s = (I8237 *)dev;
    if (!s->io || !s->as) {
        fprintf(stderr, "doppel: i8237: needs an I/O port space and an address space\n");
        return false;
    }
    for (int ctl = 0; ctl < 2; ctl++) {
        s->port[ctl] = (I8237Port){s, ctl};
        memory_region_init_io(&s->ctl_io[ctl], ctl ? "dma2" : "dma1", ctl ? 0x20 : 0x10,
                              &i8237_ctl_ops, &s->port[ctl]);
        memory_region_add_subregion(s->io, ctl ? 0xc0 : 0x00, &s->ctl_io[ctl], 0);
    }
    memory_region_init_io(&s->page_io, "dma-page", DMA_PAGE_COUNT, &i8237_page_ops, s);
    memory_region_add_subregion(s->io, DMA_PAGE_FIRST, &s->page_io, 0);
    return true;
}

static void i8237_finalize(Device *dev)
{
    I8237 *s = (I8237 *)dev;
    memory_region_destroy(&s->ctl_io[0]);
    memory_region_destroy(&s->ctl_io[1]);
    memory_region_destroy(&s->page_io);
}

static const VMStateField i8237_vmstate[] = {
    VMSTATE_U16_ARRAY(I8237, base_addr), VMSTATE_U16_ARRAY(I8237, base_count),
    VMSTATE_U16_ARRAY(I8237, cur_addr),  VMSTATE_U16_ARRAY(I8237, cur_count),
    VMSTATE_U8_ARRAY(I8237, mode),       VMSTATE_U8_ARRAY(I8237, command),
    VMSTATE_U8_ARRAY(I8237, status),     VMSTATE_U8_ARRAY(I8237, request),
    VMSTATE_U8_ARRAY(I8237, mask),       VMSTATE_U8_ARRAY(I8237, flipflop),
    VMSTATE_U8_ARRAY(I8237, page),       VMSTATE_END,
};

static const DeviceClass i8237_class = {
    .name = "i8237",
    .desc = "PC/AT DMA: two cascaded Intel 8237A controllers and page registers",
    .instance_size = sizeof(I8237),
    .vmstate = i8237_vmstate,
    .realize = i8237_realize,
    .reset = i8237_reset,
    .finalize = i8237_finalize,
};
DEVICE_REGISTER(i8237_class)

Device *i8237_create(Machine *m, MemoryRegion *io, AddressSpace *as)
{
    Device *dev = device_create(m, "i8237");
    if (!dev) return NULL;
    I8237 *s = (I8237 *)dev;
    s->io = io;
    s->as = as;
    return device_realize(dev) ? dev : NULL;
}
