/*
 * e1000 transmit (8254x SDM §3.3): legacy descriptors, context and data
 * descriptors with IP/TCP/UDP checksum offload, and TCP segmentation
 * (§3.5: the header is replicated per MSS-sized segment with the IP
 * length and id, the TCP sequence number and flags, and the checksums
 * fixed up).
 */
#include <stdio.h>
#include <string.h>

#include "core/bytes.h"
#include "core/log.h"
#include "devices/net/e1000_internal.h"

#define ETH_MIN_FRAME 60 /* TCTL.PSP pads to this (without FCS) */
#define TCP_FLAG_FIN  0x01
#define TCP_FLAG_PSH  0x08

static uint64_t get_le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

void e1000_tx_reset(E1000State *s)
{
    s->tx_ipcss = s->tx_ipcso = s->tx_tucss = s->tx_tucso = s->tx_hdr_len = s->tx_tucmd = 0;
    s->tx_ipcse = s->tx_tucse = s->tx_mss = 0;
    s->tx_paylen = 0;
    s->tx_len = s->tx_hdr_got = s->tx_payload_sent = s->tx_segments = 0;
    s->tx_popts = s->tx_cmd = s->tx_cso = s->tx_css = 0;
    s->tx_vlan = 0;
    s->tx_in_packet = s->tx_bad = false;
}

static bool e1000_tx_is_tso(const E1000State *s)
{
    return (s->tx_cmd & TXD_CMD_DEXT) && (s->tx_cmd & TXD_CMD_TSE);
}

/* Insert the checksum of [css, cse] (cse 0: to the end) at cso, starting
 * from sum (what the field and the caller contribute). */
static void e1000_csum_insert(uint8_t *f, uint32_t len, unsigned css, unsigned cso, unsigned cse,
                              uint32_t sum)
{
    uint32_t end = cse ? cse + 1u : len;
    if (end > len) end = len;
    if (css >= end || cso + 2u > len) {
        LOG_MASK(LOG_GUEST_ERRORS, "e1000: checksum offsets %u..%u -> %u outside a %u-byte frame\n",
                 css, cse, cso, len);
        return;
    }
    put_be16(f + cso, (uint16_t)~e1000_csum_fold(e1000_csum_add(sum, f + css, end - css)));
}

/* POPTS IXSM/TXSM with the last context (§3.3.6); for a TSO segment the
 * TCP/UDP field holds the pseudo-header sum without the length. */
static void e1000_tx_offload_csums(E1000State *s, uint8_t *f, uint32_t len, bool tso)
{
    if (s->tx_popts & TXD_POPTS_IXSM)
        e1000_csum_insert(f, len, s->tx_ipcss, s->tx_ipcso, s->tx_ipcse, 0);
    if (s->tx_popts & TXD_POPTS_TXSM)
        e1000_csum_insert(f, len, s->tx_tucss, s->tx_tucso, s->tx_tucse,
                          tso && len > s->tx_tucss ? len - s->tx_tucss : 0);
}

static void e1000_tx_stats(E1000State *s, const uint8_t *f, uint32_t len)
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    e1000_stat_inc(s, E1000_GPTC);
    e1000_stat_inc(s, E1000_TPT);
    e1000_stat_inc(s, E1000_PTC64 + 4 * e1000_size_bin(len + 4));
    if (!memcmp(f, bcast, 6))
        e1000_stat_inc(s, E1000_BPTC);
    else if (f[0] & 1)
        e1000_stat_inc(s, E1000_MPTC);
    e1000_stat_add64(s, E1000_GOTCL, len + 4); /* octets include the FCS */
    e1000_stat_add64(s, E1000_TOTL, len + 4);
}

/* Put one frame on the wire: VLAN tag (§3.4), short-packet padding. */
static void e1000_tx_send(E1000State *s, uint8_t *f, uint32_t len)
{
    if ((s->tx_cmd & TXD_CMD_VLE) && (e1000_reg(s, E1000_CTRL) & CTRL_VME) && len >= 12) {
        memmove(f + 16, f + 12, len - 12);
        put_be16(f + 12, e1000_reg(s, E1000_VET));
        put_be16(f + 14, s->tx_vlan);
        len += 4;
    }
    if ((e1000_reg(s, E1000_TCTL) & TCTL_PSP) && len < ETH_MIN_FRAME) {
        memset(f + len, 0, ETH_MIN_FRAME - len);
        len = ETH_MIN_FRAME;
    }
    e1000_tx_stats(s, f, len);
    net_send(&s->nc, f, len);
}

static bool fits(unsigned off, unsigned size, uint32_t len)
{
    return off + size <= len;
}

