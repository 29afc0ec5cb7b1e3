/*
 * Intel 82540EM gigabit Ethernet controller: PCI function, register file,
 * interrupts, EEPROM and PHY.  Transmit is e1000_tx.c, receive e1000_rx.c.
 * Section numbers are those of the 8254x Software Developer's Manual
 * (317453): §13 registers, §5 EEPROM, §8 PHY.
 *
 * The link is always up at 1000 Mb/s full duplex; autonegotiation
 * completes the moment it is (re)started.  Interrupt moderation (ITR) and
 * the transmit interrupt delays (TIDV/TADV) are stored but not applied:
 * transmit interrupts are immediate.
 */
#include "devices/net/e1000.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/machine.h"
#include "devices/net/e1000_internal.h"

#define E1000_MMIO_SIZE   0x20000
#define E1000_IO_SIZE     0x40
#define E1000_DEFAULT_MAC "52:54:00:12:34:56"

/* ---- interrupts (§13.4.17-21) ---- */

static void e1000_update_irq(E1000State *s)
{
    pci_set_irq(&s->pci, (e1000_reg(s, E1000_ICR) & e1000_reg(s, E1000_IMS)) != 0);
}

void e1000_set_ics(E1000State *s, uint32_t causes)
{
    e1000_set_reg(s, E1000_ICR, e1000_reg(s, E1000_ICR) | (causes & ICR_ALL));
    e1000_update_irq(s);
}

/* ---- statistics (§13.7): saturating, cleared on read ---- */

void e1000_stat_inc(E1000State *s, uint32_t offset)
{
    if (s->mac[offset / 4] != UINT32_MAX) s->mac[offset / 4]++;
}

void e1000_stat_add64(E1000State *s, uint32_t lo_offset, uint64_t n)
{
    uint64_t v = (uint64_t)e1000_reg(s, lo_offset + 4) << 32 | e1000_reg(s, lo_offset);
    v = v + n < v ? UINT64_MAX : v + n;
    e1000_set_reg(s, lo_offset, (uint32_t)v);
    e1000_set_reg(s, lo_offset + 4, (uint32_t)(v >> 32));
}

unsigned e1000_size_bin(size_t len)
{
    static const size_t limits[] = {64, 127, 255, 511, 1023};
    unsigned i = 0;
    while (i < 5 && len > limits[i])
        i++;
    return i;
}

/* ---- checksums (RFC 1071) ---- */

uint32_t e1000_csum_add(uint32_t sum, const uint8_t *data, size_t len)
{
    uint64_t acc = sum;
    for (size_t i = 0; i + 1 < len; i += 2)
        acc += (uint32_t)data[i] << 8 | data[i + 1];
    if (len & 1) acc += (uint32_t)data[len - 1] << 8;
    while (acc >> 32)
        acc = (acc & 0xffffffff) + (acc >> 32);
    return (uint32_t)acc;
}

uint16_t e1000_csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

/* ---- EEPROM (§5.3, §5.6 word map) ---- */

enum {
    EEPROM_ID_LED = 0x04,
    EEPROM_INIT_CTRL1 = 0x0a,
    EEPROM_SUBSYS_ID = 0x0b,
    EEPROM_SUBSYS_VENDOR = 0x0c,
    EEPROM_DEVICE_ID = 0x0d,
    EEPROM_VENDOR_ID = 0x0e,
    EEPROM_INIT_CTRL2 = 0x0f,
    EEPROM_CHECKSUM = 0x3f,
    EEPROM_SUM = 0xbaba, /* words 0x00-0x3f add up to this (§5.6.21) */
    MICROWIRE_READ = 6,  /* start bit, opcode 10b */
    MICROWIRE_ADDR_BITS = 6,
};

static void e1000_eeprom_init(E1000State *s)
{
    uint16_t *w = s->eeprom;
    memset(w, 0, sizeof s->eeprom);
    for (int i = 0; i < 3; i++)
        w[i] = (uint16_t)(s->macaddr[2 * i] | s->macaddr[2 * i + 1] << 8);
    w[EEPROM_ID_LED] = 0xffff;     /* "use the default LED configuration" */
    w[EEPROM_INIT_CTRL1] = 0x6400; /* 0x40: signature 01b in bits 15:14; load PCI ids */
    w[EEPROM_SUBSYS_ID] = 0x100e;
    w[EEPROM_SUBSYS_VENDOR] = 0x8086;
    w[EEPROM_DEVICE_ID] = 0x100e;
    w[EEPROM_VENDOR_ID] = 0x8086;
    w[EEPROM_INIT_CTRL2] = 0x3040; /* both PAUSE bits: symmetric and asymmetric flow control */
    uint16_t sum = 0;
    for (int i = 0; i < EEPROM_CHECKSUM; i++)
        sum += w[i];
    w[EEPROM_CHECKSUM] = (uint16_t)(EEPROM_SUM - sum);
}

