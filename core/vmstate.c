/*
 * The state description walker: one traversal of a device's VMStateField
 * table, used to save, load and print device state.
 *
 * Saved format (little-endian):
 *   "DPVS" u32 format-version
 *   u8 len, class name   u32 class vmstate_version   u32 field count
 *   per field: u8 len, name   u8 type   u32 count   count elements
 * Field names travel with the data, so a build whose table differs rejects
 * the data by name instead of misreading it.
 */
#include <string.h>

#include "core/device.h"

#define VMSTATE_MAGIC  "DPVS"
#define VMSTATE_FORMAT 1

static unsigned vms_elem_size(VMStateType t)
{
    switch (t) {
    case VMS_U16: return 2;
    case VMS_U32: return 4;
    case VMS_U64: return 8;
    default: return 1; /* U8, BOOL, BUFFER bytes */
    }
}

static uint64_t vms_get(const void *p, VMStateType t)
{
    switch (t) {
    case VMS_U16: return *(const uint16_t *)p;
    case VMS_U32: return *(const uint32_t *)p;
    case VMS_U64: return *(const uint64_t *)p;
    case VMS_BOOL: return *(const bool *)p;
    default: return *(const uint8_t *)p;
    }
}

static void vms_set(void *p, VMStateType t, uint64_t v)
{
    switch (t) {
    case VMS_U16: *(uint16_t *)p = (uint16_t)v; break;
    case VMS_U32: *(uint32_t *)p = (uint32_t)v; break;
    case VMS_U64: *(uint64_t *)p = v; break;
    case VMS_BOOL: *(bool *)p = v != 0; break;
    default: *(uint8_t *)p = (uint8_t)v; break;
    }
}

/* ---- the walker ---- */

typedef struct VMStateVisitor VMStateVisitor;
struct VMStateVisitor {
    /* Called once per field before its elements; false stops the walk. */
    bool (*field)(VMStateVisitor *v, const VMStateField *f);
    /* Called per element with its address in the device. */
    bool (*element)(VMStateVisitor *v, const VMStateField *f, uint32_t index, void *ptr);
    void (*field_end)(VMStateVisitor *v, const VMStateField *f);
};

static bool vmstate_walk(const DeviceClass *dc, uint8_t *base, VMStateVisitor *v)
{
    for (const VMStateField *f = dc->vmstate; f && f->name; f++) {
        if (v->field && !v->field(v, f)) return false;
        unsigned esize = vms_elem_size(f->type);
        for (uint32_t i = 0; i < f->count; i++) {
            if (!v->element(v, f, i, base + f->offset + (size_t)i * esize)) return false;
        }
        if (v->field_end) v->field_end(v, f);
    }
    return true;
}

static uint32_t vmstate_nfields(const DeviceClass *dc)
{
    uint32_t n = 0;
    for (const VMStateField *f = dc->vmstate; f && f->name; f++)
        n++;
    return n;
}

/* ---- byte stream: writes past len are counted but dropped (sizing) ---- */

typedef struct VMStream {
    uint8_t *buf;
    size_t len, pos;
    bool overrun;
} VMStream;

static void put_bytes(VMStream *s, const void *p, size_t n)
{
    if (s->buf && s->pos + n <= s->len) memcpy(s->buf + s->pos, p, n);
    s->pos += n;
}

