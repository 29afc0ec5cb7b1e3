/*
 * Intel 8254x register map, bits and descriptor layouts as the 82540EM
 * has them.  Section numbers are those of the "PCI/PCI-X Family of Gigabit
 * Ethernet Controllers Software Developer's Manual" (317453, rev. 4.0):
 * §13 registers, §3.2 receive, §3.3 transmit, §5.3 EEPROM, §8 PHY.
 */
#ifndef DOPPEL_E1000_REGS_H
#define DOPPEL_E1000_REGS_H

/* §13.1 register offsets (bytes into BAR0). */
enum {
    E1000_CTRL = 0x0000,
    E1000_STATUS = 0x0008,
    E1000_EECD = 0x0010,
    E1000_EERD = 0x0014,
    E1000_CTRL_EXT = 0x0018,
    E1000_FLA = 0x001c,
    E1000_MDIC = 0x0020,
    E1000_FCAL = 0x0028,
    E1000_FCAH = 0x002c,
    E1000_FCT = 0x0030,
    E1000_VET = 0x0038,
    E1000_ICR = 0x00c0,
    E1000_ITR = 0x00c4,
    E1000_ICS = 0x00c8,
    E1000_IMS = 0x00d0,
    E1000_IMC = 0x00d8,
    E1000_RCTL = 0x0100,
    E1000_FCTTV = 0x0170,
    E1000_TXCW = 0x0178,
    E1000_RXCW = 0x0180,
    E1000_TCTL = 0x0400,
    E1000_TIPG = 0x0410,
    E1000_AIT = 0x0458,
    E1000_LEDCTL = 0x0e00,
    E1000_PBA = 0x1000,
    E1000_FCRTL = 0x2160,
    E1000_FCRTH = 0x2168,
    E1000_RDBAL = 0x2800,
    E1000_RDBAH = 0x2804,
    E1000_RDLEN = 0x2808,
    E1000_RDH = 0x2810,
    E1000_RDT = 0x2818,
    E1000_RDTR = 0x2820,
    E1000_RXDCTL = 0x2828,
    E1000_RADV = 0x282c,
    E1000_RSRPD = 0x2c00,
    E1000_TXDMAC = 0x3000,
    E1000_TDBAL = 0x3800,
    E1000_TDBAH = 0x3804,
    E1000_TDLEN = 0x3808,
    E1000_TDH = 0x3810,
    E1000_TDT = 0x3818,
    E1000_TIDV = 0x3820,
    E1000_TXDCTL = 0x3828,
    E1000_TADV = 0x382c,
    E1000_STATS = 0x4000, /* §13.7: 64 counters to 0x40fc */
    E1000_RXCSUM = 0x5000,
    E1000_MTA = 0x5200, /* 128 words: 4096-bit multicast hash table */
    E1000_RA = 0x5400,  /* 16 pairs RAL/RAH */
    E1000_VFTA = 0x5600,
    E1000_WUC = 0x5800,
    E1000_WUFC = 0x5808,
    E1000_WUS = 0x5810,
    E1000_MANC = 0x5820,
    E1000_IPAV = 0x5838,
    E1000_IP4AT = 0x5840,
    E1000_IP6AT = 0x5880,
    E1000_WUPL = 0x5900,
    E1000_WUPM = 0x5a00,
    E1000_FFLT = 0x5f00,
    E1000_REG_END = 0x6000, /* registers kept in E1000State.mac[] */
};

