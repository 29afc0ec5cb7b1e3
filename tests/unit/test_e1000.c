/* e1000: the 82540EM driven through its BARs on a real PciBus with RAM,
 * with a test backend that records what the NIC transmits. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/device.h"
#include "core/machine.h"
#include "devices/net/e1000.h"
#include "devices/net/e1000_regs.h"
#include "devices/pci/pci.h"
#include "net/net.h"
#include "softmmu/memory.h"

#define RAM_SIZE  (1u << 20)
#define BAR0      0x80000000u
#define BAR1      0xc000u
#define NIC_DEVFN PCI_DEVFN(3, 0)
#define TX_RING   0x1000u
#define TX_BUFS   0x10000u
#define RX_RING   0x2000u
#define RX_BUFS   0x40000u

static Machine M;
static MemoryRegion root, io_root, ram;
static AddressSpace as;
static PciBus *bus;
static Device *nic;
static NetBackend *backend;
static int64_t fake_ns;
static int pirq_level[4];

static uint8_t sent[16][2048];
static size_t sent_len[16];
static int nsent;

static const uint8_t nic_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

static int64_t fake_now(void *opaque)
{
    (void)opaque;
    return fake_ns;
}

static void set_pirq(void *opaque, int pirq, int level)
{
    (void)opaque;
    pirq_level[pirq] = level;
}

static int nic_irq(void)
{
    /* slot 3, INTA: PIRQ (3 + 1 - 1) & 3 */
    return pirq_level[2]; /* slot 3 INTA#: PIRQC */
}

static void test_from_guest(NetBackend *b, const uint8_t *frame, size_t len)
{
    (void)b;
    cr_assert_lt(nsent, 16);
    cr_assert_leq(len, sizeof sent[0]);
    memcpy(sent[nsent], frame, len);
    sent_len[nsent++] = len;
}

static const NetBackendOps test_ops = {.type = "test", .receive_from_guest = test_from_guest};

static void wr(uint32_t off, uint32_t v)
{
    cr_assert_eq(address_space_write_val(&as, BAR0 + off, 4, false, v), MEMTX_OK);
}
static uint32_t rd(uint32_t off)
{
    uint64_t v;
    cr_assert_eq(address_space_read_val(&as, BAR0 + off, 4, false, &v), MEMTX_OK);
    return (uint32_t)v;
}
static void ram_write(uint32_t addr, const void *buf, size_t len)
{
    memcpy(ram.host + addr, buf, len);
}

