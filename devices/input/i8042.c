/*
 * Intel 8042 keyboard/auxiliary device controller as programmed on the
 * PC/AT and PS/2 (IBM PS/2 Hardware Interface Technical Reference,
 * "Keyboard/Auxiliary Device Controller"; the OSDev wiki's "8042 PS/2
 * Controller" page as a cross-check).
 *
 * The output buffer holds one byte.  A byte from the keyboard or mouse is
 * only peeked when it is put there and popped from its device when the
 * guest reads port 0x60, so a controller reply (which takes the buffer at
 * once) never loses device data.  Commands complete at once: IBF always
 * reads 0.
 */
#include "devices/input/i8042.h"

#include <stdio.h>

#include "core/device.h"
#include "core/log.h"
#include "core/machine.h"
#include "devices/input/ps2.h"
#include "softmmu/memory.h"

#define I8042_DATA_PORT    0x60
#define I8042_COMMAND_PORT 0x64

enum { /* status register */
       STAT_OBF = 0x01,
       STAT_SYS = 0x04,
       STAT_A2 = 0x08,       /* last write was a command */
       STAT_UNLOCKED = 0x10, /* keyboard inhibit switch off */
       STAT_AUXB = 0x20,
};

enum { /* command byte (controller RAM byte 0) */
       CB_KBD_INT = 0x01,
       CB_AUX_INT = 0x02,
       CB_SYS = 0x04,
       CB_KBD_DISABLE = 0x10,
       CB_AUX_DISABLE = 0x20,
       CB_XLAT = 0x40,
};

enum {                   /* output port */
       OUT_RESET = 0x01, /* 0 asserts the system reset line */
       OUT_A20 = 0x02,
       OUT_KBD_OBF = 0x10,
       OUT_AUX_OBF = 0x20,
       OUT_POWER_ON = 0xcf, /* reset off, A20 on, keyboard clock and data high */
};

enum { /* where the output buffer's byte came from */
       SRC_CONTROLLER = 0,
       SRC_CONTROLLER_AUX = 1, /* 0xD3: as if from the mouse */
       SRC_KBD = 2,
       SRC_AUX = 3,
};

enum {                       /* controller commands */
       CMD_READ_RAM = 0x20,  /* 0x20-0x3f */
       CMD_WRITE_RAM = 0x60, /* 0x60-0x7f */
       CMD_PASSWORD_INSTALLED = 0xa4,
       CMD_AUX_DISABLE = 0xa7,
       CMD_AUX_ENABLE = 0xa8,
       CMD_AUX_TEST = 0xa9,
       CMD_SELF_TEST = 0xaa,
       CMD_KBD_TEST = 0xab,
       CMD_KBD_DISABLE = 0xad,
       CMD_KBD_ENABLE = 0xae,
       CMD_READ_INPUT = 0xc0,
       CMD_READ_OUTPUT = 0xd0,
       CMD_WRITE_OUTPUT = 0xd1,
       CMD_WRITE_KBD_BUFFER = 0xd2,
       CMD_WRITE_AUX_BUFFER = 0xd3,
       CMD_WRITE_AUX = 0xd4,
       CMD_A20_OFF = 0xdd,
       CMD_A20_ON = 0xdf,
       CMD_READ_TEST_INPUTS = 0xe0,
       CMD_PULSE = 0xf0, /* 0xf0-0xff: low nibble 0 bits pulse output port bits 0-3 */
};

#define SELF_TEST_OK           0x55
#define PASSWORD_NOT_INSTALLED 0xf1
#define INPUT_PORT             0xa0 /* keyboard not inhibited, no manufacturing jumper */

typedef struct I8042 {
    Device dev;
    MemoryRegion data_mr, cmd_mr;
    Device *kbd, *mouse;
    void (*a20)(void *opaque, bool on);
    void (*reset_cb)(void *opaque);
    void *cb_opaque;

    uint8_t ram[32]; /* byte 0: the command byte */
    uint8_t status;  /* SYS and A2; the other bits are derived */
    uint8_t outport;
    uint8_t pending; /* command waiting for its data byte (0: none) */
    bool obf;
    uint8_t out;
    uint8_t out_src;
    bool xlat_break; /* translation consumed a set 2 break prefix */
} I8042;

