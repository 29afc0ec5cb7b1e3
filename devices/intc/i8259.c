/*
 * Two cascaded Intel 8259A PICs (8259A datasheet, Intel 231468) and the
 * PIIX3 ELCR registers (82371SB datasheet §2.5.2, "ELCR1/ELCR2").
 *
 * Choices where the datasheet leaves room:
 * - Edge or level comes from the ELCR alone: the PIIX3 ignores ICW1's
 *   LTIM bit (82371SB §2.5.2 "ICW1").  An edge request stays in IRR until
 *   acknowledged even if the line drops first (QEMU and Bochs do the same;
 *   on the chip a short pulse gives IRQ 7).
 * - The cascade is fixed as on every PC: the master's IR2 follows the
 *   slave's INT output as a level, whatever ICW3 says.
 * - Only 8086 mode (ICW4 bit 0) exists on a PC; 8080/8085 mode is logged.
 */
#include "devices/intc/i8259.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/device.h"
#include "core/log.h"
#include "core/machine.h"
#include "softmmu/memory.h"

enum {
    PIC_MASTER,
    PIC_SLAVE,
    PIC_CASCADE_IRQ = 2,
    PIC_NO_IRQ = 8, /* priority level "none" */
};

/* Port numbers. */
enum {
    PIC_MASTER_PORT = 0x20,
    PIC_SLAVE_PORT = 0xa0,
    PIC_ELCR_PORT = 0x4d0,
};

/* Initialization and operation command word bits (datasheet figures 6, 7). */
enum {
    ICW1_IC4 = 0x01,
    ICW1_SNGL = 0x02,
    ICW1_SELECT = 0x10, /* A0=0, D4=1: this is ICW1 */
    ICW4_UPM = 0x01,
    ICW4_AEOI = 0x02,
    ICW4_SFNM = 0x10,
    OCW3_SELECT = 0x08, /* A0=0, D4=0, D3=1: OCW3, else OCW2 */
    OCW3_RIS = 0x01,
    OCW3_RR = 0x02,
    OCW3_POLL = 0x04,
    OCW3_SMM = 0x20,
    OCW3_ESMM = 0x40,
};

/* Expected next write to the odd port during initialization. */
enum {
    INIT_DONE,
    INIT_ICW2,
    INIT_ICW3,
    INIT_ICW4,
};

/* The state of one 8259A.  Every field is a byte so the VMState table
 * can list both chips with one macro. */
typedef struct PicChip {
    uint8_t irr;          /* interrupt request register */
    uint8_t imr;          /* interrupt mask register (OCW1) */
    uint8_t isr;          /* in-service register */
    uint8_t pins;         /* input levels, for edge detection */
    uint8_t elcr;         /* 1 = level-triggered (PIIX3 ELCR) */
    uint8_t lowest_prio;  /* IR that has the lowest priority (rotation) */
    uint8_t vector_base;  /* ICW2 & 0xf8 */
    uint8_t icw3;         /* slave mask (master) or slave id (slave) */
    uint8_t init_state;   /* INIT_* */
    uint8_t icw1, icw4;   /* as written (ICW4 zero if not sent) */
    uint8_t read_isr;     /* OCW3 RR/RIS: even-port reads give ISR */
    uint8_t poll;         /* OCW3 P: next read is the poll word */
    uint8_t special_mask; /* OCW3 special mask mode */
    uint8_t rotate_aeoi;  /* OCW2 rotate in automatic EOI mode */
} PicChip;

typedef struct I8259 {
    Device dev;
    MemoryRegion master_mr, slave_mr, elcr_mr;
    IrqLine inputs[16];
    PicChip chip[2];
    /* info irq: rising edges seen per input pin (host statistics, not
     * guest state, so not in the VMState table). */
    uint64_t irq_count[16];
} I8259;

/* PIIX3: IRQ 0, 1, 2, 8 and 13 are always edge-triggered. */
static const uint8_t elcr_writable[2] = {0xf8, 0xde};

/* ---- priority resolution (datasheet "Interrupt Sequence", "Priority") ---- */

/* Priority level (0 highest) of the highest-priority bit in bits, or
 * PIC_NO_IRQ.  Level 0 is the IR right after the lowest-priority one. */
static int pic_highest_level(const PicChip *c, uint8_t bits)
{
    for (int level = 0; level < 8; level++) {
        if (bits & (1u << ((c->lowest_prio + 1 + level) & 7))) return level;
    }
    return PIC_NO_IRQ;
}

static int pic_level_to_irq(const PicChip *c, int level)
{
    return (c->lowest_prio + 1 + level) & 7;
}

/* The IR the chip would interrupt for now, or -1: the highest unmasked
 * request above the highest in-service level.  In special mask mode
 * masked in-service levels do not block; in special fully nested mode the
 * master's cascade ISR bit does not block further slave requests. */
