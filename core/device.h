/*
 * Device framework (blueprint §8).  A device is a struct that embeds Device
 * first, described by one const DeviceClass: properties (typed, settable
 * from -device), realize/reset, and a state description table (VMState)
 * that one generic walker uses for snapshots, loading and info qtree.
 * Devices meet only through IRQ lines, buses and memory.
 *
 *     Device *d = device_create(m, "uart16550");        // defaults applied
 *     device_set_prop(d, "regshift", "2", err, sizeof err);
 *     if (!device_realize(d)) ...                        // printed one line
 *
 * Boards usually call a device's own <name>_create() helper instead.
 */
#ifndef DOPPEL_DEVICE_H
#define DOPPEL_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct Machine Machine;
typedef struct Device Device;
typedef struct Chardev Chardev;
typedef struct Timer Timer;

/* ---- IRQ lines ---- */

/* An input pin of some device (interrupt controller, cpu).  The owner
 * initialises it; other devices hold IrqLine * outputs that the machine
 * connects.  The handler runs only when the level changes. */
typedef struct IrqLine {
    void (*handler)(void *opaque, int n, int level);
    void *opaque;
    int n;     /* pin number passed to the handler */
    int level; /* current level, 0 or 1 */
} IrqLine;

void irq_init(IrqLine *irq, void (*handler)(void *opaque, int n, int level), void *opaque, int n);
/* All of these ignore a NULL line (an unconnected output). */
void irq_set(IrqLine *irq, int level);
static inline void irq_raise(IrqLine *irq)
{
    irq_set(irq, 1);
}
static inline void irq_lower(IrqLine *irq)
{
    irq_set(irq, 0);
}
/* Raise then lower (edge-triggered inputs). */
void irq_pulse(IrqLine *irq);

/* ---- properties ---- */

typedef enum PropType {
    PROP_BOOL,    /* bool: on/off, true/false, yes/no, 1/0 */
    PROP_U8,      /* uint8_t */
    PROP_U16,     /* uint16_t */
    PROP_U32,     /* uint32_t: decimal, 0x hex, K/M/G suffixes */
    PROP_U64,     /* uint64_t */
    PROP_STRING,  /* char *, owned by the device (freed with it) */
    PROP_CHARDEV, /* Chardev *, given as a chardev id (see chardev_find) */
} PropType;

typedef struct Property {
    const char *name;
    PropType type;
    size_t offset;       /* of the field in the device struct */
    uint64_t def;        /* default for numbers and bools */
    const char *def_str; /* default for strings (NULL: none) */
    const char *desc;    /* one line for -device <name>,help */
} Property;

/* Type-checked field offset: fails to compile if field is not of ctype. */
#define DEVICE_FIELD_OFFSET(State, field, ctype)                                                   \
    (offsetof(State, field) + 0 * sizeof((ctype *)0 == &((State *)0)->field))

#define DEFINE_PROP_BOOL(n, S, f, d, ds)                                                           \
    {                                                                                              \
        n, PROP_BOOL, DEVICE_FIELD_OFFSET(S, f, bool), d, NULL, ds                                 \
    }
#define DEFINE_PROP_U8(n, S, f, d, ds)                                                             \
    {                                                                                              \
        n, PROP_U8, DEVICE_FIELD_OFFSET(S, f, uint8_t), d, NULL, ds                                \
    }
#define DEFINE_PROP_U16(n, S, f, d, ds)                                                            \
    {                                                                                              \
        n, PROP_U16, DEVICE_FIELD_OFFSET(S, f, uint16_t), d, NULL, ds                              \
    }
#define DEFINE_PROP_U32(n, S, f, d, ds)                                                            \
    {                                                                                              \
        n, PROP_U32, DEVICE_FIELD_OFFSET(S, f, uint32_t), d, NULL, ds                              \
    }
#define DEFINE_PROP_U64(n, S, f, d, ds)                                                            \
    {                                                                                              \
        n, PROP_U64, DEVICE_FIELD_OFFSET(S, f, uint64_t), d, NULL, ds                              \
    }
#define DEFINE_PROP_STRING(n, S, f, d, ds)                                                         \
    {                                                                                              \
        n, PROP_STRING, DEVICE_FIELD_OFFSET(S, f, char *), 0, d, ds                                \
    }
