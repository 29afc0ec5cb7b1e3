/*
 * e1000 receive (8254x SDM §3.2): address filtering, legacy descriptor
 * ring writeback and the receive interrupt delay timers.
 *
 * A frame that arrives while the ring has no free descriptor is held by
 * the network layer (can_receive is false) until the guest writes RDT;
 * one that gets here anyway is dropped and counted as missed (RXO).
 */
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "core/bytes.h"
#include "core/log.h"
#include "core/machine.h"
#include "devices/net/e1000_internal.h"

#define ETH_MIN_FRAME    60    /* without FCS */
#define ETH_MAX_FRAME    1518  /* without FCS, untagged */
#define RX_JUMBO_MAX     16384 /* largest frame with RCTL.LPE */
#define RX_DELAY_UNIT_NS 1024  /* RDTR and RADV count 1.024 us (§13.4.24) */

/* §13.4.22 RCTL.BSIZE with BSEX. */
static uint32_t e1000_rx_buf_size(uint32_t rctl)
{
    static const uint16_t normal[4] = {2048, 1024, 512, 256};
    static const uint16_t extended[4] = {2048, 16384, 8192, 4096}; /* 00 reserved */
    unsigned bsize = (rctl >> RCTL_BSIZE_SHIFT) & 3;
    return rctl & RCTL_BSEX ? extended[bsize] : normal[bsize];
}

/* The ring's descriptor count, or 0 when it is not usable. */
static uint32_t e1000_rx_ring_size(E1000State *s)
{
    uint32_t n = e1000_reg(s, E1000_RDLEN) / RXD_SIZE;
    if (!n) return 0;
    if (e1000_reg(s, E1000_RDH) >= n || e1000_reg(s, E1000_RDT) >= n) {
        LOG_MASK(LOG_GUEST_ERRORS, "e1000: RDH %u or RDT %u outside a ring of %u\n",
                 e1000_reg(s, E1000_RDH), e1000_reg(s, E1000_RDT), n);
        return 0;
    }
    return n;
}

/* Descriptors the guest has handed over: from RDH up to, not including, RDT. */
static uint32_t e1000_rx_free(E1000State *s, uint32_t n)
{
    uint32_t h = e1000_reg(s, E1000_RDH), t = e1000_reg(s, E1000_RDT);
    return t >= h ? t - h : n - h + t;
}

bool e1000_can_receive(void *opaque)
{
    E1000State *s = opaque;
    if (!(e1000_reg(s, E1000_RCTL) & RCTL_EN) || !(e1000_reg(s, E1000_STATUS) & STATUS_LU) ||
        !(s->pci.config[PCI_COMMAND] & PCI_COMMAND_MASTER))
        return false;
    uint32_t n = e1000_rx_ring_size(s);
    uint32_t bufsize = e1000_rx_buf_size(e1000_reg(s, E1000_RCTL));
    return n && e1000_rx_free(s, n) >= (ETH_MAX_FRAME + 8 + bufsize - 1) / bufsize;
}

/* §13.5.1 MTA: 12 bits of the destination address chosen by RCTL.MO. */
static bool e1000_mta_match(E1000State *s, const uint8_t *dst)
{
    static const uint8_t low_shift[4] = {4, 3, 2, 0}; /* bits 47:36, 46:35, 45:34, 43:32 */
    unsigned shift = low_shift[(e1000_reg(s, E1000_RCTL) >> RCTL_MO_SHIFT) & 3];
    unsigned hash = ((dst[4] >> shift) | (unsigned)dst[5] << (8 - shift)) & 0xfff;
    return (e1000_reg(s, E1000_MTA + (hash >> 5) * 4) >> (hash & 31)) & 1;
}