static int pic_pending_irq(const PicChip *c, bool is_master)
{
    int req = pic_highest_level(c, c->irr & ~c->imr);
    if (req == PIC_NO_IRQ) return -1;
    uint8_t blocking = c->isr;
    if (c->special_mask) blocking &= ~c->imr;
    if (is_master && (c->icw4 & ICW4_SFNM)) blocking &= ~(1u << PIC_CASCADE_IRQ);
    int cur = pic_highest_level(c, blocking);
    return req < cur ? pic_level_to_irq(c, req) : -1;
}

/* Drive the slave's INT into the master's IR2, then the master's INT. */
static void pic_update(I8259 *s)
{
    PicChip *m = &s->chip[PIC_MASTER];
    uint8_t cascade = 1u << PIC_CASCADE_IRQ;
    if (pic_pending_irq(&s->chip[PIC_SLAVE], false) >= 0) {
        m->pins |= cascade;
        m->irr |= cascade;
    } else {
        m->pins &= ~cascade;
        m->irr &= ~cascade;
    }
    irq_set(s->dev.irq_out[0], pic_pending_irq(m, true) >= 0);
}

/* ---- inputs ---- */

static void pic_set_pin(PicChip *c, int ir, int level)
{
    uint8_t bit = 1u << ir;
    if (c->elcr & bit) {
        /* Level-triggered: IRR follows the line. */
        c->irr = level ? (c->irr | bit) : (c->irr & ~bit);
    } else if (level && !(c->pins & bit)) {
        c->irr |= bit; /* rising edge */
    }
    c->pins = level ? (c->pins | bit) : (c->pins & ~bit);
}

static void pic_input_handler(void *opaque, int n, int level)
{
    I8259 *s = opaque;
    if (n == PIC_CASCADE_IRQ) return; /* the slave drives IR2 */
    /* Handlers run on level changes only: level 1 is a rising edge. */
    if (level) s->irq_count[n]++;
    pic_set_pin(&s->chip[n >> 3], n & 7, level);
    pic_update(s);
}

/* ---- acknowledge ---- */

/* One chip's part of the INTA sequence for ir: into service (unless
 * automatic EOI, which may rotate), out of IRR if edge-triggered. */
static void pic_accept(PicChip *c, int ir)
{
    uint8_t bit = 1u << ir;
    if (c->icw4 & ICW4_AEOI) {
        if (c->rotate_aeoi) c->lowest_prio = (uint8_t)ir;
    } else {
        c->isr |= bit;
    }
    if (!(c->elcr & bit)) c->irr &= ~bit;
}

/* One chip's vector.  A request that disappeared before INTA gives IR7
 * of that chip, with nothing put in service (datasheet "Interrupt
 * Sequence"); *ir is -1 then. */
static int pic_ack_chip(PicChip *c, bool is_master, int *ir)
{
    *ir = pic_pending_irq(c, is_master);
    if (*ir < 0) {
        LOG_MASK(LOG_INT, "i8259: spurious IRQ %d\n", is_master ? 7 : 15);
        return c->vector_base | 7;
    }
    pic_accept(c, *ir);
    return c->vector_base | *ir;
}

int i8259_acknowledge(void *opaque)
{
    I8259 *s = opaque;
    int ir;
    int vector = pic_ack_chip(&s->chip[PIC_MASTER], true, &ir);
    if (ir == PIC_CASCADE_IRQ) vector = pic_ack_chip(&s->chip[PIC_SLAVE], false, &ir);
    pic_update(s);
    return vector;
}

/* Poll command (OCW3 P=1): the read acts as INTA on this chip and returns
 * bit 7 = request pending and bits 2-0 = its level number. */
static uint8_t pic_poll(I8259 *s, int chip)
{
    PicChip *c = &s->chip[chip];
    c->poll = 0;
    int ir = pic_pending_irq(c, chip == PIC_MASTER);
    if (ir < 0) return 0;
    pic_accept(c, ir);
    pic_update(s);
    return (uint8_t)(0x80 | ir);
}

/* ---- command words ---- */

static void pic_icw1(I8259 *s, PicChip *c, uint8_t value)
{
    /* Datasheet "Initialization Command Words": edge sense reset (lines
     * that are high need a new rising edge), IMR cleared, IR7 lowest
     * priority, special mask mode off, IRR selected for reads, ICW4
     * functions zero unless IC4. */
    c->icw1 = value;
    c->irr &= c->elcr & c->pins;
    c->isr = 0;
    c->imr = 0;
    c->lowest_prio = 7;
    c->special_mask = 0;
    c->read_isr = 0;
    c->poll = 0;
    c->rotate_aeoi = 0;
    c->icw4 = 0;
    c->init_state = INIT_ICW2;
    pic_update(s);
}