static void setup(void)
{
    memset(&M, 0, sizeof M);
    nsent = 0;
    memset(pirq_level, 0, sizeof pirq_level);
    fake_ns = 1000;
    M.clocks = clocks_new();
    clocks_set_host_source(M.clocks, fake_now, NULL);
    memory_region_init_container(&root, "system", 1ull << 32);
    memory_region_init_container(&io_root, "io", 0x10000);
    cr_assert(memory_region_init_ram(&ram, "ram", RAM_SIZE));
    memory_region_add_subregion(&root, 0, &ram, 0);
    address_space_init(&as, &root, "memory");
    bus = pci_bus_new(&M, &root, &io_root, &as);
    pci_bus_set_irq_handler(bus, set_pirq, NULL);
    cr_assert(machine_add_bus(&M, PCI_BUS_NAME, bus));
    char err[128];
    backend = net_backend_new(&M, "n0", &test_ops, NULL, err, sizeof err);
    cr_assert_not_null(backend, "%s", err);
    nic = e1000_create(&M, "n0", NULL, "3");
    cr_assert_not_null(nic);
    pci_bus_config_write(bus, NIC_DEVFN, PCI_BASE_ADDRESS_0, BAR0, 4);
    pci_bus_config_write(bus, NIC_DEVFN, PCI_BASE_ADDRESS_0 + 4, BAR1, 4);
    pci_bus_config_write(bus, NIC_DEVFN, PCI_COMMAND,
                         PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
}

static void teardown(void)
{
    device_free_all(&M);
    net_backends_free(&M);
    pci_bus_free(bus);
    address_space_destroy(&as);
    memory_region_destroy(&root);
    memory_region_destroy(&io_root);
    memory_region_destroy(&ram);
    clocks_free(M.clocks);
}

TestSuite(e1000, .init = setup, .fini = teardown);

Test(e1000, pci_identity_and_bars)
{
    cr_assert_eq(pci_bus_config_read(bus, NIC_DEVFN, PCI_VENDOR_ID, 4), 0x100e8086);
    cr_assert_eq(pci_bus_config_read(bus, NIC_DEVFN, PCI_CLASS_PROG, 1), 0x00);
    cr_assert_eq(pci_bus_config_read(bus, NIC_DEVFN, PCI_CLASS_DEVICE, 2), 0x0200);
    cr_assert_eq(pci_bus_config_read(bus, NIC_DEVFN, PCI_INTERRUPT_PIN, 1), 1);
    /* BAR0 is 128 KiB of memory, BAR1 I/O. */
    pci_bus_config_write(bus, NIC_DEVFN, PCI_BASE_ADDRESS_0, 0xffffffff, 4);
    cr_assert_eq(pci_bus_config_read(bus, NIC_DEVFN, PCI_BASE_ADDRESS_0, 4), 0xfffe0000);
    pci_bus_config_write(bus, NIC_DEVFN, PCI_BASE_ADDRESS_0, BAR0, 4);
    cr_assert_eq(pci_bus_config_read(bus, NIC_DEVFN, PCI_BASE_ADDRESS_0 + 4, 4) & 1, 1);
}

Test(e1000, status_link_up_1000_full_duplex)
{
    uint32_t status = rd(E1000_STATUS);
    cr_assert(status & STATUS_LU);
    cr_assert(status & STATUS_FD);
    cr_assert_eq(status & (3u << 6), STATUS_SPEED_1000);
    /* The link-up cause is pending from reset; reading ICR clears it. */
    cr_assert(rd(E1000_ICR) & ICR_LSC);
    cr_assert_eq(rd(E1000_ICR), 0);
}

Test(e1000, io_bar_reaches_registers)
{
    uint64_t v;
    /* IOADDR = STATUS, IODATA reads it. */
    AddressSpace ioas;
    address_space_init(&ioas, &io_root, "io");
    address_space_write_val(&ioas, BAR1, 4, false, E1000_STATUS);
    address_space_read_val(&ioas, BAR1, 4, false, &v);
    cr_assert_eq(v, E1000_STATUS);
    address_space_read_val(&ioas, BAR1 + 4, 4, false, &v);
    cr_assert_eq(v, rd(E1000_STATUS));
    /* A write through IODATA lands in the register. */
    address_space_write_val(&ioas, BAR1, 4, false, E1000_TIPG);
    address_space_write_val(&ioas, BAR1 + 4, 4, false, 0x00602008);
    cr_assert_eq(rd(E1000_TIPG), 0x00602008);
    address_space_destroy(&ioas);
}

/* ---- EEPROM: the Microwire protocol as Linux's e1000 bit-bangs it ---- */

static void ee_write(uint32_t v)
{
    wr(E1000_EECD, v);
}

static void ee_clock_out(uint32_t cs, unsigned bit)
{
    uint32_t di = bit ? EECD_DI : 0;
    ee_write(cs | di);
    ee_write(cs | di | EECD_SK);
    ee_write(cs | di);
}

static uint16_t ee_read_word(unsigned addr)
{
    uint32_t cs = EECD_CS | EECD_REQ;
    ee_write(EECD_REQ);
    cr_assert(rd(E1000_EECD) & EECD_GNT);
    ee_write(cs);
    unsigned cmd = 6u << 6 | addr; /* READ opcode 110b, 6 address bits */
    for (int i = 8; i >= 0; i--)
        ee_clock_out(cs, (cmd >> i) & 1);
    /* As Linux's e1000_shift_in_ee_bits: the clock edges write back the
     * EECD value last read, DO included. */
    uint16_t data = 0;
    uint32_t e = rd(E1000_EECD) & ~(EECD_DO | EECD_DI);
    for (int i = 0; i < 16; i++) {
        ee_write(e |= EECD_SK);
        e = rd(E1000_EECD) & ~EECD_DI;
        data = (uint16_t)(data << 1 | ((e & EECD_DO) ? 1 : 0));
        ee_write(e &= ~EECD_SK);
    }
    ee_write(0);
    return data;
}

Test(e1000, eeprom_microwire_mac_and_checksum)
{
    cr_assert(rd(E1000_EECD) & EECD_PRES);
    uint16_t w[3];
    for (unsigned i = 0; i < 3; i++)
        w[i] = ee_read_word(i);
    for (int i = 0; i < 6; i++)
        cr_assert_eq((uint8_t)(w[i / 2] >> (8 * (i & 1))), nic_mac[i], "byte %d", i);
    uint16_t sum = 0;
    for (unsigned i = 0; i < 64; i++)
        sum += ee_read_word(i);
    cr_assert_eq(sum, 0xbaba);
    /* EERD gives the same words. */
    wr(E1000_EERD, 1u << 8 | EERD_START);
    uint32_t eerd = rd(E1000_EERD);
    cr_assert(eerd & EERD_DONE);
    cr_assert_eq(eerd >> 16, w[1]);
}

Test(e1000, mac_property_and_receive_address)
{
    Device *d = device_create(&M, "e1000");
    char err[128];
    cr_assert(device_set_prop(d, "mac", "52:54:00:ab:cd:ef", err, sizeof err));
    cr_assert(device_realize(d));
    /* It sits at the next free slot; RAL0/RAH0 come from its EEPROM. */
    PciDevice *p = (PciDevice *)d;
    pci_bus_config_write(bus, p->devfn, PCI_BASE_ADDRESS_0, 0x90000000, 4);
    pci_bus_config_write(bus, p->devfn, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    uint64_t lo, hi;
    address_space_read_val(&as, 0x90000000 + E1000_RA, 4, false, &lo);
    address_space_read_val(&as, 0x90000000 + E1000_RA + 4, 4, false, &hi);
    cr_assert_eq(lo, 0xab005452);
    cr_assert_eq(hi, 0x8000efcd);
}

Test(e1000, netdev_missing_is_an_error)
{
    Device *d = device_create(&M, "e1000");
    char err[128];
    cr_assert(device_set_prop(d, "netdev", "nope", err, sizeof err));
    cr_assert_not(device_realize(d));
}

/* ---- PHY through MDIC ---- */

static uint16_t phy_read(unsigned reg)
{
    wr(E1000_MDIC, MDIC_OP_READ << MDIC_OP_SHIFT | 1u << MDIC_PHY_SHIFT | reg << MDIC_REG_SHIFT);
    uint32_t v = rd(E1000_MDIC);
    cr_assert(v & MDIC_READY);
    cr_assert_not(v & MDIC_ERROR);
    return (uint16_t)v;
}

Test(e1000, phy_link_and_identity)
{
    cr_assert_eq(phy_read(PHY_ID1), 0x0141);
    cr_assert_eq(phy_read(PHY_ID2) & 0xfff0, 0x0c20); /* M88E1011 */
    uint16_t st = phy_read(PHY_STATUS);
    cr_assert(st & PHY_STATUS_LINK);
    cr_assert(st & PHY_STATUS_AN_DONE);
    cr_assert(phy_read(PHY_LP_ABILITY) != 0);
    /* Restarting autonegotiation completes and self-clears. */
    wr(E1000_MDIC,
       MDIC_OP_WRITE << MDIC_OP_SHIFT | 1u << MDIC_PHY_SHIFT | PHY_CTRL << MDIC_REG_SHIFT | 0x1340);
    cr_assert_eq(phy_read(PHY_CTRL), 0x1140);
    /* Another PHY address does not answer. */
    wr(E1000_MDIC, MDIC_OP_READ << MDIC_OP_SHIFT | 2u << MDIC_PHY_SHIFT);
    cr_assert(rd(E1000_MDIC) & MDIC_ERROR);
}

Test(e1000, statistics_clear_on_read)
{
    wr(E1000_TCTL, TCTL_EN);
    wr(E1000_TDBAL, TX_RING);
    wr(E1000_TDLEN, 8 * 16);
    uint8_t frame[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    ram_write(TX_BUFS, frame, sizeof frame);
    uint8_t d[16] = {0};
    d[0] = (uint8_t)TX_BUFS, d[1] = (uint8_t)(TX_BUFS >> 8), d[2] = (uint8_t)(TX_BUFS >> 16);
    d[8] = 60, d[11] = TXD_CMD_EOP;
    ram_write(TX_RING, d, 16);
    wr(E1000_TDT, 1);
    cr_assert_eq(rd(E1000_GPTC), 1);
    cr_assert_eq(rd(E1000_GPTC), 0);
    cr_assert_eq(rd(E1000_BPTC), 1);
    cr_assert_eq(rd(E1000_GOTCL), 64);
    cr_assert_eq(rd(E1000_GOTCL), 64); /* the low half is cleared by reading the high */
    cr_assert_eq(rd(E1000_GOTCH), 0);
    cr_assert_eq(rd(E1000_GOTCL), 0);
}

/* ---- transmit ---- */

static void tx_setup(void)
{
    wr(E1000_TDBAL, TX_RING);
    wr(E1000_TDBAH, 0);
    wr(E1000_TDLEN, 8 * 16);
    wr(E1000_TDH, 0);
    wr(E1000_TDT, 0);
    wr(E1000_TCTL, TCTL_EN | TCTL_PSP);
}

static void put_desc(unsigned idx, uint64_t addr, uint32_t dw2, uint32_t dw3)
{
    uint8_t d[16];
    for (int i = 0; i < 8; i++)
        d[i] = (uint8_t)(addr >> (8 * i));
    for (int i = 0; i < 4; i++) {
        d[8 + i] = (uint8_t)(dw2 >> (8 * i));
        d[12 + i] = (uint8_t)(dw3 >> (8 * i));
    }
    ram_write(TX_RING + 16 * idx, d, 16);
}

Test(e1000, transmit_legacy_frame_exact_bytes)
{
    tx_setup();
    wr(E1000_IMS, ICR_TXDW);
    rd(E1000_ICR);
    cr_assert_eq(nic_irq(), 0);
    uint8_t frame[100];
    for (int i = 0; i < 100; i++)
        frame[i] = (uint8_t)(i * 7 + 1);
    /* Two buffers for one frame. */
    ram_write(TX_BUFS, frame, 40);
    ram_write(TX_BUFS + 0x1000, frame + 40, 60);
    put_desc(0, TX_BUFS, 40, 0);
    put_desc(1, TX_BUFS + 0x1000, 60 | (uint32_t)(TXD_CMD_EOP | TXD_CMD_IFCS | TXD_CMD_RS) << 24,
             0);
    wr(E1000_TDT, 2);
    cr_assert_eq(nsent, 1);
    cr_assert_eq(sent_len[0], 100);
    cr_assert_arr_eq(sent[0], frame, 100);
    cr_assert_eq(rd(E1000_TDH), 2);
    cr_assert(ram.host[TX_RING + 16 + 12] & TXD_STA_DD);
    cr_assert_eq(nic_irq(), 1);
    cr_assert(rd(E1000_ICR) & ICR_TXDW);
    cr_assert_eq(nic_irq(), 0);
}

Test(e1000, transmit_pads_short_frames)
{
    tx_setup();
    uint8_t frame[20];
    memset(frame, 0xab, sizeof frame);
    ram_write(TX_BUFS, frame, sizeof frame);
    put_desc(0, TX_BUFS, 20 | (uint32_t)TXD_CMD_EOP << 24, 0);
    wr(E1000_TDT, 1);
    cr_assert_eq(nsent, 1);
    cr_assert_eq(sent_len[0], 60);
    cr_assert_eq(sent[0][19], 0xab);
    cr_assert_eq(sent[0][20], 0);
}

Test(e1000, transmit_ring_outside_ram_is_harmless)
{
    wr(E1000_TDBAL, 0xf0000000); /* nothing there */
    wr(E1000_TDLEN, 8 * 16);
    wr(E1000_TCTL, TCTL_EN);
    wr(E1000_TDT, 3);
    cr_assert_eq(nsent, 0);
    wr(E1000_TDH, 100); /* beyond the ring */
    wr(E1000_TDT, 1);
    cr_assert_eq(nsent, 0);
}

/* ---- checksum helpers for the offload tests ---- */

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    if (len & 1) sum += (uint32_t)p[len - 1] << 8;
    return sum;
}
static uint16_t fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}
static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}
static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The frame's IPv4 header and TCP checksums verify (sum to 0xffff). */
static void assert_ipv4_tcp_valid(const uint8_t *f, size_t len)
{
    const uint8_t *ip = f + 14;
    cr_assert_eq(fold(sum16(ip, 20, 0)), 0xffff, "IP header checksum");
    size_t tcp_len = len - 34;
    cr_assert_eq(be16(ip + 2), len - 14, "IP total length");
    uint32_t pseudo = sum16(ip + 12, 8, 0) + 6 + (uint32_t)tcp_len;
    cr_assert_eq(fold(sum16(f + 34, tcp_len, pseudo)), 0xffff, "TCP checksum");
}

