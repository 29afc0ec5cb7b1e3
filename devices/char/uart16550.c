/*
 * National Semiconductor PC16550D UART with 16-byte FIFOs.  Section names
 * below are those of the PC16550D datasheet (June 1995).
 *
 * Transmission is instantaneous: a THR write goes straight to the chardev,
 * so THR and the transmit FIFO are always empty again by the next access.
 * Reception takes what the chardev offers while there is room (no
 * overruns from the host side); loopback can overrun, as on the chip.
 * Modem inputs read as a connected line (CTS, DSR, DCD on, RI off).
 */
#include "devices/char/uart16550.h"

#include <stdlib.h>

#include "core/chardev.h"
#include "core/clock.h"
#include "core/device.h"
#include "core/log.h"
#include "core/machine.h"
#include "softmmu/memory.h"

#define UART_FIFO_SIZE 16

enum {                  /* register numbers (before regshift), "Register Summary" */
       REG_RBR_THR = 0, /* DLL when DLAB */
       REG_IER = 1,     /* DLM when DLAB */
       REG_IIR_FCR = 2,
       REG_LCR = 3,
       REG_MCR = 4,
       REG_LSR = 5,
       REG_MSR = 6,
       REG_SCR = 7,
};

enum {
    IER_ERBFI = 0x01, /* received data available (and FIFO timeout) */
    IER_ETBEI = 0x02, /* THR empty */
    IER_ELSI = 0x04,  /* receiver line status */
    IER_EDSSI = 0x08, /* modem status */

    IIR_NO_INT = 0x01,
    IIR_RLS = 0x06,
    IIR_RDA = 0x04,
    IIR_TIMEOUT = 0x0c,
    IIR_THRE = 0x02,
    IIR_MSR = 0x00,
    IIR_FIFO_ON = 0xc0,

    FCR_ENABLE = 0x01,
    FCR_RX_RESET = 0x02,
    FCR_TX_RESET = 0x04,
    FCR_STORED = 0xc9, /* enable, DMA mode, trigger level */

    LCR_DLAB = 0x80,

    MCR_DTR = 0x01,
    MCR_RTS = 0x02,
    MCR_OUT1 = 0x04,
    MCR_OUT2 = 0x08,
    MCR_LOOP = 0x10,

    LSR_DR = 0x01,
    LSR_OE = 0x02,
    LSR_PE = 0x04,
    LSR_FE = 0x08,
    LSR_BI = 0x10,
    LSR_THRE = 0x20,
    LSR_TEMT = 0x40,
    LSR_RXFIFO_ERR = 0x80,
    LSR_ERRORS = LSR_OE | LSR_PE | LSR_FE | LSR_BI,

    MSR_DCTS = 0x01,
    MSR_DDSR = 0x02,
    MSR_TERI = 0x04,
    MSR_DDCD = 0x08,
    MSR_DELTAS = 0x0f,
    MSR_CTS = 0x10,
    MSR_DSR = 0x20,
    MSR_RI = 0x40,
    MSR_DCD = 0x80,
};

typedef struct Uart16550 {
    Device dev;
    /* properties */
    uint32_t regshift;
    uint32_t baudbase;
    Chardev *chr;

    MemoryRegion mr;
    Timer *timeout_timer;

    /* registers */
    uint8_t rbr; /* last character read */
    uint8_t thr; /* last character written */
    uint8_t ier, fcr, lcr, mcr, scr, dll, dlm;
    uint8_t lsr_errors; /* OE PE FE BI: sticky until LSR is read */
    uint8_t msr;
    bool thr_ipending;     /* THRE interrupt not yet acknowledged */
    bool timeout_ipending; /* FIFO character timeout */
    uint8_t rx_fifo[UART_FIFO_SIZE];
    uint8_t rx_head, rx_count;
} Uart16550;

static bool uart_fifo_on(const Uart16550 *s)
{
    return s->fcr & FCR_ENABLE;
}

/* 16450 mode holds one character in RBR. */
static unsigned uart_rx_capacity(const Uart16550 *s)
{
    return uart_fifo_on(s) ? UART_FIFO_SIZE : 1;
}

/* FIFO Control Register: receiver trigger levels 1, 4, 8, 14. */
static unsigned uart_rx_trigger(const Uart16550 *s)
{
    static const uint8_t levels[4] = {1, 4, 8, 14};
    return uart_fifo_on(s) ? levels[s->fcr >> 6] : 1;
}

static uint8_t uart_lsr(const Uart16550 *s)
{
    /* Transmission is instantaneous: THR and shift register always empty. */
    return s->lsr_errors | (s->rx_count ? LSR_DR : 0) | LSR_THRE | LSR_TEMT;
}