static bool e1000_ra_match(E1000State *s, const uint8_t *dst)
{
    for (unsigned i = 0; i < 16; i++) {
        uint32_t lo = e1000_reg(s, E1000_RA + 8 * i), hi = e1000_reg(s, E1000_RA + 8 * i + 4);
        if (!(hi & RAH_AV)) continue;
        uint8_t a[6] = {(uint8_t)lo,         (uint8_t)(lo >> 8), (uint8_t)(lo >> 16),
                        (uint8_t)(lo >> 24), (uint8_t)hi,        (uint8_t)(hi >> 8)};
        if (!memcmp(a, dst, 6)) return true;
    }
    return false;
}

/* §3.2.1 receive address filtering. */
static bool e1000_rx_accept(E1000State *s, const uint8_t *dst)
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    uint32_t rctl = e1000_reg(s, E1000_RCTL);
    if (!memcmp(dst, bcast, 6)) return (rctl & (RCTL_BAM | RCTL_MPE)) != 0;
    if (e1000_ra_match(s, dst)) return true;
    if (dst[0] & 1) return (rctl & RCTL_MPE) || e1000_mta_match(s, dst);
    return (rctl & RCTL_UPE) != 0;
}

bool e1000_rx_timers_pending(const E1000State *s)
{
    return (s->rdtr_timer && timer_pending(s->rdtr_timer)) ||
           (s->radv_timer && timer_pending(s->radv_timer));
}

void e1000_rx_timers_cancel(E1000State *s)
{
    if (s->rdtr_timer) timer_del(s->rdtr_timer);
    if (s->radv_timer) timer_del(s->radv_timer);
}

void e1000_rx_timer_fire(void *opaque)
{
    E1000State *s = opaque;
    e1000_rx_timers_cancel(s);
    e1000_set_ics(s, ICR_RXT0);
}

/* §3.2.7: RXT0 at once, or after RDTR (restarted per frame) bounded by
 * RADV (started by the first frame). */
static uint32_t e1000_rx_interrupt(E1000State *s)
{
    uint32_t rdtr = e1000_reg(s, E1000_RDTR) & 0xffff, radv = e1000_reg(s, E1000_RADV) & 0xffff;
    if (!rdtr || !s->rdtr_timer) return ICR_RXT0;
    Clocks *c = s->pci.dev.machine->clocks;
    int64_t now = clock_get_ns(c, CLK_VIRTUAL);
    timer_mod(s->rdtr_timer, now + (int64_t)rdtr * RX_DELAY_UNIT_NS);
    if (radv && !timer_pending(s->radv_timer))
        timer_mod(s->radv_timer, now + (int64_t)radv * RX_DELAY_UNIT_NS);
    return 0;
}

static void e1000_rx_stats(E1000State *s, const uint8_t *dst, size_t len)
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    e1000_stat_inc(s, E1000_GPRC);
    e1000_stat_inc(s, E1000_TPR);
    e1000_stat_inc(s, E1000_PRC64 + 4 * e1000_size_bin(len));
    if (!memcmp(dst, bcast, 6))
        e1000_stat_inc(s, E1000_BPRC);
    else if (dst[0] & 1)
        e1000_stat_inc(s, E1000_MPRC);
    e1000_stat_add64(s, E1000_GORCL, len);
    e1000_stat_add64(s, E1000_TORL, len);
}