/* Ethernet + IPv4 + TCP header (54 bytes) as Linux hands it for TSO:
 * total length and IP checksum 0, TCP checksum = pseudo-header sum
 * without the length. */
static void build_tcp_header(uint8_t *f, size_t total_len, bool tso)
{
    memset(f, 0, 54);
    memcpy(f, "\x52\x55\x0a\x00\x02\x02", 6);
    memcpy(f + 6, nic_mac, 6);
    f[12] = 0x08;
    uint8_t *ip = f + 14;
    ip[0] = 0x45;
    if (!tso) {
        ip[2] = (uint8_t)((total_len - 14) >> 8);
        ip[3] = (uint8_t)(total_len - 14);
    }
    ip[4] = 0x12, ip[5] = 0x34; /* id */
    ip[8] = 64, ip[9] = 6;
    memcpy(ip + 12, "\x0a\x00\x02\x0f\x0a\x00\x02\x02", 8);
    uint8_t *tcp = f + 34;
    tcp[0] = 0x80, tcp[1] = 0x00, tcp[2] = 0x00, tcp[3] = 0x16;
    tcp[4] = 0x10, tcp[5] = 0x00, tcp[6] = 0x00, tcp[7] = 0x00; /* seq 0x10000000 */
    tcp[12] = 0x50;
    tcp[13] = 0x18 | 0x01; /* ACK PSH FIN */
    tcp[14] = 0xff, tcp[15] = 0xff;
    uint32_t pseudo = sum16(ip + 12, 8, 0) + 6 + (tso ? 0 : (uint32_t)(total_len - 34));
    uint16_t p = fold(pseudo);
    tcp[16] = (uint8_t)(p >> 8), tcp[17] = (uint8_t)p;
}