static void e1000_microwire_reset(E1000State *s)
{
    s->ee_in = 0;
    s->ee_bits_in = 0;
    s->ee_out_bit = 16;
    s->ee_reading = false;
    s->ee_do = false;
}

/* A rising SK edge with CS high: shift DI in, or the next data bit out
 * (MSB first; a read continues into the following word). */
static void e1000_microwire_clock(E1000State *s, bool di)
{
    if (s->ee_reading) {
        if (s->ee_out_bit == 0) {
            s->ee_addr = (uint8_t)((s->ee_addr + 1) % E1000_EEPROM_WORDS);
            s->ee_out_bit = 16;
        }
        s->ee_out_bit--;
        s->ee_do = (s->eeprom[s->ee_addr] >> s->ee_out_bit) & 1;
        return;
    }
    s->ee_in = s->ee_in << 1 | di;
    if (++s->ee_bits_in < 3 + MICROWIRE_ADDR_BITS) return;
    unsigned opcode = (s->ee_in >> MICROWIRE_ADDR_BITS) & 7;
    if (opcode == MICROWIRE_READ) {
        s->ee_reading = true;
        s->ee_addr = (uint8_t)(s->ee_in & (E1000_EEPROM_WORDS - 1));
        s->ee_out_bit = 16;
        s->ee_do = false; /* the dummy zero before the data */
    } else {
        /* Writes and erases need EWEN and are refused: the EEPROM is read-only here. */
        LOG_MASK(LOG_UNIMP, "e1000: EEPROM opcode %u ignored\n", opcode);
        e1000_microwire_reset(s);
        s->ee_bits_in = 0xff; /* ignore the rest until CS drops */
    }
}

static uint32_t e1000_eecd_read(E1000State *s, uint32_t offset)
{
    uint32_t v = e1000_reg(s, offset) & EECD_SW_BITS;
    v |= EECD_PRES | (v & EECD_REQ ? EECD_GNT : 0);
    return v | (s->ee_do ? EECD_DO : 0);
}

static void e1000_eecd_write(E1000State *s, uint32_t offset, uint32_t v)
{
    uint32_t old = e1000_reg(s, offset);
    e1000_set_reg(s, offset, v & EECD_SW_BITS);
    if (!(v & EECD_CS)) {
        e1000_microwire_reset(s);
        return;
    }
    if (!(old & EECD_CS)) e1000_microwire_reset(s); /* new command */
    if ((v & EECD_SK) && !(old & EECD_SK) && s->ee_bits_in != 0xff)
        e1000_microwire_clock(s, (v & EECD_DI) != 0);
}

static void e1000_eerd_write(E1000State *s, uint32_t offset, uint32_t v)
{
    if (!(v & EERD_START)) {
        e1000_set_reg(s, offset, v & ~EERD_DONE);
        return;
    }
    unsigned addr = (v >> EERD_ADDR_SHIFT) & 0xff;
    uint32_t data = addr < E1000_EEPROM_WORDS ? s->eeprom[addr] : 0;
    e1000_set_reg(s, offset, data << EERD_DATA_SHIFT | addr << EERD_ADDR_SHIFT | EERD_DONE);
}

/* ---- PHY behind MDIC (§8, 88E1011 values) ---- */

