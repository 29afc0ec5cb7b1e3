/*
 * Whole-file reads for loaders (kernels, initrds, firmware images).
 */
#ifndef DOPPEL_LOAD_FILE_H
#define DOPPEL_LOAD_FILE_H

#include <stddef.h>
#include <stdint.h>

/* The whole file at path (malloc'ed), or NULL with errno set. */
uint8_t *load_file(const char *path, size_t *size);

#endif