static uint8_t i8042_cmd_byte(const I8042 *s)
{
    return s->ram[0];
}

static bool i8042_out_is_aux(const I8042 *s)
{
    return s->out_src == SRC_AUX || s->out_src == SRC_CONTROLLER_AUX;
}

static void i8042_update_irq(I8042 *s)
{
    uint8_t cb = i8042_cmd_byte(s);
    bool aux = i8042_out_is_aux(s);
    irq_set(s->dev.irq_out[0], s->obf && !aux && (cb & CB_KBD_INT));
    irq_set(s->dev.irq_out[1], s->obf && aux && (cb & CB_AUX_INT));
}

/* Keyboard byte as the guest sees it, set 2 -> set 1 under CB_XLAT; false
 * if only a break prefix was waiting. */
static bool i8042_kbd_byte(I8042 *s, uint8_t *val)
{
    uint8_t b;
    while (ps2_peek(s->kbd, &b)) {
        if (!(i8042_cmd_byte(s) & CB_XLAT)) {
            *val = b;
            return true;
        }
        if (b == 0xf0) { /* the break prefix becomes bit 7 of the next code */
            ps2_pop(s->kbd);
            s->xlat_break = true;
            continue;
        }
        *val = (uint8_t)(ps2_set2_to_set1(b) | (s->xlat_break ? 0x80 : 0));
        return true;
    }
    return false;
}

/* Fill an empty output buffer from the keyboard, else the mouse. */
static void i8042_refill(I8042 *s)
{
    if (!s->obf) {
        uint8_t cb = i8042_cmd_byte(s), b;
        if (!(cb & CB_KBD_DISABLE) && i8042_kbd_byte(s, &b)) {
            s->out = b;
            s->out_src = SRC_KBD;
            s->obf = true;
        } else if (!(cb & CB_AUX_DISABLE) && ps2_peek(s->mouse, &b)) {
            s->out = b;
            s->out_src = SRC_AUX;
            s->obf = true;
        }
    }
    i8042_update_irq(s);
}

static void i8042_ps2_notify(void *opaque)
{
    i8042_refill(opaque);
}

/* A controller reply takes the output buffer; a device byte in it stays queued. */
static void i8042_reply(I8042 *s, uint8_t val, uint8_t src)
{
    s->out = val;
    s->out_src = src;
    s->obf = true;
    i8042_update_irq(s);
}

static uint8_t i8042_status(const I8042 *s)
{
    return (uint8_t)(s->status | STAT_UNLOCKED | (s->obf ? STAT_OBF : 0) |
                     (s->obf && i8042_out_is_aux(s) ? STAT_AUXB : 0));
}

static void i8042_write_outport(I8042 *s, uint8_t val)
{
    uint8_t old = s->outport;
    s->outport = val;
    if (((old ^ val) & OUT_A20) && s->a20) s->a20(s->cb_opaque, val & OUT_A20);
    if (!(val & OUT_RESET) && s->reset_cb) s->reset_cb(s->cb_opaque);
}

static void i8042_write_command_byte(I8042 *s, uint8_t val)
{
    s->ram[0] = val;
    s->status = (uint8_t)((s->status & ~STAT_SYS) | (val & CB_SYS ? STAT_SYS : 0));
    i8042_refill(s);
}

static void i8042_set_cb_bits(I8042 *s, uint8_t set, uint8_t clear)
{
    i8042_write_command_byte(s, (uint8_t)((i8042_cmd_byte(s) | set) & ~clear));
}