static const struct {
    uint8_t reg;
    uint16_t reset;
    uint16_t wmask;
} e1000_phy_regs[] = {
    {PHY_CTRL, 0x1140, 0xffff}, /* autoneg on, full duplex, 1000 Mb/s */
    {PHY_STATUS, 0x796d, 0},    /* 10/100 capable, ext status, AN done, link up */
    {PHY_ID1, 0x0141, 0},       /* Marvell OUI */
    {PHY_ID2, 0x0c20, 0},       /* 88E1011 */
    {PHY_AUTONEG_ADV, 0x0de1, 0xffff},
    {PHY_LP_ABILITY, 0x45e1, 0}, /* partner: 10/100 FD/HD, pause, ack */
    {PHY_AUTONEG_EXP, 0x0001, 0},
    {PHY_1000T_CTRL, 0x0e00, 0xffff},
    {PHY_1000T_STATUS, 0x3c00, 0}, /* partner 1000 FD/HD, receivers OK */
    {PHY_EXT_STATUS, 0x3000, 0},   /* 1000BASE-T FD/HD */
    {M88_PHY_SPEC_CTRL, 0x0068, 0xffff},
    {M88_PHY_SPEC_STATUS, 0xac00, 0}, /* 1000, full duplex, resolved, link */
    {M88_INT_ENABLE, 0, 0xffff},
    {M88_INT_STATUS, 0, 0},
    {M88_EXT_PHY_SPEC_CTRL, 0x0d60, 0xffff},
    {M88_RX_ERR_CNTR, 0, 0},
    {M88_LED_CTRL, 0x4100, 0xffff},
    {M88_EXT_ADDR, 0, 0xffff},
    {M88_EXT_DATA, 0, 0xffff},
};
#define E1000_NPHY_REGS (sizeof e1000_phy_regs / sizeof e1000_phy_regs[0])

static int e1000_phy_find(unsigned reg)
{
    for (unsigned i = 0; i < E1000_NPHY_REGS; i++)
        if (e1000_phy_regs[i].reg == reg) return (int)i;
    return -1;
}

static void e1000_phy_reset(E1000State *s)
{
    memset(s->phy, 0, sizeof s->phy);
    for (unsigned i = 0; i < E1000_NPHY_REGS; i++)
        s->phy[e1000_phy_regs[i].reg] = e1000_phy_regs[i].reset;
}

static void e1000_phy_write(E1000State *s, unsigned reg, uint16_t v)
{
    int i = e1000_phy_find(reg);
    if (i < 0 || !e1000_phy_regs[i].wmask) {
        LOG_MASK(LOG_GUEST_ERRORS, "e1000: write %#x to read-only PHY register %u\n", v, reg);
        return;
    }
    if (reg == PHY_CTRL) {
        /* Reset and restart-autonegotiation are self-clearing; the link
         * partner is always there, so negotiation is done at once. */
        if (v & PHY_CTRL_RESTART_AN) {
            s->phy[PHY_STATUS] |= PHY_STATUS_AN_DONE | PHY_STATUS_LINK;
            e1000_set_ics(s, ICR_LSC);
        }
        v &= (uint16_t) ~(PHY_CTRL_RESET | PHY_CTRL_RESTART_AN);
    }
    s->phy[reg] = v;
}

static void e1000_mdic_write(E1000State *s, uint32_t offset, uint32_t v)
{
    unsigned op = (v >> MDIC_OP_SHIFT) & 3, phy = (v >> MDIC_PHY_SHIFT) & 31;
    unsigned reg = (v >> MDIC_REG_SHIFT) & 31;
    uint32_t result = v & ~(MDIC_READY | MDIC_ERROR);
    if (phy != 1) {
        result |= MDIC_ERROR; /* only the internal PHY at address 1 answers */
    } else if (op == MDIC_OP_READ) {
        if (e1000_phy_find(reg) < 0) {
            LOG_MASK(LOG_UNIMP, "e1000: read of PHY register %u\n", reg);
            result |= MDIC_ERROR;
        }
        result = (result & ~MDIC_DATA_MASK) | s->phy[reg];
    } else if (op == MDIC_OP_WRITE) {
        e1000_phy_write(s, reg, (uint16_t)v);
    } else {
        result |= MDIC_ERROR;
    }
    e1000_set_reg(s, offset, result | MDIC_READY);
    if (v & MDIC_INT_EN) e1000_set_ics(s, ICR_MDAC);
}

/* ---- the register file (§13.1 table 13-2) ---- */

typedef enum E1000RegKind {
    REG_RW,      /* stored (with the write mask) */
    REG_RO,      /* writes ignored */
    REG_WO,      /* reads as 0 */
    REG_STAT,    /* read-to-clear counter */
    REG_STAT_HI, /* high half of a 64-bit counter: reading clears both halves */
} E1000RegKind;