/* Interrupt Identification Register: the highest-priority pending source. */
static uint8_t uart_iir(const Uart16550 *s)
{
    uint8_t id = IIR_NO_INT;
    if ((s->ier & IER_ELSI) && (s->lsr_errors & LSR_ERRORS))
        id = IIR_RLS;
    else if ((s->ier & IER_ERBFI) && s->rx_count >= uart_rx_trigger(s) && s->rx_count)
        id = IIR_RDA;
    else if ((s->ier & IER_ERBFI) && s->timeout_ipending)
        id = IIR_TIMEOUT;
    else if ((s->ier & IER_ETBEI) && s->thr_ipending)
        id = IIR_THRE;
    else if ((s->ier & IER_EDSSI) && (s->msr & MSR_DELTAS))
        id = IIR_MSR;
    return id | (uart_fifo_on(s) ? IIR_FIFO_ON : 0);
}

static void uart_update_irq(Uart16550 *s)
{
    irq_set(s->dev.irq_out[0], !(uart_iir(s) & IIR_NO_INT));
}

/* Time for one character frame at the programmed rate ("Programmable
 * Baud Generator": baud = baudbase / divisor). */
static int64_t uart_char_time_ns(const Uart16550 *s)
{
    unsigned divisor = (unsigned)s->dll | (unsigned)s->dlm << 8;
    unsigned bits = 1 + 5 + (s->lcr & 3) + ((s->lcr & 0x08) ? 1 : 0) + ((s->lcr & 0x04) ? 2 : 1);
    uint32_t base = s->baudbase ? s->baudbase : 115200;
    return (int64_t)bits * (divisor ? divisor : 1) * 1000000000 / base;
}

/* "FIFO Interrupt Mode Operation": the timeout fires when the FIFO holds
 * data and nothing was received or read for four character times. */
static void uart_restart_timeout(Uart16550 *s)
{
    s->timeout_ipending = false;
    if (!uart_fifo_on(s) || !s->rx_count) {
        if (s->timeout_timer) timer_del(s->timeout_timer);
        return;
    }
    if (!s->timeout_timer) {
        s->timeout_ipending = true; /* no clocks (unit tests): report at once */
        return;
    }
    Clocks *c = s->dev.machine->clocks;
    timer_mod(s->timeout_timer, clock_get_ns(c, CLK_VIRTUAL) + 4 * uart_char_time_ns(s));
}

static void uart_timeout_expired(void *opaque)
{
    Uart16550 *s = opaque;
    if (uart_fifo_on(s) && s->rx_count) {
        s->timeout_ipending = true;
        uart_update_irq(s);
    }
}

/* Empty the receiver (FIFO reset, FIFO mode change, device reset): input
 * the host already sent waits in the chardev, and now there is room. */
static void uart_rx_clear(Uart16550 *s)
{
    s->rx_head = s->rx_count = 0;
    s->timeout_ipending = false;
    if (s->timeout_timer) timer_del(s->timeout_timer);
    chardev_accept_input(s->chr);
}

/* A character arrives at the receiver (from the chardev or loopback). */
static void uart_rx_push(Uart16550 *s, uint8_t ch)
{
    unsigned cap = uart_rx_capacity(s);
    if (s->rx_count == cap) {
        /* Line Status Register, OE: in FIFO mode the new character is lost;
         * in 16450 mode it overwrites the unread one. */
        s->lsr_errors |= LSR_OE;
        if (uart_fifo_on(s)) return;
        s->rx_count = 0;
    }
    s->rx_fifo[(s->rx_head + s->rx_count) % UART_FIFO_SIZE] = ch;
    s->rx_count++;
    uart_restart_timeout(s);
}

static uint8_t uart_rx_pop(Uart16550 *s)
{
    if (s->rx_count) {
        s->rbr = s->rx_fifo[s->rx_head];
        s->rx_head = (s->rx_head + 1) % UART_FIFO_SIZE;
        s->rx_count--;
    }
    uart_restart_timeout(s);
    return s->rbr;
}

/* Modem Status Register inputs: the MCR outputs in loopback ("Modem
 * Control Register", bit 4), otherwise a connected line. */
static uint8_t uart_modem_inputs(const Uart16550 *s)
{
    if (!(s->mcr & MCR_LOOP)) return MSR_CTS | MSR_DSR | MSR_DCD;
    return (s->mcr & MCR_RTS ? MSR_CTS : 0) | (s->mcr & MCR_DTR ? MSR_DSR : 0) |
           (s->mcr & MCR_OUT1 ? MSR_RI : 0) | (s->mcr & MCR_OUT2 ? MSR_DCD : 0);
}