#define DEFINE_PROP_CHARDEV(n, S, f, ds)                                                           \
    {                                                                                              \
        n, PROP_CHARDEV, DEVICE_FIELD_OFFSET(S, f, Chardev *), 0, NULL, ds                         \
    }
#define DEFINE_PROP_END                                                                            \
    {                                                                                              \
        NULL                                                                                       \
    }

/* ---- state description (snapshots, record/replay, info qtree) ---- */

typedef enum VMStateType {
    VMS_U8,
    VMS_U16,
    VMS_U32,
    VMS_U64,
    VMS_BOOL,
    VMS_BUFFER, /* count raw bytes */
    /* A Timer * field: saved as its expiry on the timer's clock (or "not
     * pending"), re-armed on load.  The Timer itself is made by realize. */
    VMS_TIMER,
} VMStateType;

typedef struct VMStateField {
    const char *name;
    size_t offset;
    VMStateType type;
    uint32_t count; /* elements (1 for a scalar; bytes for VMS_BUFFER) */
} VMStateField;

#define VMSTATE_ARRAY_LEN(S, f) ((uint32_t)(sizeof(((S *)0)->f) / sizeof(((S *)0)->f[0])))

#define VMSTATE_U8(S, f)                                                                           \
    {                                                                                              \
#f, DEVICE_FIELD_OFFSET(S, f, uint8_t), VMS_U8, 1                                          \
    }
#define VMSTATE_U16(S, f)                                                                          \
    {                                                                                              \
#f, DEVICE_FIELD_OFFSET(S, f, uint16_t), VMS_U16, 1                                        \
    }
#define VMSTATE_U32(S, f)                                                                          \
    {                                                                                              \
#f, DEVICE_FIELD_OFFSET(S, f, uint32_t), VMS_U32, 1                                        \
    }
#define VMSTATE_U64(S, f)                                                                          \
    {                                                                                              \
#f, DEVICE_FIELD_OFFSET(S, f, uint64_t), VMS_U64, 1                                        \
    }
#define VMSTATE_BOOL(S, f)                                                                         \
    {                                                                                              \
#f, DEVICE_FIELD_OFFSET(S, f, bool), VMS_BOOL, 1                                           \
    }
#define VMSTATE_U8_ARRAY(S, f)                                                                     \
    {                                                                                              \
#f, DEVICE_FIELD_OFFSET(S, f[0], uint8_t), VMS_U8, VMSTATE_ARRAY_LEN(S, f)                 \
    }
#define VMSTATE_U16_ARRAY(S, f)                                                                    \
    {                                                                                              \
#f, DEVICE_FIELD_OFFSET(S, f[0], uint16_t), VMS_U16, VMSTATE_ARRAY_LEN(S, f)               \
    }
#define VMSTATE_U32_ARRAY(S, f)                                                                    \
    {                                                                                              \
#f, DEVICE_FIELD_OFFSET(S, f[0], uint32_t), VMS_U32, VMSTATE_ARRAY_LEN(S, f)               \
    }
#define VMSTATE_U64_ARRAY(S, f)                                                                    \
    {                                                                                              \
#f, DEVICE_FIELD_OFFSET(S, f[0], uint64_t), VMS_U64, VMSTATE_ARRAY_LEN(S, f)               \
    }
#define VMSTATE_BUFFER(S, f)                                                                       \
    {                                                                                              \
#f, DEVICE_FIELD_OFFSET(S, f[0], uint8_t), VMS_BUFFER, sizeof(((S *)0)->f)                 \
    }
#define VMSTATE_TIMER(S, f)                                                                        \
    {                                                                                              \
#f, DEVICE_FIELD_OFFSET(S, f, Timer *), VMS_TIMER, 1                                       \
    }
#define VMSTATE_END                                                                                \
    {                                                                                              \
        NULL                                                                                       \
    }

/* ---- classes and instances ---- */

