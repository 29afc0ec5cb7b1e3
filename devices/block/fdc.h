/*
 * The PC floppy disk controller (Intel 82077AA in PC-AT mode, NEC uPD765
 * command set) at ports 0x3f0-0x3f5 and 0x3f7, IRQ 6, DMA channel 2,
 * with two drives whose geometry follows from their image sizes.
 */
#ifndef DOPPEL_FDC_H
#define DOPPEL_FDC_H

#include <stdint.h>

typedef struct Machine Machine;
typedef struct Device Device;
typedef struct MemoryRegion MemoryRegion;
typedef struct IrqLine IrqLine;
typedef struct BlockBackend BlockBackend;

#define FDC_IOBASE   0x3f0
#define FDC_IRQ      6
#define FDC_DMA_CHAN 2

/* Create, realize and map at 0x3f0-0x3f5 and 0x3f7 in io (the ISA port
 * space; 0x3f6 belongs to the IDE controller).  drive[0] is A:, drive[1]
 * is B:; NULL means no drive.  Images must be raw floppy sizes: 160K,
 * 180K, 320K, 360K, 720K, 1.2M, 1.44M or 2.88M.  dma is the i8237 (its
 * channel 2 carries the data); irq6 may be NULL.  The images stay owned
 * by the caller and must outlive the device.  NULL after one printed
 * line (e.g. an image of no floppy size). */
Device *fdc_create(Machine *m, MemoryRegion *io, IrqLine *irq6, Device *dma,
                   BlockBackend *drive[2]);

/* CMOS byte 0x10: drive A type << 4 | drive B type (0 none, 1 360K,
 * 2 1.2M, 3 720K, 4 1.44M, 5 2.88M). */
uint8_t fdc_cmos_types(Device *fdc);

#endif