static void put_le(VMStream *s, uint64_t v, unsigned size)
{
    uint8_t b[8];
    for (unsigned i = 0; i < size; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    put_bytes(s, b, size);
}

static void put_name(VMStream *s, const char *name)
{
    size_t n = strlen(name);
    put_le(s, n, 1);
    put_bytes(s, name, n);
}

static const uint8_t *get_bytes(VMStream *s, size_t n)
{
    if (s->overrun || s->pos + n > s->len) {
        s->overrun = true;
        return NULL;
    }
    s->pos += n;
    return s->buf + s->pos - n;
}

static uint64_t get_le(VMStream *s, unsigned size)
{
    const uint8_t *b = get_bytes(s, size);
    uint64_t v = 0;
    for (unsigned i = 0; b && i < size; i++)
        v |= (uint64_t)b[i] << (8 * i);
    return v;
}

/* Compare a length-prefixed name in the stream with want. */
static bool get_name_is(VMStream *s, const char *want)
{
    size_t n = (size_t)get_le(s, 1);
    const uint8_t *p = get_bytes(s, n);
    return p && n == strlen(want) && memcmp(p, want, n) == 0;
}

/* ---- save ---- */

typedef struct SaveVisitor {
    VMStateVisitor v;
    VMStream s;
} SaveVisitor;

static bool save_field(VMStateVisitor *v, const VMStateField *f)
{
    VMStream *s = &((SaveVisitor *)v)->s;
    put_name(s, f->name);
    put_le(s, f->type, 1);
    put_le(s, f->count, 4);
    return true;
}

static bool save_element(VMStateVisitor *v, const VMStateField *f, uint32_t i, void *ptr)
{
    put_le(&((SaveVisitor *)v)->s, vms_get(ptr, f->type), vms_elem_size(f->type));
    return true;
}

size_t vmstate_save(const Device *dev, uint8_t *buf, size_t len)
{
    const DeviceClass *dc = dev->class;
    SaveVisitor sv = {{save_field, save_element, NULL}, {buf, len, 0, false}};
    put_bytes(&sv.s, VMSTATE_MAGIC, 4);
    put_le(&sv.s, VMSTATE_FORMAT, 4);
    put_name(&sv.s, dc->name);
    put_le(&sv.s, dc->vmstate_version, 4);
    put_le(&sv.s, vmstate_nfields(dc), 4);
    /* The walker only reads through the pointer when saving. */
    vmstate_walk(dc, (uint8_t *)dev, &sv.v);
    return sv.s.pos;
}

/* ---- load: a checking pass, then an applying pass ---- */

typedef struct LoadVisitor {
    VMStateVisitor v;
    VMStream s;
    bool apply;
    char *err;
    size_t errlen;
    const char *dname;
} LoadVisitor;

static bool load_field(VMStateVisitor *v, const VMStateField *f)
{
    LoadVisitor *lv = (LoadVisitor *)v;
    size_t at = lv->s.pos;
    bool same_name = get_name_is(&lv->s, f->name);
    uint8_t type = (uint8_t)get_le(&lv->s, 1);
    uint32_t count = (uint32_t)get_le(&lv->s, 4);
    if (lv->s.overrun) {
        snprintf(lv->err, lv->errlen, "%s state: truncated at field '%s'", lv->dname, f->name);
        return false;
    }
    if (!same_name || type != f->type || count != f->count) {
        snprintf(lv->err, lv->errlen,
                 "%s state: layout differs at field '%s' (offset %zu): saved by another version",
                 lv->dname, f->name, at);
        return false;
    }
    return true;
}

static bool load_element(VMStateVisitor *v, const VMStateField *f, uint32_t i, void *ptr)
{
    LoadVisitor *lv = (LoadVisitor *)v;
    uint64_t val = get_le(&lv->s, vms_elem_size(f->type));
    if (lv->s.overrun) {
        snprintf(lv->err, lv->errlen, "%s state: truncated in field '%s'", lv->dname, f->name);
        return false;
    }
    if (lv->apply) vms_set(ptr, f->type, val);
    return true;
}

static bool load_pass(Device *dev, const uint8_t *buf, size_t len, bool apply, char *err,
                      size_t errlen)
{
    const DeviceClass *dc = dev->class;
    LoadVisitor lv = {{load_field, load_element, NULL},
                      {(uint8_t *)buf, len, 0, false},
                      apply,
                      err,
                      errlen,
                      dc->name};
    const uint8_t *magic = get_bytes(&lv.s, 4);
    if (!magic || memcmp(magic, VMSTATE_MAGIC, 4) != 0 || get_le(&lv.s, 4) != VMSTATE_FORMAT) {
        snprintf(err, errlen, "%s state: not device state data", dc->name);
        return false;
    }
    if (!get_name_is(&lv.s, dc->name)) {
        snprintf(err, errlen, "%s state: saved for another device type", dc->name);
        return false;
    }
    uint32_t version = (uint32_t)get_le(&lv.s, 4);
    uint32_t nfields = (uint32_t)get_le(&lv.s, 4);
    if (lv.s.overrun) {
        snprintf(err, errlen, "%s state: truncated header", dc->name);
        return false;
    }
    if (version != dc->vmstate_version) {
        snprintf(err, errlen, "%s state: version %u, this build reads version %u", dc->name,
                 version, dc->vmstate_version);
        return false;
    }
    if (nfields != vmstate_nfields(dc)) {
        snprintf(err, errlen, "%s state: %u fields saved, this build has %u", dc->name, nfields,
                 vmstate_nfields(dc));
        return false;
    }
    if (!vmstate_walk(dc, (uint8_t *)dev, &lv.v)) return false;
    if (lv.s.pos != len) {
        snprintf(err, errlen, "%s state: %zu bytes of trailing data", dc->name, len - lv.s.pos);
        return false;
    }
    return true;
}

bool vmstate_load(Device *dev, const uint8_t *buf, size_t len, char *err, size_t errlen)
{
    if (!load_pass(dev, buf, len, false, err, errlen)) return false;
    load_pass(dev, buf, len, true, err, errlen);
    if (dev->class->post_load) dev->class->post_load(dev);
    return true;
}

/* ---- print: "name = 0x..", arrays as [a b c*n] with runs folded ---- */

typedef struct PrintVisitor {
    VMStateVisitor v;
    FILE *out;
    uint64_t run_value;
    uint32_t run_len;
} PrintVisitor;

static void print_run(PrintVisitor *pv, const VMStateField *f)
{
    if (!pv->run_len) return;
    fprintf(pv->out, "0x%0*llx", (int)vms_elem_size(f->type) * 2,
            (unsigned long long)pv->run_value);
    if (pv->run_len > 1) fprintf(pv->out, "*%u", pv->run_len);
}

static bool print_field(VMStateVisitor *v, const VMStateField *f)
{
    PrintVisitor *pv = (PrintVisitor *)v;
    fprintf(pv->out, "%s = %s", f->name, f->count > 1 ? "[" : "");
    pv->run_len = 0;
    return true;
}

static bool print_element(VMStateVisitor *v, const VMStateField *f, uint32_t i, void *ptr)
{
    PrintVisitor *pv = (PrintVisitor *)v;
    uint64_t val = vms_get(ptr, f->type);
    if (pv->run_len && val == pv->run_value) {
        pv->run_len++;
        return true;
    }
    if (pv->run_len) {
        print_run(pv, f);
        fputc(' ', pv->out);
    }
    pv->run_value = val;
    pv->run_len = 1;
    return true;
}

static void print_field_end(VMStateVisitor *v, const VMStateField *f)
{
    PrintVisitor *pv = (PrintVisitor *)v;
    print_run(pv, f);
    fprintf(pv->out, "%s\n", f->count > 1 ? "]" : "");
}

void vmstate_print(const Device *dev, FILE *out)
{
    PrintVisitor pv = {{print_field, print_element, print_field_end}, out, 0, 0};
    vmstate_walk(dev->class, (uint8_t *)dev, &pv.v);
}