typedef struct E1000RegDef {
    uint16_t offset;
    uint16_t count; /* consecutive 32-bit registers */
    uint8_t kind;
    uint32_t wmask;
    uint32_t (*read)(E1000State *s, uint32_t offset);          /* NULL: by kind */
    void (*write)(E1000State *s, uint32_t offset, uint32_t v); /* NULL: by kind */
} E1000RegDef;

static void e1000_reset_regs(E1000State *s);

static void e1000_ctrl_write(E1000State *s, uint32_t offset, uint32_t v)
{
    if (v & CTRL_RST) {
        e1000_reset_regs(s); /* §13.4.1: self-clearing; PCI config is kept */
        return;
    }
    if (v & CTRL_PHY_RST) e1000_phy_reset(s);
    e1000_set_reg(s, offset, v & ~(CTRL_RST | CTRL_PHY_RST));
}

static uint32_t e1000_icr_read(E1000State *s, uint32_t offset)
{
    uint32_t v = e1000_reg(s, offset);
    e1000_set_reg(s, offset, 0); /* §13.4.17: reading clears every cause */
    e1000_update_irq(s);
    return v;
}

static void e1000_icr_write(E1000State *s, uint32_t offset, uint32_t v)
{
    e1000_set_reg(s, offset, e1000_reg(s, offset) & ~v); /* write 1 to clear */
    e1000_update_irq(s);
}

static void e1000_ics_write(E1000State *s, uint32_t offset, uint32_t v)
{
    (void)offset;
    e1000_set_ics(s, v);
}

static void e1000_ims_write(E1000State *s, uint32_t offset, uint32_t v)
{
    (void)offset;
    e1000_set_reg(s, E1000_IMS, e1000_reg(s, E1000_IMS) | (v & ICR_ALL));
    e1000_update_irq(s);
}

static void e1000_imc_write(E1000State *s, uint32_t offset, uint32_t v)
{
    (void)offset;
    e1000_set_reg(s, E1000_IMS, e1000_reg(s, E1000_IMS) & ~v);
    e1000_update_irq(s);
}

/* Writes that may let queued frames in: the guest enabled the receiver
 * or gave it descriptors. */
static void e1000_rx_room_write(E1000State *s, uint32_t offset, uint32_t v)
{
    e1000_set_reg(s, offset, offset == E1000_RDT ? (v & 0xffff) : v);
    net_flush_queued(&s->nc);
}

static void e1000_rdtr_write(E1000State *s, uint32_t offset, uint32_t v)
{
    e1000_set_reg(s, offset, v & 0xffff);
    if (v & RDTR_FPD) { /* flush: the pending receive interrupt fires now */
        if (e1000_rx_timers_pending(s)) {
            e1000_rx_timers_cancel(s);
            e1000_set_ics(s, ICR_RXT0);
        }
    }
}

static void e1000_tx_write(E1000State *s, uint32_t offset, uint32_t v)
{
    e1000_set_reg(s, offset, offset == E1000_TDT ? (v & 0xffff) : v);
    e1000_tx_start(s);
}

