/*
 * IDE channel and drive state shared by the ATA protocol engine
 * (ide_core.c), the ATAPI CD-ROM (atapi.c) and the host controllers
 * (piix_ide.c).  Register and bit names are those of ATA/ATAPI-6
 * (T13/1410D rev. 3b); "ATA-6 §x" below cites it.
 *
 * A channel (IdeBus) holds two drives, master and slave.  Every drive
 * keeps its own copy of the task file (both devices latch register
 * writes, ATA-6 §7.1); the selected one answers reads.  Transfers are
 * synchronous: the data is in io_buffer when DRQ is set, and a DMA
 * command runs to completion the moment the host controller's bus master
 * is started (IdeDmaOps).
 */
#ifndef DOPPEL_IDE_CORE_H
#define DOPPEL_IDE_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "block/block.h"

#define IDE_SECTOR_SIZE  512
#define ATAPI_BLOCK_SIZE 2048
#define IDE_MAX_MULT     16 /* READ/WRITE MULTIPLE block limit, IDENTIFY word 47 */
#define IDE_BUF_SIZE     (64 * 1024)
#define IDE_BUF_SECTORS  (IDE_BUF_SIZE / IDE_SECTOR_SIZE)
#define ATAPI_BUF_BLOCKS (IDE_BUF_SIZE / ATAPI_BLOCK_SIZE)
#define ATAPI_PACKET_LEN 12

enum IdeKind {
    IDE_KIND_NONE,
    IDE_KIND_ATA,
    IDE_KIND_ATAPI,
};

/* ATA-6 §7.15 Status register. */
enum {
    IDE_STAT_ERR = 0x01,
    IDE_STAT_DRQ = 0x08,
    IDE_STAT_DSC = 0x10, /* seek complete (obsolete, still set by drives) */
    IDE_STAT_DF = 0x20,
    IDE_STAT_DRDY = 0x40,
    IDE_STAT_BSY = 0x80,
};

/* ATA-6 §7.9 Error register. */
enum {
    IDE_ERR_AMNF = 0x01,
    IDE_ERR_ABRT = 0x04,
    IDE_ERR_IDNF = 0x10,
    IDE_ERR_UNC = 0x40,
};

/* ATA-6 §7.8 Device Control register. */
enum {
    IDE_CTL_NIEN = 0x02,
    IDE_CTL_SRST = 0x04,
    IDE_CTL_HOB = 0x80,
};

/* ATA-6 §7.10 Device register. */
enum {
    IDE_SEL_DEV = 0x10,
    IDE_SEL_LBA = 0x40,
};

/* ATAPI interrupt reason in the Sector Count register (ATA-6 §8.23). */
enum {
    ATAPI_IR_COD = 0x01,
    ATAPI_IR_IO = 0x02,
};

/* What the data register is moving now; saved in snapshots, so numbered. */
typedef enum IdeXfer {
    IDE_XFER_NONE = 0,
    IDE_XFER_ATA_IN = 1,   /* sectors to the host, block by block */
    IDE_XFER_ATA_OUT = 2,  /* sectors from the host */
    IDE_XFER_INFO = 3,     /* one block of IDENTIFY data, then done */
    IDE_XFER_PACKET = 4,   /* the 12-byte ATAPI command packet */
    IDE_XFER_ATAPI_IN = 5, /* ATAPI data to the host, in DRQ blocks */
} IdeXfer;

/* A DMA command waiting for the bus master. */
typedef enum IdeDmaCmd {
    IDE_DMA_NONE = 0,
    IDE_DMA_ATA_READ = 1,
    IDE_DMA_ATA_WRITE = 2,
    IDE_DMA_ATAPI_IN = 3,
} IdeDmaCmd;

typedef struct IdeBus IdeBus;

typedef struct IdeDrive {
    /* configuration (from the board; not guest state) */
    uint8_t kind; /* enum IdeKind */
    BlockBackend *blk;
    IdeBus *bus;
    uint64_t nb_sectors;                /* ATA: 512-byte sectors */
    uint16_t cylinders, heads, sectors; /* ATA: default CHS translation */
    /* task file (ATA-6 §7) with the previous contents for 48-bit commands */
    uint8_t feature, nsector, sector, lcyl, hcyl;
    uint8_t hob_feature, hob_nsector, hob_sector, hob_lcyl, hob_hcyl;
    uint8_t select, status, error, command;
    bool intrq; /* interrupt pending (ATA-6 §5.2.9) */
    /* settings */
    uint8_t mult_sectors;                           /* SET MULTIPLE MODE, 0 = off */
    uint8_t xfer_mode;                              /* SET FEATURES 03h value */
    bool write_cache;                               /* SET FEATURES 02h/82h */
    uint16_t cur_cylinders, cur_heads, cur_sectors; /* INITIALIZE DEVICE PARAMETERS */
    /* transfer in progress */
    uint8_t xfer;                /* IdeXfer */
    uint8_t dma;                 /* IdeDmaCmd */
    bool lba48;                  /* current command addresses 48 bits */
    bool chs;                    /* current command uses CHS addressing */
    uint32_t data_pos, data_end; /* DRQ block window in io_buffer */
    uint32_t buf_len;            /* valid bytes in io_buffer (ATAPI) */
    uint64_t xfer_lba;           /* next sector (ATA) or block (ATAPI) */
    uint32_t xfer_left;          /* sectors/blocks still to move after io_buffer */
    uint32_t xfer_block;         /* ATA: sectors per DRQ block */
    /* ATAPI */
    uint8_t packet[ATAPI_PACKET_LEN];
    uint8_t sense_key, asc, ascq;
    bool medium_present, locked;
    uint8_t media_event; /* pending GET EVENT STATUS media event code */
    uint16_t byte_limit; /* byte count limit of the PACKET command */
    uint8_t io_buffer[IDE_BUF_SIZE + 4];
} IdeDrive;

