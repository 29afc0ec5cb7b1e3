/*
 * Intel 82093AA I/O APIC (datasheet order number 290566-001, cited
 * "82093AA §n").  Messages reach the local APIC at once, so Delivery
 * Status always reads 0 (idle).
 *
 * Trigger mode matters for Fixed and Lowest Priority entries only: those
 * are the messages whose EOI a local APIC broadcasts back.  NMI, SMI,
 * INIT and ExtINT entries send one message per rising edge, as the
 * datasheet asks them to be programmed (§3.2.4, "Delivery Mode").
 */
#include "devices/intc/ioapic.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/device.h"
#include "core/log.h"
#include "core/machine.h"
#include "softmmu/memory.h"

enum {
    IOAPIC_REGSEL = 0x00, /* I/O register select (index) */
    IOAPIC_WIN = 0x10,    /* I/O window (data) */
    IOAPIC_MMIO_SIZE = 0x1000,
};

/* Indirect registers (82093AA §3.2). */
enum {
    IOAPIC_REG_ID = 0x00,
    IOAPIC_REG_VER = 0x01,
    IOAPIC_REG_ARB = 0x02,
    IOAPIC_REG_REDTBL = 0x10, /* two per pin, low dword first */
    IOAPIC_VERSION = 0x11,
    IOAPIC_ID_MASK = 0x0f000000,
};

/* Redirection table entry bits (82093AA §3.2.4). */
#define REDIR_VECTOR          0xffull
#define REDIR_DM_SHIFT        8
#define REDIR_DM_MASK         7ull
#define REDIR_DEST_LOGICAL    (1ull << 11)
#define REDIR_DELIVERY_STATUS (1ull << 12)
#define REDIR_POLARITY_LOW    (1ull << 13)
#define REDIR_REMOTE_IRR      (1ull << 14)
#define REDIR_LEVEL           (1ull << 15)
#define REDIR_MASKED          (1ull << 16)
#define REDIR_DEST_SHIFT      56
/* Writable bits: all but Delivery Status and Remote IRR, and the
 * reserved bits 17-55. */
#define REDIR_WRITABLE 0xff0000000001afffull

typedef struct IoApic {
    Device dev;
    MemoryRegion mr;
    ApicBus *bus;
    IrqLine inputs[IOAPIC_NUM_PINS];
    uint8_t reset_id; /* property: the ID after reset (the MADT's) */

    uint32_t id; /* IOAPICID as read: bits 27-24 */
    uint8_t regsel;
    uint32_t pins; /* input levels (asserted = 1) */
    uint64_t redir[IOAPIC_NUM_PINS];
    /* info irq: rising edges seen per input pin (host statistics, not
     * guest state, so not in the VMState table). */
    uint64_t irq_count[IOAPIC_NUM_PINS];
} IoApic;

static unsigned redir_mode(uint64_t entry)
{
    return (unsigned)((entry >> REDIR_DM_SHIFT) & REDIR_DM_MASK);
}

/* Entries whose messages are acknowledged by an EOI broadcast. */
static bool redir_uses_remote_irr(uint64_t entry)
{
    unsigned mode = redir_mode(entry);
    return (entry & REDIR_LEVEL) && (mode == APIC_DM_FIXED || mode == APIC_DM_LOWPRI);
}

static void ioapic_send(IoApic *s, int pin)
{
    uint64_t entry = s->redir[pin];
    unsigned mode = redir_mode(entry);
    if (mode == 3 || mode == APIC_DM_STARTUP) {
        LOG_MASK(LOG_GUEST_ERRORS, "ioapic: pin %d has reserved delivery mode %u\n", pin, mode);
        return;
    }
    ApicMessage msg = {
        .dest = (uint8_t)(entry >> REDIR_DEST_SHIFT),
        .dest_logical = (entry & REDIR_DEST_LOGICAL) != 0,
        .delivery_mode = (uint8_t)mode,
        .vector = (uint8_t)(entry & REDIR_VECTOR),
        .level_triggered = redir_uses_remote_irr(entry),
    };
    LOG_MASK(LOG_INT, "ioapic: pin %d -> vector %#x mode %u dest %#x%s\n", pin, msg.vector, mode,
             msg.dest, msg.dest_logical ? " logical" : "");
    if (s->bus && s->bus->deliver) s->bus->deliver(s->bus->deliver_opaque, &msg);
}

