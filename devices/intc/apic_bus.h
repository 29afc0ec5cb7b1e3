/*
 * The APIC bus of a PC: interrupt messages from the I/O APIC (and later
 * MSI and IPIs) to the local APICs, and EOI broadcasts from the local APICs
 * back to the I/O APICs (for level-triggered entries).  The board owns one
 * ApicBus and fills in both sides; neither device touches the other's
 * struct (blueprint §8).
 */
#ifndef DOPPEL_APIC_BUS_H
#define DOPPEL_APIC_BUS_H

#include <stdbool.h>
#include <stdint.h>

/* Delivery modes of the redirection table / ICR (SDM Vol 3 §10.6.1). */
enum {
    APIC_DM_FIXED = 0,
    APIC_DM_LOWPRI = 1,
    APIC_DM_SMI = 2,
    APIC_DM_NMI = 4,
    APIC_DM_INIT = 5,
    APIC_DM_STARTUP = 6,
    APIC_DM_EXTINT = 7,
};

typedef struct ApicMessage {
    uint8_t dest;          /* destination field */
    bool dest_logical;     /* destination mode */
    uint8_t delivery_mode; /* APIC_DM_* */
    uint8_t vector;
    bool level_triggered;
} ApicMessage;

typedef struct ApicBus {
    /* To the local APIC(s): accept msg (set by the board to the local
     * APIC's entry point). */
    void (*deliver)(void *opaque, const ApicMessage *msg);
    void *deliver_opaque;
    /* To the I/O APIC(s): a local APIC issued EOI for vector. */
    void (*eoi)(void *opaque, uint8_t vector);
    void *eoi_opaque;
} ApicBus;

#endif
