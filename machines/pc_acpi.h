/*
 * The PC's ACPI tables (ACPI 6.4 chapter 5): RSDP, RSDT (and XSDT with an
 * RSDP of revision 2), FADT (revision 3), FACS, MADT and a DSDT describing
 * the i440FX/PIIX3 board, as the three fw_cfg files SeaBIOS's table
 * loader installs:
 *   PC_ACPI_FILE_TABLES  every table, FACS first (64-byte aligned, HIGH zone)
 *   PC_ACPI_FILE_RSDP    the RSDP (FSEG zone)
 *   PC_ACPI_FILE_LOADER  the linker/loader commands (machines/acpi_loader.h)
 * Pointers between tables are stored as offsets into the tables file and
 * made absolute by ADD_POINTER; every checksum is set by ADD_CHECKSUM.
 */
#ifndef DOPPEL_PC_ACPI_H
#define DOPPEL_PC_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machines/acpi_aml.h"

#define PC_ACPI_FILE_TABLES "etc/acpi/tables"
#define PC_ACPI_FILE_RSDP   "etc/acpi/rsdp"
#define PC_ACPI_FILE_LOADER "etc/table-loader"

#define PC_ACPI_MAX_CPUS 255

typedef struct PcAcpiConfig {
    uint8_t rsdp_revision; /* 0: RSDT only (ACPI 1.0 RSDP); 2: RSDT and XSDT */
    uint64_t ram_below_4g; /* bytes of RAM from 0 */
    unsigned ncpus;        /* 1..PC_ACPI_MAX_CPUS */
    uint8_t apic_ids[PC_ACPI_MAX_CPUS];
    uint32_t lapic_addr;  /* 0xfee00000 */
    uint8_t ioapic_id;    /* after the cpus' APIC ids */
    uint32_t ioapic_addr; /* 0xfec00000 */
    uint32_t ioapic_gsi_base;
    uint16_t pm_base; /* PIIX4 PM I/O: PM1a_EVT, +4 PM1a_CNT, +8 PM_TMR, +0xc GPE0 */
    uint8_t sci_irq;  /* 9 */
    uint8_t smi_cmd;  /* APM control port 0xb2 */
    uint8_t acpi_enable, acpi_disable;
    uint16_t reset_port;     /* 0xcf9 */
    uint8_t reset_value;     /* 0x06 */
    uint32_t pci_hole_start; /* 32-bit PCI memory [start, end) */
    uint32_t pci_hole_end;
    uint8_t isa_slot; /* PCI slot of the PIIX3 ISA bridge (function 0) */
    /* PCI interrupt wiring: slot s, pin p (0 = INTA) drives PIRQ
     * (s + p + pirq_slot_bias) & 3; the IO APIC sees PIRQ A-D on pins
     * 16-19; in PIC mode PIRQ A/B are IRQ pic_irq[0], C/D pic_irq[1]. */
    int pirq_slot_bias;
    uint8_t pic_irq[2]; /* 10, 11: what SeaBIOS programs into PIIX3 */
    bool has_com1, has_com2, has_i8042, has_rtc, has_floppy;
} PcAcpiConfig;

typedef struct PcAcpiBlobs {
    AcpiBuf tables, rsdp, loader;
} PcAcpiBlobs;

/* The standard PC: the values in the comments above, every legacy device,
 * RSDP revision 0, PCI hole from the end of RAM (at least 0xe0000000) to
 * the I/O APIC, APIC ids 0..ncpus-1. */
void pc_acpi_config_default(PcAcpiConfig *cfg, uint64_t ram_below_4g, unsigned ncpus);
/* Build the three files; false with one line in err for a configuration
 * that does not fit (no cpu, too many, bad revision, empty hole). */
bool pc_acpi_build(const PcAcpiConfig *cfg, PcAcpiBlobs *out, char *err, size_t len);
void pc_acpi_blobs_free(PcAcpiBlobs *b);

#endif