/* A level-triggered entry sends while its pin is asserted, it is
 * unmasked and no message is outstanding (Remote IRR clear). */
static void ioapic_service_level(IoApic *s, int pin)
{
    uint64_t *entry = &s->redir[pin];
    if (!redir_uses_remote_irr(*entry)) return;
    if (!(s->pins & (1u << pin)) || (*entry & (REDIR_MASKED | REDIR_REMOTE_IRR))) return;
    *entry |= REDIR_REMOTE_IRR;
    ioapic_send(s, pin);
}

static void ioapic_input_handler(void *opaque, int pin, int level)
{
    IoApic *s = opaque;
    uint32_t bit = 1u << pin;
    bool rising = level && !(s->pins & bit);
    if (rising) s->irq_count[pin]++;
    s->pins = level ? (s->pins | bit) : (s->pins & ~bit);
    uint64_t entry = s->redir[pin];
    if (redir_uses_remote_irr(entry)) {
        ioapic_service_level(s, pin);
    } else if (rising && !(entry & REDIR_MASKED)) {
        /* A masked edge is dropped, not held (82093AA §3.2.4 "Interrupt
         * Mask"). */
        ioapic_send(s, pin);
    }
}

void ioapic_eoi(void *opaque, uint8_t vector)
{
    IoApic *s = opaque;
    for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
        uint64_t *entry = &s->redir[pin];
        if ((*entry & REDIR_REMOTE_IRR) && (*entry & REDIR_VECTOR) == vector) {
            *entry &= ~REDIR_REMOTE_IRR;
            ioapic_service_level(s, pin);
        }
    }
}

/* ---- registers ---- */

static uint32_t ioapic_reg_read(IoApic *s)
{
    unsigned reg = s->regsel;
    switch (reg) {
    case IOAPIC_REG_ID: return s->id;
    case IOAPIC_REG_VER: return (uint32_t)(IOAPIC_NUM_PINS - 1) << 16 | IOAPIC_VERSION;
    case IOAPIC_REG_ARB: return s->id; /* loaded from the ID (§3.2.3) */
    }
    unsigned index = reg - IOAPIC_REG_REDTBL;
    if (reg >= IOAPIC_REG_REDTBL && index < 2 * IOAPIC_NUM_PINS) {
        uint64_t entry = s->redir[index / 2];
        return (uint32_t)(index & 1 ? entry >> 32 : entry);
    }
    LOG_MASK(LOG_GUEST_ERRORS, "ioapic: read of undefined register %#x\n", reg);
    return 0;
}

static void ioapic_reg_write(IoApic *s, uint32_t value)
{
    unsigned reg = s->regsel;
    if (reg == IOAPIC_REG_ID) {
        s->id = value & IOAPIC_ID_MASK;
        return;
    }
    unsigned index = reg - IOAPIC_REG_REDTBL;
    if (reg < IOAPIC_REG_REDTBL || index >= 2 * IOAPIC_NUM_PINS) {
        LOG_MASK(LOG_GUEST_ERRORS, "ioapic: write %#x to read-only/undefined register %#x\n", value,
                 reg);
        return;
    }
    int pin = (int)(index / 2);
    uint64_t *entry = &s->redir[pin];
    uint64_t half_mask = index & 1 ? 0xffffffff00000000ull : 0xffffffffull;
    uint64_t shifted = index & 1 ? (uint64_t)value << 32 : value;
    uint64_t writable = REDIR_WRITABLE & half_mask;
    *entry = (*entry & ~writable) | (shifted & writable);
    if (!(*entry & REDIR_LEVEL)) *entry &= ~REDIR_REMOTE_IRR;
    /* Unmasking (or switching to level) an asserted level pin sends now. */
    ioapic_service_level(s, pin);
}

static uint64_t ioapic_mmio_read(void *opaque, uint64_t offset, unsigned size)
{
    IoApic *s = opaque;
    switch (offset) {
    case IOAPIC_REGSEL: return s->regsel;
    case IOAPIC_WIN: return ioapic_reg_read(s);
    }
    LOG_MASK(LOG_GUEST_ERRORS, "ioapic: read of offset %#llx\n", (unsigned long long)offset);
    return 0;
}