static void uart_update_msr(Uart16550 *s)
{
    uint8_t now = uart_modem_inputs(s), old = s->msr & 0xf0;
    uint8_t changed = now ^ old;
    uint8_t deltas = (changed & MSR_CTS ? MSR_DCTS : 0) | (changed & MSR_DSR ? MSR_DDSR : 0) |
                     (changed & MSR_DCD ? MSR_DDCD : 0) |
                     ((old & MSR_RI) && !(now & MSR_RI) ? MSR_TERI : 0); /* trailing edge */
    s->msr = now | (s->msr & MSR_DELTAS) | deltas;
}

static void uart_transmit(Uart16550 *s, uint8_t ch)
{
    s->thr = ch;
    if (s->mcr & MCR_LOOP)
        uart_rx_push(s, ch); /* transmitter output looped to the receiver */
    else
        chardev_write(s->chr, &ch, 1);
    /* The character left at once: THR is empty again. */
    s->thr_ipending = true;
}

static void uart_write_fcr(Uart16550 *s, uint8_t val)
{
    /* Changing FCR0 clears both FIFOs; other bits need FCR0 = 1. */
    if ((val ^ s->fcr) & FCR_ENABLE) val |= FCR_RX_RESET | FCR_TX_RESET;
    bool was_on = uart_fifo_on(s);
    s->fcr = (val & FCR_ENABLE) ? (val & FCR_STORED) : 0;
    if (val & FCR_RX_RESET) uart_rx_clear(s); /* after: waiting input sees the new size */
    /* "The first transmitter interrupt after enabling the FIFO mode will be
     * immediate if that interrupt is enabled." */
    if (!was_on && uart_fifo_on(s)) s->thr_ipending = true;
}

static uint64_t uart_read(void *opaque, uint64_t offset, unsigned size)
{
    Uart16550 *s = opaque;
    if (offset & ((1u << s->regshift) - 1)) return 0; /* between registers on a strided bus */
    uint8_t val = 0;
    bool dlab = s->lcr & LCR_DLAB;
    switch (offset >> s->regshift) {
    case REG_RBR_THR:
        if (dlab) return s->dll;
        val = uart_rx_pop(s);
        uart_update_irq(s);
        chardev_accept_input(s->chr); /* room for more input */
        return val;
    case REG_IER: return dlab ? s->dlm : s->ier;
    case REG_IIR_FCR:
        val = uart_iir(s);
        /* Reading IIR acknowledges a THRE interrupt it reports. */
        if ((val & 0x0f) == IIR_THRE) {
            s->thr_ipending = false;
            uart_update_irq(s);
        }
        return val;
    case REG_LCR: return s->lcr;
    case REG_MCR: return s->mcr;
    case REG_LSR:
        val = uart_lsr(s);
        s->lsr_errors = 0; /* errors clear on read */
        uart_update_irq(s);
        return val;
    case REG_MSR:
        val = s->msr;
        s->msr &= (uint8_t)~MSR_DELTAS;
        uart_update_irq(s);
        return val;
    case REG_SCR: return s->scr;
    }
    return 0;
}

static void uart_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    Uart16550 *s = opaque;
    if (offset & ((1u << s->regshift) - 1)) return;
    uint8_t val = (uint8_t)value;
    bool dlab = s->lcr & LCR_DLAB;
    switch (offset >> s->regshift) {
    case REG_RBR_THR:
        if (dlab)
            s->dll = val;
        else
            uart_transmit(s, val);
        break;
    case REG_IER:
        if (dlab) {
            s->dlm = val;
            break;
        }
        /* Enabling ETBEI while THR is empty raises THRE at once. */
        if ((val & IER_ETBEI) && !(s->ier & IER_ETBEI)) s->thr_ipending = true;
        s->ier = val & 0x0f;
        break;
    case REG_IIR_FCR: uart_write_fcr(s, val); break;
    case REG_LCR: s->lcr = val; break;
    case REG_MCR: {
        bool loop_changed = (val ^ s->mcr) & MCR_LOOP;
        s->mcr = val & 0x1f;
        uart_update_msr(s);
        if (loop_changed) chardev_accept_input(s->chr); /* the receiver input reconnects */
        break;
    }
    case REG_LSR:
    case REG_MSR:
        LOG_MASK(LOG_UNIMP, "uart16550: write %#x to %s (factory test) ignored\n", val,
                 (offset >> s->regshift) == REG_LSR ? "LSR" : "MSR");
        break;
    case REG_SCR: s->scr = val; break;
    }
    uart_update_irq(s);
}

static const MemoryRegionOps uart_ops = {
    .read = uart_read,
    .write = uart_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 4,
};

/* ---- chardev side ---- */

static int uart_can_receive(void *opaque)
{
    Uart16550 *s = opaque;
    if (s->mcr & MCR_LOOP) return 0; /* serial input is disconnected in loopback */
    return (int)(uart_rx_capacity(s) - s->rx_count);
}