static void i8042_command(I8042 *s, uint8_t cmd)
{
    s->pending = 0;
    if (cmd >= CMD_READ_RAM && cmd < CMD_READ_RAM + 0x20) {
        i8042_reply(s, s->ram[cmd & 0x1f], SRC_CONTROLLER);
        return;
    }
    if (cmd >= CMD_WRITE_RAM && cmd < CMD_WRITE_RAM + 0x20) {
        s->pending = cmd;
        return;
    }
    if (cmd >= CMD_PULSE) {
        if (!(cmd & OUT_RESET) && s->reset_cb) s->reset_cb(s->cb_opaque);
        return;
    }
    switch (cmd) {
    case CMD_PASSWORD_INSTALLED: i8042_reply(s, PASSWORD_NOT_INSTALLED, SRC_CONTROLLER); break;
    case CMD_AUX_DISABLE: i8042_set_cb_bits(s, CB_AUX_DISABLE, 0); break;
    case CMD_AUX_ENABLE: i8042_set_cb_bits(s, 0, CB_AUX_DISABLE); break;
    case CMD_AUX_TEST:
    case CMD_KBD_TEST: i8042_reply(s, 0x00, SRC_CONTROLLER); break;
    case CMD_SELF_TEST:
        s->status |= STAT_SYS;
        i8042_reply(s, SELF_TEST_OK, SRC_CONTROLLER);
        break;
    case CMD_KBD_DISABLE: i8042_set_cb_bits(s, CB_KBD_DISABLE, 0); break;
    case CMD_KBD_ENABLE: i8042_set_cb_bits(s, 0, CB_KBD_DISABLE); break;
    case CMD_READ_INPUT: i8042_reply(s, INPUT_PORT, SRC_CONTROLLER); break;
    case CMD_READ_OUTPUT: {
        uint8_t v = s->outport & ~(OUT_KBD_OBF | OUT_AUX_OBF);
        if (s->obf) v |= i8042_out_is_aux(s) ? OUT_AUX_OBF : OUT_KBD_OBF;
        i8042_reply(s, v, SRC_CONTROLLER);
        break;
    }
    case CMD_WRITE_OUTPUT:
    case CMD_WRITE_KBD_BUFFER:
    case CMD_WRITE_AUX_BUFFER:
    case CMD_WRITE_AUX: s->pending = cmd; break;
    case CMD_A20_OFF: i8042_write_outport(s, s->outport & ~OUT_A20); break;
    case CMD_A20_ON: i8042_write_outport(s, s->outport | OUT_A20); break;
    case CMD_READ_TEST_INPUTS: i8042_reply(s, 0x00, SRC_CONTROLLER); break;
    default: LOG_MASK(LOG_UNIMP, "i8042: command %#x not implemented\n", cmd); break;
    }
}

static void i8042_data(I8042 *s, uint8_t val)
{
    uint8_t cmd = s->pending;
    s->pending = 0;
    if (cmd >= CMD_WRITE_RAM && cmd < CMD_WRITE_RAM + 0x20) {
        if (cmd == CMD_WRITE_RAM)
            i8042_write_command_byte(s, val);
        else
            s->ram[cmd & 0x1f] = val;
        return;
    }
    switch (cmd) {
    case CMD_WRITE_OUTPUT: i8042_write_outport(s, val); break;
    case CMD_WRITE_KBD_BUFFER: i8042_reply(s, val, SRC_CONTROLLER); break;
    case CMD_WRITE_AUX_BUFFER: i8042_reply(s, val, SRC_CONTROLLER_AUX); break;
    case CMD_WRITE_AUX: ps2_write(s->mouse, val); break;
    default:
        /* To the keyboard; sending to it enables the interface, as on AT controllers. */
        if (i8042_cmd_byte(s) & CB_KBD_DISABLE) i8042_set_cb_bits(s, 0, CB_KBD_DISABLE);
        ps2_write(s->kbd, val);
        break;
    }
}

static uint64_t i8042_data_read(void *opaque, uint64_t offset, unsigned size)
{
    I8042 *s = opaque;
    uint8_t val = s->out;
    if (!s->obf) return val; /* the last byte again */
    s->obf = false;
    if (s->out_src == SRC_KBD) {
        ps2_pop(s->kbd);
        s->xlat_break = false;
    } else if (s->out_src == SRC_AUX) {
        ps2_pop(s->mouse);
    }
    i8042_refill(s);
    return val;
}

static void i8042_data_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    I8042 *s = opaque;
    s->status &= ~STAT_A2;
    i8042_data(s, (uint8_t)value);
}