/* §13.7 statistics: offsets of the counters the model updates. */
enum {
    E1000_MPC = 0x4010,
    E1000_PRC64 = 0x405c, /* PRC64..PRC1522: six size bins */
    E1000_GPRC = 0x4074,
    E1000_BPRC = 0x4078,
    E1000_MPRC = 0x407c,
    E1000_GPTC = 0x4080,
    E1000_GORCL = 0x4088,
    E1000_GORCH = 0x408c,
    E1000_GOTCL = 0x4090,
    E1000_GOTCH = 0x4094,
    E1000_RNBC = 0x40a0,
    E1000_ROC = 0x40ac,
    E1000_TORL = 0x40c0,
    E1000_TORH = 0x40c4,
    E1000_TOTL = 0x40c8,
    E1000_TOTH = 0x40cc,
    E1000_TPR = 0x40d0,
    E1000_TPT = 0x40d4,
    E1000_PTC64 = 0x40d8, /* PTC64..PTC1522 */
    E1000_MPTC = 0x40f0,
    E1000_BPTC = 0x40f4,
    E1000_TSCTC = 0x40f8,
};

/* §13.4.1 CTRL */
enum {
    CTRL_FD = 1u << 0,
    CTRL_SLU = 1u << 6,
    CTRL_SPEED_1000 = 2u << 8,
    CTRL_RST = 1u << 26,
    CTRL_VME = 1u << 30,
    CTRL_PHY_RST = 1u << 31,
};

/* §13.4.2 STATUS */
enum {
    STATUS_FD = 1u << 0,
    STATUS_LU = 1u << 1,
    STATUS_SPEED_1000 = 2u << 6,
    STATUS_ASDV_1000 = 2u << 8,
};

/* §13.4.3 EECD: Microwire bit-bang interface and software arbitration. */
enum {
    EECD_SK = 1u << 0,
    EECD_CS = 1u << 1,
    EECD_DI = 1u << 2,
    EECD_DO = 1u << 3,
    EECD_REQ = 1u << 6,
    EECD_GNT = 1u << 7,
    EECD_PRES = 1u << 8,
    /* SK, CS, DI, FWE and REQ: what software drives.  DO is the EEPROM's
     * output: a driver writing back the DO it read must not latch it. */
    EECD_SW_BITS = (0x3f & ~EECD_DO) | EECD_REQ,
};

/* §13.4.4 EERD */
enum {
    EERD_START = 1u << 0,
    EERD_DONE = 1u << 4,
    EERD_ADDR_SHIFT = 8,
    EERD_DATA_SHIFT = 16,
};

/* §13.4.6 MDIC */
enum {
    MDIC_DATA_MASK = 0xffff,
    MDIC_REG_SHIFT = 16,
    MDIC_PHY_SHIFT = 21,
    MDIC_OP_SHIFT = 26,
    MDIC_OP_WRITE = 1,
    MDIC_OP_READ = 2,
    MDIC_READY = 1u << 28,
    MDIC_INT_EN = 1u << 29,
    MDIC_ERROR = 1u << 30,
};

/* §13.4.17 ICR bits (also ICS, IMS, IMC). */
enum {
    ICR_TXDW = 1u << 0,
    ICR_TXQE = 1u << 1,
    ICR_LSC = 1u << 2,
    ICR_RXSEQ = 1u << 3,
    ICR_RXDMT0 = 1u << 4,
    ICR_RXO = 1u << 6,
    ICR_RXT0 = 1u << 7,
    ICR_MDAC = 1u << 9,
    ICR_ALL = 0x0001f6df, /* causes the 82540EM implements */
};

/* §13.4.22 RCTL */
enum {
    RCTL_EN = 1u << 1,
    RCTL_UPE = 1u << 3,
    RCTL_MPE = 1u << 4,
    RCTL_LPE = 1u << 5,
    RCTL_RDMTS_SHIFT = 8,
    RCTL_MO_SHIFT = 12,
    RCTL_BAM = 1u << 15,
    RCTL_BSIZE_SHIFT = 16,
    RCTL_BSEX = 1u << 25,
    RCTL_SECRC = 1u << 26,
};

/* §13.4.33 TCTL */
enum {
    TCTL_EN = 1u << 1,
    TCTL_PSP = 1u << 3,
};

enum {
    RDTR_FPD = 1u << 31, /* flush partial descriptor block: interrupt now */
    RAH_AV = 1u << 31,   /* receive address valid */
    RXCSUM_PCSS_MASK = 0xff,
};