static const E1000RegDef e1000_regs[] = {
    {E1000_CTRL, 1, REG_RW, 0xffffffff, NULL, e1000_ctrl_write},
    {E1000_STATUS, 1, REG_RO, 0, NULL, NULL},
    {E1000_EECD, 1, REG_RW, 0, e1000_eecd_read, e1000_eecd_write},
    {E1000_EERD, 1, REG_RW, 0, NULL, e1000_eerd_write},
    {E1000_CTRL_EXT, 1, REG_RW, 0xffffffff, NULL, NULL},
    {E1000_FLA, 1, REG_RW, 0xffffffff, NULL, NULL},
    {E1000_MDIC, 1, REG_RW, 0, NULL, e1000_mdic_write},
    {E1000_FCAL, 3, REG_RW, 0xffffffff, NULL, NULL}, /* FCAL FCAH FCT */
    {E1000_VET, 1, REG_RW, 0xffff, NULL, NULL},
    {E1000_ICR, 1, REG_RW, 0, e1000_icr_read, e1000_icr_write},
    {E1000_ITR, 1, REG_RW, 0xffff, NULL, NULL},
    {E1000_ICS, 1, REG_WO, 0, NULL, e1000_ics_write},
    {E1000_IMS, 1, REG_RW, 0, NULL, e1000_ims_write},
    {E1000_IMC, 1, REG_WO, 0, NULL, e1000_imc_write},
    {E1000_RCTL, 1, REG_RW, 0xffffffff, NULL, e1000_rx_room_write},
    {E1000_FCTTV, 1, REG_RW, 0xffff, NULL, NULL},
    {E1000_TXCW, 1, REG_RW, 0xffffffff, NULL, NULL},
    {E1000_RXCW, 1, REG_RO, 0, NULL, NULL},
    {E1000_TCTL, 1, REG_RW, 0xffffffff, NULL, e1000_tx_write},
    {E1000_TIPG, 1, REG_RW, 0xffffffff, NULL, NULL},
    {E1000_AIT, 1, REG_RW, 0xffff, NULL, NULL},
    {E1000_LEDCTL, 1, REG_RW, 0xffffffff, NULL, NULL},
    {E1000_PBA, 1, REG_RW, 0xffff, NULL, NULL},
    {E1000_FCRTL, 1, REG_RW, 0x8000fff8, NULL, NULL},
    {E1000_FCRTH, 1, REG_RW, 0xfff8, NULL, NULL},
    {E1000_RDBAL, 1, REG_RW, 0xfffffff0, NULL, NULL},
    {E1000_RDBAH, 1, REG_RW, 0xffffffff, NULL, NULL},
    {E1000_RDLEN, 1, REG_RW, 0xfff80, NULL, NULL},
    {E1000_RDH, 1, REG_RW, 0xffff, NULL, NULL},
    {E1000_RDT, 1, REG_RW, 0xffff, NULL, e1000_rx_room_write},
    {E1000_RDTR, 1, REG_RW, 0xffff, NULL, e1000_rdtr_write},
    {E1000_RXDCTL, 1, REG_RW, 0xffffffff, NULL, NULL},
    {E1000_RADV, 1, REG_RW, 0xffff, NULL, NULL},
    {E1000_RSRPD, 1, REG_RW, 0xfff, NULL, NULL},
    {E1000_TXDMAC, 1, REG_RW, 1, NULL, NULL},
    {E1000_TDBAL, 1, REG_RW, 0xfffffff0, NULL, NULL},
    {E1000_TDBAH, 1, REG_RW, 0xffffffff, NULL, NULL},
    {E1000_TDLEN, 1, REG_RW, 0xfff80, NULL, NULL},
    {E1000_TDH, 1, REG_RW, 0xffff, NULL, NULL},
    {E1000_TDT, 1, REG_RW, 0xffff, NULL, e1000_tx_write},
    {E1000_TIDV, 1, REG_RW, 0xffff, NULL, NULL},
    {E1000_TXDCTL, 1, REG_RW, 0xffffffff, NULL, NULL},
    {E1000_TADV, 1, REG_RW, 0xffff, NULL, NULL},
    {E1000_STATS, 0x22, REG_STAT, 0, NULL, NULL}, /* CRCERRS .. GPTC */
    /* 64-bit counters: the low half is cleared by reading the high half. */
    {E1000_GORCL, 1, REG_RO, 0, NULL, NULL},
    {E1000_GORCH, 1, REG_STAT_HI, 0, NULL, NULL},
    {E1000_GOTCL, 1, REG_RO, 0, NULL, NULL},
    {E1000_GOTCH, 1, REG_STAT_HI, 0, NULL, NULL},
    {0x4098, 10, REG_STAT, 0, NULL, NULL}, /* .. RNBC .. MGTPTC */
    {E1000_TORL, 1, REG_RO, 0, NULL, NULL},
    {E1000_TORH, 1, REG_STAT_HI, 0, NULL, NULL},
    {E1000_TOTL, 1, REG_RO, 0, NULL, NULL},
    {E1000_TOTH, 1, REG_STAT_HI, 0, NULL, NULL},
    {E1000_TPR, 12, REG_STAT, 0, NULL, NULL}, /* TPR .. TSCTFC */
    {E1000_RXCSUM, 1, REG_RW, 0x3ff, NULL, NULL},
    {E1000_MTA, 128, REG_RW, 0xffffffff, NULL, NULL},
    {E1000_RA, 32, REG_RW, 0xffffffff, NULL, NULL},
    {E1000_VFTA, 128, REG_RW, 0xffffffff, NULL, NULL},
    {E1000_WUC, 1, REG_RW, 0xffffffff, NULL, NULL},
    {E1000_WUFC, 1, REG_RW, 0xffffffff, NULL, NULL},
    {E1000_WUS, 1, REG_RW, 0xffffffff, NULL, NULL},
    {E1000_MANC, 1, REG_RW, 0xffffffff, NULL, NULL},
    {E1000_IPAV, 1, REG_RW, 0xffffffff, NULL, NULL},
    {E1000_IP4AT, 7, REG_RW, 0xffffffff, NULL, NULL},
    {E1000_IP6AT, 4, REG_RW, 0xffffffff, NULL, NULL},
    {E1000_WUPL, 1, REG_RW, 0xfff, NULL, NULL},
    {E1000_WUPM, 32, REG_RW, 0xffffffff, NULL, NULL},
    {E1000_FFLT, 8, REG_RW, 0xffffffff, NULL, NULL},
};
#define E1000_NREGS (sizeof e1000_regs / sizeof e1000_regs[0])