typedef struct DeviceClass {
    const char *name;
    const char *desc; /* one line for -device help */
    size_t instance_size;
    const Property *props;       /* DEFINE_PROP_END-terminated, or NULL */
    const VMStateField *vmstate; /* VMSTATE_END-terminated, or NULL */
    uint32_t vmstate_version;    /* bump when the meaning of fields changes */
    /* Set up regions, timers, chardev handlers.  Returns false after
     * printing one line ("doppel: <dev>: ...") on error. */
    bool (*realize)(Device *dev, Machine *m);
    void (*reset)(Device *dev);
    void (*post_load)(Device *dev); /* after vmstate_load: re-derive outputs */
    void (*finalize)(Device *dev);  /* free what realize allocated */
    bool user_creatable;            /* may be created with -device */
    /* info irq: one line per input pin with the times it was raised
     * (interrupt controllers); NULL for other devices. */
    void (*irq_stats)(Device *dev, FILE *out);
} DeviceClass;

#define DEVICE_MAX_IRQ_OUT 8

struct Device {
    const DeviceClass *class;
    char *id; /* -device ...,id= (NULL: anonymous) */
    Machine *machine;
    Device *next; /* in machine->devices */
    bool realized;
    IrqLine *irq_out[DEVICE_MAX_IRQ_OUT]; /* generic outputs, see device_connect_irq */
};

void device_register(const DeviceClass *dc);
#define DEVICE_REGISTER(dc_var)                                                                    \
    __attribute__((constructor)) static void register_device_##dc_var(void)                        \
    {                                                                                              \
        device_register(&dc_var);                                                                  \
    }

const DeviceClass *device_find_class(const char *name);
/* -device help: sorted, name and description. */
void device_print_list(FILE *out);
/* -device <name>,help: the properties with type, default and description.
 * False (nothing printed) if no such device. */
bool device_print_props(const char *name, FILE *out);

/* Allocate an instance with its defaults set; NULL for an unknown type.
 * m may be NULL (unit tests). */
Device *device_create(Machine *m, const char *type);
/* Typed parse of value into the named property.  On error writes one line
 * (no "doppel:" prefix), e.g. "property 'regshift' expects a number, got
 * 'x'", and returns false. */
bool device_set_prop(Device *dev, const char *name, const char *value, char *err, size_t errlen);
/* Read back a property as text (tests, info qtree). */
bool device_get_prop(const Device *dev, const char *name, char *buf, size_t len);
/* Check a -device spec without a machine: known, user-creatable device,
 * known properties, well-formed values.  One line in err on failure. */
bool device_check_spec(const char *spec, char *err, size_t errlen);
/* -device name,prop=val,...,id=x: create, set, realize.  Prints one line
 * ("doppel: -device ...: ...") and returns false on error. */
bool device_create_from_spec(Machine *m, const char *spec);
/* Realize (printing one line on failure), reset, and append to
 * dev->machine->devices when there is a machine.  On failure the device
 * is freed. */
bool device_realize(Device *dev);
void device_reset(Device *dev);
void device_reset_all(Machine *m);
/* Finalize and free one device (unlinking it from its machine's list) or
 * all of a machine's devices. */
void device_free(Device *dev);
void device_free_all(Machine *m);
/* Connect generic output n to an input line (NULL disconnects). */
void device_connect_irq(Device *dev, int n, IrqLine *line);

/* ---- state description walker ---- */

/* Serialise the device state: versioned, little-endian, field names
 * included so a different layout is rejected on load.  Returns the bytes
 * needed; writes only when len is large enough (call with NULL,0 to size). */
size_t vmstate_save(const Device *dev, uint8_t *buf, size_t len);
/* Load state saved by vmstate_save; false with one line in err if the
 * data is truncated or the layout or version differ (state untouched). */
bool vmstate_load(Device *dev, const uint8_t *buf, size_t len, char *err, size_t errlen);
/* One "field = 0x.." line per field, arrays compactly (info qtree). */
void vmstate_print(const Device *dev, FILE *out);

/* The same walker over any table (cpus, snapshots): name and version
 * travel with the data as a device's class name and vmstate_version do.
 * Timers are read and re-armed through the machine's clocks as they are
 * for devices. */
size_t vmstate_save_table(const char *name, uint32_t version, const VMStateField *fields,
                          const void *base, uint8_t *buf, size_t len);
bool vmstate_load_table(const char *name, uint32_t version, const VMStateField *fields, void *base,
                        const uint8_t *buf, size_t len, char *err, size_t errlen);

#endif