/* Context descriptor: IP at 14 (checksum at 24, header to 33), TCP at 34
 * (checksum at 50). */
static void put_context(unsigned idx, uint8_t tucmd, uint32_t paylen, uint8_t hdrlen, uint16_t mss)
{
    uint64_t lo = 14 | 24 << 8 | (uint64_t)33 << 16 | (uint64_t)34 << 32 | (uint64_t)50 << 40;
    uint32_t dw2 = paylen | (uint32_t)(tucmd | TXD_CMD_DEXT) << 24;
    uint32_t dw3 = (uint32_t)hdrlen << 8 | (uint32_t)mss << 16;
    put_desc(idx, lo, dw2, dw3);
}

static uint32_t data_dw2(uint32_t len, uint8_t dcmd)
{
    return len | 1u << TXD_DTYP_SHIFT | (uint32_t)(dcmd | TXD_CMD_DEXT) << 24;
}

Test(e1000, transmit_checksum_offload)
{
    tx_setup();
    uint8_t f[54 + 33];
    build_tcp_header(f, sizeof f, false);
    for (size_t i = 54; i < sizeof f; i++)
        f[i] = (uint8_t)(i * 13);
    ram_write(TX_BUFS, f, sizeof f);
    put_context(0, TXD_TUCMD_IP | TXD_TUCMD_TCP, 0, 0, 0);
    put_desc(1, TX_BUFS, data_dw2(sizeof f, TXD_CMD_EOP | TXD_CMD_RS),
             (uint32_t)(TXD_POPTS_IXSM | TXD_POPTS_TXSM) << 8);
    wr(E1000_TDT, 2);
    cr_assert_eq(nsent, 1);
    cr_assert_eq(sent_len[0], sizeof f);
    assert_ipv4_tcp_valid(sent[0], sent_len[0]);
    cr_assert_arr_eq(sent[0] + 54, f + 54, sizeof f - 54);
}

