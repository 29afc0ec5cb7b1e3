/*
 * PS/2 keyboard and mouse: the devices at the far end of the 8042's two
 * serial links.  Each keeps a 16-byte output queue the controller drains
 * one byte at a time (peek, then pop once the guest has read it), and takes
 * command bytes from the controller.  Both are devices of the machine in
 * their own right ("ps2-kbd", "ps2-mouse": own state tables), created by
 * the controller and freed with the machine.
 */
#ifndef DOPPEL_PS2_H
#define DOPPEL_PS2_H

#include <stdbool.h>
#include <stdint.h>

typedef struct Machine Machine;
typedef struct Device Device;

/* Called when the device queued a byte for the controller. */
typedef void PS2NotifyFn(void *opaque);

/* Create and realize; each registers as the machine's keyboard or mouse
 * input sink (core/input.h) and unregisters when freed. */
Device *ps2_kbd_create(Machine *m, PS2NotifyFn *notify, void *opaque);
Device *ps2_mouse_create(Machine *m, PS2NotifyFn *notify, void *opaque);

/* A byte from the controller to the device (command or argument). */
void ps2_write(Device *ps2, uint8_t byte);
/* The oldest queued byte, if any, without removing it. */
bool ps2_peek(Device *ps2, uint8_t *byte);
/* Remove the oldest queued byte (the controller delivered it). */
void ps2_pop(Device *ps2);

/* The 8042's scan code translation (command byte bit 6): a set 2 byte to
 * its set 1 equivalent.  The break prefix 0xF0 is the controller's own
 * business (it sets bit 7 of the following byte). */
uint8_t ps2_set2_to_set1(uint8_t code);

#endif