/* One TSO segment: the saved header plus the payload gathered after it. */
static void e1000_tso_segment(E1000State *s, bool last)
{
    uint8_t *f = s->tx_buf;
    uint32_t len = s->tx_len, payload = len - s->tx_hdr_len;
    unsigned ip = s->tx_ipcss, l4 = s->tx_tucss;
    memcpy(f, s->tx_hdr, s->tx_hdr_len);
    if (s->tx_tucmd & TXD_TUCMD_IP) {
        if (fits(ip, 6, len)) {
            put_be16(f + ip + 2, len - ip);                              /* IPv4 total length */
            put_be16(f + ip + 4, get_be16(f + ip + 4) + s->tx_segments); /* identification */
        }
    } else if (fits(ip, 6, len)) {
        put_be16(f + ip + 4, len - ip - 40); /* IPv6 payload length */
    }
    if (s->tx_tucmd & TXD_TUCMD_TCP) {
        if (fits(l4, 14, len)) {
            put_be32(f + l4 + 4, get_be32(f + l4 + 4) + s->tx_payload_sent);
            if (!last) f[l4 + 13] &= (uint8_t) ~(TCP_FLAG_FIN | TCP_FLAG_PSH);
        }
    } else if (fits(l4, 6, len)) {
        put_be16(f + l4 + 4, len - l4); /* UDP length */
    }
    e1000_tx_offload_csums(s, f, len, true);
    e1000_tx_send(s, f, len);
    s->tx_payload_sent += payload;
    s->tx_segments++;
}

/* Largest payload per segment that fits the buffer with a VLAN tag. */
static uint32_t e1000_tso_mss(const E1000State *s)
{
    uint32_t room = E1000_TX_BUF_SIZE - 4 - s->tx_hdr_len;
    return s->tx_mss < room ? s->tx_mss : room;
}

/* Read len bytes of a data buffer into the packet, cutting segments as
 * they fill. */
static void e1000_tx_gather(E1000State *s, uint64_t addr, uint32_t len)
{
    bool tso = e1000_tx_is_tso(s);
    while (len) {
        uint32_t take;
        uint8_t *dst;
        if (tso && s->tx_hdr_got < s->tx_hdr_len) {
            take = s->tx_hdr_len - s->tx_hdr_got;
            dst = s->tx_buf + s->tx_len;
        } else if (tso) {
            if (s->tx_len - s->tx_hdr_len == e1000_tso_mss(s)) {
                e1000_tso_segment(s, false);
                s->tx_len = s->tx_hdr_len;
            }
            take = s->tx_hdr_len + e1000_tso_mss(s) - s->tx_len;
            dst = s->tx_buf + s->tx_len;
        } else {
            take = E1000_TX_BUF_SIZE - 4 - s->tx_len;
            dst = s->tx_buf + s->tx_len;
            if (!take) {
                LOG_MASK(LOG_GUEST_ERRORS, "e1000: transmit packet longer than %u bytes\n",
                         E1000_TX_BUF_SIZE - 4);
                s->tx_bad = true;
                return;
            }
        }
        if (take > len) take = len;
        if (pci_dma_read(&s->pci, addr, dst, take) != MEMTX_OK) {
            LOG_MASK(LOG_GUEST_ERRORS, "e1000: transmit buffer at %#llx unreadable\n",
                     (unsigned long long)addr);
            s->tx_bad = true;
        }
        if (tso && s->tx_hdr_got < s->tx_hdr_len) {
            memcpy(s->tx_hdr + s->tx_hdr_got, dst, take);
            s->tx_hdr_got += take;
        }
        s->tx_len += take;
        addr += take;
        len -= take;
    }
}

/* EOP: send what was gathered, then start a new packet. */
static void e1000_tx_finish(E1000State *s)
{
    if (s->tx_bad) {
        LOG_MASK(LOG_GUEST_ERRORS, "e1000: transmit packet dropped\n");
    } else if (e1000_tx_is_tso(s)) {
        if (s->tx_hdr_got < s->tx_hdr_len)
            LOG_MASK(LOG_GUEST_ERRORS, "e1000: TSO packet shorter than its %u-byte header\n",
                     s->tx_hdr_len);
        else if (s->tx_len > s->tx_hdr_len || !s->tx_segments)
            e1000_tso_segment(s, true);
        e1000_stat_inc(s, E1000_TSCTC);
    } else if (s->tx_cmd & TXD_CMD_DEXT) {
        e1000_tx_offload_csums(s, s->tx_buf, s->tx_len, false);
        e1000_tx_send(s, s->tx_buf, s->tx_len);
    } else {
        if (s->tx_cmd & TXD_CMD_IC) /* legacy: checksum from CSS to the end at CSO */
            e1000_csum_insert(s->tx_buf, s->tx_len, s->tx_css, s->tx_cso, 0, 0);
        e1000_tx_send(s, s->tx_buf, s->tx_len);
    }
    s->tx_len = s->tx_hdr_got = s->tx_payload_sent = s->tx_segments = 0;
    s->tx_in_packet = s->tx_bad = false;
}

