/*
 * Motorola MC146818A real-time clock with 128 bytes of CMOS RAM, the PC/AT
 * RTC at ports 0x70 (index; bit 7 masks NMI) and 0x71 (data), on IRQ8.
 */
#ifndef DOPPEL_MC146818_H
#define DOPPEL_MC146818_H

#include <stdbool.h>
#include <stdint.h>

typedef struct Machine Machine;
typedef struct Device Device;
typedef struct MemoryRegion MemoryRegion;
typedef struct IrqLine IrqLine;

/* CMOS bytes of the PC/AT map the board fills (IBM AT Technical Reference). */
enum {
    MC146818_CENTURY = 0x32, /* BCD or binary like the clock registers */
};

/* Create, realize and map two ports at base in io (NULL: unmapped).  irq
 * is high while register C's IRQF is set.  rtc_base is QEMU's -rtc base=:
 * "utc" (NULL), "localtime" or "YYYY-MM-DDTHH:MM:SS"; the clock then
 * advances with virtual time.  NULL after one printed line on a bad base. */
Device *mc146818_create(Machine *m, MemoryRegion *io, uint16_t base, IrqLine *irq,
                        const char *rtc_base);
/* CMOS RAM outside the clock registers: 0x0e-0x7f except the century
 * byte (others are ignored). */
void mc146818_set_cmos(Device *rtc, int index, uint8_t value);
/* Any byte 0x00-0x7f as the guest would read it, without side effects. */
uint8_t mc146818_get_cmos(Device *rtc, int index);
/* Bit 7 of the last index written: NMI disabled. */
bool mc146818_nmi_masked(Device *rtc);
MemoryRegion *mc146818_region(Device *rtc);

#endif
