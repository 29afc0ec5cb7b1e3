/*
 * Floppy controller internals shared by fdc.c (registers, phases, reset,
 * interrupt), fdc_cmd.c (the command set) and fdc_xfer.c (the data
 * commands' execution phase).  Names of registers and status bits are
 * those of the Intel 82077AA datasheet (290166), "Register Description"
 * and "Status Register Encoding".
 */
#ifndef DOPPEL_FDC_INTERNAL_H
#define DOPPEL_FDC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/device.h"
#include "softmmu/memory.h"

typedef struct BlockBackend BlockBackend;

enum {
    FDC_DRIVES = 2,   /* drives attached (A:, B:) */
    FDC_UNITS = 4,    /* drive select codes the chip knows */
    FDC_SECTOR = 512, /* size code N = 2 */
    FDC_SIZE_CODE = 2,
    FDC_CMD_MAX = 9,
    FDC_RESULT_MAX = 10,

    /* data rate codes (DSR/CCR bits 1-0) */
    FDC_RATE_500K = 0,
    FDC_RATE_300K = 1,
    FDC_RATE_250K = 2,
    FDC_RATE_1M = 3,

    DOR_SEL = 0x03,
    DOR_NRESET = 0x04,
    DOR_DMAEN = 0x08, /* PC-AT mode: gates INT and DRQ */
    DOR_MOTEN0 = 0x10,

    DSR_SWRESET = 0x80,
    DSR_RATE = 0x03,

    MSR_RQM = 0x80,
    MSR_DIO = 0x40, /* 1: controller to host */
    MSR_NDMA = 0x20,
    MSR_CB = 0x10,

    DIR_DSKCHG = 0x80,

    ST0_IC_ABNORMAL = 0x40,
    ST0_IC_INVALID = 0x80,
    ST0_IC_POLL = 0xc0, /* ready line changed (after reset) */
    ST0_SE = 0x20,
    ST0_EC = 0x10,
    ST0_HD = 0x04,

    ST1_EN = 0x80, /* end of cylinder */
    ST1_DE = 0x20, /* data error */
    ST1_OR = 0x10, /* overrun/underrun */
    ST1_ND = 0x04, /* no data */
    ST1_NW = 0x02, /* not writable */
    ST1_MA = 0x01, /* missing address mark */

    ST2_DD = 0x20, /* data error in data field */

    ST3_FIXED = 0x28, /* bits 5 and 3 read as 1 on the 82077AA */
    ST3_WP = 0x40,
    ST3_T0 = 0x10,

    /* command byte flags */
    CMD_MT = 0x80,
    CMD_MFM = 0x40,

    /* SPECIFY byte 2 bit 0: non-DMA mode */
    SPEC2_ND = 0x01,
    /* CONFIGURE byte 2 */
    CONFIG_EIS = 0x40,
    CONFIG_EFIFO = 0x20, /* 1: FIFO disabled */
};

typedef enum FdcPhase {
    FDC_PHASE_COMMAND,
    FDC_PHASE_EXEC, /* non-DMA data transfer through the FIFO */
    FDC_PHASE_RESULT,
} FdcPhase;

typedef enum FdcXferKind {
    FDC_XFER_NONE,
    FDC_XFER_READ,
    FDC_XFER_WRITE,
    FDC_XFER_FORMAT,
} FdcXferKind;

typedef struct FdcGeometry {
    uint32_t kib;
    uint8_t tracks, heads, sectors;
    uint8_t cmos_type;
    uint8_t rates; /* bit per data rate code at which the medium reads */
} FdcGeometry;

typedef struct Fdc {
    Device dev;
    /* wiring, set by fdc_create */
    MemoryRegion *io;
    IrqLine *irq;
    Device *dma;
    BlockBackend *blk[FDC_DRIVES];
    const FdcGeometry *geo[FDC_DRIVES];
    MemoryRegion io_main, io_dir;

    /* registers */
    uint8_t dor, tdr, dsr;
    uint8_t in_reset;
    uint8_t phase; /* FdcPhase */
    uint8_t cmd[FDC_CMD_MAX], cmd_len, cmd_pos;
    uint8_t res[FDC_RESULT_MAX], res_len, res_pos;
    uint8_t int_pending;
    uint8_t reset_sense;           /* SENSE INTERRUPT results owed after a reset */
    uint8_t seek_done;             /* bit per unit: seek ended, status not yet sensed */
    uint8_t seek_st0[FDC_UNITS];   /* its ST0 */
    uint8_t pcn[FDC_UNITS];        /* present cylinder number */
    uint8_t id_sector[FDC_DRIVES]; /* sector under the head, for READ ID */
    uint8_t disk_changed[FDC_DRIVES];
    uint8_t spec1, spec2; /* SPECIFY: SRT/HUT, HLT/ND */
    uint8_t config, pretrk, lock, perp;

    /* the data command in its execution phase */
    uint8_t x_kind; /* FdcXferKind */
    uint8_t x_unit, x_head, x_dma, x_mt;
    uint8_t x_c, x_h, x_r, x_n, x_eot;
    uint8_t x_sc, x_fill, x_done; /* FORMAT: sectors per track, filler, IDs done */
    uint8_t x_st0, x_st1, x_st2;
    uint16_t buf_pos;
    uint8_t buf[FDC_SECTOR];
} Fdc;

/* fdc.c */
/* The drive's medium refuses writes (a read-only image). */
bool fdc_read_only(const Fdc *s, int unit);
void fdc_set_int(Fdc *s, bool pending);
void fdc_to_command(Fdc *s);
/* Enter the result phase with s->res[0..len); raise_int for commands with
 * an execution phase. */
void fdc_to_result(Fdc *s, unsigned len, bool raise_int);
/* Move unit's head to track (the drive steps: a medium's change line
 * clears). */
void fdc_move_head(Fdc *s, int unit, uint8_t track);

/* fdc_cmd.c */
void fdc_command_byte(Fdc *s, uint8_t v);

/* fdc_xfer.c */
void fdc_xfer_start(Fdc *s, FdcXferKind kind);
uint8_t fdc_xfer_pio_read(Fdc *s);
void fdc_xfer_pio_write(Fdc *s, uint8_t v);
void fdc_read_id(Fdc *s);

#endif