static void pic_init_word(I8259 *s, PicChip *c, uint8_t value)
{
    switch (c->init_state) {
    case INIT_ICW2:
        c->vector_base = value & 0xf8;
        if (!(c->icw1 & ICW1_SNGL))
            c->init_state = INIT_ICW3;
        else
            c->init_state = (c->icw1 & ICW1_IC4) ? INIT_ICW4 : INIT_DONE;
        break;
    case INIT_ICW3:
        c->icw3 = value;
        c->init_state = (c->icw1 & ICW1_IC4) ? INIT_ICW4 : INIT_DONE;
        break;
    case INIT_ICW4:
        c->icw4 = value;
        if (!(value & ICW4_UPM)) LOG_MASK(LOG_UNIMP, "i8259: 8080/8085 mode (ICW4 %#x)\n", value);
        c->init_state = INIT_DONE;
        break;
    }
    pic_update(s);
}

/* OCW2 (datasheet figure 7): R, SL, EOI in bits 7-5, level in bits 2-0. */
static void pic_ocw2(I8259 *s, PicChip *c, uint8_t value)
{
    int level_ir = value & 7;
    int cmd = value >> 5;
    bool rotate = cmd & 4, specific = cmd & 2, eoi = cmd & 1;
    if (!eoi) {
        if (specific && rotate) {
            c->lowest_prio = (uint8_t)level_ir; /* set priority */
        } else if (!specific) {
            c->rotate_aeoi = rotate; /* rotate in AEOI mode set/clear */
        }
        /* 010: no operation. */
    } else {
        int ir = level_ir;
        if (!specific) {
            /* Non-specific: the highest level in service; in special mask
             * mode a masked one is left alone. */
            uint8_t candidates = c->isr & ~(c->special_mask ? c->imr : 0);
            int level = pic_highest_level(c, candidates);
            ir = level == PIC_NO_IRQ ? -1 : pic_level_to_irq(c, level);
        }
        if (ir >= 0) {
            c->isr &= ~(1u << ir);
            if (rotate) c->lowest_prio = (uint8_t)ir;
        }
    }
    pic_update(s);
}

static void pic_ocw3(I8259 *s, PicChip *c, uint8_t value)
{
    if (value & OCW3_RR) c->read_isr = value & OCW3_RIS;
    if (value & OCW3_POLL) c->poll = 1;
    if (value & OCW3_ESMM) c->special_mask = (value & OCW3_SMM) ? 1 : 0;
    pic_update(s);
}

/* ---- ports ---- */

static uint64_t pic_read(I8259 *s, int chip, uint64_t offset)
{
    PicChip *c = &s->chip[chip];
    if (c->poll) return pic_poll(s, chip);
    if (offset == 1) return c->imr;
    return c->read_isr ? c->isr : c->irr;
}

static void pic_write(I8259 *s, int chip, uint64_t offset, uint8_t value)
{
    PicChip *c = &s->chip[chip];
    if (offset == 0) {
        if (value & ICW1_SELECT)
            pic_icw1(s, c, value);
        else if (value & OCW3_SELECT)
            pic_ocw3(s, c, value);
        else
            pic_ocw2(s, c, value);
    } else if (c->init_state != INIT_DONE) {
        pic_init_word(s, c, value);
    } else {
        c->imr = value; /* OCW1 */
        pic_update(s);
    }
}

static uint64_t pic_master_read(void *opaque, uint64_t offset, unsigned size)
{
    return pic_read(opaque, PIC_MASTER, offset);
}
static uint64_t pic_slave_read(void *opaque, uint64_t offset, unsigned size)
{
    return pic_read(opaque, PIC_SLAVE, offset);
}
static void pic_master_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    pic_write(opaque, PIC_MASTER, offset, (uint8_t)value);
}
static void pic_slave_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    pic_write(opaque, PIC_SLAVE, offset, (uint8_t)value);
}

static uint64_t elcr_read(void *opaque, uint64_t offset, unsigned size)
{
    I8259 *s = opaque;
    return s->chip[offset].elcr;
}

static void elcr_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    I8259 *s = opaque;
    PicChip *c = &s->chip[offset];
    c->elcr = (uint8_t)value & elcr_writable[offset];
    /* A line switched to level now shows its level in IRR. */
    c->irr = (uint8_t)((c->irr & ~c->elcr) | (c->pins & c->elcr));
    pic_update(s);
}

static const MemoryRegionOps pic_master_ops = {
    .read = pic_master_read,
    .write = pic_master_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 1,
};
static const MemoryRegionOps pic_slave_ops = {
    .read = pic_slave_read,
    .write = pic_slave_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 1,
};
static const MemoryRegionOps elcr_ops = {
    .read = elcr_read,
    .write = elcr_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 1,
};