Test(e1000, transmit_tcp_segmentation)
{
    tx_setup();
    enum { PAYLOAD = 2500, MSS = 1000 };
    static uint8_t f[54 + PAYLOAD];
    build_tcp_header(f, sizeof f, true);
    for (size_t i = 54; i < sizeof f; i++)
        f[i] = (uint8_t)(i * 31 + 5);
    /* Header in its own buffer, payload split unevenly over two more. */
    ram_write(TX_BUFS, f, 54);
    ram_write(TX_BUFS + 0x1000, f + 54, 700);
    ram_write(TX_BUFS + 0x2000, f + 54 + 700, PAYLOAD - 700);
    put_context(0, TXD_TUCMD_IP | TXD_TUCMD_TCP | TXD_CMD_TSE, PAYLOAD, 54, MSS);
    uint32_t popts = (uint32_t)(TXD_POPTS_IXSM | TXD_POPTS_TXSM) << 8;
    put_desc(1, TX_BUFS, data_dw2(54, TXD_CMD_TSE), popts);
    put_desc(2, TX_BUFS + 0x1000, data_dw2(700, TXD_CMD_TSE), popts);
    put_desc(3, TX_BUFS + 0x2000, data_dw2(PAYLOAD - 700, TXD_CMD_TSE | TXD_CMD_EOP | TXD_CMD_RS),
             popts);
    wr(E1000_TDT, 4);
    cr_assert_eq(nsent, 3);
    size_t off = 0;
    for (int i = 0; i < 3; i++) {
        size_t plen = i < 2 ? MSS : PAYLOAD - 2 * MSS;
        const uint8_t *s = sent[i];
        cr_assert_eq(sent_len[i], 54 + plen, "segment %d length", i);
        assert_ipv4_tcp_valid(s, sent_len[i]);
        cr_assert_eq(be16(s + 18), 0x1234 + i, "IP id of segment %d", i);
        cr_assert_eq(be32(s + 38), 0x10000000 + off, "sequence of segment %d", i);
        uint8_t flags = s[47];
        cr_assert_eq(flags & 0x09, i == 2 ? 0x09 : 0, "FIN/PSH on segment %d", i);
        cr_assert(flags & 0x10, "ACK kept");
        cr_assert_arr_eq(s + 54, f + 54 + off, plen);
        off += plen;
    }
    cr_assert(ram.host[TX_RING + 3 * 16 + 12] & TXD_STA_DD);
    cr_assert_eq(rd(E1000_TSCTC), 1);
}