void e1000_receive(void *opaque, const uint8_t *frame, size_t len)
{
    E1000State *s = opaque;
    uint32_t rctl = e1000_reg(s, E1000_RCTL);
    if (!(rctl & RCTL_EN) || len < 14 || len > RX_JUMBO_MAX) return;
    if (!e1000_rx_accept(s, frame)) return;

    uint8_t buf[RX_JUMBO_MAX + 4];
    uint16_t special = 0;
    uint8_t vp = 0;
    size_t n = len;
    if ((e1000_reg(s, E1000_CTRL) & CTRL_VME) && len >= 18 &&
        get_be16(frame + 12) == (e1000_reg(s, E1000_VET) & 0xffff)) {
        /* §3.4: strip the 802.1Q tag into the descriptor's special field. */
        special = get_be16(frame + 14);
        vp = RXD_STAT_VP;
        memcpy(buf, frame, 12);
        memcpy(buf + 12, frame + 16, len - 16);
        n = len - 4;
    } else {
        memcpy(buf, frame, len);
    }
    if (!(rctl & RCTL_LPE) && n > ETH_MAX_FRAME + (vp ? 0 : 4)) {
        e1000_stat_inc(s, E1000_ROC);
        return;
    }
    if (n < ETH_MIN_FRAME) {
        memset(buf + n, 0, ETH_MIN_FRAME - n);
        n = ETH_MIN_FRAME;
    }
    size_t data_len = n;
    if (!(rctl & RCTL_SECRC)) { /* the FCS goes to memory too, least significant byte first */
        uint32_t crc = (uint32_t)crc32(0, buf, (uInt)n);
        for (int i = 0; i < 4; i++)
            buf[n++] = (uint8_t)(crc >> (8 * i));
    }

    uint32_t ring = e1000_rx_ring_size(s), bufsize = e1000_rx_buf_size(rctl);
    uint32_t need = (uint32_t)((n + bufsize - 1) / bufsize);
    uint32_t avail = ring ? e1000_rx_free(s, ring) : 0;
    if (avail < need) {
        e1000_stat_inc(s, E1000_MPC);
        e1000_stat_inc(s, E1000_RNBC);
        e1000_set_ics(s, ICR_RXO);
        return;
    }
    unsigned pcss = e1000_reg(s, E1000_RXCSUM) & RXCSUM_PCSS_MASK;
    uint16_t csum =
        pcss < data_len ? e1000_csum_fold(e1000_csum_add(0, buf + pcss, data_len - pcss)) : 0;
    uint64_t base = (uint64_t)e1000_reg(s, E1000_RDBAH) << 32 | e1000_reg(s, E1000_RDBAL);
    uint32_t rdh = e1000_reg(s, E1000_RDH);
    for (size_t done = 0; done < n;) {
        uint64_t daddr = base + (uint64_t)rdh * RXD_SIZE;
        uint8_t desc[RXD_SIZE];
        if (pci_dma_read(&s->pci, daddr, desc, sizeof desc) != MEMTX_OK) {
            LOG_MASK(LOG_GUEST_ERRORS, "e1000: receive descriptor at %#llx unreadable\n",
                     (unsigned long long)daddr);
            break;
        }
        uint64_t baddr = 0;
        for (int i = 7; i >= 0; i--)
            baddr = baddr << 8 | desc[i];
        size_t chunk = n - done < bufsize ? n - done : bufsize;
        if (pci_dma_write(&s->pci, baddr, buf + done, chunk) != MEMTX_OK)
            LOG_MASK(LOG_GUEST_ERRORS, "e1000: receive buffer at %#llx not writable\n",
                     (unsigned long long)baddr);
        done += chunk;
        uint8_t wb[8] = {
            (uint8_t)chunk,
            (uint8_t)(chunk >> 8),
            (uint8_t)csum,
            (uint8_t)(csum >> 8),
            (uint8_t)(RXD_STAT_DD | RXD_STAT_IXSM | vp | (done == n ? RXD_STAT_EOP : 0)),
            0,
            (uint8_t)special,
            (uint8_t)(special >> 8)};
        pci_dma_write(&s->pci, daddr + RXD_LENGTH, wb, sizeof wb);
        rdh = (rdh + 1) % ring;
    }
    e1000_set_reg(s, E1000_RDH, rdh);
    e1000_rx_stats(s, buf, n);

    uint32_t causes = e1000_rx_interrupt(s);
    unsigned rdmts = (rctl >> RCTL_RDMTS_SHIFT) & 3; /* 1/2, 1/4, 1/8 of the ring */
    if (e1000_rx_free(s, ring) <= ring >> (rdmts + 1)) causes |= ICR_RXDMT0;
    if (causes) e1000_set_ics(s, causes);
}
