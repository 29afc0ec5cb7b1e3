/*
 * Validation without loading (core/snapshot.c checks every section of a
 * snapshot before it changes anything): the checks of vmstate_load and
 * vmstate_load_table, with nothing written to the target.  Owned by the
 * snapshot layer; declared here rather than in core/device.h, which is a
 * contract header.
 */
#ifndef DOPPEL_VMSTATE_CHECK_H
#define DOPPEL_VMSTATE_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct Device;
struct VMStateField;

bool vmstate_check(const struct Device *dev, const uint8_t *buf, size_t len, char *err,
                   size_t errlen);
bool vmstate_check_table(const char *name, uint32_t version, const struct VMStateField *fields,
                         const void *base, const uint8_t *buf, size_t len, char *err,
                         size_t errlen);

#endif