static void ioapic_mmio_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    IoApic *s = opaque;
    switch (offset) {
    case IOAPIC_REGSEL: s->regsel = (uint8_t)value; return;
    case IOAPIC_WIN: ioapic_reg_write(s, (uint32_t)value); return;
    }
    LOG_MASK(LOG_GUEST_ERRORS, "ioapic: write to offset %#llx\n", (unsigned long long)offset);
}

/* Registers are 32 bits wide: narrower accesses are widened by softmmu
 * (a byte write of IOREGSEL reaches us with the reserved bits zero). */
static const MemoryRegionOps ioapic_ops = {
    .read = ioapic_mmio_read,
    .write = ioapic_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 4,
    .max_access_size = 4,
};

/* ---- device ---- */

static void ioapic_reset(Device *dev)
{
    IoApic *s = (IoApic *)dev;
    s->id = ((uint32_t)s->reset_id << 24) & IOAPIC_ID_MASK;
    s->regsel = 0;
    for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++)
        s->redir[pin] = REDIR_MASKED;
}

static bool ioapic_realize(Device *dev, Machine *m)
{
    IoApic *s = (IoApic *)dev;
    for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++)
        irq_init(&s->inputs[pin], ioapic_input_handler, s, pin);
    memory_region_init_io(&s->mr, "ioapic", IOAPIC_MMIO_SIZE, &ioapic_ops, s);
    return true;
}

static void ioapic_finalize(Device *dev)
{
    IoApic *s = (IoApic *)dev;
    memory_region_destroy(&s->mr); /* unmaps it too */
}

static void ioapic_post_load(Device *dev)
{
    IoApic *s = (IoApic *)dev;
    s->id &= IOAPIC_ID_MASK;
    for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
        s->redir[pin] &= REDIR_WRITABLE | REDIR_REMOTE_IRR;
        ioapic_service_level(s, pin);
    }
}

static const Property ioapic_props[] = {
    DEFINE_PROP_U8("id", IoApic, reset_id, 0, "I/O APIC ID after reset (0-15)"),
    DEFINE_PROP_END,
};

static const VMStateField ioapic_vmstate[] = {
    VMSTATE_U32(IoApic, id),
    VMSTATE_U8(IoApic, regsel),
    VMSTATE_U32(IoApic, pins),
    VMSTATE_U64_ARRAY(IoApic, redir),
    VMSTATE_END,
};

static void ioapic_irq_stats(Device *dev, FILE *out)
{
    const IoApic *s = (const IoApic *)dev;
    for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++)
        if (s->irq_count[pin]) fprintf(out, "%2d: %" PRIu64 "\n", pin, s->irq_count[pin]);
}

static const DeviceClass ioapic_class = {
    .name = "ioapic",
    .desc = "Intel 82093AA I/O APIC, 24 pins",
    .instance_size = sizeof(IoApic),
    .props = ioapic_props,
    .vmstate = ioapic_vmstate,
    .vmstate_version = 1,
    .realize = ioapic_realize,
    .reset = ioapic_reset,
    .post_load = ioapic_post_load,
    .finalize = ioapic_finalize,
    .irq_stats = ioapic_irq_stats,
};
DEVICE_REGISTER(ioapic_class)

Device *ioapic_create(Machine *m, MemoryRegion *mem, uint64_t base, ApicBus *bus)
{
    Device *dev = device_create(m, "ioapic");
    if (!dev) return NULL;
    IoApic *s = (IoApic *)dev;
    s->bus = bus;
    if (!device_realize(dev)) return NULL;
    if (mem) memory_region_add_subregion(mem, base, &s->mr, 1);
    return dev;
}

IrqLine *ioapic_input(Device *dev, int pin)
{
    if (!dev || pin < 0 || pin >= IOAPIC_NUM_PINS) return NULL;
    return &((IoApic *)dev)->inputs[pin];
}

MemoryRegion *ioapic_region(Device *dev)
{
    return &((IoApic *)dev)->mr;
}