static void e1000_tx_context(E1000State *s, const uint8_t *d)
{
    s->tx_ipcss = d[TXD_CTX_IPCSS];
    s->tx_ipcso = d[TXD_CTX_IPCSO];
    s->tx_ipcse = (uint16_t)get_le(d + TXD_CTX_IPCSE, 2);
    s->tx_tucss = d[TXD_CTX_TUCSS];
    s->tx_tucso = d[TXD_CTX_TUCSO];
    s->tx_tucse = (uint16_t)get_le(d + TXD_CTX_TUCSE, 2);
    s->tx_paylen = (uint32_t)get_le(d + 8, 4) & 0xfffff;
    s->tx_tucmd = d[TXD_CMD];
    s->tx_hdr_len = d[TXD_CTX_HDRLEN];
    s->tx_mss = (uint16_t)get_le(d + TXD_CTX_MSS, 2);
}

static void e1000_tx_descriptor(E1000State *s, const uint8_t *d)
{
    uint8_t cmd = d[TXD_CMD];
    uint32_t dw2 = (uint32_t)get_le(d + 8, 4);
    uint32_t len;
    if (cmd & TXD_CMD_DEXT) {
        unsigned dtyp = (dw2 >> TXD_DTYP_SHIFT) & 0xf;
        if (dtyp == TXD_DTYP_CONTEXT) {
            e1000_tx_context(s, d);
            return;
        }
        if (dtyp != TXD_DTYP_DATA) {
            LOG_MASK(LOG_GUEST_ERRORS, "e1000: transmit descriptor type %u\n", dtyp);
            return;
        }
        len = dw2 & 0xfffff;
        if (!s->tx_in_packet) { /* the first descriptor decides the packet's options */
            s->tx_cmd = cmd;
            s->tx_popts = d[TXD_POPTS];
            if ((cmd & TXD_CMD_TSE) && (!s->tx_mss || !s->tx_hdr_len)) {
                LOG_MASK(LOG_GUEST_ERRORS, "e1000: TSO with MSS %u, header %u\n", s->tx_mss,
                         s->tx_hdr_len);
                s->tx_cmd &= (uint8_t)~TXD_CMD_TSE;
            }
        }
    } else {
        len = dw2 & 0xffff;
        if (!s->tx_in_packet) {
            s->tx_cmd = cmd;
            s->tx_cso = d[TXD_LEGACY_CSO];
            s->tx_css = d[TXD_LEGACY_CSS];
        }
    }
    if (!s->tx_in_packet) s->tx_vlan = (uint16_t)get_le(d + TXD_SPECIAL, 2);
    s->tx_in_packet = true;
    e1000_tx_gather(s, get_le(d, 8), len);
    if (cmd & TXD_CMD_EOP) e1000_tx_finish(s);
}

void e1000_tx_start(E1000State *s)
{
    if (!(e1000_reg(s, E1000_TCTL) & TCTL_EN)) return;
    uint32_t n = e1000_reg(s, E1000_TDLEN) / TXD_SIZE;
    uint32_t tdh = e1000_reg(s, E1000_TDH), tdt = e1000_reg(s, E1000_TDT);
    if (!n || tdh == tdt) return;
    if (tdh >= n || tdt >= n) {
        LOG_MASK(LOG_GUEST_ERRORS, "e1000: TDH %u or TDT %u outside a ring of %u\n", tdh, tdt, n);
        return;
    }
    uint64_t base = (uint64_t)e1000_reg(s, E1000_TDBAH) << 32 | e1000_reg(s, E1000_TDBAL);
    uint32_t causes = 0;
    while (tdh != tdt) {
        uint64_t daddr = base + (uint64_t)tdh * TXD_SIZE;
        uint8_t d[TXD_SIZE];
        if (pci_dma_read(&s->pci, daddr, d, sizeof d) != MEMTX_OK) {
            LOG_MASK(LOG_GUEST_ERRORS, "e1000: transmit descriptor at %#llx unreadable\n",
                     (unsigned long long)daddr);
            break;
        }
        e1000_tx_descriptor(s, d);
        if (d[TXD_CMD] & TXD_CMD_RS) { /* report status: DD (§3.3.3.2) */
            uint8_t sta = d[TXD_STA] | TXD_STA_DD;
            pci_dma_write(&s->pci, daddr + TXD_STA, &sta, 1);
            causes |= ICR_TXDW;
        }
        tdh = (tdh + 1) % n;
        e1000_set_reg(s, E1000_TDH, tdh);
    }
    if (tdh == tdt) causes |= ICR_TXQE;
    e1000_set_ics(s, causes);
}