static const E1000RegDef *e1000_reg_find(uint32_t offset)
{
    size_t lo = 0, hi = E1000_NREGS;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const E1000RegDef *r = &e1000_regs[mid];
        if (offset < r->offset)
            hi = mid;
        else if (offset >= r->offset + 4u * r->count)
            lo = mid + 1;
        else
            return r;
    }
    return NULL;
}

static uint32_t e1000_reg_read(E1000State *s, uint32_t offset)
{
    const E1000RegDef *r = e1000_reg_find(offset);
    if (!r) {
        LOG_MASK(LOG_UNIMP, "e1000: read of unknown register %#x\n", offset);
        return 0;
    }
    if (r->read) return r->read(s, offset);
    uint32_t v = e1000_reg(s, offset);
    switch (r->kind) {
    case REG_WO: return 0;
    case REG_STAT: e1000_set_reg(s, offset, 0); break;
    case REG_STAT_HI:
        e1000_set_reg(s, offset, 0);
        e1000_set_reg(s, offset - 4, 0);
        break;
    default: break;
    }
    return v;
}

static void e1000_reg_write(E1000State *s, uint32_t offset, uint32_t v)
{
    const E1000RegDef *r = e1000_reg_find(offset);
    if (!r) {
        LOG_MASK(LOG_UNIMP, "e1000: write %#x to unknown register %#x\n", v, offset);
        return;
    }
    if (r->write) {
        r->write(s, offset, v);
    } else if (r->kind == REG_RW) {
        e1000_set_reg(s, offset, v & r->wmask);
    } else {
        LOG_MASK(LOG_GUEST_ERRORS, "e1000: write %#x to read-only register %#x\n", v, offset);
    }
}

static uint64_t e1000_mmio_read(void *opaque, uint64_t offset, unsigned size)
{
    (void)size;
    return e1000_reg_read(opaque, (uint32_t)offset & ~3u);
}

static void e1000_mmio_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    (void)size;
    e1000_reg_write(opaque, (uint32_t)offset & ~3u, (uint32_t)value);
}

static const MemoryRegionOps e1000_mmio_ops = {
    .read = e1000_mmio_read,
    .write = e1000_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 4,
    .max_access_size = 4,
};

/* §13.2 I/O-mapped access: IOADDR selects the register IODATA reaches. */
static uint64_t e1000_io_read(void *opaque, uint64_t offset, unsigned size)
{
    (void)size;
    E1000State *s = opaque;
    if (offset == 0) return s->ioaddr;
    if (offset == 4) return e1000_reg_read(s, s->ioaddr & (E1000_MMIO_SIZE - 4));
    return 0; /* reserved */
}

static void e1000_io_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    (void)size;
    E1000State *s = opaque;
    if (offset == 0)
        s->ioaddr = (uint32_t)value & (E1000_MMIO_SIZE - 1);
    else if (offset == 4)
        e1000_reg_write(s, s->ioaddr & (E1000_MMIO_SIZE - 4), (uint32_t)value);
}

static const MemoryRegionOps e1000_io_ops = {
    .read = e1000_io_read,
    .write = e1000_io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 4,
    .max_access_size = 4,
};

/* ---- reset ---- */