/* The host controller's bus master, as the drives see it. */
typedef struct IdeDmaOps {
    /* Claim the bus master for one transfer: true if it was started by
     * the host and has not run a transfer since. */
    bool (*begin)(void *opaque);
    /* Move len bytes between buf and guest memory at the current position
     * of the scatter/gather list; false (the controller records the error)
     * when the list ends first or memory cannot be reached. */
    bool (*rw)(void *opaque, uint8_t *buf, uint32_t len, bool to_memory);
    /* The transfer is over (the controller knows whether rw failed). */
    void (*end)(void *opaque);
} IdeDmaOps;

struct IdeBus {
    IdeDrive drive[2];
    uint8_t channel; /* for serial numbers (not guest state) */
    uint8_t unit;    /* selected drive */
    uint8_t devctl;  /* Device Control register */
    bool irq_level;  /* INTRQ as driven now */
    /* controller hooks (not guest state) */
    void (*set_irq)(void *opaque, int level);
    void *irq_opaque;
    const IdeDmaOps *dma_ops;
    void *dma_opaque;
};

/* ---- controller side (ide_core.c) ---- */

void ide_bus_init(IdeBus *bus, int channel, void (*set_irq)(void *opaque, int level),
                  void *irq_opaque, const IdeDmaOps *dma_ops, void *dma_opaque);
/* Attach drive unit (0 master, 1 slave): ATA needs blk; ATAPI may have
 * none (no medium). */
void ide_drive_attach(IdeBus *bus, int unit, enum IdeKind kind, BlockBackend *blk);
bool ide_bus_has_drives(const IdeBus *bus);
/* Power-on / hardware reset of both drives. */
void ide_bus_reset(IdeBus *bus);
/* Command block register reg (0-7, ATA-6 §7: data, error/features, ...)
 * and the control block (alternate status / device control). */
uint32_t ide_cmd_read(IdeBus *bus, unsigned reg, unsigned size);
void ide_cmd_write(IdeBus *bus, unsigned reg, uint32_t value, unsigned size);
uint8_t ide_ctl_read(IdeBus *bus);
void ide_ctl_write(IdeBus *bus, uint8_t value);
/* The bus master was started: run a DMA command that waits for it. */
void ide_bus_dma_kick(IdeBus *bus);
/* Which DMA direction a waiting command needs: 1 to memory, 0 from
 * memory, -1 none waiting. */
int ide_bus_dma_direction(const IdeBus *bus);
/* After a snapshot load: bound the saved indexes, re-drive INTRQ. */
void ide_bus_post_load(IdeBus *bus);

/* ---- shared by ide_core.c and atapi.c ---- */

void ide_drive_update_irq(IdeDrive *d);
void ide_raise_irq(IdeDrive *d);
/* Command done without error: DRDY|DSC, interrupt. */
void ide_cmd_done(IdeDrive *d);
/* Command failed with the given error bits (ABRT, IDNF, UNC...). */
void ide_cmd_error(IdeDrive *d, uint8_t error);
/* Offer io_buffer[0, len) (or take it, for writes) as one DRQ block. */
void ide_drq_block(IdeDrive *d, uint32_t len, IdeXfer xfer);
/* ATA-6 §9.12: the signature in the task file after reset/diagnostics. */
void ide_set_signature(IdeDrive *d);
/* One piece of a DMA transfer through the controller's bus master;
 * false when the scatter/gather list failed (the caller ends the command). */
bool ide_dma_move(IdeDrive *d, uint8_t *buf, uint32_t len, bool to_memory);
/* If the bus master is started, run the DMA command d waits with. */
void ide_dma_try(IdeDrive *d);
/* IDENTIFY data: an ATA string (ATA-6 §8.15.8: two characters per word,
 * the first in the high byte, space padded) and the final step that adds
 * the checksum word 255 and stores the words into io_buffer. */
void ide_identify_string(uint16_t *words, const char *s, unsigned nchars);
void ide_identify_finish(IdeDrive *d, uint16_t *words);

/* ---- ATAPI (atapi.c) ---- */

void atapi_reset(IdeDrive *d, bool power_on);
void atapi_identify(IdeDrive *d);     /* IDENTIFY PACKET DEVICE data into io_buffer */
void atapi_packet_start(IdeDrive *d); /* PACKET command: wait for the packet */
void atapi_packet_received(IdeDrive *d);
void atapi_pio_block_done(IdeDrive *d);
void atapi_dma_run(IdeDrive *d);

#endif
