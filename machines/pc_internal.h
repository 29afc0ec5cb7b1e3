/*
 * The pc board's private state, shared by machines/pc.c (memory map and
 * devices) and machines/pc_firmware.c (what firmware and loaders are told:
 * fw_cfg, CMOS, ACPI tables, and the chipset set-up a firmware-less boot
 * does in place of SeaBIOS).
 */
#ifndef DOPPEL_PC_INTERNAL_H
#define DOPPEL_PC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/device.h"
#include "devices/intc/apic_bus.h"
#include "machines/e820.h"
#include "softmmu/memory.h"

typedef struct X86CPU X86CPU;
typedef struct PciBus PciBus;
typedef struct BlockBackend BlockBackend;

/* Physical map (below 4 GiB): RAM [0, 640K) and [1M, ram top); the VGA
 * window at 0xa0000; 0xc0000-0xfffff under the i440FX's PAM registers,
 * above the last 128 KiB of the firmware image; the PCI hole from the RAM
 * top; I/O APIC, local APIC and the firmware image at the top. */
#define PC_LOW_RAM_END   0xa0000u
#define PC_HIGH_RAM      0x100000u
#define PC_ISA_BIOS_SIZE 0x20000u
#define PC_IOAPIC_BASE   0xfec00000u
#define PC_PCI_HOLE_END  0xfec00000u
#define PC_MAX_RAM       (3ull << 30)
#define PC_MIN_RAM       (2ull << 20)
#define PC_BIOS_DEFAULT  "/usr/share/seabios/bios-256k.bin"
#define PC_BIOS_MAX      (16u << 20)

/* I/O ports and ISA IRQs of the board's fixed devices. */
#define PC_PIT_PORT       0x40u
#define PC_RTC_PORT       0x70u
#define PC_PORT_A         0x92u
#define PC_COM1_PORT      0x3f8u
#define PC_COM2_PORT      0x2f8u
#define PC_DEBUG_EXIT     0xf4u
#define PC_DEBUG_EXIT_LEN 4u
#define PC_PM_BASE        0x600u
#define PC_IRQ_PIT        0
#define PC_IRQ_KBD        1
#define PC_IRQ_COM2       3
#define PC_IRQ_COM1       4
#define PC_IRQ_FLOPPY     6
#define PC_IRQ_RTC        8
#define PC_IRQ_SCI        9
#define PC_IRQ_MOUSE      12
#define PC_IRQ_IDE0       14
#define PC_IRQ_IDE1       15
#define PC_IOAPIC_PIRQ    16 /* I/O APIC pins 16-19 carry PIRQ A-D */
#define PC_DRIVES         4  /* IDE: primary master/slave, secondary master/slave */
#define PC_FLOPPIES       2

typedef struct PcBoard {
    MemoryRegion ram;               /* all guest RAM; offset = physical address */
    MemoryRegion ram_low, ram_high; /* aliases of it below 640 KiB and from 1 MiB */
    MemoryRegion bios, isa_bios;    /* firmware image at 4 GiB - size, its tail at 1 MiB - 128K */
    bool has_bios;
    MemoryRegion io; /* the port space, the "isa" bus */
    AddressSpace io_as;
    MemoryRegion port_a;
    X86CPU *cpu;
    ApicBus apic_bus;
    IrqLine isa_irq[16]; /* ISA IRQ n: PIC input n and I/O APIC pin n (IRQ0: pin 2) */
    IrqLine *ioapic_pirq[4];
    Device *apic, *ioapic, *pic, *pit, *rtc, *kbd, *fw_cfg, *pm, *i440fx, *piix3, *ide, *dma, *fdc,
        *vga;
    PciBus *pci;
    BlockBackend *drive[PC_DRIVES];
    bool cdrom[PC_DRIVES], drive_used[PC_DRIVES];
    BlockBackend *floppy[PC_FLOPPIES];
    bool floppy_used[PC_FLOPPIES];
    bool firmware; /* booting through the firmware image (no -kernel) */
} PcBoard;

/* machines/pc_firmware.c */
/* fw_cfg contents and CMOS bytes for the firmware (every boot path: a
 * firmware-less boot ignores fw_cfg, but guests may read CMOS). */
bool pc_firmware_describe(Machine *m, PcBoard *b);
/* In place of the firmware: program the chipset as SeaBIOS would (PAM
 * shadow RAM, PIRQ routing, ELCR, PM base, IDE decode, interrupt lines),
 * install the ACPI tables in RAM (want_acpi) and fill in the E820 map.
 * *rsdp is the RSDP's physical address (0: none). */
bool pc_firmwareless_setup(Machine *m, PcBoard *b, E820Map *map, uint64_t *rsdp, bool want_acpi);

#endif