/* ---- receive ---- */

static void rx_setup(unsigned ndesc, uint32_t rctl_extra)
{
    for (unsigned i = 0; i < 8; i++) {
        uint8_t d[16] = {0};
        uint32_t buf = RX_BUFS + i * 0x800;
        d[0] = (uint8_t)buf, d[1] = (uint8_t)(buf >> 8), d[2] = (uint8_t)(buf >> 16);
        ram_write(RX_RING + 16 * i, d, 16);
    }
    wr(E1000_RDBAL, RX_RING);
    wr(E1000_RDLEN, 8 * 16);
    wr(E1000_RDH, 0);
    wr(E1000_RDT, ndesc);
    wr(E1000_RCTL, RCTL_EN | RCTL_SECRC | rctl_extra);
}

static bool deliver(const uint8_t *dst, size_t len)
{
    uint8_t f[1514];
    memcpy(f, dst, 6);
    memcpy(f + 6, "\x52\x55\x0a\x00\x02\x02", 6);
    f[12] = 0x08, f[13] = 0x00;
    for (size_t i = 14; i < len; i++)
        f[i] = (uint8_t)i;
    return net_backend_deliver(backend, f, len);
}

Test(e1000, receive_into_ring_with_interrupt)
{
    rx_setup(4, RCTL_BAM);
    rd(E1000_ICR);
    wr(E1000_IMS, ICR_RXT0);
    cr_assert(deliver(nic_mac, 42));
    cr_assert_eq(rd(E1000_RDH), 1);
    const uint8_t *d = ram.host + RX_RING;
    cr_assert_eq(d[8] | d[9] << 8, 60, "padded to 60 bytes");
    cr_assert_eq(d[12] & (RXD_STAT_DD | RXD_STAT_EOP), RXD_STAT_DD | RXD_STAT_EOP);
    cr_assert_arr_eq(ram.host + RX_BUFS, nic_mac, 6);
    cr_assert_eq(ram.host[RX_BUFS + 41], 41);
    cr_assert_eq(ram.host[RX_BUFS + 42], 0);
    cr_assert_eq(nic_irq(), 1);
    uint32_t icr = rd(E1000_ICR);
    cr_assert(icr & ICR_RXT0);
    cr_assert_eq(nic_irq(), 0);
    cr_assert_eq(rd(E1000_GPRC), 1);
}

Test(e1000, receive_keeps_crc_without_secrc)
{
    rx_setup(4, 0);
    wr(E1000_RCTL, RCTL_EN); /* SECRC off */
    cr_assert(deliver(nic_mac, 100));
    const uint8_t *d = ram.host + RX_RING;
    cr_assert_eq(d[8] | d[9] << 8, 104);
}