/* ---- device ---- */

static void i8259_reset(Device *dev)
{
    I8259 *s = (I8259 *)dev;
    for (int i = 0; i < 2; i++) {
        PicChip *c = &s->chip[i];
        uint8_t pins = c->pins;
        memset(c, 0, sizeof *c);
        c->pins = pins; /* input lines are not ours to reset */
        c->lowest_prio = 7;
    }
    pic_update(s);
}

static bool i8259_realize(Device *dev, Machine *m)
{
    I8259 *s = (I8259 *)dev;
    for (int i = 0; i < 16; i++)
        irq_init(&s->inputs[i], pic_input_handler, s, i);
    memory_region_init_io(&s->master_mr, "i8259-master", 2, &pic_master_ops, s);
    memory_region_init_io(&s->slave_mr, "i8259-slave", 2, &pic_slave_ops, s);
    memory_region_init_io(&s->elcr_mr, "piix3-elcr", 2, &elcr_ops, s);
    return true;
}

static void i8259_finalize(Device *dev)
{
    I8259 *s = (I8259 *)dev;
    memory_region_destroy(&s->master_mr); /* unmaps them too */
    memory_region_destroy(&s->slave_mr);
    memory_region_destroy(&s->elcr_mr);
}

static void i8259_post_load(Device *dev)
{
    I8259 *s = (I8259 *)dev;
    for (int i = 0; i < 2; i++) {
        s->chip[i].lowest_prio &= 7;
        s->chip[i].elcr &= elcr_writable[i];
        if (s->chip[i].init_state > INIT_ICW4) s->chip[i].init_state = INIT_DONE;
    }
    pic_update(s);
}

#define PIC_CHIP_FIELD(c, f)                                                                       \
    {                                                                                              \
#f "[" #c "]", DEVICE_FIELD_OFFSET(I8259, chip[c].f, uint8_t), VMS_U8, 1                   \
    }
#define PIC_CHIP_FIELDS(c)                                                                         \
    PIC_CHIP_FIELD(c, irr), PIC_CHIP_FIELD(c, imr), PIC_CHIP_FIELD(c, isr),                        \
        PIC_CHIP_FIELD(c, pins), PIC_CHIP_FIELD(c, elcr), PIC_CHIP_FIELD(c, lowest_prio),          \
        PIC_CHIP_FIELD(c, vector_base), PIC_CHIP_FIELD(c, icw3), PIC_CHIP_FIELD(c, init_state),    \
        PIC_CHIP_FIELD(c, icw1), PIC_CHIP_FIELD(c, icw4), PIC_CHIP_FIELD(c, read_isr),             \
        PIC_CHIP_FIELD(c, poll), PIC_CHIP_FIELD(c, special_mask), PIC_CHIP_FIELD(c, rotate_aeoi)

static const VMStateField i8259_vmstate[] = {
    PIC_CHIP_FIELDS(0),
    PIC_CHIP_FIELDS(1),
    VMSTATE_END,
};

static void i8259_irq_stats(Device *dev, FILE *out)
{
    const I8259 *s = (const I8259 *)dev;
    for (int n = 0; n < 16; n++)
        if (s->irq_count[n]) fprintf(out, "%2d: %" PRIu64 "\n", n, s->irq_count[n]);
}

static const DeviceClass i8259_class = {
    .name = "i8259",
    .desc = "two cascaded 8259A interrupt controllers with the PIIX3 ELCR",
    .instance_size = sizeof(I8259),
    .vmstate = i8259_vmstate,
    .vmstate_version = 1,
    .realize = i8259_realize,
    .reset = i8259_reset,
    .post_load = i8259_post_load,
    .finalize = i8259_finalize,
    .irq_stats = i8259_irq_stats,
};
DEVICE_REGISTER(i8259_class)

Device *i8259_create(Machine *m, MemoryRegion *io, IrqLine *intr_out)
{
    Device *dev = device_create(m, "i8259");
    if (!dev) return NULL;
    I8259 *s = (I8259 *)dev;
    device_connect_irq(dev, 0, intr_out);
    if (!device_realize(dev)) return NULL; /* resets it too */
    if (io) {
        memory_region_add_subregion(io, PIC_MASTER_PORT, &s->master_mr, 0);
        memory_region_add_subregion(io, PIC_SLAVE_PORT, &s->slave_mr, 0);
        memory_region_add_subregion(io, PIC_ELCR_PORT, &s->elcr_mr, 0);
    }
    return dev;
}

IrqLine *i8259_input(Device *dev, int irq)
{
    if (!dev || irq < 0 || irq > 15 || irq == PIC_CASCADE_IRQ) return NULL;
    return &((I8259 *)dev)->inputs[irq];
}