static void uart_receive(void *opaque, const uint8_t *buf, size_t len)
{
    Uart16550 *s = opaque;
    for (size_t i = 0; i < len; i++)
        uart_rx_push(s, buf[i]);
    uart_update_irq(s);
}

/* ---- device ---- */

static void uart_reset(Device *dev)
{
    /* Reset values per the datasheet's reset table; DLL, DLM and SCR keep
     * their contents. */
    Uart16550 *s = (Uart16550 *)dev;
    s->ier = s->fcr = s->lcr = s->mcr = 0;
    s->lsr_errors = 0;
    s->thr_ipending = false;
    uart_rx_clear(s);
    s->msr = uart_modem_inputs(s);
    uart_update_irq(s);
}

static bool uart_realize(Device *dev, Machine *m)
{
    Uart16550 *s = (Uart16550 *)dev;
    if (s->regshift > 3) {
        fprintf(stderr, "doppel: uart16550: regshift %u too large (0 to 3)\n", s->regshift);
        return false;
    }
    memory_region_init_io(&s->mr, "uart16550", 8u << s->regshift, &uart_ops, s);
    if (m && m->clocks)
        s->timeout_timer = timer_new(m->clocks, CLK_VIRTUAL, uart_timeout_expired, s);
    chardev_set_handlers(s->chr, uart_can_receive, uart_receive, s);
    return true;
}

static void uart_finalize(Device *dev)
{
    Uart16550 *s = (Uart16550 *)dev;
    chardev_set_handlers(s->chr, NULL, NULL, NULL);
    timer_free(s->timeout_timer);
    memory_region_destroy(&s->mr); /* unmaps it too */
}

static void uart_post_load(Device *dev)
{
    Uart16550 *s = (Uart16550 *)dev;
    /* Saved data is host input: keep the FIFO indexes in range.  The
     * character timeout came back armed at its saved expiry (VMS_TIMER). */
    s->rx_head %= UART_FIFO_SIZE;
    if (s->rx_count > uart_rx_capacity(s)) s->rx_count = (uint8_t)uart_rx_capacity(s);
    uart_update_irq(s);
}

static const Property uart_props[] = {
    DEFINE_PROP_U32("regshift", Uart16550, regshift, 0, "register n at offset n << regshift"),
    DEFINE_PROP_U32("baudbase", Uart16550, baudbase, 115200, "input clock / 16, in baud"),
    DEFINE_PROP_CHARDEV("chardev", Uart16550, chr, "host end of the port"),
    DEFINE_PROP_END,
};

static const VMStateField uart_vmstate[] = {
    VMSTATE_U8(Uart16550, rbr),
    VMSTATE_U8(Uart16550, thr),
    VMSTATE_U8(Uart16550, ier),
    VMSTATE_U8(Uart16550, fcr),
    VMSTATE_U8(Uart16550, lcr),
    VMSTATE_U8(Uart16550, mcr),
    VMSTATE_U8(Uart16550, lsr_errors),
    VMSTATE_U8(Uart16550, msr),
    VMSTATE_U8(Uart16550, scr),
    VMSTATE_U8(Uart16550, dll),
    VMSTATE_U8(Uart16550, dlm),
    VMSTATE_BOOL(Uart16550, thr_ipending),
    VMSTATE_BOOL(Uart16550, timeout_ipending),
    VMSTATE_U8_ARRAY(Uart16550, rx_fifo),
    VMSTATE_U8(Uart16550, rx_head),
    VMSTATE_U8(Uart16550, rx_count),
    VMSTATE_TIMER(Uart16550, timeout_timer),
    VMSTATE_END,
};

static const DeviceClass uart16550_class = {
    .name = "uart16550",
    .desc = "NS16550A UART with 16-byte FIFOs",
    .instance_size = sizeof(Uart16550),
    .props = uart_props,
    .vmstate = uart_vmstate,
    .vmstate_version = 2,
    .realize = uart_realize,
    .reset = uart_reset,
    .post_load = uart_post_load,
    .finalize = uart_finalize,
};
DEVICE_REGISTER(uart16550_class)

Device *uart16550_create(Machine *m, MemoryRegion *parent, uint64_t addr, unsigned regshift,
                         IrqLine *irq, Chardev *chr)
{
    Uart16550 *s = (Uart16550 *)device_create(m, "uart16550");
    s->regshift = regshift;
    s->chr = chr;
    device_connect_irq(&s->dev, 0, irq);
    if (!device_realize(&s->dev)) return NULL;
    if (parent) memory_region_add_subregion(parent, addr, &s->mr, 0);
    return &s->dev;
}

MemoryRegion *uart16550_region(Device *dev)
{
    return &((Uart16550 *)dev)->mr;
}