static const struct {
    uint16_t offset;
    uint32_t value;
} e1000_reset_values[] = {
    {E1000_CTRL, CTRL_FD | CTRL_SLU | CTRL_SPEED_1000},
    {E1000_STATUS, STATUS_FD | STATUS_LU | STATUS_SPEED_1000 | STATUS_ASDV_1000},
    {E1000_VET, 0x8100},
    {E1000_LEDCTL, 0x07061302},
    {E1000_PBA, 0x00100030}, /* 48 KB receive, 16 KB transmit */
    {E1000_RXCSUM, 0x300},
    {E1000_MANC, 0x00060000},
};

static void e1000_reset_regs(E1000State *s)
{
    memset(s->mac, 0, sizeof s->mac);
    for (size_t i = 0; i < sizeof e1000_reset_values / sizeof e1000_reset_values[0]; i++)
        e1000_set_reg(s, e1000_reset_values[i].offset, e1000_reset_values[i].value);
    /* §5.6: the first receive address is loaded from the EEPROM. */
    const uint8_t *a = s->macaddr;
    e1000_set_reg(s, E1000_RA, (uint32_t)a[0] | a[1] << 8 | a[2] << 16 | (uint32_t)a[3] << 24);
    e1000_set_reg(s, E1000_RA + 4, (uint32_t)a[4] | a[5] << 8 | RAH_AV);
    e1000_phy_reset(s);
    e1000_microwire_reset(s);
    e1000_rx_timers_cancel(s);
    e1000_tx_reset(s);
    s->ioaddr = 0;
    /* The link comes up: tell the driver (it reads ICR to learn so). */
    e1000_set_reg(s, E1000_ICR, ICR_LSC);
    e1000_update_irq(s);
}

static void e1000_reset(Device *dev)
{
    E1000State *s = (E1000State *)dev;
    pci_device_reset(&s->pci);
    e1000_reset_regs(s);
}

/* ---- device ---- */

static bool e1000_parse_mac(const char *str, uint8_t mac[6])
{
    unsigned v[6];
    char tail;
    if (sscanf(str, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &tail) != 6)
        return false;
    for (int i = 0; i < 6; i++) {
        if (v[i] > 0xff) return false;
        mac[i] = (uint8_t)v[i];
    }
    return !(mac[0] & 1); /* not a multicast address */
}

static bool e1000_realize(Device *dev, Machine *m)
{
    E1000State *s = (E1000State *)dev;
    char err[200];
    if (!e1000_parse_mac(s->mac_str ? s->mac_str : E1000_DEFAULT_MAC, s->macaddr)) {
        fprintf(stderr, "doppel: e1000: invalid mac '%s' (expected e.g. 52:54:00:12:34:56)\n",
                s->mac_str);
        return false;
    }
    PciBus *bus = m ? machine_find_bus(m, PCI_BUS_NAME) : NULL;
    if (!bus) {
        fprintf(stderr, "doppel: e1000: this machine has no PCI bus\n");
        return false;
    }
    s->nc = (NetClient){.can_receive = e1000_can_receive, .receive = e1000_receive, .opaque = s};
    if (s->netdev && !net_client_attach(m, &s->nc, s->netdev, err, sizeof err)) {
        fprintf(stderr, "doppel: -device e1000: %s\n", err);
        return false;
    }
    if (!pci_device_attach(&s->pci, bus, -1, 0x8086, 0x100e, 0x03, 0x020000, err, sizeof err)) {
        net_client_detach(&s->nc);
        fprintf(stderr, "doppel: e1000: %s\n", err);
        return false;
    }
    pci_config_set_interrupt_pin(&s->pci, 1);
    memory_region_init_io(&s->mmio, "e1000-mmio", E1000_MMIO_SIZE, &e1000_mmio_ops, s);
    memory_region_init_io(&s->io, "e1000-io", E1000_IO_SIZE, &e1000_io_ops, s);
    pci_register_bar(&s->pci, 0, PCI_BAR_MEM32, &s->mmio);
    pci_register_bar(&s->pci, 1, PCI_BAR_IO, &s->io);
    if (m->clocks) {
        s->rdtr_timer = timer_new(m->clocks, CLK_VIRTUAL, e1000_rx_timer_fire, s);
        s->radv_timer = timer_new(m->clocks, CLK_VIRTUAL, e1000_rx_timer_fire, s);
    }
    e1000_eeprom_init(s);
    return true;
}

static void e1000_finalize(Device *dev)
{
    E1000State *s = (E1000State *)dev;
    net_client_detach(&s->nc);
    pci_device_detach(&s->pci);
    timer_free(s->rdtr_timer);
    timer_free(s->radv_timer);
    s->rdtr_timer = s->radv_timer = NULL;
    memory_region_destroy(&s->mmio);
    memory_region_destroy(&s->io);
}