static uint64_t i8042_status_read(void *opaque, uint64_t offset, unsigned size)
{
    return i8042_status(opaque);
}

static void i8042_command_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    I8042 *s = opaque;
    s->status |= STAT_A2;
    i8042_command(s, (uint8_t)value);
}

static const MemoryRegionOps i8042_data_ops = {
    .read = i8042_data_read,
    .write = i8042_data_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 1,
};

static const MemoryRegionOps i8042_command_ops = {
    .read = i8042_status_read,
    .write = i8042_command_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 1,
};

static void i8042_reset(Device *dev)
{
    I8042 *s = (I8042 *)dev;
    s->ram[0] = CB_KBD_INT | CB_AUX_INT;
    s->status = 0;
    s->outport = OUT_POWER_ON;
    s->pending = 0;
    s->obf = false;
    s->out = 0;
    s->out_src = SRC_CONTROLLER;
    s->xlat_break = false;
    i8042_refill(s);
}

static bool i8042_realize(Device *dev, Machine *m)
{
    I8042 *s = (I8042 *)dev;
    /* The PS/2 devices join the machine before the controller and go with it. */
    s->kbd = ps2_kbd_create(m, i8042_ps2_notify, s);
    s->mouse = ps2_mouse_create(m, i8042_ps2_notify, s);
    if (!s->kbd || !s->mouse) return false;
    memory_region_init_io(&s->data_mr, "i8042-data", 1, &i8042_data_ops, s);
    memory_region_init_io(&s->cmd_mr, "i8042-cmd", 1, &i8042_command_ops, s);
    return true;
}

static void i8042_finalize(Device *dev)
{
    I8042 *s = (I8042 *)dev;
    memory_region_destroy(&s->data_mr);
    memory_region_destroy(&s->cmd_mr);
}

static void i8042_post_load(Device *dev)
{
    I8042 *s = (I8042 *)dev;
    if (s->out_src > SRC_AUX) s->out_src = SRC_CONTROLLER;
    i8042_update_irq(s);
}

static const VMStateField i8042_vmstate[] = {
    VMSTATE_BUFFER(I8042, ram), VMSTATE_U8(I8042, status),       VMSTATE_U8(I8042, outport),
    VMSTATE_U8(I8042, pending), VMSTATE_BOOL(I8042, obf),        VMSTATE_U8(I8042, out),
    VMSTATE_U8(I8042, out_src), VMSTATE_BOOL(I8042, xlat_break), VMSTATE_END,
};

static const DeviceClass i8042_class = {
    .name = "i8042",
    .desc = "Intel 8042 keyboard and mouse controller",
    .instance_size = sizeof(I8042),
    .vmstate = i8042_vmstate,
    .vmstate_version = 1,
    .realize = i8042_realize,
    .reset = i8042_reset,
    .post_load = i8042_post_load,
    .finalize = i8042_finalize,
};
DEVICE_REGISTER(i8042_class)

Device *i8042_create(Machine *m, MemoryRegion *io, IrqLine *kbd_irq, IrqLine *aux_irq,
                     void (*a20)(void *opaque, bool on), void (*reset)(void *opaque), void *opaque)
{
    Device *dev = device_create(m, "i8042");
    if (!dev) return NULL;
    I8042 *s = (I8042 *)dev;
    s->a20 = a20;
    s->reset_cb = reset;
    s->cb_opaque = opaque;
    device_connect_irq(dev, 0, kbd_irq);
    device_connect_irq(dev, 1, aux_irq);
    if (!device_realize(dev)) return NULL;
    if (io) {
        memory_region_add_subregion(io, I8042_DATA_PORT, &s->data_mr, 0);
        memory_region_add_subregion(io, I8042_COMMAND_PORT, &s->cmd_mr, 0);
    }
    return dev;
}

MemoryRegion *i8042_data_region(Device *dev)
{
    return &((I8042 *)dev)->data_mr;
}

MemoryRegion *i8042_command_region(Device *dev)
{
    return &((I8042 *)dev)->cmd_mr;
}
