/*
 * fw_cfg: QEMU's firmware configuration device, as SeaBIOS, OVMF and
 * Linux's qemu_fw_cfg driver find it on a PC (QEMU docs/specs/fw_cfg.rst):
 * a 16-bit selector port, an 8-bit data port right after it, and the
 * big-endian 64-bit DMA address register.  The board fills it with keyed
 * items (little-endian numbers, blobs) and named files before the guest
 * runs; all add functions copy the data.
 *
 *     Device *fw = fw_cfg_create(m, &board->io, m->as);
 *     fw_cfg_add_i64(fw, FW_CFG_RAM_SIZE, m->ram_size);
 *     fw_cfg_add_file(fw, "etc/e820", e820, sizeof e820);
 */
#ifndef DOPPEL_FW_CFG_H
#define DOPPEL_FW_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Machine Machine;
typedef struct Device Device;
typedef struct MemoryRegion MemoryRegion;
typedef struct AddressSpace AddressSpace;

/* x86 port placement (fw_cfg.rst "Register Locations"). */
#define FW_CFG_IO_BASE     0x510u /* selector (16-bit); data is at +1 (8-bit) */
#define FW_CFG_DMA_IO_BASE 0x514u /* DMA address, 8 bytes big-endian */

/* Selector keys; 0x8000 and up are the architecture's own (x86: QEMU's
 * hw/i386/fw_cfg.h), what SeaBIOS's src/fw/paravirt.c reads. */
enum {
    FW_CFG_SIGNATURE = 0x00, /* "QEMU" */
    FW_CFG_ID = 0x01,        /* le32 feature bits, FW_CFG_VERSION_* */
    FW_CFG_UUID = 0x02,      /* 16 bytes */
    FW_CFG_RAM_SIZE = 0x03,  /* le64 */
    FW_CFG_NOGRAPHIC = 0x04, /* le16 */
    FW_CFG_NB_CPUS = 0x05,   /* le16: cpus present at boot */
    FW_CFG_MACHINE_ID = 0x06,
    FW_CFG_KERNEL_ADDR = 0x07,
    FW_CFG_KERNEL_SIZE = 0x08,
    FW_CFG_KERNEL_CMDLINE = 0x09,
    FW_CFG_INITRD_ADDR = 0x0a,
    FW_CFG_INITRD_SIZE = 0x0b,
    FW_CFG_BOOT_DEVICE = 0x0c,
    FW_CFG_NUMA = 0x0d,      /* le64 node count, then per-cpu and per-node le64 */
    FW_CFG_BOOT_MENU = 0x0e, /* le16 */
    FW_CFG_MAX_CPUS = 0x0f,  /* le16 */
    FW_CFG_KERNEL_ENTRY = 0x10,
    FW_CFG_KERNEL_DATA = 0x11,
    FW_CFG_INITRD_DATA = 0x12,
    FW_CFG_CMDLINE_ADDR = 0x13,
    FW_CFG_CMDLINE_SIZE = 0x14,
    FW_CFG_CMDLINE_DATA = 0x15,
    FW_CFG_SETUP_ADDR = 0x16,
    FW_CFG_SETUP_SIZE = 0x17,
    FW_CFG_SETUP_DATA = 0x18,
    FW_CFG_FILE_DIR = 0x19,   /* be32 count, then FW_CFG_DIR_ENTRY_SIZE entries */
    FW_CFG_FILE_FIRST = 0x20, /* the files, in name order */
    FW_CFG_WRITE_CHANNEL = 0x4000,
    FW_CFG_ARCH_LOCAL = 0x8000,
    FW_CFG_ACPI_TABLES = 0x8000,    /* legacy: le16 count 0 */
    FW_CFG_SMBIOS_ENTRIES = 0x8001, /* legacy: le16 count 0 */
    FW_CFG_IRQ0_OVERRIDE = 0x8002,  /* u8: 1 = IRQ0 is routed to I/O APIC pin 2 */
    FW_CFG_E820_TABLE = 0x8003,     /* legacy reservations: le32 count */
    FW_CFG_HPET = 0x8004,
};

enum {
    FW_CFG_VERSION = 1u << 0,     /* traditional interface */
    FW_CFG_VERSION_DMA = 1u << 1, /* DMA interface */
};

/* FWCfgDmaAccess.control bits (fw_cfg.rst "Guest-side DMA Interface"). */
enum {
    FW_CFG_DMA_CTL_ERROR = 1u << 0,
    FW_CFG_DMA_CTL_READ = 1u << 1,
    FW_CFG_DMA_CTL_SKIP = 1u << 2,
    FW_CFG_DMA_CTL_SELECT = 1u << 3, /* key in bits 31-16 */
    FW_CFG_DMA_CTL_WRITE = 1u << 4,
};

#define FW_CFG_MAX_FILE_NAME  56u
#define FW_CFG_DIR_ENTRY_SIZE 64u /* be32 size, be16 select, reserved, name[56] */
/* "QEMU CFG": what the DMA address register reads as. */
#define FW_CFG_DMA_SIGNATURE 0x51454d5520434647ull

/* Create and realize one with its selector and data ports at
 * FW_CFG_IO_BASE and the DMA register at FW_CFG_DMA_IO_BASE in io (the
 * board's port space); guest memory for DMA is dma_as.  Holds the
 * signature, ID (traditional | DMA) and an empty file directory.  NULL
 * after one printed line. */
Device *fw_cfg_create(Machine *m, MemoryRegion *io, AddressSpace *dma_as);

/* Set the item at key (replacing an earlier one).  Numbers are stored
 * little-endian, as every numeric fw_cfg item is. */
void fw_cfg_add_bytes(Device *fw, uint16_t key, const void *data, size_t len);
void fw_cfg_add_i16(Device *fw, uint16_t key, uint16_t v);
void fw_cfg_add_i32(Device *fw, uint16_t key, uint32_t v);
void fw_cfg_add_i64(Device *fw, uint16_t key, uint64_t v);
/* Add a named file (key FW_CFG_FILE_FIRST + its place in name order).
 * False after one printed line if the name is empty, too long (55
 * characters at most), already present, or the keys are used up. */
bool fw_cfg_add_file(Device *fw, const char *name, const void *data, size_t len);
/* The key of a file, or 0 if there is none (tests, board wiring). */
uint16_t fw_cfg_file_key(Device *fw, const char *name);

#endif