static void e1000_post_load(Device *dev)
{
    E1000State *s = (E1000State *)dev;
    pci_device_post_load(&s->pci);
    e1000_update_irq(s);
}

static const Property e1000_props[] = {
    DEFINE_PROP_STRING("netdev", E1000State, netdev, NULL, "the -netdev id to connect to"),
    DEFINE_PROP_STRING("mac", E1000State, mac_str, E1000_DEFAULT_MAC, "MAC address"),
    DEFINE_PROP_PCI_ADDR(E1000State, pci),
    DEFINE_PROP_END,
};

static const VMStateField e1000_vmstate[] = {
    VMSTATE_BUFFER(E1000State, pci.config),
    VMSTATE_U32_ARRAY(E1000State, mac),
    VMSTATE_U16_ARRAY(E1000State, phy),
    VMSTATE_U16_ARRAY(E1000State, eeprom),
    VMSTATE_U32(E1000State, ioaddr),
    VMSTATE_U32(E1000State, ee_in),
    VMSTATE_U8(E1000State, ee_bits_in),
    VMSTATE_U8(E1000State, ee_out_bit),
    VMSTATE_U8(E1000State, ee_addr),
    VMSTATE_BOOL(E1000State, ee_reading),
    VMSTATE_BOOL(E1000State, ee_do),
    VMSTATE_U8(E1000State, tx_ipcss),
    VMSTATE_U8(E1000State, tx_ipcso),
    VMSTATE_U8(E1000State, tx_tucss),
    VMSTATE_U8(E1000State, tx_tucso),
    VMSTATE_U8(E1000State, tx_hdr_len),
    VMSTATE_U8(E1000State, tx_tucmd),
    VMSTATE_U16(E1000State, tx_ipcse),
    VMSTATE_U16(E1000State, tx_tucse),
    VMSTATE_U16(E1000State, tx_mss),
    VMSTATE_U32(E1000State, tx_paylen),
    VMSTATE_BUFFER(E1000State, tx_buf),
    VMSTATE_BUFFER(E1000State, tx_hdr),
    VMSTATE_U32(E1000State, tx_len),
    VMSTATE_U32(E1000State, tx_hdr_got),
    VMSTATE_U32(E1000State, tx_payload_sent),
    VMSTATE_U32(E1000State, tx_segments),
    VMSTATE_U8(E1000State, tx_popts),
    VMSTATE_U8(E1000State, tx_cmd),
    VMSTATE_U8(E1000State, tx_cso),
    VMSTATE_U8(E1000State, tx_css),
    VMSTATE_U16(E1000State, tx_vlan),
    VMSTATE_BOOL(E1000State, tx_in_packet),
    VMSTATE_BOOL(E1000State, tx_bad),
    /* Receive interrupt delay (§3.2.7): pending delays fire at their saved
     * time.  The netdev (slirp, sockets) is host state and not saved:
     * frames in flight on the host side are lost, as on a cable pull. */
    VMSTATE_TIMER(E1000State, rdtr_timer),
    VMSTATE_TIMER(E1000State, radv_timer),
    VMSTATE_END,
};

static const DeviceClass e1000_class = {
    .name = "e1000",
    .desc = "Intel 82540EM gigabit Ethernet (PCI)",
    .instance_size = sizeof(E1000State),
    .props = e1000_props,
    .vmstate = e1000_vmstate,
    .vmstate_version = 2,
    .realize = e1000_realize,
    .reset = e1000_reset,
    .post_load = e1000_post_load,
    .finalize = e1000_finalize,
    .user_creatable = true,
};
DEVICE_REGISTER(e1000_class)

Device *e1000_create(Machine *m, const char *netdev, const char *mac, const char *addr)
{
    Device *d = device_create(m, "e1000");
    const char *names[3] = {"netdev", "mac", "addr"}, *values[3] = {netdev, mac, addr};
    char err[200];
    for (int i = 0; i < 3; i++) {
        if (values[i] && !device_set_prop(d, names[i], values[i], err, sizeof err)) {
            fprintf(stderr, "doppel: e1000: %s\n", err);
            device_free(d);
            return NULL;
        }
    }
    return device_realize(d) ? d : NULL;
}
