/*
 * Loads and stores of big- and little-endian integers in byte buffers
 * (guest memory images, device register files, on-disk and on-wire
 * formats), independent of the host's byte order and alignment.
 */
#ifndef DOPPEL_BYTES_H
#define DOPPEL_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline uint16_t get_be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}
static inline uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline uint64_t get_be64(const uint8_t *p)
{
    return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}
static inline void put_be16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static inline void put_be32(uint8_t *p, uint32_t v)
{
    put_be16(p, v >> 16);
    put_be16(p + 2, v);
}
static inline void put_be64(uint8_t *p, uint64_t v)
{
    put_be32(p, (uint32_t)(v >> 32));
    put_be32(p + 4, (uint32_t)v);
}

static inline uint16_t get_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t get_le64(const uint8_t *p)
{
    return get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}
static inline void put_le16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void put_le32(uint8_t *p, uint32_t v)
{
    put_le16(p, v);
    put_le16(p + 2, v >> 16);
}
static inline void put_le64(uint8_t *p, uint64_t v)
{
    put_le32(p, (uint32_t)v);
    put_le32(p + 4, (uint32_t)(v >> 32));
}

/* A bounds-checked cursor over a byte buffer, for file and state formats:
 * a read past the end sets bad and yields NULL (or 0), and so does every
 * read after it, so a parser can check bad once after a group of reads. */
typedef struct ByteReader {
    const uint8_t *p;
    size_t len, pos;
    bool bad;
} ByteReader;

static inline const uint8_t *byte_reader_take(ByteReader *r, size_t n)
{
    if (r->bad || n > r->len - r->pos) {
        r->bad = true;
        return NULL;
    }
    r->pos += n;
    return r->p + r->pos - n;
}

/* A little-endian integer of size (1-8) bytes. */
static inline uint64_t byte_reader_le(ByteReader *r, unsigned size)
{
    const uint8_t *b = byte_reader_take(r, size);
    uint64_t v = 0;
    for (unsigned i = 0; b && i < size; i++)
        v |= (uint64_t)b[i] << (8 * i);
    return v;
}

#endif
