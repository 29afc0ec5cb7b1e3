/*
 * e1000 model internals shared by e1000.c (registers, EEPROM, PHY,
 * interrupts), e1000_tx.c (transmit) and e1000_rx.c (receive).
 */
#ifndef DOPPEL_E1000_INTERNAL_H
#define DOPPEL_E1000_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/clock.h"
#include "devices/net/e1000_regs.h"
#include "devices/pci/pci.h"
#include "net/net.h"

#define E1000_EEPROM_WORDS 64
#define E1000_TX_BUF_SIZE  (65536 + 4) /* a TSO segment or a whole frame, plus a VLAN tag */
#define E1000_TX_HDR_MAX   256

typedef struct E1000State {
    PciDevice pci; /* first: a PciDevice is a Device */
    /* properties */
    char *netdev;
    char *mac_str;

    MemoryRegion mmio, io;
    NetClient nc;
    Timer *rdtr_timer, *radv_timer; /* receive interrupt delay (§3.2.7) */
    uint8_t macaddr[6];

    /* guest-visible state */
    uint32_t mac[E1000_REG_END / 4]; /* MAC registers by offset / 4 */
    uint16_t phy[PHY_REGS];
    uint16_t eeprom[E1000_EEPROM_WORDS];
    uint32_t ioaddr; /* IOADDR of the I/O BAR */
    /* Microwire EEPROM serial state (§5.3.1) */
    uint32_t ee_in;     /* opcode and address bits shifted in */
    uint8_t ee_bits_in; /* how many */
    uint8_t ee_out_bit; /* next data bit out (16 = none) */
    uint8_t ee_addr;
    bool ee_reading;
    bool ee_do; /* DO as the EEPROM drives it */
    /* transmit: the last context descriptor (§3.3.6) */
    uint8_t tx_ipcss, tx_ipcso, tx_tucss, tx_tucso, tx_hdr_len, tx_tucmd;
    uint16_t tx_ipcse, tx_tucse, tx_mss;
    uint32_t tx_paylen;
    /* transmit: the packet being gathered from data descriptors */
    uint8_t tx_buf[E1000_TX_BUF_SIZE];
    uint8_t tx_hdr[E1000_TX_HDR_MAX]; /* TSO: the header as the driver wrote it */
    uint32_t tx_len;                  /* bytes in tx_buf */
    uint32_t tx_hdr_got;              /* TSO: header bytes gathered */
    uint32_t tx_payload_sent;         /* TSO: payload bytes in earlier segments */
    uint32_t tx_segments;             /* TSO: segments sent */
    uint8_t tx_popts;
    uint8_t tx_cmd; /* first descriptor's command: TSE, VLE, legacy IC */
    uint8_t tx_cso, tx_css;
    uint16_t tx_vlan;
    bool tx_in_packet; /* descriptors of an unfinished packet were taken */
    bool tx_bad;       /* a buffer could not be read: drop at EOP */
} E1000State;

static inline uint32_t e1000_reg(const E1000State *s, uint32_t offset)
{
    return s->mac[offset / 4];
}
static inline void e1000_set_reg(E1000State *s, uint32_t offset, uint32_t v)
{
    s->mac[offset / 4] = v;
}

/* e1000.c */
void e1000_set_ics(E1000State *s, uint32_t causes);
/* Add to a 32-bit statistics counter (saturating) or a 64-bit pair. */
void e1000_stat_inc(E1000State *s, uint32_t offset);
void e1000_stat_add64(E1000State *s, uint32_t lo_offset, uint64_t n);
/* Bin of a 64..1522+ byte frame for PRC64../PTC64.. (0-5). */
unsigned e1000_size_bin(size_t len);
/* Ones' complement sum of data (RFC 1071), not folded or inverted. */
uint32_t e1000_csum_add(uint32_t sum, const uint8_t *data, size_t len);
uint16_t e1000_csum_fold(uint32_t sum);

/* e1000_tx.c: process descriptors from TDH to TDT. */
void e1000_tx_start(E1000State *s);
void e1000_tx_reset(E1000State *s);

/* e1000_rx.c */
bool e1000_can_receive(void *opaque);
void e1000_receive(void *opaque, const uint8_t *frame, size_t len);
void e1000_rx_timer_fire(void *opaque);
bool e1000_rx_timers_pending(const E1000State *s);
void e1000_rx_timers_cancel(E1000State *s);

#endif