Test(e1000, receive_filtering)
{
    static const uint8_t other[6] = {0x52, 0x54, 0x00, 0x99, 0x99, 0x99};
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    static const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb};
    rx_setup(7, 0);
    deliver(other, 60);
    deliver(bcast, 60);
    deliver(mcast, 60);
    cr_assert_eq(rd(E1000_RDH), 0, "nothing accepted");
    wr(E1000_RCTL, RCTL_EN | RCTL_SECRC | RCTL_BAM);
    deliver(bcast, 60);
    cr_assert_eq(rd(E1000_RDH), 1, "broadcast with BAM");
    /* Multicast through the hash table (MO = 0: bits 47:36). */
    unsigned hash = (mcast[4] >> 4 | mcast[5] << 4) & 0xfff;
    wr(E1000_MTA + (hash >> 5) * 4, 1u << (hash & 31));
    deliver(mcast, 60);
    cr_assert_eq(rd(E1000_RDH), 2, "multicast in MTA");
    wr(E1000_RCTL, RCTL_EN | RCTL_SECRC | RCTL_UPE);
    deliver(other, 60);
    cr_assert_eq(rd(E1000_RDH), 3, "promiscuous");
    /* A second receive address. */
    wr(E1000_RCTL, RCTL_EN | RCTL_SECRC);
    wr(E1000_RA + 8, 0x99005452);
    wr(E1000_RA + 12, 0x9999 | RAH_AV);
    deliver(other, 60);
    cr_assert_eq(rd(E1000_RDH), 4, "RAL1/RAH1 match");
}

Test(e1000, receive_waits_for_descriptors)
{
    rx_setup(1, 0);
    wr(E1000_IMS, ICR_RXDMT0 | ICR_RXT0);
    cr_assert(deliver(nic_mac, 60));
    cr_assert_eq(rd(E1000_RDH), 1);
    cr_assert(rd(E1000_ICR) & ICR_RXDMT0, "ring below the threshold");
    /* No descriptor left: the frames wait in the backend's queue. */
    cr_assert(deliver(nic_mac, 61));
    cr_assert(deliver(nic_mac, 62));
    cr_assert_eq(rd(E1000_RDH), 1);
    cr_assert_eq(backend->q_count, 2);
    wr(E1000_RDT, 4); /* the driver hands over more buffers */
    cr_assert_eq(rd(E1000_RDH), 3);
    cr_assert_eq(backend->q_count, 0);
    const uint8_t *d = ram.host + RX_RING;
    cr_assert_eq(d[16 + 8], 61);
    cr_assert_eq(d[32 + 8], 62);
}

Test(e1000, receive_delay_timer)
{
    rx_setup(4, 0);
    rd(E1000_ICR);
    wr(E1000_IMS, ICR_RXT0);
    wr(E1000_RDTR, 100); /* 102.4 us */
    deliver(nic_mac, 60);
    cr_assert_eq(nic_irq(), 0);
    fake_ns += 50 * 1024;
    clocks_run_expired(M.clocks);
    cr_assert_eq(nic_irq(), 0);
    fake_ns += 60 * 1024;
    clocks_run_expired(M.clocks);
    cr_assert_eq(nic_irq(), 1);
}

Test(e1000, reset_clears_registers)
{
    wr(E1000_RDBAL, 0x1230);
    wr(E1000_IMS, ICR_TXDW);
    wr(E1000_CTRL, CTRL_RST | CTRL_SLU);
    cr_assert_eq(rd(E1000_RDBAL), 0);
    cr_assert_eq(rd(E1000_IMS), 0);
    cr_assert_eq(rd(E1000_CTRL) & CTRL_RST, 0);
    cr_assert(rd(E1000_RA + 4) & RAH_AV);
}

Test(e1000, vmstate_round_trip)
{
    wr(E1000_RDBAL, 0x4560);
    size_t n = vmstate_save(nic, NULL, 0);
    uint8_t *buf = malloc(n);
    vmstate_save(nic, buf, n);
    wr(E1000_RDBAL, 0);
    char err[128];
    cr_assert(vmstate_load(nic, buf, n, err, sizeof err), "%s", err);
    cr_assert_eq(rd(E1000_RDBAL), 0x4560);
    free(buf);
}