/* §3.2.3 receive descriptor (legacy, 16 bytes). */
enum {
    RXD_LENGTH = 8,
    RXD_CSUM = 10,
    RXD_STATUS = 12,
    RXD_ERRORS = 13,
    RXD_SPECIAL = 14,
    RXD_SIZE = 16,

    RXD_STAT_DD = 1u << 0,
    RXD_STAT_EOP = 1u << 1,
    RXD_STAT_IXSM = 1u << 2, /* ignore checksum indication */
    RXD_STAT_VP = 1u << 3,
};

/* §3.3.3 legacy, §3.3.6 context and §3.3.7 data transmit descriptors:
 * byte offsets inside the 16-byte descriptor. */
enum {
    TXD_SIZE = 16,
    TXD_LEGACY_LENGTH = 8, /* 16 bits */
    TXD_LEGACY_CSO = 10,
    TXD_CMD = 11, /* legacy CMD, data DCMD, context TUCMD */
    TXD_STA = 12,
    TXD_LEGACY_CSS = 13,
    TXD_SPECIAL = 14,
    TXD_POPTS = 13, /* data descriptor */
    TXD_CTX_IPCSS = 0,
    TXD_CTX_IPCSO = 1,
    TXD_CTX_IPCSE = 2,
    TXD_CTX_TUCSS = 4,
    TXD_CTX_TUCSO = 5,
    TXD_CTX_TUCSE = 6,
    TXD_CTX_HDRLEN = 13,
    TXD_CTX_MSS = 14,

    TXD_CMD_EOP = 1u << 0,
    TXD_CMD_IFCS = 1u << 1,
    TXD_CMD_IC = 1u << 2,  /* legacy: insert checksum */
    TXD_CMD_TSE = 1u << 2, /* data/context: TCP segmentation */
    TXD_CMD_RS = 1u << 3,
    TXD_CMD_DEXT = 1u << 5,
    TXD_CMD_VLE = 1u << 6,
    TXD_CMD_IDE = 1u << 7,
    TXD_STA_DD = 1u << 0,
    TXD_DTYP_SHIFT = 20, /* in the dword at offset 8 */
    TXD_DTYP_CONTEXT = 0,
    TXD_DTYP_DATA = 1,
    TXD_TUCMD_TCP = 1u << 0, /* context: TCP (else UDP) */
    TXD_TUCMD_IP = 1u << 1,  /* context: IPv4 (else IPv6) */
    TXD_POPTS_IXSM = 1u << 0,
    TXD_POPTS_TXSM = 1u << 1,
};

/* §8.2 PHY (Marvell 88E1011 on the 82540EM): registers and bits used. */
enum {
    PHY_CTRL = 0,
    PHY_STATUS = 1,
    PHY_ID1 = 2,
    PHY_ID2 = 3,
    PHY_AUTONEG_ADV = 4,
    PHY_LP_ABILITY = 5,
    PHY_AUTONEG_EXP = 6,
    PHY_1000T_CTRL = 9,
    PHY_1000T_STATUS = 10,
    PHY_EXT_STATUS = 15,
    M88_PHY_SPEC_CTRL = 16,
    M88_PHY_SPEC_STATUS = 17,
    M88_INT_ENABLE = 18,
    M88_INT_STATUS = 19,
    M88_EXT_PHY_SPEC_CTRL = 20,
    M88_RX_ERR_CNTR = 21,
    M88_LED_CTRL = 24,
    M88_EXT_ADDR = 29,
    M88_EXT_DATA = 30,
    PHY_REGS = 32,

    PHY_CTRL_RESTART_AN = 1u << 9,
    PHY_CTRL_RESET = 1u << 15,
    PHY_STATUS_LINK = 1u << 2,
    PHY_STATUS_AN_DONE = 1u << 5,
};

#endif
